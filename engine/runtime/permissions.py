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
    "reporter": ("任务指定的报送人", "a reporter the task names"),
    "owner": ("子项负责人", "the item's owner"),
}

#: the capacities that may report progress on a task (check_report; engine.account_rules narrows them by account role).
#: ``reporter``: the person or a holder of a role the task's ``reporters:`` names (defaults.reporters otherwise).
#: Item owners report on their own items through the owner rule, which adds its capacity here (one home, no copy).
REPORT_CAPACITIES = frozenset({"responsible", "leader", "head", "reporter", "owner"})


def capacities(checklist: ChecklistDef, task: TaskDef, actor: str, *, holder: str | None = None) -> set[str]:
    """The ``by`` words that apply to ``actor`` on ``task``. ``holder``: when acting on one item, who holds it now
    (``items.owner``): its owner acts and reports on it as the task's responsible person may (``owner`` and
    ``responsible``), on that item only; without ``holder`` nobody gets those words through an item."""
    person = checklist.people.get(actor)
    if person is None:
        return set()
    found = set()
    if actor == task.responsible:
        found.add("responsible")
    if holder is not None and actor == holder:
        found |= {"owner", "responsible"}
    if actor == task.leader:
        found.add("leader")
    for role in ("head", "inspector"):
        if role in person.roles:
            found.add(role)
    if named_reporter(task, actor, person.roles):
        found.add("reporter")
    return found


def named_reporter(task: TaskDef, actor: str, roles) -> bool:
    """Whether the task's ``reporters:`` names ``actor`` or one of its roles (informant, staff …)."""
    return actor in task.reporters or any(role in task.reporters for role in roles)


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


def check_fire(checklist: ChecklistDef, task: TaskDef, transition: TransitionDef, actor: str, *, holder: str | None = None) -> None:
    """``holder``: the item's current owner (``capacities``)."""
    require_person(checklist, actor)
    if capacities(checklist, task, actor, holder=holder) & set(transition.by):
        return
    allowed = say("、", ", ").join(say(*ACTOR_WORDS.get(word, (word, word))) for word in transition.by)
    raise NotPermitted(
        say(
            "{p} 无权执行 “{t}”:只有{a}可以。",
            "{p} may not fire '{t}': only {a} may.",
            p=checklist.people[actor].name,
            t=checklist.workflows[task.workflow].action_label(transition.trigger, transition.dest),
            a=allowed,
        )
    )


def check_report(checklist: ChecklistDef, task: TaskDef, actor: str, *, holder: str | None = None) -> None:
    """``holder``: the owner of the item reported on, when one is named (``capacities``)."""
    require_person(checklist, actor)
    if capacities(checklist, task, actor, holder=holder) & REPORT_CAPACITIES:
        return
    raise NotPermitted(
        say(
            "{p} 无权为任务 {t} 报送进度:只有责任人、分管领导、主要负责人或任务指定的报送人可以。",
            "{p} may not report progress on task {t}: only its responsible person, its leader, a head or a reporter the task names may.",
            p=checklist.people[actor].name,
            t=task.id,
        )
    )


# ---------------------------------------------------------------- supervision (督办单) and extensions (申请延期)

#: who may issue a supervision notice and decide an extension request: the task's leader or a head
SUPERVISE_BY = ("leader", "head")
#: who answers a supervision notice and asks for an extension: the task's responsible person
ANSWER_BY = ("responsible",)


def _check_capacity(
    checklist: ChecklistDef, task: TaskDef, actor: str, by: tuple[str, ...], what_zh: str, what_en: str, *, holder: str | None = None
) -> None:
    require_person(checklist, actor)
    if capacities(checklist, task, actor, holder=holder) & set(by):
        return
    allowed = say("、", ", ").join(say(*ACTOR_WORDS[word]) for word in by)
    raise NotPermitted(
        say(
            "{p} 无权对任务 {t} {w}:只有{a}可以。",
            "{p} may not {e} on task {t}: only {a} may.",
            p=checklist.people[actor].name,
            t=task.id,
            w=what_zh,
            e=what_en,
            a=allowed,
        )
    )


def check_supervise(checklist: ChecklistDef, task: TaskDef, actor: str) -> None:
    """Issue or close a 督办单."""
    _check_capacity(checklist, task, actor, SUPERVISE_BY, "下发督办单", "issue a supervision notice")


def check_answer(checklist: ChecklistDef, task: TaskDef, actor: str) -> None:
    """Reply to a 督办单 (情况说明)."""
    _check_capacity(checklist, task, actor, ANSWER_BY, "回复督办单", "reply to a supervision notice")


def check_request_extension(checklist: ChecklistDef, task: TaskDef, actor: str, *, holder: str | None = None) -> None:
    """``holder``: the item's owner, who may ask for more time on it as the responsible person may."""
    _check_capacity(checklist, task, actor, ANSWER_BY, "申请延期", "ask for an extension", holder=holder)


def check_decide_extension(checklist: ChecklistDef, task: TaskDef, actor: str) -> None:
    _check_capacity(checklist, task, actor, SUPERVISE_BY, "审批延期申请", "decide an extension request")


#: who may transfer (转办) an item to another holder: the task's leader or a head
TRANSFER_BY = ("leader", "head")


def check_transfer(checklist: ChecklistDef, task: TaskDef, actor: str) -> None:
    """Move an item of ``task`` to another holder (``engine.runtime.transfer``)."""
    _check_capacity(checklist, task, actor, TRANSFER_BY, "转办子项", "transfer an item")
