"""Deadlines planned from a definition: the days each rule of a deadline fires, and to whom. Pure: no database.

A deadline D is met when the item has reached the state (or a later one, ``WorkflowDef.reached``) by
the end of D in the checklist's zone; ``engine.verdicts`` judges that. Its rules, counted in the checklist's
working-day calendar:

- ``remind: N workdays`` → the day N working days before D (D not counted); ``N days`` → N calendar days
  before D. To the responsible person.
- overdue notice → the first working day after D. To the responsible person.
- ``escalate: {after: N workdays, to: X}`` → when the item has stayed overdue N full working days, i.e. on
  the (N+1)-th working day after D (``N days``: D + N + 1). To the task's leader, the heads, or a person.

Notices go out at the checklist's ``notify_at`` on those days. ``engine.runtime.deadlines`` writes the plan
into ``schedule`` rows; validation uses it to check that every notice day can be counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from engine.dates.durations import Duration
from engine.dates.periods import periods_in_year
from engine.definition.definitions import ChecklistDef, TaskDef
from engine.kinds import RuleKind, TaskKind


@dataclass(frozen=True)
class Firing:
    """One rule of one task deadline on the day it fires. The deadline is (milestone, period_start, due_date)."""

    milestone: str | None  # workflow state or "done"; None for a period of a recurring duty
    period_start: dt.date | None
    due_date: dt.date
    kind: RuleKind
    rule_index: int | None  # which remind / escalate entry; None for the overdue notice
    day: dt.date
    to: str  # "responsible" | "leader" | "head" | a person id


def rule_days(calendar, due: dt.date, remind, escalate) -> list[tuple[RuleKind, int | None, dt.date, str]]:
    """(kind, rule index, day, to) for one deadline: reminders, the overdue notice, escalation steps."""
    found = []
    for index, duration in enumerate(remind):
        found.append((RuleKind.REMINDER, index, calendar.days_before(due, duration), "responsible"))
    found.append((RuleKind.OVERDUE, None, calendar.nth_workday_after(due, 1), "responsible"))
    for index, step in enumerate(escalate):
        found.append((RuleKind.ESCALATION, index, _after(calendar, due, step.after), step.to))
    return found


def _after(calendar, due: dt.date, duration: Duration) -> dt.date:
    if duration.unit == "workday":
        return calendar.nth_workday_after(due, duration.amount + 1)
    return due + dt.timedelta(days=duration.amount + 1)


def task_deadlines(definition: ChecklistDef, task: TaskDef) -> list[tuple[str | None, dt.date | None, dt.date]]:
    """(milestone, period start, due date) for a task: workflow states, a target's done, each period of a duty."""
    if task.kind == TaskKind.RECURRING:
        return [(None, start, end) for start, end in periods_in_year(task.every, definition.year)]
    return [(state, None, due) for state, due in sorted(task.deadlines.items(), key=lambda kv: kv[1])]


def plan_task(definition: ChecklistDef, task: TaskDef) -> list[Firing]:
    if task.assign:  # fulfilled by child lists: their ladders remind and escalate (engine.runtime.lineage)
        return []
    calendar = definition.calendar
    firings = []
    for milestone, period_start, due in task_deadlines(definition, task):
        for kind, index, day, to in rule_days(calendar, due, task.remind, task.escalate):
            firings.append(Firing(milestone, period_start, due, kind, index, day, to))
    return firings


def rule_target(task: TaskDef, kind: str, rule_index: int | None) -> str:
    """Whom a rule of the task addresses: escalation steps name theirs, the rest go to the responsible person."""
    if kind == RuleKind.ESCALATION and rule_index is not None:
        return task.escalate[rule_index].to if rule_index < len(task.escalate) else "leader"
    return "responsible"


def fire_at(definition: ChecklistDef, day: dt.date) -> dt.datetime:
    hour, minute = (int(part) for part in definition.notify_at.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), ZoneInfo(definition.timezone))


def end_of(definition: ChecklistDef, day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the checklist's zone: a deadline is met until then."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), ZoneInfo(definition.timezone))


def escalation_recipients(definition: ChecklistDef, task: TaskDef, to: str) -> list[str]:
    if to == "responsible":
        return [task.responsible]
    if to == "leader":
        return [task.leader]
    if to == "head":
        return list(definition.holders_of("head")) or [task.leader]
    return [to]
