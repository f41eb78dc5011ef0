"""An item's own columns (``items.owner``, ``due``, ``quantity``, ``note``) as the loader writes them.

``items.owner`` is who holds the item NOW. A first load sets it from the list (``owner:`` in the item's mapping).
A reload compares the owner the list names now with the owner it named at the previous load (kept in the stored
definition): when the list changed it, the item moves to the new owner (an ``owner_changed`` audit event and a
交办 notice, like a transfer), whatever happened since; when the list left it alone, the current holder stays,
so a ``qingdan transfer`` made since is kept. ``due``, ``quantity`` and ``note`` always follow the list.

An item's ``due`` becomes one of its own deadlines (``item_deadlines`` key ``OWN_DUE``, through
``engine.runtime.deadlines.add_item_deadline``), reminded and escalated by the task's rules like a rectification
date: a workflow item meets it by reaching the final state (``due_state``), a target's item by its reports adding up
to its share (``engine.queries.milestones``). This module only writes those columns, deadlines and events; the
loader decides which items exist.
"""

from __future__ import annotations

from sqlalchemy import select, update

from engine.definition.definitions import ChecklistDef, ItemDef, TaskDef
from engine.i18n import say
from engine.runtime.deadlines import add_item_deadline, clear_item_deadline
from engine.runtime.event_notices import notify_assigned
from engine.store.tables import item_deadlines, items, tasks

#: the ``item_deadlines.key`` of an item's own due date
OWN_DUE = "own_due"


def own_columns(item: ItemDef) -> dict:
    """The item's own columns for a fresh row."""
    return {"owner": item.owner, "due": item.due, "quantity": item.quantity, "note": item.note}


def apply_reload(conn, old: ChecklistDef, new: ChecklistDef, *, revision: int, actor: str, now) -> list[dict]:
    """Bring existing items' own columns up to the reloaded list (see the module's docstring); returns the audit
    entries of items whose owner the list changed (the caller appends them with its own)."""
    task_ids = dict(conn.execute(select(tasks.c.key, tasks.c.id).where(tasks.c.checklist_id == new.id, tasks.c.removed.is_(False))).all())
    entries = []
    for task in new.tasks:
        if task.id not in task_ids:
            continue
        before = old.task_by_id.get(task.id)
        rows = conn.execute(
            select(items.c.id, items.c.name, items.c.owner, items.c.due, items.c.quantity, items.c.note).where(
                items.c.task_id == task_ids[task.id], items.c.removed.is_(False)
            )
        ).all()
        for row in rows:
            if row.name not in task.item_by_name:
                continue
            item = task.item(row.name)
            listed_before = before.item(row.name).owner if before is not None and row.name in before.item_by_name else None
            values = {}
            if item.owner != listed_before and item.owner != row.owner:
                values["owner"] = item.owner
                entries.append(
                    {
                        "at": now,
                        "actor": actor,
                        "kind": "owner_changed",
                        "checklist_id": new.id,
                        "task_key": task.id,
                        "item_name": row.name,
                        "data": {"from": row.owner, "to": item.owner, "revision": revision},
                        "note": say("清单重新载入时改由他人负责", "the reloaded list gives it to someone else"),
                    }
                )
                if item.owner:
                    notify_assigned(
                        conn,
                        definition=new,
                        task=task,
                        task_row_id=task_ids[task.id],
                        item_id=row.id,
                        item_name=row.name,
                        person=item.owner,
                        by=actor if actor in new.people else None,
                        cause=f"reload-{revision}",
                        now=now,
                        before=row.owner if row.owner in new.people else None,
                    )
            if row.due != item.due:
                values["due"] = item.due
            if (row.quantity is None) != (item.quantity is None) or (row.quantity is not None and row.quantity != item.quantity):
                values["quantity"] = item.quantity
            if row.note != item.note:
                values["note"] = item.note
            if values:
                conn.execute(update(items).where(items.c.id == row.id).values(**values))
    return entries


