"""Lists across levels: a parent task ``assign:``ed to child lists, each child task that ``fulfils:`` it.

The relation lives in the two definitions, so it survives reloads of either side and a forced reload of one
never touches the other's rows. What the two files must agree on is checked whenever either is loaded, against
the other as loaded (or arriving in the same batch): a child's target equals its quota, its items are the
items assigned to it, its deadlines are never later than the parent's. A list that has not arrived yet is a
warning, not a refusal, so lists load in any order. Person ids are global (``people_directory``).

A task with ``assign:`` is fulfilled by its children: it takes no report or step of its own
(``refuse_assigned``) and plans no reminders (its children's ladders escalate up, ``escalation_people``).
"""

from __future__ import annotations

from sqlalchemy import select

from engine import catalog
from engine.definition.definitions import PARENT_TARGETS, AssignmentDef, ChecklistDef, TaskDef
from engine.definition.planning import escalation_recipients
from engine.errors import InputError, InvalidTrigger
from engine.i18n import say
from engine.numbers import plain
from engine.store.tables import checklists


def loaded(conn, checklist_id: str) -> ChecklistDef | None:
    """The list as loaded, or None when it has not arrived."""
    row = conn.execute(select(checklists.c.revision, checklists.c.source_sha256).where(checklists.c.id == checklist_id)).first()
    if row is None:
        return None
    return catalog.get_checklist(conn, checklist_id, known=(row.revision, row.source_sha256))


def loaded_many(conn, checklist_ids) -> dict[str, ChecklistDef | None]:
    """``loaded`` of several lists with one query (a county's children, a family)."""
    wanted = list(dict.fromkeys(checklist_ids))
    if not wanted:
        return {}
    rows = {
        row.id: row
        for row in conn.execute(
            select(checklists.c.id, checklists.c.revision, checklists.c.source_sha256).where(checklists.c.id.in_(wanted))
        )
    }
    return {
        cid: catalog.get_checklist(conn, cid, known=(rows[cid].revision, rows[cid].source_sha256)) if cid in rows else None
        for cid in wanted
    }


def parent_task(conn, definition: ChecklistDef, task: TaskDef) -> tuple[ChecklistDef, TaskDef] | None:
    """The list and task that ``task`` fulfils, when that list is loaded and still has the task."""
    if task.fulfils is None:
        return None
    parent = loaded(conn, task.fulfils[0])
    found = parent.task_by_id.get(task.fulfils[1]) if parent is not None else None
    return (parent, found) if found is not None else None


def fulfilling_task(child: ChecklistDef, parent_id: str, task_id: str) -> TaskDef | None:
    """The child's task that fulfils ``parent_id:task_id`` (validation at load keeps it to one)."""
    return next((t for t in child.tasks if t.fulfils == (parent_id, task_id)), None)


def escalation_people(conn, definition: ChecklistDef, task: TaskDef, to: str) -> list[str]:
    """Whom an escalation step addresses. ``parent:responsible`` / ``parent:leader`` go up the levels to the parent
    task's person (督办 up the levels); while the parent list is not loaded, to the task's own leader."""
    if to not in PARENT_TARGETS:
        return escalation_recipients(definition, task, to)
    found = parent_task(conn, definition, task)
    if found is None:
        return [task.leader]
    return [found[1].responsible if to == "parent:responsible" else found[1].leader]


def refuse_assigned(task: TaskDef) -> None:
    """The one refusal of work done on a task its child lists fulfil: the work is reported where it is done."""
    if not task.assigned:
        return
    raise InvalidTrigger(
        say(
            "任务 {t} 已分解到下级清单({c}),进度由下级清单汇总:请在下级清单中报送和办理。",
            "task {t} is assigned to child lists ({c}) and rolled up from them: report and act in the child lists.",
            t=task.id,
            c="、".join(a.to for a in task.assign),
        )
    )


# ---------------------------------------------------------------- what two lists must agree on, checked at load


