"""The audit events of a task or one of its items, as people read them (times in the checklist's zone)."""
from __future__ import annotations

import json

from sqlalchemy import select

from engine import catalog
from engine.dates.clock import show
from engine.store import Store
from engine.store.tables import events


def task_history(store: Store, task: str, item: str | None = None, checklist: str | None = None) -> list[dict]:
    with store.read() as conn:
        ref = catalog.find_task(conn, task, checklist)
        query = select(events).where(events.c.checklist_id == ref.checklist.id, events.c.task_key == ref.task.id)
        if item is not None:
            row = catalog.resolve_item(conn, ref, item)
            query = query.where(events.c.item_name == row.name)
        rows = conn.execute(query.order_by(events.c.seq)).mappings().all()
    zone = ref.checklist.timezone
    return [{"seq": r["seq"], "at": show(r["at"], zone), "actor": r["actor"], "kind": r["kind"], "item": r["item_name"],
             "trigger": r["trigger"], "from": r["from_state"], "to": r["to_state"], "note": r["note"],
             "data": json.loads(r["data"])} for r in rows]
