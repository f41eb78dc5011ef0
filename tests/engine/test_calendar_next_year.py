"""Notice days that spill into next year: provisional until the year's schedule is known, then replanned.

chinesecalendar 1.11 knows 2004-2026, so a 2026 list stands for "this year's list" and 2027 for "next year".
"""

import datetime as dt
from datetime import date

import pytest
from sqlalchemy import select

from engine.dates.calendar import WorkCalendar
from engine.dates.clock import FixedClock
from engine.definition.validation import validate_text
from engine.errors import CalendarGap
from engine.i18n import use_language
from engine.runtime.loader import load
from engine.store.tables import schedule, tasks
from tests.conftest import SHANGHAI, at

pytestmark = pytest.mark.skipif(WorkCalendar().covers(2027), reason="chinesecalendar knows 2027 now: pick later years")

LIST_2026 = """\
checklist:
  id: town-2026
  title: 某镇2026年任务清单
  year: 2026
units:
  town: {name: 党政办}
people:
  wang: {name: 王建国, roles: [head]}
  li: {name: 李文华, roles: [leader]}
  zhang: {name: 张明, unit: town}
workflows:
  build:
    title: 建设
    initial: planning
    states:
      planning: {label: 规划}
      done: {label: 完成, final: true}
    transitions:
      - {trigger: finish, from: planning, to: done}
defaults:
  remind: [5 workdays]
  escalate:
    - {after: 1 workday, to: leader}
tasks:
  - id: T1
    title: 年底完工
    unit: town
    responsible: zhang
    leader: li
    workflow: build
    deadlines: {done: 2026-12-31}
  - id: T2
    title: 每季度走访
    unit: town
    responsible: zhang
    leader: li
    recurring: {every: quarter}
"""
SUPPLIED = LIST_2026.replace("  year: 2026\n", "  year: 2026\n  calendar: {base: cn, holidays: [2027-01-01, 2027-01-04]}\n")


