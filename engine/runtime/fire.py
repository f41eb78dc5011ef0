"""Fire a workflow transition on one item: check, guard, write state and audit event in ONE transaction.

Order of checks: the trigger exists and is valid from the item's current state (the workflow's
shared ``transitions`` machine); the actor may fire it (``engine.runtime.permissions``); the step types of
the two states get the data they need (``fire --data`` or recorded before) and may refuse; plugins
may refuse (``qingdan_guard_transition``). The state is written with a compare-and-set on the
item's version, so of two simultaneous fires exactly one wins and the other is refused. After the
write, step types and plugins record their own rows and start or meet deadlines, in the same
transaction.

The path is lean: its statements are built once (``_MOVE``, and those of the opening, the audit append and
``item_reached``), the task, item and definition revision are found in one statement (``engine.runtime.opening``)
and the definition comes from the catalog's cache; nothing is built or parsed per fire that does not depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, update

from engine.dates.clock import Clock, local_date
from engine.definition.machines import machine_for
from engine.errors import Conflict, GuardRefused, NotPermitted
from engine.i18n import say
from engine.runtime import audit, event_notices, stepdata
from engine.runtime.activity import activity_date
from engine.runtime.closing import check_open
from engine.runtime.lineage import refuse_assigned
from engine.runtime.opening import open_task
from engine.runtime.permissions import ACTOR_WORDS, capacities, check_fire
from engine.runtime.reaching import move_and_record, record_reached
from engine.steps import TransitionContext, parse_step_data, require_data
from engine.store import Store
from engine.store.tables import items

# The compare-and-set on the item's version, built once.
_MOVE = (
    update(items)
    .where(items.c.id == bindparam("item_id"), items.c.version == bindparam("seen_version"))
    .values(state=bindparam("dest"), version=bindparam("next_version"), state_since=bindparam("now"))
)


# Where a trigger leads from a state, as the workflow's shared machine answered it: definitions are immutable and
# their machines have no conditions, so the answer is asked once per (workflow, state, trigger), not once per fire
# (attaching a token model costs about 0.1 ms). Refusals are not remembered: the machine words each one.
_destinations: dict[tuple[int, str | None, str], tuple[object, str]] = {}


def _destination(workflow, state: str | None, trigger: str) -> str:
    key = (id(workflow), state, trigger)
    known = _destinations.get(key)
    if known is not None and known[0] is workflow:
        return known[1]
    dest = machine_for(workflow).next_state(state, trigger)
    if len(_destinations) > 4096:
        _destinations.clear()
    _destinations[key] = (workflow, dest)
    return dest


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


def _check_within(definition, task_def, transition, actor: str, within: frozenset[str], *, holder: str | None = None) -> None:
    """The actor holds one of the transition's ``by`` words in a capacity it may act in here (an account's role)."""
    if capacities(definition, task_def, actor, holder=holder) & set(transition.by) & set(within):
        return
    allowed = say("、", ", ").join(say(*ACTOR_WORDS.get(word, (word, word))) for word in transition.by)
    raise NotPermitted(
        say(
            "{p} 以此账号的角色无权对任务 {k} 执行 “{t}”:只有{a}可以。",
            "{p} may not fire '{t}' on task {k} in this account's role: only {a} may.",
            p=definition.people[actor].name,
            k=task_def.id,
            t=definition.workflows[task_def.workflow].action_label(transition.trigger, transition.dest),
            a=allowed,
        )
    )


def fire(
    store: Store,
    *,
    task: str,
    item: str | None,
    trigger: str,
    actor: str,
    clock: Clock,
    plugins,
    note: str | None = None,
    data: dict | None = None,
    checklist: str | None = None,
    expect_state: str | None = None,
    on=None,
    within: frozenset[str] | None = None,
) -> FireResult:
    """Fire in a transaction of its own. ``on``: the activity date (``engine.runtime.activity``), default today.
    ``within``: the capacities (``by`` words) the actor may act in here, e.g. an account role's
    (``engine.account_rules.ROLE_CAPACITIES``), checked with the transition inside the transaction; None: all."""
    with store.write() as conn:
        return fire_in(
            conn,
            task=task,
            item=item,
            trigger=trigger,
            actor=actor,
            now=clock.now(),
            plugins=plugins,
            note=note,
            data=data,
            checklist=checklist,
            expect_state=expect_state,
            on=on,
            within=within,
        )


def fire_in(
    conn,
    *,
    task: str,
    item: str | None,
    trigger: str,
    actor: str,
    now,
    plugins,
    note: str | None = None,
    data: dict | None = None,
    checklist: str | None = None,
    expect_state: str | None = None,
    on=None,
    within: frozenset[str] | None = None,
) -> FireResult:
    """Fire inside the caller's write transaction (a plugin command that records data and fires at once)."""
    from engine.pluginmanager import step_types

    data = dict(data or {})
    ref = open_task(conn, task, item, checklist=checklist)
    check_open(conn, ref.checklist.id, known=ref.list_closing)
    refuse_assigned(ref.task)
    definition, task_def, row = ref.checklist, ref.task, ref.item
    if expect_state is not None and row.state != expect_state:
        raise Conflict(
            say(
                "子项 “{i}” 已被他人改为 “{s}”,请刷新后再操作。",
                "item '{i}' was changed by someone else to '{s}'; reload and try again.",
                i=row.name,
                s=definition.workflows[task_def.workflow].label(row.state) if task_def.workflow in definition.workflows else row.state,
            )
        )
    workflow = definition.workflows[task_def.workflow]
    on_day = activity_date(on, now, definition.timezone)
    dest = _destination(workflow, row.state, trigger)
    transition = workflow.transition(trigger, row.state)
    holder = getattr(row, "owner", None)  # the item's owner acts on it as the responsible person may
    check_fire(definition, task_def, transition, actor, holder=holder)
    if within is not None:
        _check_within(definition, task_def, transition, actor, within, holder=holder)
    registry = step_types(plugins)
    named = [name for name in (workflow.states[row.state].step, workflow.states[dest].step) if name]
    for name in named:
        if name not in registry:  # the list was loaded while a plugin was installed that is gone now
            raise GuardRefused(
                say(
                    "步骤类型 “{s}” 现在没有插件提供(插件被卸载了?),不能执行 “{t}”;已知的步骤类型:{k}。",
                    "no plugin provides the step type '{s}' any more (was a plugin uninstalled?), so '{t}' "
                    "is refused; known step types: {k}.",
                    s=name,
                    t=trigger,
                    k=", ".join(sorted(registry)) or "-",
                )
            )
    involved = list({name: registry[name] for name in named}.values())
    given = parse_step_data(involved, data, local_date(now, definition.timezone))
    for values in given.values():
        data.update(values)  # the event keeps the normalized values
    context = TransitionContext(
        definition,
        task_def,
        row.id,
        row.name,
        trigger,
        row.state,
        dest,
        actor,
        note,
        data,
        now,
        conn,
        step_data=given,
        read_recorded=lambda step: stepdata.recorded(conn, row.id, step),
        on=on_day,
        holder=holder,
    )
    for step in involved:
        require_data(step, context)  # MissingStepData names the fields; each interface says where to give them
        refusal = step.guard(context)
        if refusal:
            raise GuardRefused(refusal)
    for refusal in plugins.hook.qingdan_guard_transition(context=context):
        if refusal:
            raise GuardRefused(refusal)
    move = {"item_id": row.id, "seen_version": row.version, "dest": dest, "next_version": row.version + 1, "now": now}
    together = conn.dialect.name != "sqlite"  # a server: the reached rows ride along (one round trip less)
    changed = move_and_record(conn, workflow, move, on=on_day) if together else conn.execute(_MOVE, move).rowcount
    if changed != 1:
        raise Conflict(
            say(
                "子项 “{i}” 刚被他人改动,本次操作未生效;请查看最新状态后重试。",
                "item '{i}' was just changed by someone else; nothing was written. Check its state and retry.",
                i=row.name,
            )
        )
    if on_day != local_date(now, definition.timezone):
        data["on"] = on_day.isoformat()  # the event keeps both: ``at`` is when it was entered
    event = audit.append(
        conn,
        chain=definition.id,
        at=now,
        actor=actor,
        kind="transition",
        checklist_id=definition.id,
        task_key=task_def.id,
        item_name=row.name,
        trigger=trigger,
        from_state=row.state,
        to_state=dest,
        note=note,
        data=data,
    )
    met = record_reached(
        conn, workflow, item_id=row.id, state=dest, on=on_day, now=now, deadlines_open=ref.item_deadlines_open, recorded=together
    )
    audit.append_many(
        conn,
        definition.id,
        [
            dict(
                at=now,
                actor=actor,
                kind="deadline_met",
                checklist_id=definition.id,
                task_key=task_def.id,
                item_name=row.name,
                data={"key": m.key, "label": m.label, "due": m.due_date.isoformat()},
            )
            for m in met
        ],
    )
    for step_name, values in given.items():
        stepdata.save(conn, item_id=row.id, step=step_name, values=values, actor=actor, now=now)
    for step in involved:
        step.after_transition(context)
    plugins.hook.qingdan_after_transition(context=context)
    stepdata.apply_effects(
        conn,
        context,
        definition=definition,
        task=task_def,
        task_row_id=ref.task_row_id,
        item_id=row.id,
        item_name=row.name,
        actor=actor,
        now=now,
    )
    told = event_notices.step_fired(context)
    for found in plugins.hook.qingdan_event_notices(context=context):
        told.extend(found or ())
    if told:
        event_notices.emit(conn, definition=definition, task_row_id=ref.task_row_id, item_id=row.id, cause=event["seq"], told=told, now=now)
    return FireResult(definition.id, task_def.id, row.name, trigger, row.state, dest, event["seq"], tuple(context.warnings))
