"""The notices of supervision and extensions: told to a person once, inside the action's transaction.

A notice's ``dedupe_key`` hashes what it is about (``subject``: the supervision's or request's kind and id) and the
recipient; ``INSERT … ON CONFLICT DO NOTHING`` lets only one writer create it, so a retried action or two sweeps
never tell anyone twice. The sweep queues their channel deliveries (``engine.reminders.event_queue``). Shared by ``engine.runtime.supervision`` and ``engine.runtime.extension_requests``; also
the small helpers both need to read dates typed by people and to name tasks and items in words.

Must not: decide who may act (``engine.runtime.permissions``) or send anything (the sweep delivers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from engine.errors import InputError
from engine.i18n import say
from engine.store.dialects import dialect_of
from engine.store.tables import notices

_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
MAX_TEXT = 4000


def notice_key(subject: list, person: str) -> str:
    return hashlib.sha256(json.dumps([*subject, person], default=str, ensure_ascii=False).encode()).hexdigest()


def tell(
    conn,
    *,
    definition,
    task_row_id: int,
    item_id: int | None,
    kind: str,
    subject_key: list,
    recipients,
    subject: str,
    text: str,
    due: dt.date | None,
    now: dt.datetime,
) -> list[int]:
    """Create one notice per recipient (each person once, nobody unknown to every loaded list: ids are global, so an
    escalation up the levels reaches the parent list's person); the ids created."""
    from engine.runtime.people_directory import Directory

    directory = Directory(conn)
    rows = []
    for person in dict.fromkeys(recipients):
        if not person or (person not in definition.people and directory.get(person) is None):
            continue
        rows.append(
            {
                "dedupe_key": notice_key([kind, *subject_key], person),
                "checklist_id": definition.id,
                "task_id": task_row_id,
                "item_id": item_id,
                "kind": kind,
                "due_date": due,
                "recipient": person,
                "created_at": now,
                "subject": subject,
                "text": text,
            }
        )
    if not rows:
        return []
    dialect = dialect_of(conn)
    statement = dialect.insert(notices).on_conflict_do_nothing(index_elements=[notices.c.dedupe_key]).returning(notices.c.id)
    created = [conn.execute(statement, row).scalar() for row in rows]
    created = [notice_id for notice_id in created if notice_id is not None]
    return created


def words(task, item: str | None) -> str:
    """A task and its item as people read them."""
    own = item and item != task.title
    return f"{task.id} {task.title}" + (f" / {item}" if own else "")


def person_name(definition, person: str | None) -> str:
    found = definition.people.get(person) if person else None
    return found.name if found else (person or "")


def parse_day(text, field: str, what: str) -> dt.date:
    """A date typed as ``YYYY-MM-DD`` (a ``date`` passes through); ``InputError`` naming ``field`` otherwise."""
    if isinstance(text, dt.date):
        return text
    value = str(text or "").strip()
    if not value:
        raise InputError(say("请填写{w}(年-月-日,如 2017-07-20)。", "give the {w} (YYYY-MM-DD, e.g. 2017-07-20).", w=what), field=field)
    if _DAY.fullmatch(value):
        try:
            year, month, day = (int(part) for part in value.split("-"))
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise InputError(
        say(
            "{w}应写成 年-月-日(如 2017-07-20),“{v}” 不是有效日期。",
            "the {w} takes YYYY-MM-DD (e.g. 2017-07-20); '{v}' is not a date.",
            w=what,
            v=value[:40],
        ),
        field=field,
    )


def required_text(text, field: str, what: str) -> str:
    value = str(text or "").strip()
    if not value:
        raise InputError(say("请填写{w}。", "give the {w}.", w=what), field=field)
    if len(value) > MAX_TEXT:
        raise InputError(say("{w}最多 {n} 字。", "the {w} takes at most {n} characters.", w=what, n=MAX_TEXT), field=field)
    return value
