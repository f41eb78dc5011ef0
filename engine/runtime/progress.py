"""Progress reports on quantity targets and recurring duties, and their explicit corrections.

Reports add up (``measure: sum``); a report for a part counts toward the part and the whole ("共放映2854场,其中贫困村
163场"). An entry is never edited: a correction is a new entry that reverses an earlier one, and each
entry can be reversed once. On a measured target (``measure: latest``, ``max``, ``min``) a report is a reading,
the value at its activity date (``engine.runtime.measures``): it may be 0 or below the last one, is never "beyond
the target", and a correction withdraws the reading, leaving the value of the readings that remain.

Reports cannot lie by accident: an amount is a plain decimal as people write it (no ``1e9``, ``NaN``,
``0x10``, ``1_000`` or full-width digits, which a number parser would take or misread), positive, with at
most 4 decimals and a magnitude that fits ``NUMERIC(20,4)``; an amount beyond what remains of a target (or of
the part reported) must be confirmed (``over``); and each report carries its activity date (``on``, checked by
``engine.runtime.activity``), which decides the period or milestone it counts for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, insert, select

from engine import catalog
from engine.amounts import parse_amount, parse_id, parse_measure, shorten, usable
from engine.dates.clock import Clock, local_date
from engine.errors import InputError, InvalidTrigger, NotFound
from engine.i18n import say
from engine.numbers import plain
from engine.runtime import audit
from engine.runtime.activity import activity_date
from engine.runtime.attachments import records
from engine.runtime.closing import check_open
from engine.runtime.lineage import refuse_assigned
from engine.runtime.measures import is_measured, measured, readings_of
from engine.runtime.permissions import check_report
from engine.store import Store
from engine.store.tables import items, progress, tasks


@dataclass(frozen=True)
class ReportResult:
    entry: int
    task: str
    amount: Decimal
    part: str | None
    item: str | None
    total: Decimal
    part_total: Decimal | None
    target: Decimal | None
    reached: bool
    on: dt.date | None = None  # the activity date the entry counts for
    over: bool = False  # the report went beyond what remained of the target or part, confirmed
    measure: str = "sum"  # a measured target's (latest / max / min): ``amount`` is a reading, ``total`` the measured value


def reported_item(conn, ref, item: str | None):
    """The item a report is about (its row, with its holder): the one named, or a recurring duty's only item; None for
    a report on a whole target."""
    if item is not None or ref.task.kind == "recurring":
        return catalog.resolve_item(conn, ref, item)
    return None


def report(
    store: Store,
    *,
    task: str,
    amount,
    actor: str,
    clock: Clock,
    part: str | None = None,
    item: str | None = None,
    note: str | None = None,
    checklist: str | None = None,
    on=None,
    over: bool = False,
    evidence=(),
) -> ReportResult:
    """Add a report. ``on``: the activity date (``YYYY-MM-DD`` or a date; default today, see
    ``engine.runtime.activity``). ``over``: confirms an amount beyond what remains of the target or part.
    ``evidence``: files already stored for this report (``engine.runtime.attachments``)."""
    now = clock.now()
    with store.write() as conn:
        ref = catalog.find_task(conn, task, checklist)
        check_open(conn, ref.checklist.id)
        refuse_assigned(ref.task)
        definition, task_def = ref.checklist, ref.task
        reading = is_measured(task_def)
        # a reading is the value at its date: 0 and below are values too (辍学率 0%); an increment must be above 0
        value = parse_measure(amount) if reading else parse_amount(amount)
        if task_def.kind == "workflow":
            raise InvalidTrigger(
                say(
                    "任务 {t} 按流程推进,不报送数量,请推进它的流程。",
                    "task {t} moves through a workflow and takes no amounts; move its workflow on instead.",
                    t=task_def.id,
                ),
                field="fire",
            )
        item_row = reported_item(conn, ref, item)
        check_report(definition, task_def, actor, holder=item_row.owner if item_row else None)  # an owner, on their item
        part_def = None
        if part is not None:
            part_def = task_def.part(part)
            if part_def is None:
                raise NotFound(
                    say(
                        "任务 {t} 没有分项 “{p}”;分项有:{k}。",
                        "task {t} has no part '{p}'; its parts: {k}.",
                        t=task_def.id,
                        p=part,
                        k=", ".join(p.id for p in task_def.parts) or say("无", "none"),
                    )
                )
        on_day = activity_date(on, now, definition.timezone, every=task_def.every)
        if conn.dialect.name != "sqlite":  # two reports at once must not both fit the same remainder (SQLite: BEGIN IMMEDIATE)
            conn.execute(select(tasks.c.id).where(tasks.c.id == ref.task_row_id).with_for_update())
        before = _value(conn, ref.task_row_id, task_def)
        part_before = _total(conn, ref.task_row_id, part) if part is not None else None
        # a reading above the target is no mistake (通响率 97% for a target of 95%): only increments are checked
        went_over = False if reading else _beyond_target(task_def, part_def, value, before, part_before, over)
        entry = conn.execute(
            insert(progress)
            .values(
                task_id=ref.task_row_id,
                item_id=item_row.id if item_row else None,
                part=part,
                amount=value,
                note=note,
                actor=actor,
                at=now,
                on_date=on_day,
            )
            .returning(progress.c.id)
        ).scalar_one()
        total = _value(conn, ref.task_row_id, task_def) if reading else before + value
        part_total = part_before + value if part is not None else None
        reached = task_def.target is not None and before < task_def.target <= total
        data = {
            "entry": entry,
            "amount": plain(value),
            "part": part,
            "total": plain(total),
            "target": plain(task_def.target) if task_def.target is not None else None,
            "reached": reached,
        }
        if reading:
            data["measure"] = task_def.measure  # ``amount`` is a reading and ``total`` the measured value
        if on_day != local_date(now, definition.timezone):
            data["on"] = on_day.isoformat()  # ``at`` is when it was entered
        if went_over:
            data["over"] = True
        if evidence:
            data["evidence"] = records(evidence)  # files already taken (engine.runtime.attachments), named by the event
        audit.append(
            conn,
            chain=definition.id,
            at=now,
            actor=actor,
            kind="report",
            checklist_id=definition.id,
            task_key=task_def.id,
            item_name=item_row.name if item_row else None,
            note=note,
            data=data,
        )
        return ReportResult(
            entry,
            task_def.id,
            value,
            part,
            item_row.name if item_row else None,
            total,
            part_total,
            task_def.target,
            reached,
            on_day,
            went_over,
            task_def.measure,
        )


def _beyond_target(task_def, part_def, value: Decimal, before: Decimal, part_before: Decimal | None, over: bool) -> bool:
    """Whether ``value`` goes beyond what remains of the part reported or of the target; refused unless ``over``."""
    checks = []
    if part_def is not None:
        checks.append((part_def.quantity, part_before, say("任务 {t} 分项 {p}", "part {p} of task {t}", t=task_def.id, p=part_def.id)))
    if task_def.target is not None:
        checks.append((task_def.target, before, say("任务 {t}", "task {t}", t=task_def.id)))
    for quantity, done, what in checks:
        remaining = max(quantity - done, Decimal(0))
        if value <= remaining:
            continue
        if over:
            return True
        unit = task_def.target_unit or ""
        confirm = say("如果确实超出,请确认超出后再报送。", "If it really did, confirm that it goes beyond the target.")
        if remaining == 0:
            raise InputError(
                say(
                    "{w} 的目标 {q}{u} 已经完成(已报送 {d}{u});再报送 {v}{u} 会超出目标。{c}",
                    "{w} has already reached its target of {q} {u} ({d} {u} reported); reporting {v} {u} more goes beyond it. {c}",
                    w=what,
                    q=plain(quantity),
                    d=plain(done),
                    v=plain(value),
                    u=unit,
                    c=confirm,
                ),
                field="over",
            )
        raise InputError(
            say(
                "{w} 的目标是 {q}{u},已报送 {d}{u},只差 {r}{u};本次报送 {v}{u} 会超出目标。{c}",
                "{w} has a target of {q} {u}, {d} {u} reported, {r} {u} remaining; reporting {v} {u} goes beyond the target. {c}",
                w=what,
                q=plain(quantity),
                d=plain(done),
                r=plain(remaining),
                v=plain(value),
                u=unit,
                c=confirm,
            ),
            field="over",
        )
    return False


def correct(
    store: Store, *, task: str, entry: int, actor: str, clock: Clock, note: str | None = None, checklist: str | None = None
) -> ReportResult:
    """Reverse report ``entry`` with a new, negative entry (the original stays as it was). The correction takes
    the original's activity date, so it comes off the period or milestone the original counted for. Who may
    correct: whoever may report on the task (``check_report``: its responsible person, its leader, a head)."""
    now = clock.now()
    with store.write() as conn:
        ref = catalog.find_task(conn, task, checklist)
        check_open(conn, ref.checklist.id)
        definition, task_def = ref.checklist, ref.task
        check_report(definition, task_def, actor)
        number = parse_id(entry)  # a number no row can have (beyond BIGINT) is simply not there
        original = (
            conn.execute(select(progress).where(progress.c.id == number, progress.c.task_id == ref.task_row_id)).mappings().first()
            if number is not None
            else None
        )
        if original is None or original["reverses"] is not None:
            raise NotFound(
                say(
                    "任务 {t} 没有编号为 {e} 的报送记录。",
                    "task {t} has no report number {e}.",
                    t=task_def.id,
                    e=shorten(str(entry)),
                ),
                field="history",
            )
        already = conn.execute(select(progress.c.id).where(progress.c.reverses == number)).first()
        if already is not None:
            raise InputError(
                say("报送记录 {e} 已被更正过(更正记录 {c})。", "report {e} was already corrected (by entry {c}).", e=entry, c=already.id)
            )
        new_id = conn.execute(
            insert(progress)
            .values(
                task_id=ref.task_row_id,
                item_id=original["item_id"],
                part=original["part"],
                amount=-original["amount"],
                note=note,
                actor=actor,
                at=now,
                on_date=original["on_date"],
                reverses=number,
            )
            .returning(progress.c.id)
        ).scalar_one()
        total = _value(conn, ref.task_row_id, task_def)
        part_total = _total(conn, ref.task_row_id, original["part"]) if original["part"] is not None else None
        item_name = (
            conn.execute(select(items.c.name).where(items.c.id == original["item_id"])).scalar()
            if original["item_id"] is not None
            else None
        )
        data = {"entry": new_id, "reverses": number, "amount": plain(-original["amount"]), "part": original["part"], "total": plain(total)}
        if is_measured(task_def):
            data["measure"] = task_def.measure  # the reading is withdrawn; ``total`` is the value of the readings left
        if original["on_date"] != local_date(now, definition.timezone):
            data["on"] = original["on_date"].isoformat()  # counts where the reversed entry counted
        audit.append(
            conn,
            chain=definition.id,
            at=now,
            actor=actor,
            kind="correction",
            checklist_id=definition.id,
            task_key=task_def.id,
            item_name=item_name,
            note=note,
            data=data,
        )
        return ReportResult(
            new_id,
            task_def.id,
            -original["amount"],
            original["part"],
            item_name,
            total,
            part_total,
            task_def.target,
            False,
            original["on_date"],
            measure=task_def.measure,
        )


def _value(conn, task_row_id: int, task_def) -> Decimal:
    """The task's value now: the running total, or for a measured target the value of its standing readings."""
    if is_measured(task_def):
        return measured(task_def.measure, readings_of(conn, [task_row_id]).get(task_row_id, [])).value
    return _total(conn, task_row_id)


def _total(conn, task_row_id: int, part: str | None = None) -> Decimal:
    # usable: a figure written around the engine (infinite, NaN, beyond NUMERIC(20,4)) is left out, as status does
    query = select(func.coalesce(func.sum(progress.c.amount), 0)).where(progress.c.task_id == task_row_id, usable(progress.c.amount))
    if part is not None:
        query = query.where(progress.c.part == part)
    return Decimal(conn.execute(query).scalar_one())
