"""The inbox (通知) as a page: notices grouped per task, each linked to its item on the task page and offering what
resolves it — the buttons the account may press on the item now (``web.actions.actions_for``), or the report form
of a quantity target or recurring duty. Whether a notice is handled (已处理) is the engine's
(``engine.inbox`` → ``engine.reminders.handled``); this module only arranges it."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for

import engine
from engine import say, step_types
from engine.account_rules import may_act
from engine.reminders.notices import kind_word
from engine.runtime.permissions import ANSWER_BY
from web import services
from web.access import tasks_seen_by
from web.actions import actions_for, may_report

#: notices answered in the task page's supervision thread (督办与延期), and the words of the link there
THREAD_WORDS = {
    "supervision": ("去回复", "Reply"),
    "supervision_overdue": ("去回复", "Reply"),
    "supervision_escalated": ("查看督办", "Open the thread"),
    "supervision_reply": ("查看回复", "Read the reply"),
    "supervision_closed": ("查看督办", "Open the thread"),
    "extension_request": ("去审批", "Decide"),
    "extension_decision": ("查看批复", "Open the decision"),
}


@dataclass
class Group:
    """The notices of one task (or of a list, for a notice without a task), newest first."""

    definition: object
    task: object | None
    title: str
    link: str | None
    notices: list = field(default_factory=list)

    @property
    def unread(self) -> int:
        return sum(1 for n in self.notices if not n["read"] and not n["handled"])

    @property
    def newest(self) -> int:
        return max(n["id"] for n in self.notices)


def build(me) -> dict:
    """``groups`` (newest group first) and ``unread`` (unread notices still needing their item)."""
    svc = services.get()
    definitions = svc.definitions()
    steps = step_types(svc.plugins)
    groups: dict[tuple, Group] = {}
    found = []  # the account's notices of every list: a person is one person in every list (ids are global)
    for checklist_id, person in svc.people(me, definitions):
        found.extend(engine.inbox(svc.store, person, checklist=checklist_id))
    views: dict[str, dict] = {}  # list → task → item views, read once per list the notices are of
    seen: dict[str, set[str]] = {}  # list → the tasks the account may see (``web.access.tasks_seen_by``)
    for notice in found:
        # a notice of a list that does not name the person (a town's escalation up to the county's leader) is
        # grouped and linked under its own list and task, where its item is
        checklist_id = notice["checklist"]
        definition = definitions.get(checklist_id)
        if definition is None:
            continue
        if checklist_id not in views:
            keys = sorted({n["task"] for n in found if n["checklist"] == checklist_id and n["task"] in definition.task_by_id})
            views[checklist_id] = engine.items_of(svc.store, checklist_id, keys) if keys else {}
            seen[checklist_id] = tasks_seen_by(me, definition)
        task = definition.task_by_id.get(notice["task"])
        visible = task is not None and task.id in seen[checklist_id]
        key = (checklist_id, notice["task"] if visible else None)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(
                definition,
                task if visible else None,
                f"{task.id} {task.title}" if visible else definition.title,
                url_for("board.task", checklist_id=checklist_id, task_id=task.id) if visible else None,
            )
        view = next((v for v in views[checklist_id].get(notice["task"], []) if v.name == notice["item"]), None) if visible else None
        group.notices.append(_shape(me, definition, task if visible else None, notice, view, group.link, steps))
    ordered = sorted(groups.values(), key=lambda g: -g.newest)
    if len({group.definition.id for group in ordered}) > 1:  # notices of several lists: say which list each task is of
        for group in ordered:
            if group.task is not None:
                group.title = f"{group.definition.title} · {group.title}"
    for group in ordered:
        group.notices.sort(key=lambda n: -n["id"])
        _offer_once(group)
    return {"groups": ordered, "unread": sum(g.unread for g in ordered)}


def _shape(me, definition, task, notice, view, link, steps) -> dict:
    shaped = dict(notice, kind_word=kind_word(notice["kind"]), link=None, view=None, actions=[], report=None, thread=None)
    if task is None:
        return shaped
    anchor = f"#item-{notice['item_position'] + 1}" if notice["item_position"] is not None and task.kind != "target" else ""
    shaped["link"] = link + anchor
    words = THREAD_WORDS.get(notice["kind"])
    if words:  # a supervision notice or an extension request: answered in the task page's thread
        shaped["thread"] = (link + "#supervision", say(*words))
    if notice["handled"]:
        return shaped
    holder = view.owner if view is not None else None
    if (
        notice["kind"] == "overdue"
        and task.kind == "workflow"
        and notice["item"]
        and may_act(me, definition, task, ANSWER_BY, holder=holder)
    ):
        # the overdue notice asks for the reason: the extension form on the task page takes it, opened on this item
        page = url_for("board.task", checklist_id=definition.id, task_id=task.id, extend=notice["item"])
        shaped["thread"] = (page + "#supervision", say("说明原因、申请延期", "Explain, ask for more time"))
    if task.kind == "workflow" and view is not None:
        shaped["view"] = view
        actions = actions_for(me, definition, task, view.state, steps, holder=getattr(view, "owner", None))
        paged = [a for a in actions if a.page]  # the steps a plugin's page takes (pass or fail): one link to it
        shaped["actions"] = [a for a in actions if not a.page] + paged[:1]
    elif task.kind != "workflow" and may_report(me, definition, task):
        shaped["report"] = link + "#report"
    return shaped


def _offer_once(group: Group) -> None:
    """One set of buttons per item: on its newest notice that still needs it (eleven notices, one form)."""
    offered = set()
    for notice in group.notices:
        subject = (notice["item"], "report" if notice["report"] else "fire")
        if not (notice["actions"] or notice["report"]):
            continue
        if subject in offered:
            notice["actions"], notice["report"] = [], None
        offered.add(subject)
