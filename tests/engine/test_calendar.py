"""Working-day arithmetic on the mainland-China calendar, its gaps and checklist overrides."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from engine.dates.calendar import WorkCalendar
from engine.dates.durations import Duration
from engine.errors import CalendarGap, InputError
from engine.i18n import use_language

CN = WorkCalendar()

# Years the installed table knows and whose neighbours it also knows, so walks stay covered.
table_dates = st.dates(min_value=date(2005, 1, 1), max_value=date(2025, 6, 30))
counts = st.integers(min_value=0, max_value=120)


def reference_nth_after(d: date, n: int) -> date:
    """Day-by-day walk with the library itself: slow but obviously right."""
    while n:
        d += timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


# -- the examples of the brief and of docs/calendar.md ---------------------------------------


def test_national_day_2017_one_workday_before_is_the_makeup_saturday():
    assert CN.workdays_before(date(2017, 10, 9), 1) == date(2017, 9, 30)
    assert date(2017, 9, 30).weekday() == 5
    assert CN.is_workday(date(2017, 9, 30))
    assert not any(CN.is_workday(date(2017, 10, day)) for day in range(1, 9))
    assert CN.is_workday(date(2017, 10, 9))


def test_nth_workday_after_examples():
    thursday = date(2017, 7, 20)
    assert CN.nth_workday_after(thursday, 1) == date(2017, 7, 21)
    assert CN.nth_workday_after(thursday, 2) == date(2017, 7, 24)
    # "escalate after N workdays" is the (N+1)-th working day after the deadline.
    assert CN.nth_workday_after(thursday, 1 + 1) == date(2017, 7, 24)
    assert CN.nth_workday_after(thursday, 5 + 1) == date(2017, 7, 28)


def test_zero_counts_return_the_day_itself():
    saturday = date(2017, 7, 22)
    assert CN.workdays_before(saturday, 0) == saturday
    assert CN.nth_workday_after(saturday, 0) == saturday
    assert CN.add(saturday, Duration(0, "workday")) == saturday
    assert CN.days_before(saturday, Duration(0, "day")) == saturday


def test_the_day_itself_is_not_counted():
    # 2017-07-21 is a Friday working day; one working day before it is Thursday.
    assert CN.workdays_before(date(2017, 7, 21), 1) == date(2017, 7, 20)
    assert CN.nth_workday_after(date(2017, 7, 21), 1) == date(2017, 7, 24)


def test_national_day_2017_forward_across_the_holiday():
    assert CN.nth_workday_after(date(2017, 9, 29), 1) == date(2017, 9, 30)
    assert CN.nth_workday_after(date(2017, 9, 29), 2) == date(2017, 10, 9)
    assert CN.workdays_between(date(2017, 9, 29), date(2017, 10, 9)) == 2


# -- 调休 make-up working days ---------------------------------------------------------------


@pytest.mark.parametrize(
    "weekend_workday",
    [date(2017, 9, 30), date(2019, 2, 2), date(2019, 2, 3), date(2018, 12, 29), date(2026, 1, 4)],
)
def test_makeup_weekend_days_are_working_days(weekend_workday):
    assert weekend_workday.weekday() >= 5
    assert CN.is_workday(weekend_workday)


def test_spring_festival_2019_makeup_weekend_counts():
    # Fri 2019-02-01, then Sat 02 and Sun 03 were working days before the 04..10 holiday.
    assert CN.nth_workday_after(date(2019, 2, 1), 1) == date(2019, 2, 2)
    assert CN.nth_workday_after(date(2019, 2, 1), 2) == date(2019, 2, 3)
    assert CN.nth_workday_after(date(2019, 2, 1), 3) == date(2019, 2, 11)
    assert CN.workdays_before(date(2019, 2, 11), 2) == date(2019, 2, 2)


# -- year boundaries ---------------------------------------------------------------------------


def test_counting_back_across_new_year_into_the_previous_year():
    # 2018-12-30..2019-01-01 were holidays; Saturday 2018-12-29 was worked instead.
    assert CN.workdays_before(date(2019, 1, 2), 1) == date(2018, 12, 29)
    assert CN.workdays_before(date(2019, 1, 2), 2) == date(2018, 12, 28)
    # 2018-01-01 (Mon) was a holiday, 2017-12-30/31 a weekend.
    assert CN.workdays_before(date(2018, 1, 2), 1) == date(2017, 12, 29)


def test_counting_forward_across_new_year():
    assert CN.nth_workday_after(date(2018, 12, 29), 1) == date(2019, 1, 2)
    assert CN.nth_workday_after(date(2017, 12, 29), 1) == date(2018, 1, 2)


def test_long_walks_cross_several_years():
    start = date(2010, 6, 1)
    later = CN.nth_workday_after(start, 1000)
    assert later.year == 2014
    assert later == reference_nth_after(start, 1000)
    assert CN.workdays_before(later, 1000) == start
    assert CN.workdays_between(start, later) == 1000


def test_workdays_between_counts_half_open_interval():
    assert CN.workdays_between(date(2017, 7, 20), date(2017, 7, 20)) == 0
    assert CN.workdays_between(date(2017, 7, 20), date(2017, 7, 21)) == 1
    assert CN.workdays_between(date(2017, 7, 20), date(2017, 7, 23)) == 1  # weekend adds none
    assert CN.workdays_between(date(2017, 7, 20), date(2017, 7, 28)) == 6
    assert CN.workdays_between(date(2017, 7, 28), date(2017, 7, 20)) == 0
    assert CN.workdays_between(date(2018, 12, 28), date(2019, 1, 2)) == 2


def test_durations_in_days_and_workdays():
    d = date(2017, 10, 9)
    assert CN.days_before(d, Duration(1, "workday")) == date(2017, 9, 30)
    assert CN.days_before(d, Duration(3, "day")) == date(2017, 10, 6)
    assert CN.add(date(2017, 7, 20), Duration(2, "workday")) == date(2017, 7, 24)
    assert CN.add(date(2017, 7, 20), Duration(2, "day")) == date(2017, 7, 22)
    assert CN.days_after(date(2017, 9, 29), Duration(2, "workday")) == date(2017, 10, 9)


def test_negative_counts_are_a_programming_error():
    with pytest.raises(ValueError):
        CN.workdays_before(date(2017, 7, 20), -1)
    with pytest.raises(ValueError):
        CN.nth_workday_after(date(2017, 7, 20), -1)


# -- coverage and the 2027 gap -----------------------------------------------------------------


def test_coverage_follows_the_installed_table():
    assert CN.covers(2017) and CN.covers(2004) and CN.covers(2026)
    assert not CN.covers(2027)
    assert not CN.covers(2003)
    dates = [date(2017, 1, 3), date(2027, 3, 1), date(2027, 5, 1), date(2003, 1, 1)]
    assert CN.missing_years(dates) == [2003, 2027]
    assert CN.missing_years([date(2017, 1, 3)]) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_2027_gap_names_the_year_and_how_to_add_it(lang):
    with use_language(lang), pytest.raises(CalendarGap) as caught:
        CN.is_workday(date(2027, 1, 4))
    message = str(caught.value)
    assert "2027" in message
    assert "calendar" in message
    assert "checklist.calendar" in message
    assert "holidays: [2027-01-01" in message and "workdays:" in message
    assert "chinesecalendar" in message
    assert ("国务院" in message) if lang == "zh" else ("State Council" in message)


def test_walking_into_an_uncovered_year_is_a_gap():
    with pytest.raises(CalendarGap, match="2027"):
        CN.nth_workday_after(date(2026, 12, 30), 5)
    with pytest.raises(CalendarGap, match="2003"):
        CN.workdays_before(date(2004, 1, 2), 5)
    with pytest.raises(CalendarGap, match="2027"):
        CN.workdays_between(date(2026, 12, 1), date(2027, 1, 5))
    # Staying inside the covered year needs no 2027 data.
    assert CN.nth_workday_after(date(2026, 12, 30), 1) == date(2026, 12, 31)


def test_checklist_supplied_2027_schedule_covers_that_year():
    # Hypothetical 2027 New Year: Fri 01 holiday, Sat 02 holiday, Sat 09 worked.
    cal = WorkCalendar(
        "cn",
        holidays=[date(2027, 1, 1), date(2027, 2, 8)],
        workdays=[date(2027, 1, 9)],
    )
    assert cal.covers(2027)
    assert not cal.covers(2028)
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 1, 4))  # a plain Monday
    assert not cal.is_workday(date(2027, 1, 10))  # a plain Sunday
    assert cal.is_workday(date(2027, 1, 9))  # make-up Saturday
    assert not cal.is_workday(date(2027, 2, 8))
    assert cal.nth_workday_after(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.workdays_before(date(2027, 1, 4), 1) == date(2026, 12, 31)
    assert cal.nth_workday_after(date(2027, 1, 8), 1) == date(2027, 1, 9)
    with pytest.raises(CalendarGap, match="2028"):
        cal.is_workday(date(2028, 1, 3))


def test_checklist_days_override_a_known_year():
    cal = WorkCalendar(holidays=[date(2017, 7, 21)], workdays=[date(2017, 7, 22)])
    assert not cal.is_workday(date(2017, 7, 21))
    assert cal.is_workday(date(2017, 7, 22))
    # The rest of 2017 still comes from the table.
    assert cal.workdays_before(date(2017, 10, 9), 1) == date(2017, 9, 30)
    assert cal.nth_workday_after(date(2017, 7, 20), 1) == date(2017, 7, 22)


def test_dates_given_as_text_or_datetimes_are_accepted():
    from datetime import datetime

    cal = WorkCalendar(holidays=["2027-01-01"], workdays=[datetime(2027, 1, 9, 8, 30)])
    assert cal.covers(2027)
    assert cal.is_workday(date(2027, 1, 9))
    assert not cal.is_workday(date(2027, 1, 1))
    with use_language("en"), pytest.raises(InputError, match="YYYY-MM-DD"):
        WorkCalendar(holidays=["next friday"])


def test_a_day_in_both_lists_is_refused():
    with use_language("en"), pytest.raises(InputError) as caught:
        WorkCalendar(holidays=[date(2027, 1, 1), date(2027, 1, 2)], workdays=[date(2027, 1, 2)])
    assert "2027-01-02" in str(caught.value)
    assert "2027-01-01" not in str(caught.value)
    with use_language("zh"), pytest.raises(InputError, match="holidays 和 workdays"):
        WorkCalendar(holidays=[date(2027, 1, 2)], workdays=[date(2027, 1, 2)])


def test_unknown_base_is_refused():
    with use_language("en"), pytest.raises(InputError) as caught:
        WorkCalendar("us")
    assert '"us"' in str(caught.value) and "weekdays" in str(caught.value)


# -- the 'weekdays' base -----------------------------------------------------------------------


def test_weekdays_base_ignores_the_holiday_table():
    cal = WorkCalendar("weekdays")
    assert not cal.is_workday(date(2017, 9, 30))  # 调休 Saturday is not worked here
    assert cal.is_workday(date(2017, 10, 2))  # National Day Monday is
    assert cal.workdays_before(date(2017, 10, 9), 1) == date(2017, 10, 6)
    assert cal.nth_workday_after(date(2017, 7, 20), 2) == date(2017, 7, 24)


def test_weekdays_base_covers_every_year_and_takes_extra_days():
    cal = WorkCalendar("weekdays", holidays=[date(2030, 1, 1)])
    assert cal.covers(2030) and cal.covers(1999) and cal.covers(2100)
    assert cal.missing_years([date(1999, 1, 1), date(2100, 1, 1)]) == []
    assert not cal.is_workday(date(2030, 1, 1))  # a Tuesday, given as holiday
    assert cal.nth_workday_after(date(2029, 12, 31), 1) == date(2030, 1, 2)
    # 2100 is not a leap year and starts on a Friday: 52 weeks plus one weekday.
    assert cal.workdays_between(date(2099, 12, 31), date(2101, 1, 1)) == 261


# -- properties --------------------------------------------------------------------------------


@given(table_dates, counts)
def test_back_and_forth_is_identity_from_a_working_day(d, n):
    assume(CN.is_workday(d))
    assert CN.workdays_before(CN.nth_workday_after(d, n), n) == d


@given(table_dates, st.integers(min_value=1, max_value=120))
def test_results_are_always_working_days(d, n):
    after = CN.nth_workday_after(d, n)
    before = CN.workdays_before(d, n)
    assert CN.is_workday(after) and chinese_calendar.is_workday(after)
    assert CN.is_workday(before) and chinese_calendar.is_workday(before)
    assert before < d < after
    assert CN.workdays_between(d, after) == n
    assert CN.workdays_between(before, d) == n - 1 + (1 if CN.is_workday(d) else 0)


@given(table_dates, st.integers(min_value=0, max_value=40))
def test_agrees_with_a_day_by_day_walk_over_the_library(d, n):
    assert CN.nth_workday_after(d, n) == reference_nth_after(d, n)
