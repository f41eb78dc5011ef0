"""Whether a notice is handled (已处理): its item no longer needs it. Derived when read, never stored.

- A deadline notice (提醒, 逾期, 督办) is handled once the milestone it was about is reached or has become moot
  (the item ended in a state that does not count it), as ``engine.queries.milestones`` judges it with
  ``engine.verdicts.judge``; also when that milestone is gone (the item was removed, a reload dropped the date,
  a rectification deadline was superseded by a new one).
- An event notice about a deadline (验收未通过 with its rectification period) likewise, by that item deadline.
- An event notice about a state (待验收) is handled once the item has left that state, or when a newer notice of
  the same kind about the same item went to the same person (the item came back: the newer one stands).
- A supervision notice (督办单, 督办逾期) is handled once the supervision was answered or closed; a reply (督办回复)
  once the supervision was closed (办结); an extension request (延期申请) once it was decided. The notice is matched
  to its supervision or request by task, item and the instant both were written (one transaction wrote both).
- An event notice that only informs (进展, 交办, 办结, 延期批复) is never handled: ``None``, it is only read or unread.

The day does not matter: a milestone counts as handled when it was reached or is moot, which ``judge`` decides
without today (today only tells an open milestone from a missed one, and both still need the notice).
Must not: judge a milestone itself, or write.
"""

from __future__ import annotations

import datetime as dt

from engine import catalog
from engine.kinds import RuleKind, Verdict
from engine.queries.milestones import checklist_milestones

_NEEDED = (Verdict.OPEN, Verdict.MISSED)
_DEADLINE_KINDS = {kind.value for kind in RuleKind}
#: notices of supervision and extensions that wait for an answer or a decision
_THREAD_KINDS = {"supervision", "supervision_overdue", "supervision_reply", "extension_request"}


def handled(conn, rows) -> dict[int, bool | None]:
    """Notice id → handled (True/False), or None for a notice that only informs.

    ``rows``: notice rows (mappings with ``id``, ``checklist_id``, ``task_id``, ``task_key``, ``task_removed``, ``item_id``, ``kind``,
    ``milestone``, ``period_start``, ``item_deadline_id``, ``due_date``, ``recipient``), newest first.
    """
    result: dict[int, bool | None] = {}
    by_checklist: dict[str, list] = {}
    threads = [row for row in rows if row["kind"] in _THREAD_KINDS]
    if threads:
        result.update(_threads(conn, threads))
    for row in rows:
        if row["kind"] in _THREAD_KINDS:
            continue
        if _about(row) is None:
            result[row["id"]] = None
        else:
            by_checklist.setdefault(row["checklist_id"], []).append(row)
    for checklist_id, found in by_checklist.items():
        definition = catalog.get_checklist(conn, checklist_id)
        task_rows = {
            row["task_key"]: row["task_id"] for row in found if row["task_key"] in definition.task_by_id and not row["task_removed"]
        }
        judged = checklist_milestones(conn, definition, dt.date.min, task_rows) if task_rows else {}
        seen: set[tuple] = set()
        for row in found:
            result[row["id"]] = _handled(row, judged.get(row["task_key"]), seen)
    return result


def _about(row) -> str | None:
    """What a notice waits for: a milestone (``"milestone"``), a state (``"state"``), or nothing (None)."""
    if row["kind"] in _DEADLINE_KINDS or row["item_deadline_id"] is not None:
        return "milestone"
    if row["milestone"] is not None and row["item_id"] is not None:
        return "state"
    return None


def _handled(row, task, seen: set) -> bool:
    if task is None:
        return True  # the task is gone from the list
    item = next((i for i in task.items if i.item_id == row["item_id"]), None)
    if item is None:
        return True  # the item was removed
    if _about(row) == "state":
        key = (row["kind"], row["item_id"], row["recipient"])
        newer = key in seen
        seen.add(key)
        return newer or item.state != row["milestone"]
    wanted = (None if row["item_deadline_id"] is not None else row["milestone"], row["period_start"], row["item_deadline_id"])
    for milestone in item.milestones:
        if milestone.key == wanted and milestone.due == row["due_date"]:
            return milestone.verdict.verdict not in _NEEDED
    return True  # the milestone is gone (a reload removed the date, a deadline was superseded)


def _threads(conn, rows) -> dict[int, bool]:
    """Supervision and extension notices: handled once answered, closed or decided (``engine.runtime.supervision``
    and ``extension_requests`` record when); one not matched stays unhandled (better shown than hidden)."""
    from sqlalchemy import select

    from engine.store.tables import extension_requests, supervision_replies, supervisions

    task_ids = {row["task_id"] for row in rows}
    found = {}
    sups = conn.execute(select(supervisions).where(supervisions.c.task_id.in_(task_ids))).mappings().all()
    replies = conn.execute(
        select(supervision_replies.c.supervision_id, supervision_replies.c.at).where(
            supervision_replies.c.supervision_id.in_([s["id"] for s in sups])
        )
    ).all()
    asks = conn.execute(select(extension_requests).where(extension_requests.c.task_id.in_(task_ids))).mappings().all()
    for row in rows:
        same = [s for s in sups if s["task_id"] == row["task_id"] and s["item_id"] == row["item_id"]]
        kind, at = row["kind"], row["created_at"]
        if kind == "supervision":
            match = next((s for s in same if s["issued_at"] == at), None)
            found[row["id"]] = match is not None and (match["answered_at"] is not None or match["closed_at"] is not None)
        elif kind == "supervision_overdue":
            match = next((s for s in same if s["escalated_at"] == at), None)
            found[row["id"]] = match is not None and (match["answered_at"] is not None or match["closed_at"] is not None)
        elif kind == "supervision_reply":
            ids = {sid for sid, when in replies if when == at}
            match = next((s for s in same if s["id"] in ids), None)
            found[row["id"]] = match is not None and match["closed_at"] is not None
        else:
            match = next(
                (a for a in asks if a["task_id"] == row["task_id"] and a["item_id"] == row["item_id"] and a["requested_at"] == at), None
            )
            found[row["id"]] = match is not None and match["decision"] is not None
    return found
