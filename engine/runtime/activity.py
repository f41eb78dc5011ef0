"""The activity date: when something happened, as opposed to when it was entered.

A visit made on 1月31 and entered on 2月1 counts for January. Reports, fires and inspections take an optional
activity date; it decides which period or milestone the entry counts for, while the entry time is always the
real clock. It may not be in the future, nor further back than a window: for a recurring duty the start of the
previous period (a report may still be credited to the period that just ended), otherwise ``BACKDATE_DAYS``
days. This module decides that rule for every interface.
"""

from __future__ import annotations

import datetime as dt
import re

from engine.dates.clock import local_date
from engine.dates.periods import period_of
from engine.errors import InputError
from engine.i18n import say

BACKDATE_DAYS = 30
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def earliest_allowed(today: dt.date, every: str | None) -> dt.date:
    """The earliest activity date accepted on ``today``."""
    if every:
        start, _ = period_of(every, today)
        previous_start, _ = period_of(every, start - dt.timedelta(days=1))
        return previous_start
    return today - dt.timedelta(days=BACKDATE_DAYS)


def parse_activity_date(text) -> dt.date | None:
    """``YYYY-MM-DD`` (or empty: today) as typed on the command line or in a form."""
    if text is None or isinstance(text, dt.date):
        return text
    text = str(text).strip()
    if not text:
        return None
    try:
        if not _DAY.fullmatch(text):  # fromisoformat also takes 20170721 and 2017-W29-5: not what people write
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            say(
                "日期 “{d}” 看不懂,请写成 2017-07-21 这样的年-月-日。",
                "the date '{d}' is not understood; write it as year-month-day, e.g. 2017-07-21.",
                d=text,
            ),
            field="on",
        ) from None


def activity_date(on, now: dt.datetime, timezone: str, *, every: str | None = None) -> dt.date:
    """The activity date to record: ``on`` checked against the window, or today (in the checklist's zone)."""
    today = local_date(now, timezone)
    day = parse_activity_date(on)
    if day is None:
        return today
    if day > today:
        raise InputError(
            say(
                "发生日期 {d} 在今天({t})之后;不能预先登记。",
                "the activity date {d} is after today ({t}); nothing can be entered ahead of time.",
                d=day.isoformat(),
                t=today.isoformat(),
            ),
            field="on",
        )
    earliest = earliest_allowed(today, every)
    if day < earliest:
        raise InputError(
            say(
                "发生日期 {d} 太早:最早只能补登到 {e}(周期性工作为上一周期,其他为 {n} 天内)。",
                "the activity date {d} is too far back: the earliest allowed is {e} (the previous period for a "
                "recurring duty, otherwise {n} days).",
                d=day.isoformat(),
                e=earliest.isoformat(),
                n=BACKDATE_DAYS,
            ),
            field="on",
        )
    return day


def statement_date(as_of, now: dt.datetime, timezone: str, year: int | None = None) -> dt.date:
    """The date a document or a restated status speaks for (``--as-of``): today when not given, never after
    today (figures of a day that has not ended yet would change under the reader), and never before the list's
    ``year`` (a list says nothing about the year before it)."""
    today = local_date(now, timezone)
    try:
        day = parse_activity_date(as_of)
    except InputError:
        raise InputError(
            say(
                "截至日期 “{d}” 看不懂,请写成 2017-06-30 这样的年-月-日。",
                "the as-of date '{d}' is not understood; write it as year-month-day, e.g. 2017-06-30.",
                d=as_of,
            ),
            field="as_of",
        ) from None
    if day is None:
        return today
    if day > today:
        raise InputError(
            say(
                "截至日期 {d} 在今天({t})之后;只能统计到今天为止。",
                "the as-of date {d} is after today ({t}); figures can only be stated up to today.",
                d=day.isoformat(),
                t=today.isoformat(),
            ),
            field="as_of",
        )
    if year is not None and day < dt.date(year, 1, 1):
        raise InputError(
            say(
                "截至日期 {d} 早于清单的年度({y} 年);请给 {s} 以后的日期。",
                "the as-of date {d} is before the list's year ({y}); give a date from {s} on.",
                d=day.isoformat(),
                y=year,
                s=dt.date(year, 1, 1).isoformat(),
            ),
            field="as_of",
        )
    return day
