"""One pass of the reminder sweep: turn every schedule row whose time has come into notices, exactly once.

The pass reads only pending ``schedule`` rows with ``fire_at <= now`` (an index), in batches, each
batch in one transaction that inserts the notices, their delivery rows and audit events and marks the
rows processed: a pass killed halfway loses nothing (the rest is still pending) and doubles nothing
(a notice's ``dedupe_key`` is unique; ``INSERT … ON CONFLICT DO NOTHING`` lets only one process create
it, so several scheduler processes on one PostgreSQL never double-send).

Catching up after downtime: every row that fell due is handled once. A reminder is skipped when its
deadline has already passed (the overdue notice replaces it) or when a later reminder for the same
deadline is also due (only the latest is sent). Overdue notices and escalation steps go out once each,
in order. Nothing is sent for an item that has reached the milestone, a target that is reached, a duty
done for the period, or a deadline that a reload removed (its pending rows are gone).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select, update

from engine import catalog
from engine.dates.clock import Clock, local_date
from engine.definition.definitions import ChecklistDef, TaskDef
from engine.definition.planning import end_of, fire_at, rule_target
from engine.kinds import RuleKind, Verdict
from engine.queries.milestones import task_milestones
from engine.reminders.notices import compose, milestone_label
from engine.runtime import audit
from engine.runtime.closing import closed_ids
from engine.runtime.lineage import escalation_people
from engine.runtime.supervision import escalate_due
from engine.store import Store
from engine.store.dialects import dialect_of
from engine.store.tables import deliveries, items, notices, schedule, tasks


@dataclass
class SentNotice:
    id: int
    checklist: str
    task: str
    item: str | None
    kind: str
    recipient: str
    due: dt.date
    subject: str


@dataclass
class PassReport:
    now: dt.datetime
    rows: int = 0
    stale: int = 0
    notices: list[SentNotice] = field(default_factory=list)
    delivered: int = 0
    failed: int = 0
    supervisions_escalated: int = 0
    digests_made: int = 0  # daily digests made this pass (engine.reminders.digest)
    digests_sent: int = 0


def run_pass(
    store: Store, clock: Clock, *, channels=(), batch: int = 200, deliver: bool = True, deliver_timeout: float | None = None
) -> PassReport:
    now = clock.now()
    report = PassReport(now)
    while True:
        with store.write() as conn:
            query = (
                select(schedule)
                .where(schedule.c.pending.is_(True), schedule.c.fire_at <= now)
                .order_by(schedule.c.fire_at, schedule.c.id)
                .limit(batch)
            )
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = conn.execute(query).mappings().all()
            if rows:
                _process(conn, rows, now, channels, report)
        if len(rows) < batch:
            break
    report.supervisions_escalated = escalate_due(store, now)  # 督办单 unanswered past the reply date
    if channels:
        from engine.reminders.event_queue import queue_deliveries

        with store.write() as conn:
            queue_deliveries(conn, channels, now)  # event notices written by firings since the last pass
    if channels:
        from engine.reminders.digest import make_digests

        report.digests_made = make_digests(store, now)  # held deliveries of people who take a daily digest
    if deliver and channels:
        from engine.reminders.delivery import deliver_due

        outcome = deliver_due(store, clock, channels)
        report.delivered, report.failed = outcome.sent, outcome.failed
        from engine.reminders.digest import send_digests

        report.digests_sent = send_digests(store, clock, channels).sent
    return report


def _process(conn, rows, now: dt.datetime, channels, report: PassReport) -> None:
    task_keys = {r.id: r.key for r in conn.execute(select(tasks.c.id, tasks.c.key).where(tasks.c.id.in_({row["task_id"] for row in rows})))}
    definitions = {cid: catalog.get_checklist(conn, cid) for cid in {row["checklist_id"] for row in rows}}
    closed = closed_ids(conn, definitions)  # closed at year end: rows marked processed, nothing sent (engine.runtime.closing)
    judged: dict[int, object] = {}  # task row → its milestones, judged once per batch
    holders: dict[int, dict] = {}  # task row → {item id → its owner} (items.owner), read once per batch
    new_notices: list[dict] = []
    for row in rows:
        report.rows += 1
        definition = definitions[row["checklist_id"]]
        task = definition.task_by_id.get(task_keys.get(row["task_id"]))
        if task is None or definition.id in closed:
            continue
        if row["kind"] == RuleKind.REMINDER and _stale(definition, task, row, now):
            report.stale += 1
            continue
        today = local_date(now, definition.timezone)
        if row["task_id"] not in judged:
            judged[row["task_id"]] = task_milestones(conn, definition, task, row["task_id"], today)
        target = rule_target(task, row["kind"], row["rule_index"])
        people = escalation_people(conn, definition, task, target)  # parent:… goes up the levels
        to_owner = row["kind"] != RuleKind.ESCALATION  # an escalation goes up the task's chain, even to its responsible person
        if to_owner and row["task_id"] not in holders:
            holders[row["task_id"]] = item_holders(conn, row["task_id"])
        for item, milestone in _behind(judged[row["task_id"]], row):
            # an item's reminders and overdue notices go to its owner; escalations still go up the task's chain
            owner = holders.get(row["task_id"], {}).get(item.item_id) if to_owner else None
            recipients = [owner] if owner in definition.people else people
            label = milestone_label(definition, task, milestone.milestone, milestone.label)
            text = compose(
                row["kind"], definition, task, item.name, label, row["due_date"], today, _late(definition, row["due_date"], today)
            )
            for person in recipients:
                new_notices.append(
                    {
                        "dedupe_key": notice_key(row, item.item_id, person),
                        "checklist_id": definition.id,
                        "task_id": row["task_id"],
                        "item_id": item.item_id,
                        "kind": row["kind"],
                        "rule_index": row["rule_index"],
                        "milestone": row["milestone"],
                        "period_start": row["period_start"],
                        "item_deadline_id": row["item_deadline_id"],
                        "due_date": row["due_date"],
                        "recipient": person,
                        "created_at": now,
                        "subject": text.subject,
                        "text": text.body,
                        "_task": task.id,
                        "_item": item.name,
                    }
                )
    if new_notices:
        created = _insert_notices(conn, new_notices)
        _queue_deliveries(conn, created, channels, now, definitions)
        by_chain: dict[str, list[dict]] = {}
        for notice in created:
            by_chain.setdefault(notice["checklist_id"], []).append(
                {
                    "at": now,
                    "actor": "system",
                    "kind": "notice",
                    "checklist_id": notice["checklist_id"],
                    "task_key": notice["_task"],
                    "item_name": notice["_item"],
                    "data": {
                        "notice": notice["id"],
                        "kind": notice["kind"],
                        "rule": notice["rule_index"],
                        "recipient": notice["recipient"],
                        "due": notice["due_date"].isoformat(),
                    },
                }
            )
            report.notices.append(
                SentNotice(
                    notice["id"],
                    notice["checklist_id"],
                    notice["_task"],
                    notice["_item"],
                    notice["kind"],
                    notice["recipient"],
                    notice["due_date"],
                    notice["subject"],
                )
            )
        for chain, entries in by_chain.items():
            audit.append_many(conn, chain, entries)
    conn.execute(update(schedule).where(schedule.c.id.in_([row["id"] for row in rows])).values(pending=False, processed_at=now))


def item_holders(conn, task_row_id: int) -> dict[int, str]:
    """The items of a task that have an owner (``items.owner``: who holds them now), item id → person."""
    query = select(items.c.id, items.c.owner).where(items.c.task_id == task_row_id, items.c.owner.is_not(None), items.c.removed.is_(False))
    return {row.id: row.owner for row in conn.execute(query)}


def notice_key(row, item_id: int | None, person: str) -> str:
    """The notice's identity, exactly once per (subject, rule, deadline, recipient): compared, never parsed."""
    subject = {"item": item_id} if item_id is not None else {"task": row["task_id"]}
    parts = [
        subject,
        row["kind"],
        row["rule_index"],
        row["milestone"],
        row["period_start"],
        row["item_deadline_id"],
        row["due_date"],
        person,
    ]
    return hashlib.sha256(json.dumps(parts, default=str, ensure_ascii=False).encode()).hexdigest()


