"""An item's own columns (``items.owner``, ``due``, ``quantity``, ``note``) as the loader writes them.

``items.owner`` is who holds the item NOW. A first load sets it from the list (``owner:`` in the item's mapping).
A reload compares the owner the list names now with the owner it named at the previous load (kept in the stored
definition): when the list changed it, the item moves to the new owner (an ``owner_changed`` audit event and a
交办 notice, like a transfer), whatever happened since; when the list left it alone, the current holder stays,
so a ``qingdan transfer`` made since is kept. ``due``, ``quantity`` and ``note`` always follow the list.
This module only writes those columns and their events; the loader decides which items exist.
"""

from __future__ import annotations

from sqlalchemy import select, update

from engine.definition.definitions import ChecklistDef, ItemDef
from engine.i18n import say
from engine.runtime.event_notices import notify_assigned
from engine.store.tables import items, tasks


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
