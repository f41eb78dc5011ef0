"""Deadlines and the days their rules fire on: planning (pure) and the ``schedule`` rows it becomes.

A deadline D is met when the item has reached the state (or a later one, ``WorkflowDef.reached``) by
the end of D in the checklist's zone. Its rules, counted in the checklist's working-day calendar:

- ``remind: N workdays`` → the day N working days before D (D not counted); ``N days`` → N calendar days
  before D. To the responsible person.
- overdue notice → the first working day after D. To the responsible person.
- ``escalate: {after: N workdays, to: X}`` → when the item has stayed overdue N full working days, i.e. on
  the (N+1)-th working day after D (``N days``: D + N + 1). To the task's leader, the heads, or a person.

Notices go out at the checklist's ``notify_at`` on those days. Task deadlines (workflow milestones, a
target's ``done``, each period of a recurring duty) are planned once per task, not per item, so the
schedule has a handful of rows per task whatever the number of items; items are looked at only when a
row falls due. Deadlines that appear later for one item (rectification, a contract) are
``item_deadlines`` rows with their own schedule rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, update

from engine.definition.definitions import DONE, ChecklistDef, TaskDef
from engine.dates.durations import Duration
from engine.dates.periods import periods_in_year
from engine.store.tables import item_deadlines, schedule, tasks


@dataclass(frozen=True)
class Firing:
    deadline_key: str
    due_date: dt.date
    rule_key: str
    kind: str  # "reminder" | "overdue" | "escalation"
    day: dt.date
    to: str  # "responsible" | "leader" | "head" | a person id


def rule_days(calendar, due: dt.date, remind, escalate) -> list[tuple[str, str, dt.date, str]]:
    """(rule_key, kind, day, to) for one deadline: reminders, the overdue notice, escalation steps."""
    found = []
    for duration in remind:
        day = calendar.days_before(due, duration)
        found.append((f"remind:{duration}", "reminder", day, "responsible"))
    found.append(("overdue", "overdue", calendar.nth_workday_after(due, 1), "responsible"))
    for index, step in enumerate(escalate):
        found.append((f"escalate:{index}", "escalation", _after(calendar, due, step.after), step.to))
    return found


def _after(calendar, due: dt.date, duration: Duration) -> dt.date:
    if duration.unit == "workday":
        return calendar.nth_workday_after(due, duration.amount + 1)
    return due + dt.timedelta(days=duration.amount + 1)


def task_deadlines(definition: ChecklistDef, task: TaskDef) -> list[tuple[str, dt.date, str | None]]:
    """(deadline_key, date, milestone) for a task: workflow states, a target's done, each period of a duty."""
    if task.kind == "recurring":
        return [(f"{task.every}:{start.isoformat()}", end, None) for start, end in periods_in_year(task.every, definition.year)]
    return [(f"{state}@{due.isoformat()}", due, state) for state, due in sorted(task.deadlines.items(), key=lambda kv: kv[1])]


def plan_task(definition: ChecklistDef, task: TaskDef) -> list[Firing]:
    calendar = definition.calendar
    firings = []
    for key, due, _ in task_deadlines(definition, task):
        for rule_key, kind, day, to in rule_days(calendar, due, task.remind, task.escalate):
            firings.append(Firing(key, due, rule_key, kind, day, to))
    return firings


def fire_at(definition: ChecklistDef, day: dt.date) -> dt.datetime:
    hour, minute = (int(part) for part in definition.notify_at.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), ZoneInfo(definition.timezone))


