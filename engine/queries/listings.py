"""Read-only listings for boards: the items of tasks with their open item deadlines, and the items waiting
in the states of a given step (an inspection queue).

Grouped queries, one or two per call, so a page of many tasks costs the same as one task.

Must not: write to any table, or hold permission rules (who may see which task): callers pass the task keys
they may show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from engine.definition.definitions import ChecklistDef, TaskDef
from engine.store.tables import item_deadlines, items, tasks


@dataclass
class ItemView:
    id: int
    task: str
    name: str
    position: int
    state: str | None
    version: int
    state_since: dt.datetime
    item_deadlines: list = field(default_factory=list)  # [(key, label, due_date, reach_state)] still open, earliest first
    owner: str | None = None  # who holds it now (items.owner); None: the task's responsible person
    due: dt.date | None = None  # its own deadline, its share of the target and its note, as the list gives them
    quantity: Decimal | None = None
    note: str | None = None


def items_of(store, checklist_id: str, task_keys: list[str] | None = None) -> dict[str, list[ItemView]]:
    """The live items of some (``task_keys``) or all tasks of a checklist with their open item deadlines, by task
    key, tasks and items in their order; two queries. An empty ``task_keys`` gives ``{}``."""
    query = (
        select(
            items.c.id,
            tasks.c.key,
            items.c.name,
            items.c.position,
            items.c.state,
            items.c.version,
            items.c.state_since,
            items.c.owner,
            items.c.due,
            items.c.quantity,
            items.c.note,
        )
        .join(tasks, tasks.c.id == items.c.task_id)
        .where(tasks.c.checklist_id == checklist_id, tasks.c.removed.is_(False), items.c.removed.is_(False))
    )
    deadlines_query = (
        select(
            item_deadlines.c.item_id, item_deadlines.c.key, item_deadlines.c.label, item_deadlines.c.due_date, item_deadlines.c.reach_state
        )
        .join(items, items.c.id == item_deadlines.c.item_id)
        .join(tasks, tasks.c.id == items.c.task_id)
        .where(tasks.c.checklist_id == checklist_id, item_deadlines.c.cleared_at.is_(None), items.c.removed.is_(False))
    )
    if task_keys is not None:
        if not task_keys:
            return {}
        query = query.where(tasks.c.key.in_(task_keys))
        deadlines_query = deadlines_query.where(tasks.c.key.in_(task_keys))
    found: dict[str, list[ItemView]] = {}
    by_id: dict[int, ItemView] = {}
    with store.read() as conn:
        for row in conn.execute(query.order_by(tasks.c.position, items.c.position)):
            view = ItemView(
                row.id,
                row.key,
                row.name,
                row.position,
                row.state,
                row.version,
                row.state_since,
                owner=row.owner,
                due=row.due,
                quantity=None if row.quantity is None else Decimal(row.quantity),
                note=row.note,
            )
            found.setdefault(row.key, []).append(view)
            by_id[row.id] = view
        for row in conn.execute(deadlines_query.order_by(item_deadlines.c.due_date)):
            if row.item_id in by_id:
                by_id[row.item_id].item_deadlines.append((row.key, row.label, row.due_date, row.reach_state))
    return found


def tasks_held_by(store, checklist_id: str, person: str) -> set[str]:
    """The keys of the tasks of a checklist where ``person`` holds (owns) at least one live item (``items.owner``)."""
    query = (
        select(tasks.c.key)
        .distinct()
        .join(items, items.c.task_id == tasks.c.id)
        .where(tasks.c.checklist_id == checklist_id, tasks.c.removed.is_(False), items.c.removed.is_(False), items.c.owner == person)
    )
    with store.read() as conn:
        return {row.key for row in conn.execute(query)}


def step_states(definition: ChecklistDef, task: TaskDef, step: str) -> set[str]:
    """The states of a workflow task whose step is ``step`` (none for targets and duties)."""
    if task.kind != "workflow":
        return set()
    return {name for name, state in definition.workflows[task.workflow].states.items() if state.step == step}


def _closed(store, checklist_id: str) -> bool:
    from engine.runtime.closing import closed_ids

    with store.read() as conn:
        return bool(closed_ids(conn, [checklist_id]))


def items_in_step(store, definition: ChecklistDef, step: str, task_keys: list[str] | None = None) -> list[tuple[TaskDef, ItemView]]:
    """The live items of a checklist waiting in a state whose step is ``step`` (of some or all tasks), oldest
    waiting first; one ``items_of`` read, none when no task has such a state."""
    wanted = {
        task.id: states
        for task in definition.tasks
        if (task_keys is None or task.id in task_keys) and (states := step_states(definition, task, step))
    }
    if not wanted or _closed(store, definition.id):  # a list closed at year end has nothing waiting any more
        return []
    found = [
        (definition.task_by_id[task_key], view)
        for task_key, views in items_of(store, definition.id, list(wanted)).items()
        for view in views
        if view.state in wanted[task_key]
    ]
    found.sort(key=lambda entry: entry[1].state_since)
    return found
