"""What an account may do on a task (pure): the capacities each role may act in, and the checks the pages and the
API make before the engine checks again. A staff account acts only as a task's responsible person, an inspector
only as an inspector, a head and a leader in their capacities.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from engine.accounts import Account, role_word
from engine.definition.definitions import ChecklistDef, TaskDef
from engine.errors import NotPermitted
from engine.i18n import say
from engine.runtime.permissions import REPORT_CAPACITIES

#: the ``by`` words of a workflow (see engine.runtime.permissions) each role may act in
ROLE_CAPACITIES = {
    "head": frozenset({"head", "leader", "responsible", "reporter", "owner"}),
    "leader": frozenset({"leader", "responsible", "reporter", "owner"}),
    "staff": frozenset({"responsible", "reporter", "owner"}),  # owner: an item's holder, on that item only
    "inspector": frozenset({"inspector", "reporter"}),
    "informant": frozenset({"reporter", "owner"}),  # 信息员: reports where a task's reporters: names it, nothing else
    "admin": frozenset(),
}
#: the roles that see every list and every task in it
WIDE_ROLES = frozenset({"head", "leader", "admin"})


def may_act(
    account: Account, checklist: ChecklistDef, task: TaskDef, by: tuple[str, ...] | frozenset, *, holder: str | None = None
) -> bool:
    """Whether the account, through its person in ``checklist``, holds one of the ``by`` words on ``task``
    (``holder``: the owner of the one item acted on, ``engine.runtime.permissions.capacities``)."""
    from engine.runtime.permissions import capacities

    person = account.person_in(checklist)
    if person is None or account.disabled:
        return False
    return bool(capacities(checklist, task, person, holder=holder) & ROLE_CAPACITIES.get(account.role, frozenset()) & set(by))


def acting_person(account: Account, checklist: ChecklistDef) -> str:
    person = account.person_in(checklist)
    if person is None:
        raise NotPermitted(
            say(
                "账号 {a} 没有关联清单 {c} 中的人员,不能在其中操作。",
                "account {a} is not linked to a person of checklist {c} and cannot act in it.",
                a=account.id,
                c=checklist.id,
            )
        )
    return person


def check_account_fire(
    account: Account, checklist: ChecklistDef, task: TaskDef, by: tuple[str, ...], trigger: str, *, holder: str | None = None
) -> str:
    """The person to fire as, or NotPermitted when the account's role does not allow this trigger on this task."""
    person = acting_person(account, checklist)
    if not may_act(account, checklist, task, by, holder=holder):
        raise NotPermitted(
            say(
                "账号 {a}({r})无权对任务 {t} 执行 “{g}”。",
                "account {a} ({r}) may not fire '{g}' on task {t}.",
                a=account.id,
                r=role_word(account.role),
                t=task.id,
                g=checklist.workflows[task.workflow].action_label(trigger) if task.workflow in checklist.workflows else trigger,
            )
        )
    return person


def check_account_report(account: Account, checklist: ChecklistDef, task: TaskDef, *, holder: str | None = None) -> str:
    person = acting_person(account, checklist)
    if not may_act(account, checklist, task, REPORT_CAPACITIES, holder=holder):
        raise NotPermitted(
            say(
                "账号 {a}({r})无权为任务 {t} 报送进度。",
                "account {a} ({r}) may not report progress on task {t}.",
                a=account.id,
                r=role_word(account.role),
                t=task.id,
            )
        )
    return person


def may_view_task(
    account: Account, checklist: ChecklistDef, task: TaskDef, *, holds: bool = False, above: ChecklistDef | None = None
) -> bool:
    """Heads, leaders and admins see every task; staff their own tasks, their unit's and those they may report on;
    anyone the list makes an item's owner, that task; informants only the tasks they may report on (``reporters:``);
    inspectors tasks with an acceptance step (and those they may report on). ``above``: the parent list of a task that
    fulfils one of its tasks: that task's responsible person and leader see the child task too (its escalations up
    the levels reach them, and link to it)."""
    if account.role in WIDE_ROLES:
        return True
    if task.fulfils and above is not None and above.id == task.fulfils[0]:
        parent = above.task_by_id.get(task.fulfils[1])
        if parent is not None and account.person_in(above) in (parent.responsible, parent.leader):
            return True
    person = account.person_in(checklist)
    if person is None:
        return False
    if holds or person in task.owners:  # they hold items of it (``holds``: items.owner now, after a transfer; else the list's)
        return True
    if account.role == "staff":
        own_unit = checklist.people[person].unit
        return (
            person in (task.responsible, task.leader)
            or (own_unit is not None and own_unit == task.unit)
            or may_act(account, checklist, task, REPORT_CAPACITIES)
        )
    if account.role == "informant":
        return may_act(account, checklist, task, REPORT_CAPACITIES)  # the tasks it may report on, no others
    if account.role == "inspector":
        if task.kind != "workflow":
            return may_act(account, checklist, task, REPORT_CAPACITIES)
        workflow = checklist.workflows[task.workflow]
        return any(state.step == "acceptance" for state in workflow.states.values())
    return False


def visible_tasks(account: Account, checklist: ChecklistDef, *, lists: Mapping[str, ChecklistDef], held: Collection[str] = ()) -> set[str]:
    """The keys of the tasks of ``checklist`` the account may see (``may_view_task``), each with the parent list it
    fulfils a task of, looked up in ``lists`` (the loaded definitions), and ``held``: the tasks whose items the account's
    person holds now (``engine.queries.listings.tasks_held_by``). The task pages, the inbox's links and the API's
    status all ask this one question, so none of them shows a task another hides."""
    return {
        task.id
        for task in checklist.tasks
        if may_view_task(account, checklist, task, holds=task.id in held, above=lists.get(task.fulfils[0]) if task.fulfils else None)
    }