def check_family(conn, definitions: list[ChecklistDef]) -> dict[str, list[str]]:
    """Check every relation of the lists being loaded against the other side as loaded (or in this batch).

    Returns the warnings per list being loaded (a side not loaded yet); raises ``InputError`` with every disagreement, one sentence each,
    naming both lists (nothing is written: the loader calls this inside its transaction)."""
    batch = {d.id: d for d in definitions}

    def find(checklist_id: str) -> ChecklistDef | None:
        return batch.get(checklist_id) or loaded(conn, checklist_id)

    errors: list[str] = []
    found: dict[str, list[str]] = {}
    for definition in definitions:
        warnings = found.setdefault(definition.id, [])
        for task in definition.tasks:
            for share in task.assign:
                child = find(share.to)
                if child is None:
                    warnings.append(_not_loaded_child(definition, task, share))
                    continue
                fulfilling = [t for t in child.tasks if t.fulfils == (definition.id, task.id)]
                if not fulfilling:
                    warnings.append(_not_taken_up(definition, task, child))
                elif len(fulfilling) > 1:
                    errors.append(_taken_twice(definition, task, child, fulfilling))
                else:
                    errors.extend(_disagreements(definition, task, share, child, fulfilling[0]))
            if task.fulfils is not None:
                errors.extend(_as_child(definition, task, find, batch, warnings))
        errors.extend(_cycle(definition, find))
    if errors:
        hint = say(
            "两级清单一起改动时(如调整分配数量),把上级和下级的文件一起载入:qingdan load 上级.yaml 下级.yaml。",
            "when both levels change (a quota moved, say), load the parent's and the child's files together: qingdan load PARENT.yaml CHILD.yaml.",
        )
        raise InputError("\n".join([*dict.fromkeys(errors), hint]), field=None)
    return {checklist_id: list(dict.fromkeys(warnings)) for checklist_id, warnings in found.items()}


def _as_child(definition: ChecklistDef, task: TaskDef, find, batch: dict, warnings: list[str]) -> list[str]:
    parent_id, parent_task_id = task.fulfils
    parent = find(parent_id)
    if parent is None:
        warnings.append(
            say(
                "清单 {c} 的任务 {t} 承接上级清单 {p} 的任务 {pt},但 {p} 还没有载入:载入后再核对数量和期限,在此之前不汇总。",
                "task {t} of {c} fulfils task {pt} of {p}, which is not loaded yet: quotas and dates are checked, and figures "
                "rolled up, once it is.",
                c=definition.id,
                t=task.id,
                p=parent_id,
                pt=parent_task_id,
            )
        )
        return []
    found = parent.task_by_id.get(parent_task_id)
    if found is None:
        return [
            say(
                "清单 {c} 的任务 {t} 承接 {p}:{pt},但上级清单 {p} 没有任务 {pt}。",
                "task {t} of {c} fulfils {p}:{pt}, but the parent list {p} has no task {pt}.",
                c=definition.id,
                t=task.id,
                p=parent_id,
                pt=parent_task_id,
            )
        ]
    share = next((a for a in found.assign if a.to == definition.id), None)
    if share is None:
        return [
            say(
                "清单 {c} 的任务 {t} 承接 {p}:{pt},但 {p} 的任务 {pt} 没有分配给 {c}(在 {p} 的 assign 中加上 {c})。",
                "task {t} of {c} fulfils {p}:{pt}, but {p}'s task {pt} is not assigned to {c} (add {c} to its assign).",
                c=definition.id,
                t=task.id,
                p=parent_id,
                pt=parent_task_id,
            )
        ]
    if parent.id in batch:
        return []  # the parent's own pass above checked this pair
    twice = [t for t in definition.tasks if t.fulfils == task.fulfils]
    if len(twice) > 1:
        return [_taken_twice(parent, found, definition, twice)] if twice[0] is task else []
    return _disagreements(parent, found, share, definition, task)


def _disagreements(parent: ChecklistDef, task: TaskDef, share: AssignmentDef, child: ChecklistDef, own: TaskDef) -> list[str]:
    names = {"p": parent.id, "pt": task.id, "c": child.id, "t": own.id}
    problems = []
    if own.kind != task.kind:
        return [
            say(
                "{c} 的任务 {t} 承接 {p}:{pt},但两者类型不同(上级是{a},下级是{b})。",
                "task {t} of {c} fulfils {p}:{pt}, but they are of different kinds ({a} above, {b} below).",
                a=_kind_word(task.kind),
                b=_kind_word(own.kind),
                **names,
            )
        ]
    if task.kind == "target":
        if own.measure != "sum":
            problems.append(
                say(
                    "{c} 的任务 {t} 是读数型目标,不能汇总到 {p}:{pt}。",
                    "task {t} of {c} is a reading and cannot roll up into {p}:{pt}.",
                    **names,
                )
            )
        if own.target != share.quantity:
            problems.append(
                say(
                    "{c} 的任务 {t} 目标是 {n},但 {p} 的任务 {pt} 分配给 {c} 的数量是 {q}:两者应相同。",
                    "task {t} of {c} has a target of {n}, but {p}'s task {pt} gives {c} a quota of {q}: they must be equal.",
                    n=plain(own.target),
                    q=plain(share.quantity),
                    **names,
                )
            )
        if own.target_unit != task.target_unit:
            problems.append(
                say(
                    "{c} 的任务 {t} 的单位是 “{a}”,{p} 的任务 {pt} 是 “{b}”:单位不同无法汇总。",
                    "task {t} of {c} counts in '{a}', {p}'s task {pt} in '{b}': different units cannot be summed.",
                    a=own.target_unit,
                    b=task.target_unit,
                    **names,
                )
            )
    elif set(own.items) != set(share.items):
        extra = [n for n in own.items if n not in share.items]
        missing = [n for n in share.items if n not in own.items]
        problems.append(
            say(
                "{c} 的任务 {t} 的子项应是 {p} 的任务 {pt} 分配给它的子项:{d}。",
                "the items of task {t} of {c} must be those {p}'s task {pt} assigns to it: {d}.",
                d="; ".join(
                    part
                    for part in (
                        say("缺少 {l}", "missing {l}", l="、".join(missing)) if missing else "",
                        say("多出 {l}", "not assigned {l}", l="、".join(extra)) if extra else "",
                    )
                    if part
                ),
                **names,
            )
        )
    problems.extend(_later_dates(parent, task, child, own))
    return problems


