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


#: the years the clock may be set to (``--now``, ``QINGDAN_NOW``, the web's ``NOW``): a list's year is 2000–2100, and
#: its notices and restatements may run a while past it
CLOCK_YEARS = (2000, 2199)


def parse_instant(text: str, zone: dt.tzinfo = DEFAULT_ZONE) -> dt.datetime:
    text = text.strip()
    try:
        if len(text) == 10:
            value = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(12, 0), zone)
        else:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            say(
                "时间 “{t}” 无法识别;请写成 2017-07-21 或 2017-07-21T09:30(ISO-8601)。",
                "cannot read the time '{t}'; write it like 2017-07-21 or 2017-07-21T09:30 (ISO-8601).",
                t=text,
            )
        ) from None
    value = value if value.tzinfo else value.replace(tzinfo=zone)
    if not CLOCK_YEARS[0] <= value.year <= CLOCK_YEARS[1]:  # year 1 or 9999 overflow at the first zone change or date step
        raise InputError(
            say(
                "时间 “{t}” 超出可用的范围:引擎时钟只能设在 {a} 年至 {b} 年之间。",
                "the time '{t}' is out of range: the engine clock can only be set between the years {a} and {b}.",
                t=text,
                a=CLOCK_YEARS[0],
                b=CLOCK_YEARS[1],
            )
        )
    return value


def clock_from(now: str | None) -> Clock:
    return FixedClock(parse_instant(now)) if now else SystemClock()


def local_date(instant: dt.datetime, zone: str | dt.tzinfo = DEFAULT_ZONE) -> dt.date:
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return instant.astimezone(tz).date()


def show(instant: dt.datetime, zone: str | dt.tzinfo = DEFAULT_ZONE) -> str:
    """An instant as people read it: ISO-8601 in the checklist's zone, to the second."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return instant.astimezone(tz).isoformat(timespec="seconds")
