"""转办: move one item of a task to another holder, keeping its state, deadlines and history.

An item's holder is ``items.owner`` when set (the list's ``owner:``, then earlier transfers), else the task's
responsible person. A transfer writes only the new holder: the item's state, step data, reports, deadlines and
its whole audit history stay where they are (they are keyed by the task and the item's name, not by the holder).
One audit event ``transfer`` records who held it before and after (``engine.runtime.audit_replay`` checks
``items.owner`` against the last one); the new holder is told through ``notify_assigned`` and the previous holder
is told the item left them (``transferred``), both exactly once per transfer.

``--to`` a unit: an item always has one person as holder (who acts, reports and receives the notices), so moving it
to a unit hands it to that unit's person in charge in this list: the one person of the unit who is responsible for
a task of the unit, else the unit's only person. When the unit has several candidates (or none), the transfer is
refused with their names, so the leader names the person. docs/cli.md says the same.

Who may transfer: the task's leader or a head (``engine.runtime.permissions.check_transfer``).
Must not: change the item's state, or decide what the holder may do afterwards (the owner rules do).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from engine.errors import Conflict, InputError, NotFound
from engine.i18n import say
from engine.runtime import audit
from engine.runtime.event_notices import EventNotice, emit, item_words, notify_assigned, person_name
from engine.runtime.opening import task_transaction
from engine.runtime.permissions import check_transfer
from engine.runtime.stepdata import lock_item
from engine.store.tables import items

EVENT = "transfer"
#: the notice to the previous holder (the new one gets ``assigned``)
LEFT = "transferred"


@dataclass(frozen=True)
class Transferred:
    checklist: str
    task: str
    item: str
    before: str
    after: str
    unit: str | None  # the unit the item was sent to, when ``to`` named one
    event_seq: int


def holder(task_def, owner: str | None) -> str:
    """Who holds an item now: its own owner, else the task's responsible person."""
    return owner or task_def.responsible


def resolve_holder(definition, task_def, to) -> tuple[str, str | None]:
    """(person id, unit id or None) for what was typed after ``--to``: a person's id or name, or a unit's id or name."""
    text = str(to or "").strip()
    if not text:
        raise InputError(say("请选择转给谁(人员或单位)。", "say whom to transfer it to (a person or a unit)."), field="to")
    if text in definition.people:
        return text, None
    by_name = [pid for pid, person in definition.people.items() if person.name == text]
    if len(by_name) == 1:
        return by_name[0], None
    unit = text if text in definition.units else next((key for key, name in definition.units.items() if name == text), None)
    if unit is None:
        raise NotFound(
            say(
                "清单 {c} 中没有人员或单位 “{t}”。",
                "checklist {c} has no person or unit '{t}'.",
                c=definition.id,
                t=text,
            ),
            field="to",
        )
    members = [pid for pid, person in definition.people.items() if person.unit == unit]
    in_charge = [pid for pid in members if any(t.unit == unit and t.responsible == pid for t in definition.tasks)]
    chosen = in_charge if len(in_charge) == 1 else members if len(members) == 1 else []
    if len(chosen) != 1:
        names = say("、", ", ").join(definition.people[p].name for p in (in_charge or members)) or say("无", "none")
        raise InputError(
            say(
                "单位 {u} 没有唯一的负责人(可选:{n}),请直接选择转给哪一位。",
                "unit {u} has no single person in charge (candidates: {n}); name the person instead.",
                u=definition.units[unit],
                n=names,
            ),
            field="to",
        )
    return chosen[0], unit


def transfer(
    store, *, task: str, item: str | None, to, actor: str, clock, checklist: str | None = None, note: str | None = None
) -> Transferred:
    """Move ``item`` of ``task`` (``T1`` or ``LIST:T1``) to ``to`` (a person or a unit), as ``actor``."""
    now = clock.now()
    with task_transaction(store, task, item, checklist=checklist, workflow_only=False) as ref:
        conn, definition, task_def = ref.connection, ref.checklist, ref.task
        check_transfer(definition, task_def, actor)
        if ref.item is None:
            raise InputError(
                say("请写明要转办的子项(任务 {t} 有多个子项)。", "name the item to transfer (task {t} has several).", t=task_def.id),
                field="item",
            )
        person, unit = resolve_holder(definition, task_def, to)
        lock_item(conn, ref.item.id)
        owner = conn.execute(select(items.c.owner).where(items.c.id == ref.item.id)).scalar()
        before = holder(task_def, owner)
        if person == before:
            raise Conflict(
                say(
                    "子项 “{i}” 已由 {p} 负责,无需转办。",
                    "item '{i}' is already held by {p}; nothing to transfer.",
                    i=ref.item.name,
                    p=person_name(definition, person),
                ),
                field="to",
            )
        moved = conn.execute(
            update(items)
            .where(items.c.id == ref.item.id, items.c.owner.is_(None) if owner is None else items.c.owner == owner)
            .values(owner=person)
        ).rowcount
        if moved != 1:
            raise Conflict(
                say("子项 “{i}” 刚被他人转办,请刷新后再试。", "item '{i}' was just transferred by someone else.", i=ref.item.name)
            )
        text = (note or "").strip() or None
        event = audit.append(
            conn,
            chain=definition.id,
            at=now,
            actor=actor,
            kind=EVENT,
            checklist_id=definition.id,
            task_key=task_def.id,
            item_name=ref.item.name,
            note=text,
            data={"from": before, "to": person, "owner_before": owner} | ({"unit": unit} if unit else {}),
        )
        cause = f"transfer-{event['seq']}"
        notify_assigned(
            conn,
            definition=definition,
            task=task_def,
            task_row_id=ref.task_row_id,
            item_id=ref.item.id,
            item_name=ref.item.name,
            person=person,
            by=actor,
            cause=cause,
            now=now,
            before=before,
        )
        _tell_previous(conn, definition, task_def, ref, before=before, after=person, actor=actor, cause=cause, note=text, now=now)
        return Transferred(definition.id, task_def.id, ref.item.name, before, person, unit, event["seq"])


def _tell_previous(conn, definition, task_def, ref, *, before, after, actor, cause, note, now) -> None:
    short, full = item_words(task_def, ref.item.name)
    told = EventNotice(
        LEFT,
        (before,),
        say("【转办】{t}:已转交 {p}", "[Transferred] {t}: now held by {p}", t=short, p=person_name(definition, after)),
        say(
            "{what}\n{g} 已将此项转交 {p} 负责,您不再负责此项;此前的进展和记录都保留。{n}",
            "{what}\n{g} transferred it to {p}; it is no longer yours. Its progress and records are kept.{n}",
            what=full,
            g=person_name(definition, actor),
            p=person_name(definition, after),
            n=say("\n说明:{x}", "\nNote: {x}", x=note) if note else "",
        ),
    )
    emit(conn, definition=definition, task_row_id=ref.task_row_id, item_id=ref.item.id, cause=cause, told=[told], now=now)


def may_transfer(definition, task_def, actor: str) -> bool:
    """Whether ``actor`` may transfer items of ``task_def`` (for pages deciding whether to show the form)."""
    from engine.errors import QingdanError

    try:
        check_transfer(definition, task_def, actor)
    except QingdanError:
        return False
    return True
