"""Daily digests: a person's reminders, overdue notices and escalations reach email and robots as one message a day.

The sweep queues a notice's delivery as ``held`` instead of ``pending`` when its recipient takes digests
(``PersonDef.digested``: ``notify: digest``, or a head by default); the inbox still has the notice at once. Once
a day, at the first pass at or after the latest ``notify_at`` of the lists naming the person (so every list's
notices of the day are made), ``make_digests`` turns each person's held deliveries of a channel into one
``digests`` row: the row is unique per (person, channel, local day), so of several scheduler processes exactly
one makes it, and in the same transaction it moves each held delivery it takes to ``digest`` by a
compare-and-set (a notice goes into exactly one digest; one held after the day's digest waits for the next).
``send_digests`` sends them like deliveries: a lease claimed by compare-and-set, retries with backoff, the
outcome written after (``engine.reminders.delivery``). Must not: decide what a notice says, or who is told.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, exists, select, update

from engine import catalog
from engine.dates.clock import Clock, local_date
from engine.definition.planning import fire_at
from engine.i18n import say
from engine.reminders.channels import Message
from engine.reminders.delivery import DeliveryOutcome, attempted, claim_due, recipient_of
from engine.reminders.digest_text import Line, compose_digest, digest_html
from engine.runtime.people_directory import Directory
from engine.store import Store
from engine.store.dialects import dialect_of
from engine.store.tables import deliveries, digests, items, notices, schedule, tasks

log = logging.getLogger("qingdan.digest")

#: schedule rows due this long ago and still pending are being made into notices now: the digest waits for them
#: (a row stuck longer, failing pass after pass, must not hold every digest back)
MAKING = dt.timedelta(hours=1)


def delivery_status(definition, person_id: str, directory=None) -> str:
    """The status a new reminder, overdue or escalation delivery starts in: ``held`` for a digest, else ``pending``;
    a person ``definition`` does not name (an escalation up the levels) as a list naming them says (``directory``)."""
    person = definition.people.get(person_id)
    if person is None and directory is not None:
        person = directory.get(person_id, definition)
    return "held" if person is not None and person.digested else "pending"


def make_digests(store: Store, now: dt.datetime) -> int:
    """Make today's digest of every person and channel whose digest time has come; returns the digests made."""
    with store.read() as conn:
        making = exists().where(schedule.c.pending.is_(True), schedule.c.fire_at <= now, schedule.c.fire_at > now - MAKING)
        if conn.execute(select(making)).scalar():
            return 0  # notices of this moment are still being made (another process's pass): the next pass digests
        waiting = conn.execute(
            select(deliveries.c.id, deliveries.c.channel, deliveries.c.address, notices.c.recipient, notices.c.checklist_id)
            .join(notices, notices.c.id == deliveries.c.notice_id)
            .where(deliveries.c.status == "held")
            .order_by(deliveries.c.id)
        ).all()
        if not waiting:
            return 0
        definitions = [catalog.get_checklist(conn, cid) for cid in catalog.checklist_ids(conn)]
        # digests of these days made already: notices held since wait for the next day without a write each pass
        made_already = {
            (r.recipient, r.channel, r.day)
            for r in conn.execute(
                select(digests.c.recipient, digests.c.channel, digests.c.day).where(digests.c.created_at > now - dt.timedelta(days=2))
            )
        }
    groups: dict[tuple[str, str], list] = {}
    for row in waiting:
        groups.setdefault((row.recipient, row.channel), []).append(row)
    made = 0
    for (person, channel), rows in groups.items():
        naming = [d for d in definitions if person in d.people] or [d for d in definitions if d.id == rows[0].checklist_id]
        if not naming:
            continue
        home = max(naming, key=lambda d: fire_at(d, local_date(now, d.timezone)))
        day = local_date(now, home.timezone)
        if now < fire_at(home, day) or (person, channel, day) in made_already:
            continue  # not yet the time of day of this person's digest, or today's has gone
        try:
            made += _make_one(store, now, person, channel, day, home, rows)
        except Exception:  # one person's digest must not keep the others from being made
            log.exception("making the digest of %s failed", person)
    return made


