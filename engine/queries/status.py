"""Where a checklist stands: per task its progress, items per state, next deadline and overdue count.

A constant number of grouped queries whatever the number of tasks and items: item counts per
(task, state), progress sums per (task, part), report counts per item for the current and previous
period of recurring duties. Deadlines are judged against the checklist's local date: a deadline D
is missed once the local date is after D and the item has not reached the state (see
``WorkflowDef.reached``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from engine import catalog
from engine.dates.clock import Clock, local_date
from engine.definition.definitions import DONE, ChecklistDef, TaskDef
from engine.numbers import as_json_number as _num
from engine.dates.periods import period_of
from engine.store import Store
from engine.store.tables import items, progress, tasks


@dataclass
class TaskStatus:
    id: str
    title: str
    kind: str
    unit: str
    responsible: str
    done: Decimal
    target: Decimal
    parts: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)
    next_deadline: dt.date | None = None
    next_milestone: str | None = None
    overdue: int = 0  # items with a missed milestone (never more than ``items``)
    items: int = 0
    on_time_rate: float | None = None  # on-time share of the milestones that have come due; None when none has
    target_unit: str | None = None
    light: str = "green"
    reason: str | None = None
    pace: dict | None = None
    extra: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.target > 0 and self.done >= self.target

    def as_json(self) -> dict:
        return {
            "id": self.id, "title": self.title, "kind": self.kind,
            "progress": {"done": _num(self.done), "target": _num(self.target)},
            "parts": {key: {"done": _num(done), "target": _num(target)} for key, (done, target) in self.parts.items()},
            "states": dict(self.states),
            "next_deadline": self.next_deadline.isoformat() if self.next_deadline else None,
            "overdue": self.overdue,
            "light": self.light,
            **({"pace": self.pace} if self.pace is not None else {}),
            **({"extra": self.extra} if self.extra else {}),
        }


@dataclass
class ChecklistStatus:
    checklist: ChecklistDef
    today: dt.date
    tasks: list[TaskStatus]

    def as_json(self) -> dict:
        return {"checklist": {"id": self.checklist.id, "title": self.checklist.title}, "today": self.today.isoformat(),
                "tasks": [task.as_json() for task in self.tasks]}




def checklist_status(store: Store, checklist_id: str, clock: Clock, plugins=None) -> ChecklistStatus:
    with store.read() as conn:
        definition = catalog.get_checklist(conn, checklist_id)
        today = local_date(clock.now(), definition.timezone)
        task_ids = {r.key: r.id for r in conn.execute(
            select(tasks.c.key, tasks.c.id).where(tasks.c.checklist_id == checklist_id, tasks.c.removed.is_(False)))}
        histogram: dict[int, dict[str, int]] = {}
        item_counts: dict[int, int] = {}
        for task_id, state, count in conn.execute(
                select(items.c.task_id, items.c.state, func.count()).join(tasks, tasks.c.id == items.c.task_id)
                .where(tasks.c.checklist_id == checklist_id, items.c.removed.is_(False)).group_by(items.c.task_id, items.c.state)):
            item_counts[task_id] = item_counts.get(task_id, 0) + count
            if state is not None:
                histogram.setdefault(task_id, {})[state] = count
        sums: dict[tuple[int, str | None], Decimal] = {}
        for task_id, part, amount in conn.execute(
                select(progress.c.task_id, progress.c.part, func.sum(progress.c.amount)).join(tasks, tasks.c.id == progress.c.task_id)
                .where(tasks.c.checklist_id == checklist_id).group_by(progress.c.task_id, progress.c.part)):
            sums[(task_id, part)] = Decimal(amount)
        recurring = _recurring_counts(conn, definition, task_ids, today)
        open_item_deadlines = _item_deadlines(conn, checklist_id)
        hooked = _plugin_fields(plugins, definition, conn, today)
    result = []
    for task in definition.tasks:
        row_id = task_ids.get(task.id)
        if row_id is None:
            continue
        if task.kind == "workflow":
            result.append(_workflow_status(definition, task, histogram.get(row_id, {}), today))
        elif task.kind == "target":
            result.append(_target_status(task, row_id, sums, today))
        else:
            result.append(_recurring_status(task, item_counts.get(row_id, 0), recurring.get(row_id, {}), today))
        status = result[-1]
        _apply_item_deadlines(definition, task, status, open_item_deadlines.get(row_id, ()), today)
        _light(definition, task, status, today, hooked.get(task.id))
    return ChecklistStatus(definition, today, result)


def _base(task: TaskDef, done, target) -> TaskStatus:
    return TaskStatus(task.id, task.title, task.kind, task.unit, task.responsible, Decimal(done), Decimal(target),
                      target_unit=task.target_unit)


def _workflow_status(definition: ChecklistDef, task: TaskDef, states: dict[str, int], today: dt.date) -> TaskStatus:
    workflow = definition.workflows[task.workflow]
    done = sum(count for state, count in states.items() if state in workflow.final_states)
    status = _base(task, done, sum(states.values()))
    status.states = {state: states[state] for state in workflow.states if state in states}
    missed = [state for state, due in task.deadlines.items() if due < today]
    status.overdue = sum(count for state, count in states.items()
                         if any(m not in workflow.reached.get(state, ()) for m in missed))
    upcoming = sorted((due, state) for state, due in task.deadlines.items() if due >= today)
    for due, milestone in upcoming:
        if any(milestone not in workflow.reached.get(state, ()) for state in states):
            status.next_deadline, status.next_milestone = due, milestone
            break
    return status


def _target_status(task: TaskDef, row_id: int, sums: dict, today: dt.date) -> TaskStatus:
    total = sum((amount for (task_id, _), amount in sums.items() if task_id == row_id), Decimal(0))
    status = _base(task, total, task.target)
    status.parts = {part.id: (sums.get((row_id, part.id), Decimal(0)), part.quantity) for part in task.parts}
    due = task.deadlines.get(DONE)
    if due is not None and not status.complete:
        if due < today:
            status.overdue = 1
        else:
            status.next_deadline, status.next_milestone = due, DONE
    return status


def _recurring_status(task: TaskDef, item_count: int, counts: dict, today: dt.date) -> TaskStatus:
    current = counts.get("current", {})
    previous = counts.get("previous", {})
    met = sum(1 for item_id in counts.get("items", ()) if current.get(item_id, 0) >= task.at_least)
    status = _base(task, met, item_count)
    _, period_end = period_of(task.every, today)
    if met < item_count:
        status.next_deadline, status.next_milestone = period_end, task.every
    if counts.get("previous_counts", False):
        status.overdue = sum(1 for item_id in counts.get("items", ()) if previous.get(item_id, 0) < task.at_least)
    return status


def _first_loaded(conn, definition: ChecklistDef) -> dt.date:
    """The local day the checklist was first loaded: periods that ended before it are not held against anyone."""
    from engine.store.tables import events

    first = conn.execute(select(func.min(events.c.at)).where(events.c.chain == definition.id, events.c.kind == "load")).scalar()
    return local_date(first, definition.timezone) if first else dt.date.min


def _recurring_counts(conn, definition: ChecklistDef, task_ids: dict, today: dt.date) -> dict:
    """Per recurring task row: report counts per item this period and last period (one query per period kind)."""
    zone = ZoneInfo(definition.timezone)
    by_kind: dict[str, list[TaskDef]] = {}
    for task in definition.tasks:
        if task.kind == "recurring" and task.id in task_ids:
            by_kind.setdefault(task.every, []).append(task)
    result: dict[int, dict] = {}
    for every, group in by_kind.items():
        start, end = period_of(every, today)
        prev_start, prev_end = period_of(every, start - dt.timedelta(days=1))
        row_ids = [task_ids[t.id] for t in group]
        first_loaded = _first_loaded(conn, definition)
        for row_id in row_ids:
            result[row_id] = {"current": {}, "previous": {}, "items": [],
                              "previous_counts": prev_end.year >= definition.year and prev_end >= first_loaded}
        for task_id, item_id in conn.execute(select(items.c.task_id, items.c.id).where(items.c.task_id.in_(row_ids), items.c.removed.is_(False))):
            result[task_id]["items"].append(item_id)
        lower = dt.datetime.combine(prev_start, dt.time(), zone)
        boundary = dt.datetime.combine(start, dt.time(), zone)
        upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone)
        period = func.sum(progress.c.amount)
        for task_id, item_id, in_current, amount in conn.execute(
                select(progress.c.task_id, progress.c.item_id, progress.c.at >= boundary, period)
                .where(progress.c.task_id.in_(row_ids), progress.c.at >= lower, progress.c.at < upper, progress.c.item_id.is_not(None))
                .group_by(progress.c.task_id, progress.c.item_id, progress.c.at >= boundary)):
            bucket = "current" if in_current else "previous"
            result[task_id][bucket][item_id] = result[task_id][bucket].get(item_id, 0) + Decimal(amount)
    return result


# ---------------------------------------------------------------- deadlines that appear later, lights, pace

PACE_MARGIN = Decimal("0.10")  # 时间过半,任务过半: yellow when progress lags elapsed time by more than 10 points


def _item_deadlines(conn, checklist_id: str) -> dict[int, list]:
    from engine.store.tables import item_deadlines

    found: dict[int, list] = {}
    query = (select(items.c.task_id, items.c.state, item_deadlines.c.reach_state, item_deadlines.c.due_date)
             .join(items, items.c.id == item_deadlines.c.item_id).join(tasks, tasks.c.id == items.c.task_id)
             .where(tasks.c.checklist_id == checklist_id, item_deadlines.c.cleared_at.is_(None), items.c.removed.is_(False)))
    for row in conn.execute(query):
        found.setdefault(row.task_id, []).append(row)
    return found


def _apply_item_deadlines(definition: ChecklistDef, task: TaskDef, status: TaskStatus, rows, today: dt.date) -> None:
    workflow = definition.workflows.get(task.workflow) if task.workflow else None
    for row in rows:
        met = bool(row.reach_state and workflow and row.reach_state in workflow.reached.get(row.state, ()))
        if met:
            continue
        if row.due_date < today:
            status.overdue += 1
        elif status.next_deadline is None or row.due_date < status.next_deadline:
            status.next_deadline, status.next_milestone = row.due_date, row.reach_state


def _plugin_fields(plugins, definition: ChecklistDef, conn, today: dt.date) -> dict:
    if plugins is None:
        return {}
    merged: dict = {}
    for answer in plugins.hook.qingdan_checklist_status(checklist=definition, connection=conn, today=today):
        for task_id, info in (answer or {}).items():
            slot = merged.setdefault(task_id, {"fields": {}, "light": None, "reason": None})
            slot["fields"].update(info.get("fields") or {})
            if info.get("light") == "yellow":
                slot["light"], slot["reason"] = "yellow", info.get("reason")
    return merged


def _light(definition: ChecklistDef, task: TaskDef, status: TaskStatus, today: dt.date, hooked: dict | None) -> None:
    if hooked:
        status.extra = dict(hooked["fields"])
    if task.kind != "recurring" and status.complete:
        status.light = "done"
        return
    if status.overdue:
        status.light, status.reason = "red", "overdue"
        return
    if status.next_deadline is not None and task.remind:
        window_opens = min(definition.calendar.days_before(status.next_deadline, d) for d in task.remind)
        if today >= window_opens:
            status.light, status.reason = "yellow", "deadline_near"
    if task.pace and task.kind == "target":
        due = task.deadlines.get(DONE) or dt.date(definition.year, 12, 31)
        start = dt.date(definition.year, 1, 1)
        span = max(1, (due - start).days + 1)
        elapsed = Decimal(min(max((today - start).days + 1, 0), span)) / Decimal(span)
        actual = min(Decimal(1), status.done / status.target) if status.target else Decimal(0)
        status.pace = {"elapsed": round(float(elapsed), 3), "done": round(float(actual), 3)}
        if elapsed - actual > PACE_MARGIN and status.light == "green":
            status.light, status.reason = "yellow", "pace"
    if hooked and hooked.get("light") == "yellow" and status.light == "green":
        status.light, status.reason = "yellow", hooked.get("reason") or "plugin"
