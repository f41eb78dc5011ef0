"""督办单: a supervision notice on a task or one item that demands a written reply (情况说明) by a date.

The cycle of 督查督办: a task's leader or a head issues (交办) it with a colour — blue, a deadline is near; yellow,
behind pace or of poor quality; red, overdue — an instruction and a reply date; the responsible person replies
(反馈) with text and evidence files, once or more; the issuer (or another leader/head) reads it and closes it
(办结). One left unanswered past its reply date escalates once (``escalate_due``, called by the reminder sweep):
the issuer and the task's escalation chain are told. Every step is an audit event of the list's chain and a
notice to the other party. Who may act is ``engine.runtime.permissions`` (``check_supervise``, ``check_answer``).

``awaiting(store, person, today)`` is what waits on a person: supervisions to reply to, replies to read and
extension requests to decide (``engine.runtime.extension_requests``), for the to-do list.

Must not: judge deadlines (``engine.queries.milestones``), or know the web.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import insert, select, update

from engine import catalog
from engine.dates.clock import Clock, local_date
from engine.errors import Conflict, InputError, NotFound
from engine.i18n import say
from engine.runtime import audit
from engine.runtime.closing import check_open, closed_ids
from engine.runtime.opening import open_task
from engine.runtime.permissions import check_answer, check_supervise
from engine.runtime.supervision_notices import parse_day, person_name, required_text, tell, words
from engine.store.tables import extension_requests, items, supervision_replies, supervisions, tasks


class Colour(StrEnum):
    """The three colours of a supervision notice (三色督办)."""

    BLUE = "blue"  # a deadline is near
    YELLOW = "yellow"  # behind pace or of poor quality
    RED = "red"  # overdue


def colour_word(colour: str) -> str:
    return {
        Colour.BLUE: say("蓝色督办(期限临近)", "blue (deadline near)"),
        Colour.YELLOW: say("黄色督办(进度滞后或质量不佳)", "yellow (behind pace or poor quality)"),
        Colour.RED: say("红色督办(已逾期)", "red (overdue)"),
    }.get(colour, colour)


class AwaitKind(StrEnum):
    REPLY = "reply"  # a supervision notice to reply to
    READ_REPLY = "read_reply"  # a reply to read and close
    DECIDE_EXTENSION = "decide_extension"  # an extension request to approve or refuse


@dataclass(frozen=True)
class Awaiting:
    """One thing waiting on a person. ``item`` None: the whole task. ``due``: the reply date, or the deadline
    the extension would move."""

    checklist: str
    task: str
    item: str | None
    kind: AwaitKind
    due: dt.date
    id: int  # the supervision's or the extension request's id
    colour: str | None = None


@dataclass(frozen=True)
class Issued:
    id: int
    checklist: str
    task: str
    item: str | None
    reply_by: dt.date
    event_seq: int


def _colour(value) -> Colour:
    try:
        return Colour(str(value or "").strip().lower())
    except ValueError:
        raise InputError(
            say("督办颜色应为 蓝、黄 或 红(blue、yellow、red)之一。", "the colour takes blue, yellow or red."), field="colour"
        ) from None


def issue(
    store, *, task: str, item: str | None, colour, instruction, reply_by, actor: str, clock: Clock, checklist: str | None = None
) -> Issued:
    """Issue a 督办单 on ``task`` (or its ``item``): the responsible person is told and must reply by ``reply_by``."""
    now = clock.now()
    with store.write() as conn:
        ref = open_task(conn, task, item, checklist=checklist, workflow_only=False, with_item=item is not None)
        check_open(conn, ref.checklist.id)
        definition, task_def = ref.checklist, ref.task
        check_supervise(definition, task_def, actor)
        shade = _colour(colour)
        text = required_text(instruction, "instruction", say("督办要求", "instruction"))
        due = parse_day(reply_by, "reply_by", say("回复期限", "reply date"))
        today = local_date(now, definition.timezone)
        if due < today:
            raise InputError(
                say(
                    "回复期限 {d} 已过,请选今天({t})或以后的日期。",
                    "the reply date {d} has passed; choose today ({t}) or later.",
                    d=due,
                    t=today,
                ),
                field="reply_by",
            )
        item_id = ref.item.id if ref.item is not None else None
        item_name = ref.item.name if ref.item is not None else None
        sid = conn.execute(
            insert(supervisions)
            .values(
                checklist_id=definition.id,
                task_id=ref.task_row_id,
                item_id=item_id,
                colour=shade.value,
                instruction=text,
                reply_by=due,
                issuer=actor,
                issued_at=now,
            )
            .returning(supervisions.c.id)
        ).scalar_one()
        event = audit.append(
            conn,
            chain=definition.id,
            at=now,
            actor=actor,
            kind="supervision",
            checklist_id=definition.id,
            task_key=task_def.id,
            item_name=item_name,
            note=text,
            data={"supervision": sid, "colour": shade.value, "reply_by": due.isoformat()},
        )
        about = words(task_def, item_name)
        tell(
            conn,
            definition=definition,
            task_row_id=ref.task_row_id,
            item_id=item_id,
            kind="supervision",
            subject_key=[sid],
            recipients=[task_def.responsible],
            subject=say("【督办】{a}", "[Supervision] {a}", a=about),
            text=say(
                "{p} 下发{c}:{i}。请于 {d} 前在任务页回复情况说明。",
                "{p} issued a {c} supervision notice: {i}. Reply on the task page by {d}.",
                p=person_name(definition, actor),
                c=colour_word(shade),
                i=text,
                d=due.isoformat(),
            ),
            due=due,
            now=now,
        )
        return Issued(sid, definition.id, task_def.id, item_name, due, event["seq"])


def _open(conn, supervision_id) -> tuple:
    """The supervision row, its definition, task definition and item name."""
    try:
        sid = int(supervision_id)
    except (TypeError, ValueError):
        raise NotFound(say("没有这份督办单。", "no such supervision notice.")) from None
    row = conn.execute(select(supervisions).where(supervisions.c.id == sid)).mappings().first()
    if row is None:
        raise NotFound(say("没有这份督办单。", "no such supervision notice."))
    definition = catalog.get_checklist(conn, row["checklist_id"])
    key = conn.execute(select(tasks.c.key).where(tasks.c.id == row["task_id"])).scalar()
    task_def = definition.task_by_id.get(key)
    if task_def is None:
        raise NotFound(say("这份督办单的任务已不在清单中。", "the task of this supervision notice is no longer in the list."))
    item_name = conn.execute(select(items.c.name).where(items.c.id == row["item_id"])).scalar() if row["item_id"] else None
    return row, definition, task_def, item_name


def checklist_of(store, supervision_id) -> tuple[str, str]:
    """(checklist id, task id) of a supervision notice, e.g. to take evidence files for a reply."""
    with store.read() as conn:
        row, definition, task_def, _ = _open(conn, supervision_id)
        return definition.id, task_def.id


def may_answer(store, supervision_id, actor: str) -> None:
    """Raise unless ``actor`` may reply now: checked before any evidence file is taken."""
    with store.read() as conn:
        row, definition, task_def, _ = _open(conn, supervision_id)
        check_answer(definition, task_def, actor)
        _refuse_closed(conn, row)


def _refuse_closed(conn, row) -> None:
    """A supervision closed (办结), or its list closed at year end, takes no more replies or closing."""
    check_open(conn, row["checklist_id"])
    if row["closed_at"] is not None:
        raise Conflict(say("这份督办单已办结,不能再回复。", "this supervision notice is closed; it takes no more replies."))


def reply(store, *, supervision_id, text, actor: str, clock: Clock, evidence=()) -> int:
    """Reply (情况说明) to a supervision notice; ``evidence``: ``engine.runtime.evidence.Evidence`` already taken
    through an ``Intake`` (after ``may_answer``). The issuer is told. Returns the reply's id."""
    now = clock.now()
    with store.write() as conn:
        row, definition, task_def, item_name = _open(conn, supervision_id)
        check_answer(definition, task_def, actor)
        _refuse_closed(conn, row)
        body = required_text(text, "text", say("情况说明", "reply"))
        files = [e.as_json() for e in evidence]
        rid = conn.execute(
            insert(supervision_replies)
            .values(supervision_id=row["id"], author=actor, text=body, evidence=json.dumps(files, ensure_ascii=False), at=now)
            .returning(supervision_replies.c.id)
        ).scalar_one()
        if row["answered_at"] is None:
            conn.execute(update(supervisions).where(supervisions.c.id == row["id"]).values(answered_at=now))
        audit.append(
            conn,
            chain=definition.id,
            at=now,
            actor=actor,
            kind="supervision_reply",
            checklist_id=definition.id,
            task_key=task_def.id,
            item_name=item_name,
            note=body,
            data={"supervision": row["id"], "reply": rid, "evidence": files},
        )
        tell(
            conn,
            definition=definition,
            task_row_id=row["task_id"],
            item_id=row["item_id"],
            kind="supervision_reply",
            subject_key=[row["id"], rid],
            recipients=[row["issuer"]],
            subject=say("【督办回复】{a}", "[Supervision reply] {a}", a=words(task_def, item_name)),
            text=say("{p} 回复了督办单:{t}", "{p} replied to the supervision notice: {t}", p=person_name(definition, actor), t=body),
            due=row["reply_by"],
            now=now,
        )
        return rid


