"""Mainland-China working days (工作日) for deadlines, reminders and escalations.

``WorkCalendar(base, holidays, workdays)`` answers "is this a working day", "n working days
before/after", and "how many working days between". It must not read the clock, know about
checklists or items, or print; it only counts days.

Bases:

* ``"cn"`` (default): the ``chinesecalendar`` table, with its public holidays and 调休 make-up
  working days (e.g. Saturday 2017-09-30 was a working day, 2017-10-01..08 were holidays).
* ``"weekdays"``: Monday to Friday, no holiday table, for teams that choose it explicitly. Every
  year is covered.

A checklist's own ``holidays`` and ``workdays`` override the base, day by day. A day may not be in
both lists.

Year coverage rule (base ``"cn"``): a year is covered if the installed ``chinesecalendar`` knows it,
OR the checklist supplies at least one holiday or workday in that year. In the second case the
checklist is taken to have supplied that year's whole schedule: the year is Monday to Friday plus
the given days. Any calculation that needs an uncovered year raises ``CalendarGap`` naming the year
and saying how to add it. We refuse rather than guess because ``chinesecalendar`` only guesses next
year's holidays without its make-up working days, and a wrong deadline is worse than a clear error.

One exception, for notice days only: a checklist's calendar is built with ``provisional_after=YEAR``
(its ``checklist.year``), and an uncovered year after that year is then counted **provisionally**:
Monday to Friday except 1 January (the one holiday whose date never moves). An overdue notice or an
escalation of a 12-31 deadline lands in the next year, whose schedule the State Council publishes only
around November; such a day is a best guess, validation says so with a warning, and the schedule is
replanned once the year becomes known (``docs/calendar.md``, "The next year"). Deadlines themselves
must still lie in covered years: callers check ``covers`` for them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable

import chinese_calendar

from engine.dates.durations import Duration
from engine.errors import CalendarGap, InputError
from engine.i18n import say

BASES = ("cn", "weekdays")


@functools.cache
def _table_workdays(year: int) -> frozenset[dt.date] | None:
    """The package's working days of ``year``, or None if the package does not know the year."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return None
    return frozenset(d for d in _days_of(year) if chinese_calendar.is_workday(d))


def _days_of(year: int) -> Iterable[dt.date]:
    day = dt.date(year, 1, 1)
    one = dt.timedelta(days=1)
    while day.year == year:
        yield day
        if day == dt.date.max:
            return
        day += one


def _as_date(value: object) -> dt.date:
    # A datetime would never compare equal to the date keys of the per-year sets.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(
        say(
            "工作日历中的“{value}”不是日期。请写成 YYYY-MM-DD，例如 2027-01-01。",
            'The calendar entry "{value}" is not a date. Write it as YYYY-MM-DD, e.g. 2027-01-01.',
            value=value,
        )
    )


