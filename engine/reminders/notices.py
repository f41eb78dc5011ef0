"""Notices: their Chinese (or English) text, and the in-app inbox every notice lands in.

A notice names the task, the item, the milestone, the date, the days left or overdue, and for
escalations the responsible person, so a leader reading it on a phone knows whom to call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, select, update

from engine.amounts import parse_id
from engine.dates.clock import show
from engine.definition.definitions import ChecklistDef, TaskDef
from engine.errors import NotFound
from engine.i18n import say
from engine.store import Store
from engine.store.tables import notices, tasks

KIND_WORDS = {
    "reminder": ("提醒", "Reminder"),
    "overdue": ("逾期", "Overdue"),
    "escalation": ("督办", "Escalation"),
    # event notices (engine.runtime.event_notices): told when something happens, not when a date comes
    "awaits_inspection": ("待验收", "Awaits inspection"),
    "inspection_failed": ("验收未通过", "Inspection failed"),
    "step_fired": ("进展", "Progress"),
    "assigned": ("交办", "Assigned"),
    "transferred": ("转办", "Transferred"),
    "inspection_ended": ("不予认定", "Not recognised"),
    # supervision and extensions (engine.runtime.supervision, extension_requests)
    "supervision": ("督办单", "Supervision"),
    "supervision_overdue": ("督办逾期", "Supervision overdue"),
    "supervision_escalated": ("督办升级", "Supervision escalated"),
    "supervision_reply": ("督办回复", "Supervision reply"),
    "supervision_closed": ("督办办结", "Supervision closed"),
    "extension_request": ("延期申请", "Extension request"),
    "extension_decision": ("延期批复", "Extension decision"),
}


def kind_word(kind: str) -> str:
    """A notice kind in words (a plugin's own kind: 通知)."""
    return say(*KIND_WORDS.get(kind, ("通知", "Notice")))


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def milestone_label(definition: ChecklistDef, task: TaskDef, milestone: str | None, fallback: str | None = None) -> str:
    if fallback:
        return fallback
    if task.kind == "workflow" and milestone:
        return definition.workflows[task.workflow].label(milestone)
    if task.kind == "recurring":
        return say("本期应完成 {n} 次", "{n} report(s) due this period", n=task.at_least)
    return say("完成目标", "target reached")


def compose(
    kind: str,
    definition: ChecklistDef,
    task: TaskDef,
    item: str | None,
    milestone: str,
    due: dt.date,
    today: dt.date,
    overdue_workdays: int | None = None,
) -> Text:
    """The notice text. ``overdue_workdays`` is how many full working days the deadline has been missed."""
    responsible = definition.people.get(task.responsible)
    who = responsible.name if responsible else task.responsible
    what = f"{task.id} {task.title}" + (f" / {item}" if item and item != task.title else "")
    word = say(*KIND_WORDS.get(kind, (kind, kind)))
    short = task.id + (f" {item}" if item and item != task.title else "")
    if kind == "reminder":
        days = (due - today).days
        subject = say("【{w}】{t}:{m} 还剩 {d} 天", "[{w}] {t}: {m} due in {d} days", w=word, t=short, m=milestone, d=days)
        body = say(
            "{what}\n节点:{m}\n期限:{due}(还剩 {d} 天)\n请按时完成并在系统中更新。",
            "{what}\nMilestone: {m}\nDeadline: {due} ({d} days left)\nPlease finish on time and update the system.",
            what=what,
            m=milestone,
            due=due.isoformat(),
            d=days,
        )
    elif kind == "overdue":
        subject = say("【{w}】{t}:{m} 已逾期", "[{w}] {t}: {m} is overdue", w=word, t=short, m=milestone)
        # where to explain: a workflow item's deadline can be extended with a reason (申请延期, the task page's
        # supervision section); a target or a duty is explained to the leader in its next report's note
        where = (
            say(
                "不能按期完成的,请在任务页“督办与延期”中申请延期并说明原因。",
                "If it cannot be done on time, ask for an extension with the reason on the task page.",
            )
            if task.kind == "workflow"
            else say("请在报送进度时在备注中说明原因。", "Please give the reason in the note of your next report.")
        )
        body = say(
            "{what}\n节点:{m}\n期限:{due},已逾期。\n请尽快完成。{where}",
            "{what}\nMilestone: {m}\nDeadline: {due}, missed.\nPlease finish as soon as possible. {where}",
            what=what,
            m=milestone,
            due=due.isoformat(),
            where=where,
        )
    else:
        late = overdue_workdays if overdue_workdays is not None else (today - due).days
        subject = say(
            "【{w}】{t}:{m} 逾期 {n} 个工作日,责任人 {p}",
            "[{w}] {t}: {m} overdue {n} working days, responsible {p}",
            w=word,
            t=short,
            m=milestone,
            n=late,
            p=who,
        )
        body = say(
            "{what}\n节点:{m}\n期限:{due},已逾期 {n} 个工作日。\n责任人:{p}\n请督促落实。",
            "{what}\nMilestone: {m}\nDeadline: {due}, overdue by {n} working days.\nResponsible: {p}\nPlease follow up.",
            what=what,
            m=milestone,
            due=due.isoformat(),
            n=late,
            p=who,
        )
    return Text(subject, body)


# ---------------------------------------------------------------- inbox


def _inbox_query(conn, person: str, checklist: str | None, unread: bool):
    from engine.runtime.people_directory import notice_lists
    from engine.store.tables import items

    query = (
        select(
            notices,
            tasks.c.key.label("task_key"),
            tasks.c.removed.label("task_removed"),
            items.c.name.label("item_name"),
            items.c.position.label("item_position"),
        )
        .join(tasks, tasks.c.id == notices.c.task_id, isouter=True)
        .join(items, items.c.id == notices.c.item_id, isouter=True)
        .where(notices.c.recipient == person)
    )
    if checklist:
        # the list's own notices to the person, and those that reached them from a list not naming them (an
        # escalation up the levels: ids are global) and belong under this one (engine.runtime.people_directory)
        lists = notice_lists(conn, person, checklist)
        query = query.where(notices.c.checklist_id == lists[0] if len(lists) == 1 else notices.c.checklist_id.in_(lists))
    if unread:
        query = query.where(notices.c.read_at.is_(None))
    return query.order_by(notices.c.created_at.desc(), notices.c.id.desc())


def inbox(store: Store, person: str, *, checklist: str | None = None, unread: bool = False, limit: int = 200) -> list[dict]:
    """The person's notices, newest first, as ``{"id", "kind", "checklist", "task", "item", "state", "due", "sent_at",
    "read", "text", "handled", …}``. ``checklist``: the notices the person has as a person of that list: its own, and
    those that reached them from lists that do not name them and belong under it (a town's escalation to the county
    task's leader: ``engine.runtime.people_directory.notice_lists``); None: every list's. ``handled`` (``engine.reminders.handled``): True once the item no longer needs the notice, None
    for a notice that only informs; ``item_position`` is the item's place in its task (0 first)."""
    from engine.catalog import get_checklist
    from engine.reminders.handled import handled

    with store.read() as conn:
        rows = conn.execute(_inbox_query(conn, person, checklist, unread).limit(limit)).mappings().all()
        zones = {cid: get_checklist(conn, cid).timezone for cid in {r["checklist_id"] for r in rows}}
        done = handled(conn, rows)
    result = []
    for r in rows:
        result.append(
            {
                "id": r["id"],
                "kind": r["kind"],
                "checklist": r["checklist_id"],
                "task": r["task_key"],
                "item": r["item_name"],
                "item_position": r["item_position"],
                "state": r["milestone"],
                "period_start": r["period_start"].isoformat() if r["period_start"] else None,
                "due": r["due_date"].isoformat() if r["due_date"] else None,
                "sent_at": show(r["created_at"], zones[r["checklist_id"]]),
                "read": r["read_at"] is not None,
                "handled": done[r["id"]],
                "subject": r["subject"],
                "text": r["text"],
            }
        )
    return result


def unread_count(store: Store, person: str, checklist: str | None = None) -> int:
    """Unread notices that still need their item: a handled one (``engine.reminders.handled``) is not counted."""
    from engine.reminders.handled import handled

    with store.read() as conn:
        rows = conn.execute(_inbox_query(conn, person, checklist, True)).mappings().all()
        if not rows:
            return 0
        done = handled(conn, rows)
    return sum(1 for r in rows if not done[r["id"]])


def mark_read(store: Store, person: str, ids: list[int] | None, now: dt.datetime) -> int:
    """Mark the person's notices read (all unread ones when ``ids`` is None). Another person's ids are refused."""
    with store.write() as conn:
        condition = and_(notices.c.recipient == person, notices.c.read_at.is_(None))
        if ids is not None:
            asked = [number for number in (parse_id(i) for i in ids) if number is not None]  # beyond BIGINT: not there
            owned = {r.id for r in conn.execute(select(notices.c.id).where(notices.c.id.in_(asked), notices.c.recipient == person))}
            missing = sorted(set(ids) - owned)
            if missing:
                raise NotFound(
                    say("{p} 没有编号为 {m} 的通知。", "{p} has no notice numbered {m}.", p=person, m=", ".join(map(str, missing)))
                )
            condition = and_(condition, notices.c.id.in_(ids))
        return conn.execute(update(notices).where(condition).values(read_at=now)).rowcount
