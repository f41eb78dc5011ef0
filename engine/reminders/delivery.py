"""Send queued deliveries through their channels, with retries and backoff; never blocks the inbox.

A delivery row is claimed with a short lease (a compare-and-set update) before sending, so two
processes never send the same one; the outcome is written after. A crash between sending and writing
the outcome leaves the lease to expire and the delivery is tried again: external channels are
at-least-once (a rare duplicate rather than a lost reminder), the in-app inbox exactly once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update

from engine import catalog
from engine.dates.clock import Clock
from engine.reminders.channels import Message, Recipient
from engine.runtime.people_directory import Directory
from engine.store import Store
from engine.store.tables import deliveries, digests, notices

MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=5)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes, at most 6 hours."""
    return min(dt.timedelta(minutes=2 ** max(0, attempts - 1)), dt.timedelta(hours=6))


def recipient_of(definition, person_id: str, directory=None) -> Recipient:
    """Whom a notice of ``definition`` to ``person_id`` reaches: the person as that list names them, else (a person of
    another list, such as the parent task's leader an escalation goes up to) as any loaded list does, through
    ``directory`` (``engine.runtime.people_directory.Directory``); unknown: the bare id, no address."""
    person = definition.people.get(person_id)
    if person is None and directory is not None:
        person = directory.get(person_id, definition)
    return Recipient(person_id=person_id, name=person.name if person else person_id, email=person.email if person else None)


@dataclass
class DeliveryOutcome:
    sent: int = 0
    failed: int = 0
    abandoned: int = 0


def claim_due(conn, table, now: dt.datetime, limit: int) -> list[int]:
    """The ids of ``table``'s rows (deliveries, digests) due to be sent now, each claimed with a lease by a
    compare-and-set update: a row another process claimed first is left out."""
    due = and_(
        table.c.status.in_(("pending", "failed")),
        table.c.next_attempt_at <= now,
        or_(table.c.lease_until.is_(None), table.c.lease_until < now),
    )
    candidates = conn.execute(select(table.c.id).where(due).order_by(table.c.id).limit(limit)).scalars().all()
    return [
        found
        for found in candidates
        if conn.execute(update(table).where(table.c.id == found, due).values(lease_until=now + LEASE)).rowcount
    ]


def attempted(outcome: DeliveryOutcome, attempts: int, ok: bool, detail, retryable: bool, now: dt.datetime) -> dict:
    """A row's new values after one more attempt (sent; failed, to retry after the backoff; or abandoned), counted
    into ``outcome``."""
    if ok:
        outcome.sent += 1
        values = {"status": "sent", "sent_at": now, "last_error": None}
    elif retryable and attempts < MAX_ATTEMPTS:
        outcome.failed += 1
        values = {"status": "failed", "last_error": detail, "next_attempt_at": now + backoff(attempts)}
    else:
        outcome.abandoned += 1
        values = {"status": "abandoned", "last_error": detail}
    return {"attempts": attempts, "lease_until": None, **values}


def deliver_due(store: Store, clock: Clock, channels, *, limit: int = 200) -> DeliveryOutcome:
    by_name = {channel.name: channel for channel in channels}
    outcome = DeliveryOutcome()
    now = clock.now()
    with store.write() as conn:
        claimed = claim_due(conn, deliveries, now, limit)
        work = (
            conn.execute(
                select(deliveries, notices.c.checklist_id, notices.c.recipient, notices.c.subject, notices.c.text, notices.c.kind)
                .join(notices, notices.c.id == deliveries.c.notice_id)
                .where(deliveries.c.id.in_(claimed))
            )
            .mappings()
            .all()
        )
        directory = Directory(conn)
        recipients = {
            (w["checklist_id"], w["recipient"]): recipient_of(catalog.get_checklist(conn, w["checklist_id"]), w["recipient"], directory)
            for w in work
        }
    results = []
    for w in work:
        channel = by_name.get(w["channel"])
        if channel is None:
            results.append((w, False, "channel no longer configured", False))
            continue
        message = Message(subject=w["subject"], text=w["text"], kind=w["kind"])
        result = channel.send(recipients[(w["checklist_id"], w["recipient"])], message)
        results.append((w, result.ok, result.detail, result.retryable))
    with store.write() as conn:
        for w, ok, detail, retryable in results:
            values = attempted(outcome, w["attempts"] + 1, ok, detail, retryable, now)
            conn.execute(update(deliveries).where(deliveries.c.id == w["id"]).values(**values))
    return outcome


def delivery_log(store: Store, *, failed_only: bool = False, limit: int = 500) -> list[dict]:
    query = select(deliveries, notices.c.recipient, notices.c.subject, notices.c.checklist_id).join(
        notices, notices.c.id == deliveries.c.notice_id
    )
    if failed_only:
        query = query.where(deliveries.c.status.in_(("failed", "abandoned")))
    # daily digests (engine.reminders.digest) are deliveries too: a failed one must show where failures are looked for
    carried = select(digests)
    if failed_only:
        carried = carried.where(digests.c.status.in_(("failed", "abandoned")))
    with store.read() as conn:
        rows = conn.execute(query.order_by(deliveries.c.id.desc()).limit(limit)).mappings().all()
        digest_rows = conn.execute(carried.order_by(digests.c.id.desc()).limit(limit)).mappings().all()
    return [_log_row(r, None, r["day"].isoformat()) for r in digest_rows] + [_log_row(r, r["notice_id"], None) for r in rows]


def _log_row(r, notice: int | None, digest: str | None) -> dict:
    """One line of the delivery log: a single notice's delivery (``notice``) or a daily digest (``digest``: its day)."""
    return {
        "id": r["id"],
        "notice": notice,
        "digest": digest,
        "channel": r["channel"],
        "recipient": r["recipient"],
        "address": r["address"],
        "status": r["status"],
        "attempts": r["attempts"],
        "error": r["last_error"],
        "next_attempt_at": r["next_attempt_at"].isoformat() if r["next_attempt_at"] and r["status"] == "failed" else None,
        "subject": r["subject"],
        "checklist": r["checklist_id"],
    }
