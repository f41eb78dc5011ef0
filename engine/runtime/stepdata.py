"""Step data in the database: the latest value per (item, step, key), what steps start and meet, and ``record``.

``step_records`` keeps the latest value of each key; every change is also an audit event (the
transition's own event when given with ``fire --data``, a ``step_data`` event when recorded with
``qingdan record``), so nothing is lost. Deadlines a step starts or meets are applied here, each
with an audit event (``deadline`` / ``deadline_met``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from engine import catalog
from engine.dates.clock import Clock, local_date
from engine.errors import GuardRefused, InputError, NotPermitted
from engine.i18n import say
from engine.runtime import audit
from engine.runtime.deadlines import add_item_deadline, clear_item_deadline
from engine.runtime.opening import task_transaction
from engine.runtime.permissions import capacities, require_person
from engine.steps import RecordContext
from engine.store import Store
from engine.store.tables import item_deadlines, items, step_records


def recorded(conn, item_id: int, step: str) -> dict[str, str]:
    return {
        r.key: r.value
        for r in conn.execute(
            select(step_records.c.key, step_records.c.value).where(step_records.c.item_id == item_id, step_records.c.step == step)
        )
    }


def save(conn, *, item_id: int, step: str, values: dict[str, str], actor: str, now: dt.datetime) -> None:
    """Upsert the latest values (the caller holds the item's lock, see ``lock_item``)."""
    if not values:
        return
    existing = {
        r.key: r.id
        for r in conn.execute(
            select(step_records.c.key, step_records.c.id).where(
                step_records.c.item_id == item_id, step_records.c.step == step, step_records.c.key.in_(list(values))
            )
        )
    }
    for key, value in values.items():
        if key in existing:
            conn.execute(update(step_records).where(step_records.c.id == existing[key]).values(value=value, actor=actor, at=now))
        else:
            conn.execute(insert(step_records).values(item_id=item_id, step=step, key=key, value=value, actor=actor, at=now))


def lock_item(conn, item_id: int) -> None:
    """Serialize writers of one item's step data (PostgreSQL row lock; SQLite's BEGIN IMMEDIATE already does)."""
    if conn.dialect.name != "sqlite":
        conn.execute(select(items.c.id).where(items.c.id == item_id).with_for_update())


def apply_effects(conn, effects, *, definition, task, task_row_id: int, item_id: int, item_name: str, actor: str, now: dt.datetime) -> None:
    """Start and meet the deadlines a step asked for, each with an audit event."""
    entries = []
    for key in dict.fromkeys(effects.met):
        open_rows = conn.execute(
            select(item_deadlines.c.label, item_deadlines.c.due_date).where(
                item_deadlines.c.item_id == item_id, item_deadlines.c.key == key, item_deadlines.c.cleared_at.is_(None)
            )
        ).all()
        if not open_rows:
            continue
        clear_item_deadline(conn, item_id=item_id, key=key, now=now, on=local_date(now, definition.timezone))
        entries.append(dict(kind="deadline_met", data={"key": key, "label": open_rows[0].label, "due": open_rows[0].due_date.isoformat()}))
    for deadline in effects.started:
        add_item_deadline(
            conn,
            definition=definition,
            task=task,
            task_row_id=task_row_id,
            item_id=item_id,
            key=deadline.key,
            label=deadline.label,
            due=deadline.due,
            reach_state=deadline.reach_state,
            now=now,
        )
        entries.append(dict(kind="deadline", data={"key": deadline.key, "label": deadline.label, "due": deadline.due.isoformat()}))
    audit.append_many(
        conn,
        definition.id,
        [dict(at=now, actor=actor, checklist_id=definition.id, task_key=task.id, item_name=item_name, **entry) for entry in entries],
    )


def open_deadlines(conn, item_id: int) -> list[tuple[str, str, dt.date]]:
    """(key, label, due) of the item's deadlines that are not yet met."""
    return [
        (r.key, r.label, r.due_date)
        for r in conn.execute(
            select(item_deadlines.c.key, item_deadlines.c.label, item_deadlines.c.due_date)
            .where(item_deadlines.c.item_id == item_id, item_deadlines.c.cleared_at.is_(None))
            .order_by(item_deadlines.c.due_date)
        )
    ]


# ---------------------------------------------------------------- qingdan record


@dataclass(frozen=True)
class RecordResult:
    checklist: str
    task: str
    item: str
    step: str
    values: dict
    event_seq: int
    warnings: tuple[str, ...] = ()


def step_owning(steps: dict, workflow, keys, step_name: str | None):
    """The step type of ``workflow`` that declares every key; ``step_name`` picks one when several could."""
    used = [steps[s.step] for s in workflow.states.values() if s.step in steps]
    used = list({step.name: step for step in used}.values())
    if step_name is not None:
        chosen = [step for step in used if step.name == step_name]
        if not chosen:
            raise InputError(
                say(
                    "流程 {w} 没有步骤 “{s}”;它的步骤有:{k}。",
                    "workflow {w} has no step '{s}'; its steps: {k}.",
                    w=workflow.id,
                    s=step_name,
                    k=", ".join(s.name for s in used) or "-",
                )
            )
        used = chosen
    candidates = [step for step in used if all(step.field(key) for key in keys)]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        known = "; ".join(f"{step.name}: {', '.join(f.key for f in step.data_fields)}" for step in used if step.data_fields)
        raise InputError(
            say(
                "流程 {w} 的步骤不接受数据 {k};可以记录的有:{a}。",
                "no step of workflow {w} accepts {k}; accepted: {a}.",
                w=workflow.id,
                k=", ".join(keys),
                a=known or "-",
            )
        )
    raise InputError(
        say(
            "数据 {k} 可属于多个步骤({s});请用 --step 指明。",
            "the keys {k} fit several steps ({s}); say which with --step.",
            k=", ".join(keys),
            s=", ".join(step.name for step in candidates),
        )
    )


def check_may_record(definition, task, actor: str) -> None:
    require_person(definition, actor)
    if capacities(definition, task, actor) & {"responsible", "leader", "head"}:
        return
    raise NotPermitted(
        say(
            "{p} 无权为任务 {t} 记录数据:只有责任人、分管领导或主要负责人可以。",
            "{p} may not record data on task {t}: only its responsible person, its leader or a head may.",
            p=definition.people[actor].name,
            t=task.id,
        )
    )


def record(
    store: Store,
    *,
    task: str,
    item: str | None,
    data: dict,
    actor: str,
    clock: Clock,
    plugins,
    note: str | None = None,
    step: str | None = None,
    checklist: str | None = None,
    evidence=(),
) -> RecordResult:
    """Record step data for an item (tender dates before the award, the contract signing after it). ``evidence``:
    files already stored for this record (``engine.runtime.attachments``), named by its event."""
    from engine.pluginmanager import step_types
    from engine.runtime.attachments import records

    if not data:
        raise InputError(say("没有要记录的数据:用 --data 键=值 给出。", "nothing to record: give --data KEY=VALUE."))
    now = clock.now()
    with task_transaction(store, task, item, checklist=checklist) as ref:
        conn, definition, task_def, row = ref.connection, ref.checklist, ref.task, ref.item
        check_may_record(definition, task_def, actor)
        owner = step_owning(step_types(plugins), definition.workflows[task_def.workflow], list(data), step)
        today = local_date(now, definition.timezone)
        values = {key: owner.field(key).parse(raw, today) for key, raw in data.items()}
        lock_item(conn, row.id)
        context = RecordContext(
            definition, task_def, row.id, row.name, row.state, owner.name, values, recorded(conn, row.id, owner.name), actor, now, conn
        )
        refusal = owner.check_record(context)
        if refusal:
            raise GuardRefused(refusal)
        save(conn, item_id=row.id, step=owner.name, values=values, actor=actor, now=now)
        event = audit.append(
            conn,
            chain=definition.id,
            at=now,
            actor=actor,
            kind="step_data",
            checklist_id=definition.id,
            task_key=task_def.id,
            item_name=row.name,
            note=note,
            data={"step": owner.name, "values": values, **({"evidence": records(evidence)} if evidence else {})},
        )
        owner.after_record(context)
        apply_effects(
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
    return RecordResult(definition.id, task_def.id, row.name, owner.name, values, event["seq"], tuple(context.warnings))


def show(store: Store, *, task: str, item: str | None, checklist: str | None = None) -> dict:
    """The recorded step data and open deadlines of one item: {"item", "steps": {step: {key: value}}, "deadlines": [...]}."""
    with store.read() as conn:
        ref = catalog.find_task(conn, task, checklist)
        row = catalog.resolve_item(conn, ref, item)
        found: dict[str, dict[str, str]] = {}
        for r in conn.execute(
            select(step_records.c.step, step_records.c.key, step_records.c.value)
            .where(step_records.c.item_id == row.id)
            .order_by(step_records.c.step, step_records.c.id)
        ):
            found.setdefault(r.step, {})[r.key] = r.value
        deadlines = open_deadlines(conn, row.id)
    return {
        "task": ref.task.id,
        "item": row.name,
        "state": row.state,
        "steps": found,
        "deadlines": [{"key": k, "label": label, "due": due.isoformat()} for k, label, due in deadlines],
    }
