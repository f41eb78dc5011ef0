"""The supervision thread of one task, as people read it: its 督办单 (newest first) with their replies and evidence
files, and its extension requests with their decisions. For the task page and ``qingdan supervisions``.

Must not: write, or decide who may act (``engine.runtime.permissions``); words only (names, not person ids, are
resolved by the caller through the definition).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import select

from engine.store.tables import extension_requests, items, supervision_replies, supervisions, tasks


@dataclass(frozen=True)
class Reply:
    id: int
    author: str
    text: str
    at: dt.datetime
    evidence: tuple[dict, ...]  # {name, sha256, size}


@dataclass
class Supervision:
    id: int
    item: str | None
    colour: str
    instruction: str
    reply_by: dt.date
    issuer: str
    issued_at: dt.datetime
    answered_at: dt.datetime | None
    escalated_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_by: str | None
    replies: list[Reply] = field(default_factory=list)

    def overdue(self, today: dt.date) -> bool:
        """Unanswered past its reply date."""
        return self.answered_at is None and self.closed_at is None and today > self.reply_by


@dataclass(frozen=True)
class Extension:
    id: int
    item: str
    milestone: str | None
    item_deadline_id: int | None
    current_due: dt.date
    original_due: dt.date
    requested_due: dt.date
    reason: str
    requester: str
    requested_at: dt.datetime
    decision: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str | None


@dataclass
class Thread:
    supervisions: list[Supervision]
    extensions: list[Extension]


def _task_row(conn, checklist_id: str, task_key: str) -> int | None:
    return conn.execute(select(tasks.c.id).where(tasks.c.checklist_id == checklist_id, tasks.c.key == task_key)).scalar()


def task_thread(conn, checklist_id: str, task_key: str) -> Thread:
    row_id = _task_row(conn, checklist_id, task_key)
    if row_id is None:
        return Thread([], [])
    found: dict[int, Supervision] = {}
    query = (
        select(supervisions, items.c.name)
        .outerjoin(items, items.c.id == supervisions.c.item_id)
        .where(supervisions.c.task_id == row_id)
        .order_by(supervisions.c.id.desc())
    )
    for r in conn.execute(query).mappings():
        found[r["id"]] = Supervision(
            r["id"],
            r["name"],
            r["colour"],
            r["instruction"],
            r["reply_by"],
            r["issuer"],
            r["issued_at"],
            r["answered_at"],
            r["escalated_at"],
            r["closed_at"],
            r["closed_by"],
        )
    if found:
        replies = (
            select(supervision_replies).where(supervision_replies.c.supervision_id.in_(list(found))).order_by(supervision_replies.c.id)
        )
        for r in conn.execute(replies).mappings():
            files = tuple(json.loads(r["evidence"] or "[]"))
            found[r["supervision_id"]].replies.append(Reply(r["id"], r["author"], r["text"], r["at"], files))
    extensions = [
        Extension(
            r["id"],
            r["name"],
            r["milestone"],
            r["item_deadline_id"],
            r["current_due"],
            r["original_due"],
            r["requested_due"],
            r["reason"],
            r["requester"],
            r["requested_at"],
            r["decision"],
            r["decided_by"],
            r["decided_at"],
            r["decision_note"],
        )
        for r in conn.execute(
            select(extension_requests, items.c.name)
            .join(items, items.c.id == extension_requests.c.item_id)
            .where(extension_requests.c.task_id == row_id)
            .order_by(extension_requests.c.id.desc())
        ).mappings()
    ]
    return Thread(list(found.values()), extensions)


def task_items(conn, checklist_id: str, task_key: str) -> list[tuple[int, str, str | None]]:
    """The task's live items as (id, name, holder), in their order: what a 督办单 may name, and who holds each."""
    return [
        (r.id, r.name, r.owner)
        for r in conn.execute(
            select(items.c.id, items.c.name, items.c.owner)
            .join(tasks, tasks.c.id == items.c.task_id)
            .where(tasks.c.checklist_id == checklist_id, tasks.c.key == task_key, items.c.removed.is_(False))
            .order_by(items.c.position)
        )
    ]


def extendable_items(conn, definition, task, may_ask=lambda holder: True) -> list[tuple[str, list]]:
    """Per item of a workflow task, by name, the deadlines an extension may be asked for (items with none left out);
    ``may_ask(holder)``: whether the asker may ask on an item held by ``holder`` (the task's responsible person on
    every item, an owner on their own)."""
    from engine.runtime.extension_requests import extendable

    found = []
    for item_id, name, holder in task_items(conn, definition.id, task.id):
        if not may_ask(holder):
            continue
        deadlines = extendable(conn, definition, task, item_id)
        if deadlines:
            found.append((name, deadlines))
    return found
