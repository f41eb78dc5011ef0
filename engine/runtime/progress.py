"""Progress reports on quantity targets and recurring duties, and their explicit corrections.

Reports add up; a report for a part counts toward the part and the whole ("共放映2854场,其中贫困村
163场"). Amounts must be positive numbers. An entry is never edited: a correction is a new entry
that reverses an earlier one, and each entry can be reversed once.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, insert, select

from engine.runtime import audit
from engine import catalog
from engine.dates.clock import Clock
from engine.errors import InputError, InvalidTrigger, NotFound
from engine.i18n import say
from engine.numbers import plain
from engine.runtime.permissions import check_report
from engine.store import Store
from engine.store.tables import progress

MAX_PLACES = 4


def parse_amount(text) -> Decimal:
    try:
        amount = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise InputError(say("数量 “{a}” 不是数字。", "the amount '{a}' is not a number.", a=text)) from None
    if not amount.is_finite():
        raise InputError(say("数量 “{a}” 不是有效数字。", "the amount '{a}' is not a valid number.", a=text))
    if amount <= 0:
        raise InputError(say("数量必须大于 0(实际 {a});要更正之前的报送,请用 qingdan correct。",
                             "the amount must be more than 0 (got {a}); to fix an earlier report use qingdan correct.", a=text))
    if -amount.as_tuple().exponent > MAX_PLACES:
        raise InputError(say("数量 {a} 最多保留 {n} 位小数。", "the amount {a} may have at most {n} decimal places.", a=text, n=MAX_PLACES))
    return amount


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


def report(store: Store, *, task: str, amount, actor: str, clock: Clock, part: str | None = None, item: str | None = None,
           note: str | None = None, checklist: str | None = None) -> ReportResult:
    value = parse_amount(amount)
    now = clock.now()
    with store.write() as conn:
        ref = catalog.find_task(conn, task, checklist)
        definition, task_def = ref.checklist, ref.task
        if task_def.kind == "workflow":
            raise InvalidTrigger(say("任务 {t} 按流程推进,不报送数量;请用 qingdan fire。",
                                     "task {t} moves through a workflow and takes no amounts; use qingdan fire.", t=task_def.id))
        check_report(definition, task_def, actor)
        if part is not None and task_def.part(part) is None:
            raise NotFound(say("任务 {t} 没有分项 “{p}”;分项有:{k}。", "task {t} has no part '{p}'; its parts: {k}.",
                               t=task_def.id, p=part, k=", ".join(p.id for p in task_def.parts) or say("无", "none")))
        item_row = None
        if item is not None or task_def.kind == "recurring":
            item_row = catalog.resolve_item(conn, ref, item)
        before = _total(conn, ref.task_row_id)
        entry = conn.execute(insert(progress).values(
            task_id=ref.task_row_id, item_id=item_row.id if item_row else None, part=part, amount=value, note=note,
            actor=actor, at=now).returning(progress.c.id)).scalar_one()
        total = before + value
        part_total = _total(conn, ref.task_row_id, part) if part else None
        reached = task_def.target is not None and before < task_def.target <= total
        audit.append(conn, chain=definition.id, at=now, actor=actor, kind="report", checklist_id=definition.id,
                     task_key=task_def.id, item_name=item_row.name if item_row else None, note=note,
                     data={"entry": entry, "amount": plain(value), "part": part, "total": plain(total),
                           "target": plain(task_def.target) if task_def.target is not None else None, "reached": reached})
        return ReportResult(entry, task_def.id, value, part, item_row.name if item_row else None, total, part_total,
                            task_def.target, reached)


def correct(store: Store, *, task: str, entry: int, actor: str, clock: Clock, note: str | None = None,
            checklist: str | None = None) -> ReportResult:
    """Reverse report ``entry`` with a new, negative entry (the original stays as it was)."""
    now = clock.now()
    with store.write() as conn:
        ref = catalog.find_task(conn, task, checklist)
        definition, task_def = ref.checklist, ref.task
        check_report(definition, task_def, actor)
        original = conn.execute(select(progress).where(progress.c.id == entry, progress.c.task_id == ref.task_row_id)).mappings().first()
        if original is None or original["reverses"] is not None:
            raise NotFound(say("任务 {t} 没有编号为 {e} 的报送记录(编号见 qingdan history)。",
                               "task {t} has no report number {e} (see qingdan history).", t=task_def.id, e=entry))
        already = conn.execute(select(progress.c.id).where(progress.c.reverses == entry)).first()
        if already is not None:
            raise InputError(say("报送记录 {e} 已被更正过(更正记录 {c})。", "report {e} was already corrected (by entry {c}).", e=entry, c=already.id))
        new_id = conn.execute(insert(progress).values(
            task_id=ref.task_row_id, item_id=original["item_id"], part=original["part"], amount=-original["amount"],
            note=note, actor=actor, at=now, reverses=entry).returning(progress.c.id)).scalar_one()
        total = _total(conn, ref.task_row_id)
        audit.append(conn, chain=definition.id, at=now, actor=actor, kind="correction", checklist_id=definition.id,
                     task_key=task_def.id, note=note,
                     data={"entry": new_id, "reverses": entry, "amount": plain(-original["amount"]), "part": original["part"], "total": plain(total)})
        return ReportResult(new_id, task_def.id, -original["amount"], original["part"], None, total, None, task_def.target, False)


def _total(conn, task_row_id: int, part: str | None = None) -> Decimal:
    query = select(func.coalesce(func.sum(progress.c.amount), 0)).where(progress.c.task_id == task_row_id)
    if part is not None:
        query = query.where(progress.c.part == part)
    return Decimal(conn.execute(query).scalar_one())
