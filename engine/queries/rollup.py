"""Figures summed up the levels: a parent task's status computed from the child lists that fulfil it.

A task ``assign:``ed to child lists does no work of its own; its progress, items per state, milestones, overdue
items, on-time rate and light are its children's, summed (amounts added, items united), any number of levels
deep: each child's status is ``engine.queries.status.checklist_status`` of that list, which rolls up its own
children first. Nothing is judged here: the children's milestones were judged by ``engine.verdicts`` and the
parent's light comes from the same ``_light`` rule as every task's. A child list not loaded yet counts with
nothing done: its quota (or its assigned items, not started) stays in the parent's target, so the county's
target never shrinks while a town's list is on its way.

Each child list that fulfils a task of this list is also ranked among its peers of the same ``kind`` (towns
among towns, departments among departments) with ``engine.queries.ranking.rank_units``, the score the units of
one list are ranked with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from engine.definition.definitions import ChecklistDef, TaskDef
from engine.kinds import TaskKind
from engine.numbers import as_json_number as _num
from engine.queries.milestones import TaskMilestones, summarize
from engine.runtime.lineage import fulfilling_task, loaded_many


@dataclass
class ChildShare:
    """One child list's part of a parent task, as its own status has it."""

    checklist: str
    title: str
    kind: str | None
    task: str | None  # the child's task fulfilling the parent's; None while there is none
    loaded: bool
    quota: Decimal | None  # a target's quota; None for items
    done: Decimal
    target: Decimal
    items: int
    overdue: int
    light: str | None  # None while the child list is not loaded (or has no task fulfilling the parent's)
    status: object = None  # the child task's engine.queries.status.TaskStatus

    def as_json(self) -> dict:
        return {
            "checklist": self.checklist,
            "title": self.title,
            "task": self.task,
            "loaded": self.loaded,
            "progress": {"done": _num(self.done), "target": _num(self.target)},
            "overdue": self.overdue,
            "light": self.light,
        }


@dataclass(frozen=True)
class ParentLink:
    """A parent list this list's task fulfils: its id and title, the parent's task and this list's own."""

    checklist: str
    title: str | None  # None while the parent list is not loaded
    task: str
    own_task: str

    def as_json(self) -> dict:
        return {"checklist": self.checklist, "title": self.title, "task": self.task, "own_task": self.own_task}


def attach(store, status, clock, plugins, as_of: dt.date | None, seen: dict, cache=None, *, lists: dict | None = None) -> None:
    """Roll the children of ``status`` (an ``engine.queries.status.ChecklistStatus``) into its assigned tasks and
    name its parents and peers. ``seen``: statuses already computed in this call (a list fulfils tasks of several
    parents; each child is computed once). ``cache``: the ``StatusCache`` the parent is computed for: today's
    children come from it, so a write in one town recomputes that town and the county's sums, not every town.
    ``lists``: the parent and child definitions as already read (``lineage.loaded_many``), else read here. The
    children still to compute are computed together (``checklist_statuses``), never one by one."""
    from engine.queries.status import checklist_statuses

    definition: ChecklistDef = status.checklist
    if lists is None:
        with store.read() as conn:
            lists = loaded_many(conn, [*definition.parent_ids, *definition.child_ids])
    parents = {pid: lists.get(pid) for pid in definition.parent_ids}
    children = {cid: lists.get(cid) for cid in definition.child_ids}
    status.parents = [
        ParentLink(task.fulfils[0], parents[task.fulfils[0]].title if parents[task.fulfils[0]] else None, task.fulfils[1], task.id)
        for task in definition.tasks
        if task.fulfils
    ]
    if not definition.child_ids:
        return
    missing = [cid for cid, child in children.items() if child is not None and cid not in seen]
    for cid in missing:
        seen[cid] = None  # a cycle (refused at load) would otherwise never end
    if missing and cache is not None and as_of is None:
        seen.update({cid: entry.status for cid, entry in cache.statuses(store, missing, clock, plugins).items()})
    elif missing:
        seen.update(checklist_statuses(store, missing, clock, plugins, as_of=as_of, _seen=seen))
    child_status = {cid: seen[cid] for cid, child in children.items() if child is not None}
    by_id = {task.id: task for task in status.tasks}
    for task in definition.tasks:
        own = by_id.get(task.id)
        if own is None or not task.assign:
            continue
        own.children = [_share(definition, task, share, children.get(share.to), child_status.get(share.to)) for share in task.assign]
        _roll_up(definition, task, own, status.today)
    status.peers = _peers(definition, children, child_status)