def _make_one(store: Store, now: dt.datetime, person: str, channel: str, day: dt.date, home, rows) -> int:
    with store.write() as conn:
        dialect = dialect_of(conn)
        created = conn.execute(
            dialect.insert(digests)
            .values(
                recipient=person,
                channel=channel,
                day=day,
                checklist_id=home.id,
                address=rows[-1].address,
                subject="",
                text="",
                notices=0,
                status="pending",
                attempts=0,
                created_at=now,
                next_attempt_at=now,
            )
            .on_conflict_do_nothing(index_elements=[digests.c.recipient, digests.c.channel, digests.c.day])
            .returning(digests.c.id)
        ).scalar()
        if created is None:
            return 0  # today's digest exists (another process, or earlier today): these wait for tomorrow's
        taken = [
            row.id
            for row in rows
            if conn.execute(
                update(deliveries)
                .where(deliveries.c.id == row.id, deliveries.c.status == "held")
                .values(status="digest", digest_id=created)
            ).rowcount
        ]
        if not taken:
            conn.execute(delete(digests).where(digests.c.id == created))
            return 0
        found = conn.execute(
            select(
                notices, tasks.c.key.label("task_key"), items.c.name.label("item_name"), items.c.owner.label("item_owner"), items.c.position
            )
            .join(deliveries, deliveries.c.notice_id == notices.c.id)
            .join(tasks, tasks.c.id == notices.c.task_id, isouter=True)
            .join(items, items.c.id == notices.c.item_id, isouter=True)
            .where(deliveries.c.id.in_(taken))
        ).mappings()
        lines = []
        for n in found:
            definition = catalog.get_checklist(conn, n["checklist_id"])
            task = definition.task_by_id.get(n["task_key"])
            holder = n["item_owner"] or (task.responsible if task else None)
            lines.append(
                Line(definition, n["task_key"], n["item_name"], n["kind"], n["milestone"], n["due_date"], holder, n["position"] or 0)
            )
        who = home.people.get(person)
        text = compose_digest(who.name if who else say("您好", "Hello"), day, lines)
        conn.execute(update(digests).where(digests.c.id == created).values(subject=text.subject, text=text.body, notices=len(taken)))
        return 1


def send_digests(store: Store, clock: Clock, channels, *, limit: int = 100) -> DeliveryOutcome:
    """Send the digests that are due, each claimed with a lease so that two processes never send one."""
    by_name = {channel.name: channel for channel in channels}
    outcome = DeliveryOutcome()
    now = clock.now()
    with store.write() as conn:
        claimed = claim_due(conn, digests, now, limit)
        work = conn.execute(select(digests).where(digests.c.id.in_(claimed)).order_by(digests.c.id)).mappings().all()
        directory = Directory(conn)
        recipients = {w["id"]: recipient_of(catalog.get_checklist(conn, w["checklist_id"]), w["recipient"], directory) for w in work}
    results = []
    for w in work:
        channel = by_name.get(w["channel"])
        if channel is None:
            results.append((w, False, "channel no longer configured", False))
            continue
        result = channel.send(
            recipients[w["id"]], Message(subject=w["subject"], text=w["text"], kind="digest", html=digest_html(w["text"]))
        )
        results.append((w, result.ok, result.detail, result.retryable))
    with store.write() as conn:
        for w, ok, detail, retryable in results:
            if ok:  # the deliveries it carried are sent with it (the delivery log shows them so)
                conn.execute(update(deliveries).where(deliveries.c.digest_id == w["id"]).values(sent_at=now))
            conn.execute(
                update(digests).where(digests.c.id == w["id"]).values(**attempted(outcome, w["attempts"] + 1, ok, detail, retryable, now))
            )
    return outcome


def digest_log(store: Store, *, person: str | None = None, limit: int = 500) -> list[dict]:
    """The digests made, newest first: to whom, on which channel and day, how many notices, and what came of it."""
    query = select(digests).order_by(digests.c.id.desc()).limit(limit)
    if person:
        query = query.where(digests.c.recipient == person)
    with store.read() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        {
            "id": r["id"],
            "recipient": r["recipient"],
            "channel": r["channel"],
            "day": r["day"].isoformat(),
            "notices": r["notices"],
            "status": r["status"],
            "attempts": r["attempts"],
            "error": r["last_error"],
            "subject": r["subject"],
            "text": r["text"],
        }
        for r in rows
    ]