def close(store, *, supervision_id, actor: str, clock: Clock, note: str | None = None) -> None:
    """The issuer (or the task's leader or a head) has read the reply: the notice is closed (办结)."""
    now = clock.now()
    with store.write() as conn:
        row, definition, task_def, item_name = _open(conn, supervision_id)
        check_supervise(definition, task_def, actor)
        _refuse_closed(conn, row)
        if row["answered_at"] is None:
            raise Conflict(say("这份督办单还没有回复,不能办结。", "this supervision notice has no reply yet; it cannot be closed."))
        moved = conn.execute(
            update(supervisions)
            .where(supervisions.c.id == row["id"], supervisions.c.closed_at.is_(None))
            .values(closed_at=now, closed_by=actor)
        ).rowcount
        if moved != 1:
            raise Conflict(say("这份督办单刚被他人办结。", "someone else closed this supervision notice just now."))
        audit.append(
            conn,
            chain=definition.id,
            at=now,
            actor=actor,
            kind="supervision_closed",
            checklist_id=definition.id,
            task_key=task_def.id,
            item_name=item_name,
            note=(note or "").strip() or None,
            data={"supervision": row["id"]},
        )


def escalate_due(store, now: dt.datetime) -> int:
    """Escalate every open supervision notice unanswered past its reply date, once each (the sweep calls this).

    The compare-and-set on ``escalated_at`` decides which process escalates; the notices' ``dedupe_key`` keeps
    anyone from being told twice. Told: the issuer and the task's escalation chain (its ``escalate`` entries, else
    the leader). Returns how many were escalated.
    """
    from engine.runtime.lineage import escalation_people

    done = 0
    with store.write() as conn:
        rows = conn.execute(
            select(supervisions).where(
                supervisions.c.answered_at.is_(None),
                supervisions.c.closed_at.is_(None),
                supervisions.c.escalated_at.is_(None),
                supervisions.c.reply_by <= now.date(),  # a zone east of UTC is a day ahead: the exact day is checked below
            )
        ).mappings()
        rows = list(rows)
        closed = closed_ids(conn, {row["checklist_id"] for row in rows})  # a list closed at year end escalates nothing
        for row in rows:
            if row["checklist_id"] in closed:
                continue
            definition = catalog.get_checklist(conn, row["checklist_id"])
            if row["reply_by"] >= local_date(now, definition.timezone):
                continue
            moved = conn.execute(
                update(supervisions).where(supervisions.c.id == row["id"], supervisions.c.escalated_at.is_(None)).values(escalated_at=now)
            ).rowcount
            if moved != 1:
                continue
            row, definition, task_def, item_name = _open(conn, row["id"])
            chain = [person for entry in task_def.escalate for person in escalation_people(conn, definition, task_def, entry.to)]
            people = [row["issuer"], *(chain or [task_def.leader])]
            tell(
                conn,
                definition=definition,
                task_row_id=row["task_id"],
                item_id=row["item_id"],
                kind="supervision_overdue",
                subject_key=[row["id"]],
                recipients=people,
                subject=say("【督办逾期未复】{a}", "[Supervision unanswered] {a}", a=words(task_def, item_name)),
                text=say(
                    "{p} 未在 {d} 前回复督办单:{i}",
                    "{p} did not reply by {d} to the supervision notice: {i}",
                    p=person_name(definition, task_def.responsible),
                    d=row["reply_by"].isoformat(),
                    i=row["instruction"],
                ),
                due=row["reply_by"],
                now=now,
            )
            audit.append(
                conn,
                chain=definition.id,
                at=now,
                actor=audit.SYSTEM_ACTOR,
                kind="supervision_escalated",
                checklist_id=definition.id,
                task_key=task_def.id,
                item_name=item_name,
                data={"supervision": row["id"], "reply_by": row["reply_by"].isoformat(), "told": sorted(set(people))},
            )
            done += 1
    return done


