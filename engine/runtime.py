"""Fire a workflow transition on one item: check, guard, write state and audit event in ONE transaction.

Order of checks: the trigger exists and is valid from the item's current state (the workflow's
shared ``transitions`` machine); the actor may fire it (``engine.permissions``); step types and
plugins may refuse (``qingdan_guard_transition``). The state is written with a compare-and-set on
the item's version, so of two simultaneous fires exactly one wins and the other is refused.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from engine import audit, catalog
from engine.clock import Clock
from engine.errors import Conflict, GuardRefused, InvalidTrigger
from engine.i18n import say
from engine.machines import machine_for
from engine.permissions import check_fire
from engine.steps import TransitionContext
from engine.store import Store
from engine.store.tables import items


@dataclass(frozen=True)
class FireResult:
    checklist: str
    task: str
    item: str
    trigger: str
    from_state: str
    to_state: str
    event_seq: int
    warnings: tuple[str, ...] = ()


def fire(store: Store, *, task: str, item: str | None, trigger: str, actor: str, clock: Clock, plugins,
         note: str | None = None, data: dict | None = None, checklist: str | None = None,
         expect_state: str | None = None) -> FireResult:
    """Fire in a transaction of its own."""
    with store.write() as conn:
        return fire_in(conn, task=task, item=item, trigger=trigger, actor=actor, now=clock.now(), plugins=plugins,
                       note=note, data=data, checklist=checklist, expect_state=expect_state)


def fire_in(conn, *, task: str, item: str | None, trigger: str, actor: str, now, plugins,
            note: str | None = None, data: dict | None = None, checklist: str | None = None,
            expect_state: str | None = None) -> FireResult:
    """Fire inside the caller's write transaction (a plugin command that records data and fires at once)."""
    from engine.pluginmanager import step_types

    data = dict(data or {})
    ref = catalog.find_task(conn, task, checklist)
    definition, task_def = ref.checklist, ref.task
    if task_def.kind != "workflow":
        raise InvalidTrigger(say("任务 {t} 是{k}任务,没有流程动作;请用 qingdan report 报送进度。",
                                 "task {t} is a {k} task without workflow triggers; use qingdan report.",
                                 t=task_def.id, k=say("数量目标", "quantity-target") if task_def.kind == "target" else say("周期性", "recurring")))
    row = catalog.resolve_item(conn, ref, item)
    if expect_state is not None and row.state != expect_state:
        raise Conflict(say("子项 “{i}” 已被他人改为 “{s}”,请刷新后再操作。",
                           "item '{i}' was changed by someone else to '{s}'; reload and try again.",
                           i=row.name, s=row.state))
    workflow = definition.workflows[task_def.workflow]
    dest = machine_for(workflow).next_state(row.state, trigger)
    transition = workflow.transition(trigger, row.state)
    check_fire(definition, task_def, transition, actor)
    context = TransitionContext(definition, task_def, row.id, row.name, trigger, row.state, dest, actor, note, data, now, conn)
    warnings: list[str] = []
    steps = step_types(plugins)
    for state in (row.state, dest):
        step_name = workflow.states[state].step
        step = steps.get(step_name) if step_name else None
        if step is not None:
            refusal = step.guard(context)
            if refusal:
                raise GuardRefused(refusal)
    for refusal in plugins.hook.qingdan_guard_transition(context=context):
        if refusal:
            raise GuardRefused(refusal)
    changed = conn.execute(
        update(items).where(items.c.id == row.id, items.c.version == row.version)
        .values(state=dest, version=row.version + 1, state_since=now)).rowcount
    if changed != 1:
        raise Conflict(say("子项 “{i}” 刚被他人改动,本次操作未生效;请查看最新状态后重试。",
                           "item '{i}' was just changed by someone else; nothing was written. Check its state and retry.", i=row.name))
    event = audit.append(conn, chain=definition.id, at=now, actor=actor, kind="transition", checklist_id=definition.id,
                         task_key=task_def.id, item_name=row.name, trigger=trigger, from_state=row.state,
                         to_state=dest, note=note, data=data)
    for state in (row.state, dest):
        step_name = workflow.states[state].step
        step = steps.get(step_name) if step_name else None
        if step is not None:
            step.after_transition(context)
    plugins.hook.qingdan_after_transition(context=context)
    return FireResult(definition.id, task_def.id, row.name, trigger, row.state, dest, event["seq"], tuple(warnings))
