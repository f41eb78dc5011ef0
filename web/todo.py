"""The to-do of the my-work page (我的工作): what needs the signed-in account now, shaped for the template.

Which items go on it is the engine's rule (``engine.queries.todo``): staff see every unfinished item of their tasks
with what they may do; heads and leaders only what needs them (approvals they may give now, overdue items of their
tasks, their targets that are behind) plus the supervision replies to read and the extension requests to decide
(``engine.runtime.supervision.awaiting``); a task assigned to child lists only while it is behind, without a form.
It spans every list the account's person is named in (ids are global: one person, one to-do). This module gathers the facts the rule needs (states, judged
milestones, the account's actions) and never decides by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import engine
from engine import say, step_types
from engine.queries.listings import tasks_held_by
from engine.queries.todo import SUPERVISING_ROLES, assigned_needed, duty_needed, item_need
from web import presenters
from web.actions import actions_for, may_report
from web.yearend import is_closed


@dataclass
class Todo:
    entries: list = field(default_factory=list)  # workflow items
    duties: list = field(default_factory=list)  # targets and recurring duties
    supervision: list = field(default_factory=list)  # replies to read, extension requests to decide
    people: list = field(default_factory=list)  # (checklist id, person) of the account
    supervising: bool = False  # a head's or leader's to-do (only what needs them)
    skipped: int = 0  # items of their tasks left off (nothing for them to do now): on the task pages


def tasks_of(me, definition, held: frozenset | set = frozenset()):
    """The account's person in ``definition`` and the tasks they hold: staff as the responsible person, heads and
    leaders also as the task's leader, and anyone the targets and duties they are named to report on (``reporters:``);
    ``held``: the keys of the tasks where the person owns items (``engine.queries.listings.tasks_held_by``)."""
    person = me.person_in(definition)
    if person is None:
        return None, []
    own = {"staff": ("responsible",), "informant": ()}.get(me.role, ("responsible", "leader"))
    tasks = [
        t
        for t in definition.tasks
        if t.id in held
        or ("responsible" in own and t.responsible == person)
        or ("leader" in own and t.leader == person)
        or (t.kind != "workflow" and t.reporters and may_report(me, definition, t))  # a reporter the task names (信息员)
    ]
    return person, tasks


def collect(svc, me) -> Todo:
    todo = Todo(supervising=me.role in SUPERVISING_ROLES)
    steps = step_types(svc.plugins)
    for checklist_id, definition in svc.definitions().items():
        person = me.person_in(definition)
        if person is None or is_closed(checklist_id):  # a list closed at year end asks nothing of anyone
            continue
        held = tasks_held_by(svc.store, checklist_id, person)
        person, tasks = tasks_of(me, definition, held)
        todo.people.append((checklist_id, person))
        if not tasks:
            continue
        status = svc.status(checklist_id)
        by_id = {t.id: t for t in status.tasks}
        views = engine.items_of(svc.store, checklist_id, [t.id for t in tasks])
        mine = type(status)(definition, status.today, [by_id[t.id] for t in tasks if t.id in by_id])
        rows = {r.id: r for r in presenters.task_rows(definition, mine)}
        for task in tasks:
            if task.id not in rows:
                continue
            task_views = views.get(task.id, [])
            if task.id in held and person not in (task.responsible, task.leader):
                task_views = [v for v in task_views if v.owner == person]  # only their own items of another's task
            if task.assigned:  # done in the child lists: one line with the rolled-up figures while it is behind
                if assigned_needed(rows[task.id].overdue):
                    todo.duties.append(
                        {
                            "definition": definition,
                            "task": task,
                            "row": rows[task.id],
                            "item_views": [],
                            "may_report": False,
                            "today": status.today,
                        }
                    )
            elif task.kind == "workflow":
                _items(todo, me, definition, task, rows[task.id], by_id.get(task.id), task_views, steps, status.today, person)
            elif task.id in held or duty_needed(me.role, rows[task.id].overdue):
                todo.duties.append(
                    {
                        "definition": definition,
                        "task": task,
                        "row": rows[task.id],
                        "item_views": task_views,
                        "may_report": may_report(me, definition, task, holder=person if task.id in held else None),
                        "today": status.today,
                    }
                )
        todo.supervision.extend(_supervision(svc, definition, person, status.today))
    todo.entries.sort(key=lambda e: (e["urgency"], not e["actions"]))
    todo.duties.sort(
        key=lambda d: (presenters.LIGHT_ORDER.get(d["row"].light, 9), d["row"].days_left if d["row"].days_left is not None else 9999)
    )
    return todo


def _items(todo, me, definition, task, row, task_status, views, steps, today, person=None) -> None:
    workflow = definition.workflows[task.workflow]
    judged = presenters.item_judgements(task_status)
    for view in views:
        actions = actions_for(me, definition, task, view.state, steps, holder=view.owner)
        # a plugin's page (the inspection form) counts only for the roles it is for
        usable = [a for a in actions if a.page is None or me.role in a.page.roles]
        owns = person is not None and view.owner == person
        need = item_need(me.role, workflow, view.state, judged.get(view.id), bool(usable), owns=owns)
        if need is None:
            if view.state is not None and view.state not in workflow.final_states:
                todo.skipped += 1
            continue
        deadlines = presenters.item_deadlines(definition, task, judged.get(view.id))
        todo.entries.append(
            {
                "definition": definition,
                "task": task,
                "row": row,
                "view": view,
                "state_label": workflow.label(view.state),
                "deadlines": deadlines,
                "urgency": presenters.urgency(deadlines, today),
                "actions": usable,
                "need": need,
                "today": today,
            }
        )


def _supervision(svc, definition, person, today) -> list:
    """The supervision notices to reply to, replies to read and extension requests to decide that wait on
    ``person`` in ``definition``: the one call site of ``engine.runtime.supervision.awaiting`` in the web."""
    from engine.runtime.supervision import AwaitKind, awaiting, colour_word

    found = []
    for entry in awaiting(svc.store, person, today, checklist=definition.id):
        task = definition.task_by_id.get(entry.task)
        if task is None:
            continue
        if entry.kind == AwaitKind.REPLY:
            what = say("督办单待您回复,回复期限 {d}", "a supervision notice awaits your reply by {d}", d=entry.due.isoformat())
        elif entry.kind == AwaitKind.READ_REPLY:
            what = say("督办单已回复,请阅处", "a supervision notice was answered: read it and close it")
        else:
            what = say("延期申请待您审批(现期限 {d})", "an extension request awaits your decision (now due {d})", d=entry.due.isoformat())
        found.append(
            {
                "definition": definition,
                "task": task,
                "item": entry.item,
                "kind": str(entry.kind),
                "what": what,
                "colour": entry.colour,
                "colour_word": colour_word(entry.colour) if entry.colour else "",
                "late": entry.kind == AwaitKind.REPLY and entry.due < today,
            }
        )
    return found