def test_a_year_after_the_lists_year_is_provisional_weekdays_without_new_year():
    cal = WorkCalendar("cn", provisional_after=2026)
    assert not cal.covers(2027) and cal.is_provisional(2027) and not cal.is_provisional(2026)
    assert not cal.is_workday(date(2027, 1, 1))  # a Friday, New Year's Day
    assert not cal.is_workday(date(2027, 1, 2)) and cal.is_workday(date(2027, 1, 4))
    assert cal.is_workday(date(2027, 2, 8))  # whatever Spring Festival will be: unknown, so a plain Monday
    assert cal.nth_workday_after(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.provisional_years([date(2026, 12, 31), date(2027, 1, 4), date(2028, 3, 1)]) == [2027, 2028]
    assert cal.missing_years([date(2027, 1, 4)]) == [2027]  # still not covered: deadlines there are refused


def test_without_a_list_year_or_before_it_there_is_no_guessing():
    with pytest.raises(CalendarGap, match="2027"):
        WorkCalendar("cn").nth_workday_after(date(2026, 12, 31), 1)
    with pytest.raises(CalendarGap, match="2027"):
        WorkCalendar("cn", provisional_after=2027).is_workday(date(2027, 1, 4))
    with pytest.raises(CalendarGap, match="2003"):
        WorkCalendar("cn", provisional_after=2004).workdays_before(date(2004, 1, 2), 5)


def test_a_supplied_or_weekdays_year_is_not_provisional():
    supplied = WorkCalendar("cn", holidays=[date(2027, 1, 1), date(2027, 1, 4)], provisional_after=2026)
    assert supplied.covers(2027) and not supplied.is_provisional(2027)
    assert supplied.nth_workday_after(date(2026, 12, 31), 1) == date(2027, 1, 5)
    assert not WorkCalendar("weekdays", provisional_after=2026).is_provisional(2027)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_list_whose_notices_spill_into_next_year_validates_with_a_located_warning(lang, steps):
    with use_language(lang):
        result = validate_text(LIST_2026, "c.yaml", steps)
        assert result.ok, [p.format() for p in result.errors]
        warnings = [p.format() for p in result.warnings]
    assert len(warnings) == 2, warnings
    deadline, duty = warnings
    assert deadline.startswith("c.yaml:31:17: ")  # the 'done' key of T1's deadline
    assert duty.startswith("c.yaml:37:5: ")  # T2's 'recurring' key: the last quarter ends on 12-31
    assert "2027" in deadline and "2027-01-04" in deadline and "checklist.calendar" in deadline
    assert "holidays: [2027-01-01" in deadline and "workdays:" in deadline and "qingdan load" in deadline
    if lang == "zh":
        assert "暂定" in deadline and "1 月 1 日" in deadline and "国务院" in deadline
        assert "见第 31 行" in duty
    else:
        assert "provisional" in deadline and "1 January" in deadline and "State Council" in deadline
        assert "see line 31" in duty
    planned = result.definition.calendar
    assert planned.is_provisional(2027)


def test_supplying_next_years_days_removes_the_warning(steps):
    result = validate_text(SUPPLIED, "c.yaml", steps)
    assert result.ok and result.warnings == []


def test_a_deadline_in_an_unknown_year_is_still_an_error(steps):
    text = LIST_2026.replace("deadlines: {done: 2026-12-31}", "deadlines: {done: 2027-01-05}")
    errors = [p.format() for p in validate_text(text, "c.yaml", steps).errors]
    assert len(errors) == 1 and errors[0].startswith("c.yaml:31:23: ") and "2027" in errors[0] and "checklist.calendar" in errors[0]


def pending(store, kind, task="T1"):
    """When the pending notices of this kind for the task's 2026-12-31 deadline go out (local time)."""
    with store.read() as conn:
        rows = conn.execute(
            select(schedule.c.fire_at)
            .join(tasks, tasks.c.id == schedule.c.task_id)
            .where(
                tasks.c.checklist_id == "town-2026",
                tasks.c.key == task,
                schedule.c.due_date == date(2026, 12, 31),
                schedule.c.kind == kind,
                schedule.c.pending.is_(True),
            )
        ).all()
    return sorted(row.fire_at.astimezone(SHANGHAI) for row in rows)


def nine(day):
    return dt.datetime.combine(day, dt.time(9, 0), SHANGHAI)


def test_supplying_the_year_later_and_reloading_moves_the_pending_notices(store, steps):
    clock = FixedClock(at("2026-11-02"))
    load(store, [validate_text(LIST_2026, "c.yaml", steps).definition], clock=clock)
    # 12-31 is a Thursday; 2027-01-01 is New Year's Day: the overdue notice goes out on Monday 01-04
    assert pending(store, "overdue") == [nine(date(2027, 1, 4))]
    assert pending(store, "escalation") == [nine(date(2027, 1, 5))]
    # the 2027 schedule is published and added to the list (here: 01-04 off as well)
    report = load(store, [validate_text(SUPPLIED, "c.yaml", steps).definition], clock=FixedClock(at("2026-11-20")))
    assert report[0].action == "updated"
    assert pending(store, "overdue") == [nine(date(2027, 1, 5))]
    assert pending(store, "escalation") == [nine(date(2027, 1, 6))]


def test_the_schedulers_first_pass_replans_when_the_library_learns_the_year(store, steps, monkeypatch):
    """An upgraded chinesecalendar changes no checklist, so no load replans: the restarted scheduler does."""
    import engine.dates.calendar as calendar_module
    from engine import catalog
    from engine.reminders.scheduler import SweepContext, sweep_job

    clock = FixedClock(at("2026-11-02"))
    load(store, [validate_text(LIST_2026, "c.yaml", steps).definition], clock=clock)
    assert pending(store, "overdue") == [nine(date(2027, 1, 4))]

    known = calendar_module._table_workdays

    def upgraded(year):  # a chinesecalendar that knows 2027, with 01-01 to 01-04 off
        if year == 2027:
            days = (date(2027, 1, 1) + dt.timedelta(days=n) for n in range(365))
            return frozenset(d for d in days if d.weekday() < 5 and d not in (date(2027, 1, 1), date(2027, 1, 4)))
        return known(year)

    monkeypatch.setattr(calendar_module, "_table_workdays", upgraded)
    monkeypatch.setattr(catalog, "_cache", {})  # a new process: definitions and their calendars built afresh
    context = SweepContext(store, FixedClock(at("2026-11-20")), [])
    sweep_job(context)
    assert context.replanned
    assert pending(store, "overdue") == [nine(date(2027, 1, 5))]
    assert pending(store, "escalation") == [nine(date(2027, 1, 6))]
    sweep_job(context)  # once per process
    assert pending(store, "overdue") == [nine(date(2027, 1, 5))]