def _behind(judged, row):
    """(item, milestone) pairs that have not met this row's deadline: open or missed, by ``engine.verdicts``."""
    wanted = (row["milestone"], row["period_start"], row["item_deadline_id"])
    for item in judged.items:
        for milestone in item.milestones:
            if milestone.key == wanted and milestone.due == row["due_date"] and milestone.verdict.verdict in (Verdict.OPEN, Verdict.MISSED):
                yield item, milestone


def _late(definition: ChecklistDef, due: dt.date, today: dt.date) -> int:
    if today <= due:
        return 0
    return max(0, definition.calendar.workdays_between(due, today) - 1)


def _stale(definition: ChecklistDef, task: TaskDef, row, now: dt.datetime) -> bool:
    due = row["due_date"]
    if now >= end_of(definition, due):
        return True
    calendar = definition.calendar
    for duration in task.remind:
        later = fire_at(definition, calendar.days_before(due, duration))
        if row["fire_at"] < later <= now:
            return True
    return False


def _insert_notices(conn, rows: list[dict]) -> list[dict]:
    """Insert the notices nobody created yet; return those this process created.

    One cached statement run as an executemany (SQLAlchemy batches it into multi-row INSERTs with
    RETURNING); a row whose ``dedupe_key`` exists already returns nothing and is not ours to send.
    """
    dialect = dialect_of(conn)
    statement = (
        dialect.insert(notices).on_conflict_do_nothing(index_elements=[notices.c.dedupe_key]).returning(notices.c.id, notices.c.dedupe_key)
    )
    values = [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]
    ids = {r.dedupe_key: r.id for r in conn.execute(statement, values)}
    return [dict(row, id=ids[row["dedupe_key"]]) for row in rows if row["dedupe_key"] in ids]


def _queue_deliveries(conn, created: list[dict], channels, now: dt.datetime, definitions: dict) -> None:
    from engine.reminders.delivery import recipient_of
    from engine.reminders.digest import delivery_status
    from engine.runtime.people_directory import Directory

    if not channels:
        return
    queued = []
    directory = Directory(conn)  # a recipient the notice's list does not name: the parent list's person, say
    for notice in created:
        definition = definitions[notice["checklist_id"]]
        recipient = recipient_of(definition, notice["recipient"], directory)
        for channel in channels:
            if channel.applies_to(recipient):
                queued.append(
                    {
                        "notice_id": notice["id"],
                        "channel": channel.name,
                        "address": _address(channel, recipient),
                        "status": delivery_status(definition, notice["recipient"], directory),  # held for a digest, or sent at once
                        "attempts": 0,
                        "next_attempt_at": now,
                    }
                )
    if queued:
        conn.execute(deliveries.insert(), queued)


def _address(channel, recipient) -> str | None:
    if channel.name == "email":
        return recipient.email
    return None