def end_of(definition: ChecklistDef, day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the checklist's zone: a deadline is met until then."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), ZoneInfo(definition.timezone))


def replan_checklist(conn, definition: ChecklistDef, now: dt.datetime) -> int:
    """Make the pending schedule rows of task deadlines match the definition (after a load or reload).

    Rows already processed stay as the record of what was done; pending rows whose deadline or rule no
    longer exists are removed (a moved deadline moves its notices). Periods of a recurring duty that
    ended before the duty was loaded are recorded as done: nobody could report in them, so nobody is
    chased for them. Returns the number of rows written.
    """
    loaded_day = now.astimezone(ZoneInfo(definition.timezone)).date()
    task_rows = {r.key: r.id for r in conn.execute(
        select(tasks.c.key, tasks.c.id).where(tasks.c.checklist_id == definition.id, tasks.c.removed.is_(False)))}
    existing = {}
    for row in conn.execute(select(schedule.c.id, schedule.c.task_id, schedule.c.deadline_key, schedule.c.rule_key, schedule.c.pending,
                                   schedule.c.fire_at)
                            .where(schedule.c.checklist_id == definition.id, schedule.c.item_deadline_id.is_(None))):
        existing[(row.task_id, row.deadline_key, row.rule_key)] = row
    wanted = {}
    for task in definition.tasks:
        row_id = task_rows.get(task.id)
        if row_id is None:
            continue
        for firing in plan_task(definition, task):
            wanted[(row_id, firing.deadline_key, firing.rule_key)] = firing
    stale = [row.id for key, row in existing.items() if row.pending and (key not in wanted or row.fire_at != fire_at(definition, wanted[key].day))]
    if stale:
        for start in range(0, len(stale), 500):
            conn.execute(delete(schedule).where(schedule.c.id.in_(stale[start:start + 500])))
    stale_ids = set(stale)
    fresh = []
    for key, f in wanted.items():
        if key in existing and existing[key].id not in stale_ids:
            continue
        before_loading = ":" in f.deadline_key and "@" not in f.deadline_key and f.due_date < loaded_day
        fresh.append({"checklist_id": definition.id, "task_id": key[0], "item_deadline_id": None, "deadline_key": f.deadline_key,
                      "due_date": f.due_date, "rule_key": f.rule_key, "kind": f.kind, "fire_at": fire_at(definition, f.day),
                      "pending": not before_loading, "processed_at": now if before_loading else None})
    for start in range(0, len(fresh), 2000):
        conn.execute(insert(schedule), fresh[start:start + 2000])
    return len(fresh)


def add_item_deadline(conn, *, definition: ChecklistDef, task: TaskDef, task_row_id: int, item_id: int, key: str, label: str,
                      due: dt.date, reach_state: str | None, now: dt.datetime) -> int:
    """A deadline for one item that appears during the work (rectification, contract signing).

    Reminded and escalated with the task's rules, like any deadline. An uncleared deadline with the same
    key is replaced (its pending notices go with it). Met when the item reaches ``reach_state`` or when
    ``clear_item_deadline`` is called. Returns the deadline's id.
    """
    clear_item_deadline(conn, item_id=item_id, key=key, now=now, superseded=True)
    deadline_id = conn.execute(insert(item_deadlines).values(
        item_id=item_id, key=key, label=label, due_date=due, reach_state=reach_state, created_at=now,
        cleared_at=None).returning(item_deadlines.c.id)).scalar_one()
    rows = [{"checklist_id": definition.id, "task_id": task_row_id, "item_deadline_id": deadline_id,
             "deadline_key": f"{key}#{deadline_id}@{due.isoformat()}", "due_date": due, "rule_key": rule_key, "kind": kind,
             "fire_at": fire_at(definition, day), "pending": True, "processed_at": None}
            for rule_key, kind, day, _to in rule_days(definition.calendar, due, task.remind, task.escalate)]
    conn.execute(insert(schedule), rows)
    return deadline_id


def clear_item_deadline(conn, *, item_id: int, key: str, now: dt.datetime, superseded: bool = False) -> None:
    """Mark an item's open deadline ``key`` as met; its pending reminders are dropped."""
    open_ids = [r.id for r in conn.execute(select(item_deadlines.c.id).where(
        item_deadlines.c.item_id == item_id, item_deadlines.c.key == key, item_deadlines.c.cleared_at.is_(None)))]
    if not open_ids:
        return
    conn.execute(update(item_deadlines).where(item_deadlines.c.id.in_(open_ids)).values(cleared_at=now))
    conn.execute(delete(schedule).where(schedule.c.item_deadline_id.in_(open_ids), schedule.c.pending.is_(True)))


def escalation_recipients(definition: ChecklistDef, task: TaskDef, to: str) -> list[str]:
    if to == "responsible":
        return [task.responsible]
    if to == "leader":
        return [task.leader]
    if to == "head":
        return list(definition.holders_of("head")) or [task.leader]
    return [to]


def reached(definition: ChecklistDef, task: TaskDef, state: str | None, milestone: str | None) -> bool:
    if milestone is None or milestone == DONE or state is None:
        return False
    workflow = definition.workflows[task.workflow]
    return milestone in workflow.reached.get(state, ())