def due_state(definition: ChecklistDef, task: TaskDef) -> str | None:
    """The state a workflow item's own due date waits for: its workflow's final state that completes it (not one
    that only ends it, ``done: false``); of several, the one the task has a deadline for, else the first written (None
    for targets: their shares are judged from the reports)."""
    if task.kind != "workflow":
        return None
    workflow = definition.workflows[task.workflow]
    finals = [name for name, state in workflow.states.items() if state.final and getattr(state, "done", True)]
    finals = finals or [name for name, state in workflow.states.items() if state.final]
    dated = [name for name in finals if name in task.deadlines]
    return (dated or finals or [None])[0]


def due_label(definition: ChecklistDef, task: TaskDef) -> str:
    state = due_state(definition, task)
    if state is not None:
        return say("{s}(本项期限)", "{s} (this item's deadline)", s=definition.workflows[task.workflow].label(state))
    return say("完成分担数量(本项期限)", "its share done (this item's deadline)")


def plan_dues(conn, definition: ChecklistDef, now) -> int:
    """Make each live item's open ``OWN_DUE`` deadline match the list's ``due`` (after a load or reload): added,
    moved (the old one superseded with its pending notices) or dropped. A deadline already met for the same date
    stays met; an item already finished gets none. Returns the deadlines written."""
    task_ids = dict(
        conn.execute(select(tasks.c.key, tasks.c.id).where(tasks.c.checklist_id == definition.id, tasks.c.removed.is_(False))).all()
    )
    # One read of the list's own due dates as they stand (a list without any, the usual case, then costs nothing more:
    # a query per task made a 4,000-task load spend seconds here)
    latest_by_task: dict[int, dict[int, object]] = {}
    for row in conn.execute(
        select(items.c.task_id, items.c.id, items.c.name, item_deadlines.c.due_date, item_deadlines.c.outcome, item_deadlines.c.cleared_at)
        .join(items, items.c.id == item_deadlines.c.item_id)
        .join(tasks, tasks.c.id == items.c.task_id)
        .where(tasks.c.checklist_id == definition.id, items.c.removed.is_(False), item_deadlines.c.key == OWN_DUE)
        .order_by(item_deadlines.c.id)
    ):
        latest_by_task.setdefault(row.task_id, {})[row.id] = row  # the last one per item wins
    planned = [task for task in definition.tasks if task.id in task_ids and task.kind != "recurring"]
    dues = {task.id: {i.name: i.due for i in task.item_defs if i.due is not None} for task in planned}
    live: dict[int, list] = {}  # the live items of the tasks that date some, read in one statement
    dated_rows = [task_ids[task.id] for task in planned if dues[task.id]]
    if dated_rows:
        for row in conn.execute(
            select(items.c.task_id, items.c.id, items.c.name, items.c.state)
            .where(items.c.task_id.in_(dated_rows), items.c.removed.is_(False))
            .order_by(items.c.task_id, items.c.position)
        ):
            live.setdefault(row.task_id, []).append(row)
    written = 0
    for task in planned:
        dated, latest = dues[task.id], latest_by_task.get(task_ids[task.id], {})
        for item_id, last in latest.items():  # a date the list no longer gives: its open deadline goes
            if last.cleared_at is None and dated.get(last.name) is None:
                clear_item_deadline(conn, item_id=item_id, key=OWN_DUE, now=now, superseded=True)
        finals = definition.workflows[task.workflow].final_states if task.kind == "workflow" else frozenset()
        for row in live.get(task_ids[task.id], ()):
            due = dated.get(row.name)
            last = latest.get(row.id)
            if due is None or (last is not None and last.due_date == due and last.outcome != "superseded"):
                continue  # no date of its own, or open or met for this very date
            if row.state in finals:
                continue
            add_item_deadline(
                conn,
                definition=definition,
                task=task,
                task_row_id=task_ids[task.id],
                item_id=row.id,
                key=OWN_DUE,
                label=due_label(definition, task),
                due=due,
                reach_state=due_state(definition, task),
                now=now,
            )
            written += 1
    return written
