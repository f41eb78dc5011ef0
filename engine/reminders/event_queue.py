"""Channel deliveries for event notices (``engine.runtime.event_notices``): a firing writes the notice into the
inbox but does not know the channels; each sweep pass queues the deliveries of those created since, and the
delivery step sends them like any notice (retries, leases). Must not: decide what is told, or send.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select

from engine import catalog
from engine.kinds import RuleKind
from engine.reminders.delivery import recipient_of
from engine.runtime.people_directory import Directory
from engine.store.dialects import dialect_of
from engine.store.tables import deliveries, notices

#: how long an event notice waits for the sweep to queue it on channels (a process down longer: inbox only)
QUEUE_WINDOW = dt.timedelta(days=7)


def queue_deliveries(conn, channels, now: dt.datetime) -> int:
    """Queue the channel deliveries of event notices created since the last pass (the firing did not know the
    channels; the sweep does). Only notices of the last ``QUEUE_WINDOW`` without any delivery row are looked at;
    the unique (notice, channel) row keeps two processes from queuing one twice. Returns the rows queued."""
    if not channels:
        return 0
    found = conn.execute(
        select(notices.c.id, notices.c.checklist_id, notices.c.recipient).where(
            notices.c.kind.not_in([kind.value for kind in RuleKind]),
            notices.c.created_at >= now - QUEUE_WINDOW,
            ~exists().where(deliveries.c.notice_id == notices.c.id),
        )
    ).all()
    queued = []
    directory = Directory(conn)  # a recipient the notice's list does not name (ids are global)
    for notice in found:
        recipient = recipient_of(catalog.get_checklist(conn, notice.checklist_id), notice.recipient, directory)
        for channel in channels:
            if channel.applies_to(recipient):
                queued.append(
                    {
                        "notice_id": notice.id,
                        "channel": channel.name,
                        "address": recipient.email if channel.name == "email" else None,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                    }
                )
    if queued:
        dialect = dialect_of(conn)
        conn.execute(
            dialect.insert(deliveries).on_conflict_do_nothing(index_elements=[deliveries.c.notice_id, deliveries.c.channel]), queued
        )
    return len(queued)