def awaiting(store, person: str, today: dt.date, checklist: str | None = None) -> list[Awaiting]:
    """What waits on ``person`` (a person id of the checklists; ``checklist``: only that one): supervision notices
    of their tasks to reply to; replies to notices they issued (or on tasks they lead) to read and close; extension
    requests on tasks they lead (or any, for a head) to decide. The most urgent first."""
    from engine.runtime.permissions import capacities

    found: list[Awaiting] = []
    with store.read() as conn:
        open_notices = select(supervisions, tasks.c.key, items.c.name).join(tasks, tasks.c.id == supervisions.c.task_id)
        open_notices = open_notices.outerjoin(items, items.c.id == supervisions.c.item_id).where(supervisions.c.closed_at.is_(None))
        pending = (
            select(extension_requests, tasks.c.key, items.c.name)
            .join(tasks, tasks.c.id == extension_requests.c.task_id)
            .join(items, items.c.id == extension_requests.c.item_id)
            .where(extension_requests.c.decision.is_(None))
        )
        if checklist is not None:
            open_notices = open_notices.where(supervisions.c.checklist_id == checklist)
            pending = pending.where(extension_requests.c.checklist_id == checklist)
        definitions: dict = {}

        def task_of(checklist_id, key):
            if checklist_id not in definitions:
                definitions[checklist_id] = catalog.get_checklist(conn, checklist_id)
            definition = definitions[checklist_id]
            return definition, definition.task_by_id.get(key)

        for row in conn.execute(open_notices).mappings():
            definition, task_def = task_of(row["checklist_id"], row["key"])
            if task_def is None or person not in definition.people:
                continue
            if row["answered_at"] is None and person == task_def.responsible:
                kind = AwaitKind.REPLY
            elif row["answered_at"] is not None and (person == row["issuer"] or person == task_def.leader):
                kind = AwaitKind.READ_REPLY
            else:
                continue
            found.append(Awaiting(row["checklist_id"], row["key"], row["name"], kind, row["reply_by"], row["id"], row["colour"]))
        for row in conn.execute(pending).mappings():
            definition, task_def = task_of(row["checklist_id"], row["key"])
            if task_def is None or person not in definition.people:
                continue
            if capacities(definition, task_def, person) & {"leader", "head"}:
                found.append(
                    Awaiting(row["checklist_id"], row["key"], row["name"], AwaitKind.DECIDE_EXTENSION, row["current_due"], row["id"])
                )
    found.sort(key=lambda a: (a.due, a.checklist, a.task, a.id))
    return found