def _share(definition: ChecklistDef, task: TaskDef, share, child: ChecklistDef | None, child_status) -> ChildShare:
    quota = share.quantity
    planned = quota if quota is not None else Decimal(len(share.items))
    found = fulfilling_task(child, definition.id, task.id) if child is not None else None
    own = next((t for t in child_status.tasks if t.id == found.id), None) if found is not None and child_status is not None else None
    if own is None:
        return ChildShare(
            share.to, child.title if child else share.to, child.kind if child else None, None, child is not None,
            quota, Decimal(0), planned, len(share.items) if share.items else 1, 0, None,
        )  # fmt: skip
    return ChildShare(share.to, child.title, child.kind, own.id, True, quota, own.done, own.target, own.items, own.overdue, own.light, own)


def _roll_up(definition: ChecklistDef, task: TaskDef, own, today: dt.date) -> None:
    """The parent task's figures from its children's (the parent's own rows hold no work)."""
    from engine.queries.status import _light

    shares = own.children
    counted = [s.status for s in shares if s.status is not None]
    own.done = sum((s.done for s in shares), Decimal(0))
    own.items = sum(s.items for s in shares)
    own.overdue = sum(s.overdue for s in shares)
    own.excluded = sum(s.excluded for s in counted)
    if task.kind == TaskKind.TARGET:
        own.target = task.target
        # a part is summed from the children's parts of the same id (低保 and 五保 in every village)
        own.parts = {part.id: (sum((s.parts.get(part.id, (0, 0))[0] for s in counted), Decimal(0)), part.quantity) for part in task.parts}
    else:
        own.target = sum((s.target for s in shares), Decimal(0))
    if task.kind == TaskKind.WORKFLOW:
        workflow = definition.workflows[task.workflow]
        states: dict[str, int] = {}
        for share in shares:
            found = share.status.states if share.status is not None else {workflow.initial: share.items}
            for state, count in found.items():
                states[state] = states.get(state, 0) + count
        own.states = {state: states[state] for state in workflow.states if state in states}  # the workflow's order
        own.states.update({state: count for state, count in states.items() if state not in own.states})
        own.finished = sum(s.finished or 0 for s in counted)
        own.ended = sum(s.ended for s in counted)
    items = [item for s in counted if s.judged is not None for item in s.judged.items]
    own.judged = TaskMilestones(task, items, summarize(items))
    own.milestones = own.judged.summary
    own.on_time_rate = own.judged.on_time_rate
    upcoming = [(s.next_deadline, s.next_milestone) for s in counted if s.next_deadline is not None]
    own.next_deadline, own.next_milestone = min(upcoming, key=lambda pair: pair[0]) if upcoming else (None, None)
    own.own_items = []
    extra = own.extra
    own.light, own.reason, own.pace = "green", None, None
    _light(definition, task, own, today, None)
    own.extra = extra


def _peers(definition: ChecklistDef, children: dict, child_status: dict) -> list:
    """The child lists ranked among those of the same kind, on their tasks that fulfil this list's."""
    from engine.queries.ranking import rank_units

    statuses = []
    for cid, found in child_status.items():
        mine = {t.id for t in children[cid].tasks if t.fulfils and t.fulfils[0] == definition.id}
        statuses.extend(replace(task, unit=cid) for task in found.tasks if task.id in mine)
    if not statuses:
        return []
    as_units = replace(
        definition,
        units={cid: children[cid].title for cid in child_status},
        unit_kinds={cid: children[cid].kind for cid in child_status},
    )
    return rank_units(as_units, statuses)