def _later_dates(parent: ChecklistDef, task: TaskDef, child: ChecklistDef, own: TaskDef) -> list[str]:
    """A child's milestone may fall due earlier than the parent's, never later (the same milestone by name; the
    child's last deadline against the parent's last)."""
    found = []
    for milestone, due in own.deadlines.items():
        limit = task.deadlines.get(milestone)
        if limit is not None and due > limit:
            found.append((milestone, due, limit))
    if own.deadlines and task.deadlines and not found:
        last, limit = max(own.deadlines.values()), max(task.deadlines.values())
        if last > limit:
            found.append((max(own.deadlines, key=own.deadlines.get), last, limit))
    return [
        say(
            "{c} 的任务 {t} 的期限 {m} 是 {d},晚于 {p} 的任务 {pt} 的期限 {l}:下级期限只能提前,不能推后。",
            "task {t} of {c} is due ({m}) on {d}, after {p}'s task {pt} ({l}): a child's deadline may be earlier, never later.",
            c=child.id,
            t=own.id,
            p=parent.id,
            pt=task.id,
            m=milestone,
            d=due.isoformat(),
            l=limit.isoformat(),
        )
        for milestone, due, limit in found
    ]


def _cycle(definition: ChecklistDef, find) -> list[str]:
    """A list may not, through its parents, fulfil itself."""
    seen, frontier = set(), list(definition.parent_ids)
    while frontier:
        current = frontier.pop()
        if current == definition.id:
            return [
                say(
                    "清单 {c} 经过上级清单又承接回了自己(循环的 fulfils)。",
                    "list {c} fulfils, through its parents, a task of itself (a cycle of fulfils).",
                    c=definition.id,
                )
            ]
        if current in seen:
            continue
        seen.add(current)
        parent = find(current)
        if parent is not None:
            frontier.extend(parent.parent_ids)
    return []


def _not_loaded_child(definition: ChecklistDef, task: TaskDef, share: AssignmentDef) -> str:
    return say(
        "清单 {p} 的任务 {pt} 分配给了下级清单 {c},但 {c} 还没有载入:载入后再核对并汇总。",
        "task {pt} of {p} is assigned to the child list {c}, which is not loaded yet: it is checked and rolled up once it is.",
        p=definition.id,
        pt=task.id,
        c=share.to,
    )


def _not_taken_up(definition: ChecklistDef, task: TaskDef, child: ChecklistDef) -> str:
    return say(
        "清单 {p} 的任务 {pt} 分配给了 {c},但 {c} 还没有任务承接它(fulfils: {p}:{pt}):在此之前不汇总。",
        "task {pt} of {p} is assigned to {c}, but no task of {c} fulfils it yet (fulfils: {p}:{pt}): nothing rolls up until one does.",
        p=definition.id,
        pt=task.id,
        c=child.id,
    )


def _taken_twice(parent: ChecklistDef, task: TaskDef, child: ChecklistDef, fulfilling: list[TaskDef]) -> str:
    return say(
        "{c} 有 {n} 项任务都承接 {p}:{pt}({l}):只能有一项。",
        "{n} tasks of {c} fulfil {p}:{pt} ({l}): only one may.",
        c=child.id,
        n=len(fulfilling),
        p=parent.id,
        pt=task.id,
        l="、".join(t.id for t in fulfilling),
    )


def _kind_word(kind: str) -> str:
    return {"target": say("数量目标", "a target"), "workflow": say("流程", "a workflow"), "recurring": say("周期性", "recurring")}[kind]
