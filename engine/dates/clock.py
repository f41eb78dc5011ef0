"""The engine's clock. Everything that needs "now" is handed a ``Clock``; nothing reads the system time itself.

``--now`` / ``QINGDAN_NOW`` set it for one command (drills, back-filling, simulating a year in tests).
A value without a zone is read in Asia/Shanghai; a date alone means 12:00 that day, after the
day's notices (default 09:00) fell due.

An instant read from a set clock (``FixedClock``, ``OffsetClock``: ``--now``, ``QINGDAN_NOW``, the web's demo
clock) is a ``SetInstant``; the audit trail records events entered at such an instant as simulated
(``is_set``). The system clock's instants are plain datetimes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from engine.errors import InputError
from engine.i18n import say

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")


class SetInstant(dt.datetime):
    """An instant that came from a set clock rather than the system's: a drill, a simulation, the demo.

    A plain ``datetime`` in every other respect; arithmetic, ``astimezone`` and ``replace`` keep the mark."""


def set_instant(instant: dt.datetime) -> SetInstant:
    if isinstance(instant, SetInstant):
        return instant
    return SetInstant(
        instant.year,
        instant.month,
        instant.day,
        instant.hour,
        instant.minute,
        instant.second,
        instant.microsecond,
        instant.tzinfo,
        fold=instant.fold,
    )


def is_set(instant: dt.datetime) -> bool:
    """Whether ``instant`` was read from a set clock (``--now``, ``QINGDAN_NOW``, the demo)."""
    return isinstance(instant, SetInstant)


class Clock:
    def now(self) -> dt.datetime:  # pragma: no cover - interface
        raise NotImplementedError


class SystemClock(Clock):
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock(Clock):
    """Always the same instant; ``advance`` moves it (tests, ``tick --now``)."""

    def __init__(self, at: dt.datetime):
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at

    def now(self) -> dt.datetime:
        return set_instant(self.at)

    def advance(self, **delta) -> None:
        self.at = self.at + dt.timedelta(**delta)


class OffsetClock(Clock):
    """Starts at a given instant and then runs at real speed (a long-running drill with ``--now``)."""

    def __init__(self, start: dt.datetime, base: Clock | None = None):
        self.base = base or SystemClock()
        self.offset = start - self.base.now()

    def now(self) -> dt.datetime:
        return set_instant(self.base.now() + self.offset)


def parse_instant(text: str, zone: dt.tzinfo = DEFAULT_ZONE) -> dt.datetime:
    text = text.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time(12, 0), zone)
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            say(
                "时间 “{t}” 无法识别;请写成 2017-07-21 或 2017-07-21T09:30(ISO-8601)。",
                "cannot read the time '{t}'; write it like 2017-07-21 or 2017-07-21T09:30 (ISO-8601).",
                t=text,
            )
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=zone)


def clock_from(now: str | None) -> Clock:
    return FixedClock(parse_instant(now)) if now else SystemClock()


def local_date(instant: dt.datetime, zone: str | dt.tzinfo = DEFAULT_ZONE) -> dt.date:
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return instant.astimezone(tz).date()


def show(instant: dt.datetime, zone: str | dt.tzinfo = DEFAULT_ZONE) -> str:
    """An instant as people read it: ISO-8601 in the checklist's zone, to the second."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return instant.astimezone(tz).isoformat(timespec="seconds")
