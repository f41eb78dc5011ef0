"""Event notices (事件通知): what just happened to an item, told once to the people it concerns.

Deadline notices (提醒, 逾期, 督办) come from the sweep when a date comes; these come from a firing, inside its
transaction: the engine's own ``step_fired`` (a step of your task was taken by your leader or a head) and whatever
plugins return from ``qingdan_event_notices`` (the acceptance plugin: an item awaits your inspection; your item
failed inspection). ``assigned`` is told by ``notify_assigned``: a reload that gives a task another responsible
person (or adds a task) tells the new one (``tell_handovers``); a transfer of one item (``engine.runtime.transfer``)
tells the new holder the same way and the previous one that it left them (``transferred``).

Exactly once: a notice's ``dedupe_key`` hashes its kind, its item, the audit event that caused it and the
recipient, and ``INSERT … ON CONFLICT DO NOTHING`` lets only one writer create it. Deliveries to channels are
queued by the sweep (``engine.reminders.sweep``), which knows the channels; a firing does not.

Words only: a notice names tasks, items, states and people as people read them, never by id.
Must not: send anything, or judge whether a deadline is met (``engine.queries.milestones`` does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from engine.i18n import say
from engine.store.dialects import dialect_of
from engine.store.tables import item_deadlines, notices

#: the kinds of event notice (deadline notices are ``engine.kinds.RuleKind``)
EVENT_KINDS = ("awaits_inspection", "inspection_failed", "step_fired", "assigned", "transferred")


@dataclass(frozen=True)
class EventNotice:
    """One notice a plugin (or the engine) asks to be told about a firing.

    ``kind``: a short word of the plugin's (at most 20 ASCII characters; the built-in ones are ``EVENT_KINDS``).
    ``recipients``: person ids of the checklist. ``subject`` and ``text``: the words people read (no ids).
    ``state``: the workflow state the notice is about; it counts as handled once the item has left that state.
    ``deadline``: the key of an item deadline started by this firing (``rectify``); the notice then carries that
    deadline and counts as handled once it is met. With neither, the notice only informs (never 已处理).
    """

    kind: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    state: str | None = None
    deadline: str | None = None


def item_words(task, item: str | None) -> tuple[str, str]:
    """(the short subject words, the full words) naming a task and its item, as the deadline notices do."""
    own = item and item != task.title
    return task.id + (f" {item}" if own else ""), f"{task.id} {task.title}" + (f" / {item}" if own else "")


def person_name(definition, person: str) -> str:
    found = definition.people.get(person)
    return found.name if found else person


def step_fired(context) -> list[EventNotice]:
    """Who answers for the item (its holder, else the task's responsible person) is told when a step of the item was
    taken by the task's leader or a head."""
    from engine.runtime.permissions import capacities

    task = context.task
    responsible = context.answerable
    if not responsible or context.actor == responsible or responsible not in context.checklist.people:
        return []
    if not capacities(context.checklist, task, context.actor) & {"leader", "head"}:
        return []
    workflow = context.workflow
    transition = workflow.transition(context.trigger, context.from_state)
    short, full = item_words(task, context.item_name)
    who = person_name(context.checklist, context.actor)
    action = transition.label
    if action:
        subject = say("【{a}】{t}:{p} 已{a}", "[{a}] {t}: done by {p}", a=action, t=short, p=who)
    else:  # a transition without a label: say where the item went
        action = workflow.label(context.to_state)
        subject = say("【进展】{t}:{p} 改为“{s}”", "[Progress] {t}: {p} moved it to '{s}'", t=short, p=who, s=action)
    text = say(
        "{what}\n{p} 于 {d} 执行了“{a}”:“{f}” → “{s}”。{n}",
        "{what}\n{p} took the step '{a}' on {d}: '{f}' → '{s}'.{n}",
        what=full,
        p=who,
        d=context.today.isoformat(),
        a=action,
        f=workflow.label(context.from_state),
        s=workflow.label(context.to_state),
        n=say("\n说明:{x}", "\nNote: {x}", x=context.note) if context.note else "",
    )
    return [EventNotice("step_fired", (responsible,), subject, text)]


def notify_assigned(
    conn,
    *,
    definition,
    task,
    task_row_id: int,
    item_id: int | None,
    item_name: str | None,
    person: str,
    by: str | None,
    cause: str,
    now,
    before: str | None = None,
):
    """Tell ``person`` that a task or one of its items was assigned or transferred to them (交办/转办), exactly once per
    ``cause`` (what makes this assignment distinct: the reload's revision, a transfer's audit seq). ``before``: the
    person who held it until now. Call it inside the transaction that assigns; returns the ids of the notices created.
    A reload that gives a task another responsible person calls it (``tell_handovers``); so does a transfer of a
    single item (``engine.runtime.transfer``)."""
    short, full = item_words(task, item_name)
    giver = say("由 {p} ", "by {p} ", p=person_name(definition, by)) if by else ""
    was = say("(原由 {p} 负责)", " (until now: {p})", p=person_name(definition, before)) if before else ""
    told = EventNotice(
        "assigned",
        (person,),
        say("【交办】{t}:已交由您负责", "[Assigned] {t}: now yours", t=short),
        say(
            "{what}\n已{g}交由您负责{w},请查看期限并按时办理。",
            "{what}\nAssigned to you {g}{w}; see its deadlines.",
            what=full,
            g=giver,
            w=was,
        ),
    )
    return emit(conn, definition=definition, task_row_id=task_row_id, item_id=item_id, cause=cause, told=[told], now=now)


def tell_handovers(conn, old, new, *, revision: int, actor: str | None, now) -> int:
    """After a reload: the responsible person of a task that changed hands, or that the reload added, is told.
    Returns the notices created."""
    from engine.store.tables import tasks

    rows = dict(conn.execute(select(tasks.c.key, tasks.c.id).where(tasks.c.checklist_id == new.id, tasks.c.removed.is_(False))).all())
    created = 0
    for task in new.tasks:
        before = old.task_by_id.get(task.id)
        previous = before.responsible if before is not None else None
        if task.id not in rows or not task.responsible or previous == task.responsible:
            continue
        created += len(
            notify_assigned(
                conn,
                definition=new,
                task=task,
                task_row_id=rows[task.id],
                item_id=None,
                item_name=None,
                person=task.responsible,
                by=actor if actor in new.people else None,
                cause=f"reload-{revision}",
                now=now,
                before=previous if previous in new.people else None,
            )
        )
    return created


def emit(conn, *, definition, task_row_id: int, item_id: int | None, cause, told, now: dt.datetime) -> list[int]:
    """Insert the notices nobody created yet (``cause`` makes them distinct, e.g. the firing's audit seq)."""
    rows = []
    for notice in told:
        deadline = _deadline(conn, item_id, notice.deadline) if notice.deadline and item_id is not None else None
        for person in dict.fromkeys(notice.recipients):
            if person not in definition.people:
                continue
            rows.append(
                {
                    "dedupe_key": _key(notice.kind, item_id, task_row_id, cause, person),
                    "checklist_id": definition.id,
                    "task_id": task_row_id,
                    "item_id": item_id,
                    "kind": notice.kind[:20],
                    "rule_index": None,
                    "milestone": notice.state,
                    "period_start": None,
                    "item_deadline_id": deadline.id if deadline else None,
                    "due_date": deadline.due_date if deadline else None,
                    "recipient": person,
                    "created_at": now,
                    "subject": notice.subject,
                    "text": notice.text,
                }
            )
    if not rows:
        return []
    statement = _insert_new(conn)
    if len(rows) == 1:  # the usual firing: one recipient, one statement (a list of one still takes executemany's path)
        return [r.id for r in conn.execute(statement, rows[0])]
    return [r.id for r in conn.execute(statement, rows)]


_INSERT_NEW: dict[str, object] = {}  # dialect name -> the insert statement, built once (a firing pays no build)


def _insert_new(conn):
    name = conn.dialect.name
    statement = _INSERT_NEW.get(name)
    if statement is None:
        dialect = dialect_of(conn)
        statement = dialect.insert(notices).on_conflict_do_nothing(index_elements=[notices.c.dedupe_key]).returning(notices.c.id)
        _INSERT_NEW[name] = statement
    return statement


def _deadline(conn, item_id: int, key: str):
    return conn.execute(
        select(item_deadlines.c.id, item_deadlines.c.due_date)
        .where(item_deadlines.c.item_id == item_id, item_deadlines.c.key == key, item_deadlines.c.cleared_at.is_(None))
        .order_by(item_deadlines.c.id.desc())
        .limit(1)
    ).first()


def _key(kind: str, item_id, task_row_id, cause, person: str) -> str:
    parts = ["event", kind, {"item": item_id} if item_id is not None else {"task": task_row_id}, str(cause), person]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
