"""The audit events of a task or one of its items, as people read them (times in the checklist's zone)."""

from __future__ import annotations

import json

from sqlalchemy import select

from engine import catalog
from engine.dates.clock import show
from engine.store import Store
from engine.store.tables import events, item_reached, items
from engine.verdicts import judge


def task_history(store: Store, task: str, item: str | None = None, checklist: str | None = None) -> list[dict]:
    with store.read() as conn:
        ref = catalog.find_task(conn, task, checklist)
        query = select(events).where(events.c.checklist_id == ref.checklist.id, events.c.task_key == ref.task.id)
        if item is not None:
            row = catalog.resolve_item(conn, ref, item)
            query = query.where(events.c.item_name == row.name)
        rows = conn.execute(query.order_by(events.c.seq)).mappings().all()
        reached = _milestones_reached(conn, ref)
    zone = ref.checklist.timezone
    return [
        {
            "seq": r["seq"],
            "at": show(r["at"], zone),
            "actor": r["actor"],
            "kind": r["kind"],
            "item": r["item_name"],
            "trigger": r["trigger"],
            "from": r["from_state"],
            "to": r["to_state"],
            "note": r["note"],
            "data": json.loads(r["data"]),
            **(
                {"milestones": reached[(r["item_name"], r["at"])]}
                if r["kind"] == "transition" and (r["item_name"], r["at"]) in reached
                else {}
            ),
        }
        for r in rows
    ]


def _milestones_reached(conn, ref) -> dict[tuple, list[dict]]:
    """(item name, entry time) → the task's dated milestones that this transition reached, judged: on time or late."""
    dated = ref.task.deadlines
    if not dated or ref.task.workflow is None:
        return {}
    workflow = ref.checklist.workflows[ref.task.workflow]
    found: dict[tuple, list[dict]] = {}
    query = (
        select(items.c.name, item_reached.c.state, item_reached.c.reached_on, item_reached.c.entered_at)
        .join(items, items.c.id == item_reached.c.item_id)
        .where(items.c.task_id == ref.task_row_id, item_reached.c.state.in_(list(dated)))
    )
    for row in conn.execute(query):
        verdict = judge(dated[row.state], row.reached_on, row.reached_on)
        found.setdefault((row.name, row.entered_at), []).append(
            {
                "state": row.state,
                "label": workflow.label(row.state),
                "due": verdict.due.isoformat(),
                "verdict": verdict.verdict.value,
                "days_late": verdict.days_late,
            }
        )
    return found
