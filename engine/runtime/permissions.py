"""Who may do what on a task: the ``by`` rules of transitions and the reporting rules.

``responsible`` and ``leader`` mean the task's own people; ``head`` and ``inspector`` mean anyone
holding that role in the checklist. Pure functions over definitions: no database here.
"""

from __future__ import annotations

from engine.definition.definitions import ChecklistDef, TaskDef, TransitionDef
from engine.errors import NotFound, NotPermitted
from engine.i18n import say

ACTOR_WORDS = {
    "responsible": ("责任人", "the responsible person"),
    "leader": ("分管领导", "the task's leader"),
    "head": ("主要负责人", "a head"),
    "inspector": ("验收人员", "an inspector"),
}


def capacities(checklist: ChecklistDef, task: TaskDef, actor: str) -> set[str]:
    """The ``by`` words that apply to ``actor`` on ``task``."""
    person = checklist.people.get(actor)
    if person is None:
        return set()
    found = set()
    if actor == task.responsible:
        found.add("responsible")
    if actor == task.leader:
        found.add("leader")
    for role in ("head", "inspector"):
        if role in person.roles:
            found.add(role)
    return found


def require_person(checklist: ChecklistDef, actor: str) -> None:
    if actor not in checklist.people:
        raise NotFound(
            say(
                "清单 {c} 中没有人员 “{p}”(--as 后写人员标识,如 {e})。",
                "checklist {c} has no person '{p}' (after --as write a person's id, e.g. {e}).",
                c=checklist.id,
                p=actor,
                e=", ".join(list(checklist.people)[:4]),
            )
        )


def check_fire(checklist: ChecklistDef, task: TaskDef, transition: TransitionDef, actor: str) -> None:
    require_person(checklist, actor)
    if capacities(checklist, task, actor) & set(transition.by):
        return
    allowed = say("、", ", ").join(say(*ACTOR_WORDS.get(word, (word, word))) for word in transition.by)
    raise NotPermitted(
        say(
            "{p} 无权执行 “{t}”:只有{a}可以。",
            "{p} may not fire '{t}': only {a} may.",
            p=checklist.people[actor].name,
            t=transition.trigger,
            a=allowed,
        )
    )


def check_report(checklist: ChecklistDef, task: TaskDef, actor: str) -> None:
    require_person(checklist, actor)
    if capacities(checklist, task, actor) & {"responsible", "leader", "head"}:
        return
    raise NotPermitted(
        say(
            "{p} 无权为任务 {t} 报送进度:只有责任人、分管领导或主要负责人可以。",
            "{p} may not report progress on task {t}: only its responsible person, its leader or a head may.",
            p=checklist.people[actor].name,
            t=task.id,
        )
    )