class WorkCalendar:
    """Working days of one checklist: a base table plus the checklist's own holidays and workdays."""

    def __init__(
        self,
        base: str = "cn",
        holidays: Iterable[dt.date] = (),
        workdays: Iterable[dt.date] = (),
        provisional_after: int | None = None,
    ) -> None:
        if base not in BASES:
            raise InputError(
                say(
                    "未知的工作日历基准“{base}”。可选：cn（国务院节假日安排）或 weekdays（仅周一至周五）。",
                    'Unknown calendar base "{base}". Use cn (State Council holiday schedule) or weekdays (Monday to Friday only).',
                    base=base,
                )
            )
        self.base = base
        self.holidays = frozenset(_as_date(d) for d in holidays)
        self.workdays = frozenset(_as_date(d) for d in workdays)
        both = sorted(self.holidays & self.workdays)
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise InputError(
                say(
                    "以下日期同时出现在 holidays 和 workdays 中：{dates}。每天只能是其中之一，请从一处删去。",
                    "These dates are listed as both holidays and workdays: {dates}. "
                    "A day can only be one of them; remove it from one list.",
                    dates=listed,
                )
            )
        self._supplied_years = frozenset(d.year for d in self.holidays | self.workdays)
        # Uncovered years after this one are counted provisionally (weekdays except 1 January).
        self.provisional_after = provisional_after
        # Per year: sorted working days for bisecting, and the same as a set for membership.
        self._sorted: dict[int, list[dt.date]] = {}
        self._sets: dict[int, frozenset[dt.date]] = {}

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(base={self.base!r}, holidays={len(self.holidays)} days, "
            f"workdays={len(self.workdays)} days, provisional_after={self.provisional_after!r})"
        )

    # -- coverage ----------------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        """Whether working days of ``year`` are known (see the module docstring for the rule)."""
        if self.base == "weekdays" or year in self._supplied_years:
            return True
        return _table_workdays(year) is not None

    def missing_years(self, dates: Iterable[dt.date]) -> list[int]:
        """The sorted years among ``dates`` that this calendar does not cover."""
        return sorted({d.year for d in dates if not self.covers(d.year)})

    def is_provisional(self, year: int) -> bool:
        """Whether ``year`` is counted provisionally: not covered, but after ``provisional_after``.

        Such a year has Monday to Friday as working days and 1 January as its only holiday, until the
        checklist lists days of that year or ``chinesecalendar`` learns it.
        """
        return self.provisional_after is not None and year > self.provisional_after and not self.covers(year)

    def provisional_years(self, dates: Iterable[dt.date]) -> list[int]:
        """The sorted years among ``dates`` that are counted provisionally (see ``is_provisional``)."""
        return sorted({d.year for d in dates if self.is_provisional(d.year)})

    def _year_set(self, year: int) -> frozenset[dt.date]:
        found = self._sets.get(year)
        if found is None:
            found = self._build(year)
            self._sets[year] = found
            self._sorted[year] = sorted(found)
        return found

    def _year_list(self, year: int) -> list[dt.date]:
        if year not in self._sorted:
            self._year_set(year)
        return self._sorted[year]

    def _build(self, year: int) -> frozenset[dt.date]:
        if year < dt.MINYEAR or year > dt.MAXYEAR:
            raise InputError(
                say(
                    "日期超出可计算的范围（第 {year} 年）。",
                    "The date is outside the range that can be computed (year {year}).",
                    year=year,
                )
            )
        table = _table_workdays(year) if self.base == "cn" else None
        if table is None:
            if self.is_provisional(year):
                return frozenset(d for d in _days_of(year) if d.weekday() < 5 and (d.month, d.day) != (1, 1))
            if not self.covers(year):
                raise self._gap(year)
            table = frozenset(d for d in _days_of(year) if d.weekday() < 5)
        extra_holidays = {d for d in self.holidays if d.year == year}
        extra_workdays = {d for d in self.workdays if d.year == year}
        return frozenset((table - extra_holidays) | extra_workdays)

    def gap(self, year: int) -> CalendarGap:
        """The ``CalendarGap`` error for ``year``: names the year and says how to add its schedule."""
        return self._gap(year)

    @staticmethod
    def _gap(year: int) -> CalendarGap:
        return CalendarGap(
            say(
                "工作日历没有 {year} 年的节假日安排。请在清单的 checklist.calendar 中补充："
                "calendar: {{base: cn, holidays: [{year}-01-01, ...], workdays: [...]}}"
                "（国务院办公厅每年11月前后公布次年安排），或升级 chinesecalendar。",
                "The working-day calendar has no holiday schedule for {year}. Add it to the "
                "checklist under checklist.calendar: "
                "calendar: {{base: cn, holidays: [{year}-01-01, ...], workdays: [...]}} "
                "(the General Office of the State Council publishes next year's schedule around "
                "November), or upgrade chinesecalendar.",
                year=year,
            )
        )

    @staticmethod
    def provisional_note(year: int, first_day: dt.date) -> str:
        """Why days in ``year`` are only provisional, and how to make them definite (a warning's text)."""
        return say(
            "有通知日落在 {year} 年(最早 {day}),而工作日历还没有 {year} 年的节假日安排:"
            "{year} 年的日期暂按周六、周日和 1 月 1 日休息计算,是暂定的。国务院办公厅公布 {year} 年安排后"
            "(每年11月前后),请在清单的 checklist.calendar 中补充:"
            "calendar: {{base: cn, holidays: [{year}-01-01, ...], workdays: [...]}},再载入一次清单"
            "(qingdan load),尚未发出的通知会按新日历改期;升级 chinesecalendar 也可以。",
            "Notice days fall in {year} (the first on {day}), and the working-day calendar has no holiday "
            "schedule for {year} yet: days in {year} are provisional, counted with Saturdays, Sundays and "
            "1 January as the only days off. When the General Office of the State Council publishes the "
            "{year} schedule (around November), add it to the checklist under checklist.calendar: "
            "calendar: {{base: cn, holidays: [{year}-01-01, ...], workdays: [...]}} and load the checklist "
            "again (qingdan load); notices not yet sent then move to the right days. Upgrading "
            "chinesecalendar works too.",
            year=year,
            day=first_day.isoformat(),
        )

    # -- queries -----------------------------------------------------------------------------

    def is_workday(self, d: dt.date) -> bool:
        """Whether ``d`` is a working day; ``CalendarGap`` if its year is neither covered nor provisional."""
        return d in self._year_set(d.year)

    def workdays_before(self, d: dt.date, n: int) -> dt.date:
        """The day ``n`` working days before ``d``, ``d`` itself not counted (n=0 gives ``d``)."""
        _check_count(n)
        if n == 0:
            return d
        if n > DAYS_IN_A_YEAR * (d.year - dt.MINYEAR + 1):  # before the first computable year
            self._build(dt.MINYEAR - 1)
        year = d.year
        days = self._year_list(year)
        index = bisect.bisect_left(days, d)  # working days of this year strictly before d
        while index < n:
            n -= index
            year -= 1
            days = self._year_list(year)
            index = len(days)
        return days[index - n]

    def nth_workday_after(self, d: dt.date, n: int) -> dt.date:
        """The ``n``-th working day strictly after ``d`` (n=0 gives ``d``)."""
        _check_count(n)
        if n == 0:
            return d
        if n > DAYS_IN_A_YEAR * (dt.MAXYEAR - d.year + 1):  # beyond the last computable year: say so before building years
            self._build(dt.MAXYEAR + 1)
        year = d.year
        days = self._year_list(year)
        index = bisect.bisect_right(days, d)  # first working day of this year after d
        while index + n > len(days):
            n -= len(days) - index
            year += 1
            days = self._year_list(year)
            index = 0
        return days[index + n - 1]

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days ``end`` is past ``start``.

        0 when ``end`` is not after ``start``.
        """
        if end <= start:
            return 0
        if start.year == end.year:
            days = self._year_list(start.year)
            return bisect.bisect_right(days, end) - bisect.bisect_right(days, start)
        first = self._year_list(start.year)
        count = len(first) - bisect.bisect_right(first, start)
        for year in range(start.year + 1, end.year):
            count += len(self._year_list(year))
        return count + bisect.bisect_right(self._year_list(end.year), end)

    def days_before(self, d: dt.date, duration: Duration) -> dt.date:
        """The date ``duration`` before ``d``: working days or calendar days per its unit."""
        if duration.unit == "workday":
            return self.workdays_before(d, duration.amount)
        return d - dt.timedelta(days=duration.amount)

    def add(self, d: dt.date, duration: Duration) -> dt.date:
        """The date ``duration`` after ``d``: N calendar days later, or the N-th working day after.

        Pure arithmetic: a rule such as "escalate after N workdays" (on the N+1-th working day)
        adds its own +1.
        """
        if duration.unit == "workday":
            return self.nth_workday_after(d, duration.amount)
        return d + dt.timedelta(days=duration.amount)

    days_after = add


#: no year has more working days than this: a count above it times the years left cannot end inside the calendar
DAYS_IN_A_YEAR = 366


def _check_count(n: int) -> None:
    # A negative count is a caller bug: parse_duration never produces one.
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"working-day count must be a non-negative int, got {n!r}")
