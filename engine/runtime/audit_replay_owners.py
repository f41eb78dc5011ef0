"""The audit replay's part for items' holders: ``items.owner`` against the last transfer (转办) or owner change.

An item's first holder comes with the list (its ``owner:``, written by the load without an event of its own); every
later move is an event: ``transfer`` (``engine.runtime.transfer``) or ``owner_changed`` (a reload whose list gives
the item to someone else, ``engine.runtime.item_owners``), each with ``data.to``. So an item with such an event must
hold the person its last one names; an item without one is not checked here. Read-only.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.i18n import say
from engine.store.tables import items, tasks

OWNER_KINDS = ("transfer", "owner_changed")


class OwnerReplay:
    """Collects with ``_owner_event`` (called by ``Replay.add``), compares with ``_owner_table``."""

    def _owner_event(self, row, kind: str, data: dict) -> None:
        owners = self.__dict__.setdefault("item_owners", {})
        if kind == "load" and row["checklist_id"]:  # a list loaded afresh: its items start again from the list
            for key in [k for k in owners if k[0] == row["checklist_id"]]:
                del owners[key]
        elif kind in OWNER_KINDS and row["item_name"] is not None:
            owners[(row["checklist_id"], row["task_key"], row["item_name"])] = data.get("to")

    def _owner_table(self, conn, differ) -> None:
        owners = self.__dict__.get("item_owners", {})
        if not owners:
            return
        query = select(tasks.c.checklist_id, tasks.c.key, items.c.name, items.c.owner).join(tasks, tasks.c.id == items.c.task_id)
        for row in conn.execute(query.where(items.c.removed.is_(False))):
            where = (row.checklist_id, row.key, row.name)
            if where in owners and owners[where] != row.owner:
                differ.append(
                    say(
                        "子项 {t}/{i} 现由 {a} 负责,但审计记录中最后一次转办给了 {e}。",
                        "item {t}/{i} is held by {a}, but in the audit trail it was last transferred to {e}.",
                        t=row.key,
                        i=row.name,
                        a=row.owner or say("(任务责任人)", "(the task's responsible person)"),
                        e=owners[where] or say("(任务责任人)", "(the task's responsible person)"),
                    )
                )
