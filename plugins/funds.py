"""Built-in task extension ``funds`` (资金): a task's budget and its ledger of allocations, disbursements and spending.

Task option ``funds: {budget: 172.12, unit: 万元}`` (unit default 万元), on any kind of task. Entries
are recorded with ``qingdan funds TASK allocate|disburse|spend AMOUNT --date D --doc 文号`` (or 下达 /
拨付 / 支出; the command is ``plugins.funds_command``, added through ``qingdan_register_commands``): each
with its date and document number, an audit event each. Disbursing more than was
allocated, or spending more than was disbursed, is refused; allocating beyond the budget is allowed
with a warning (budgets get topped up).

On the status board (``qingdan_checklist_status``): per task ``extra.funds`` = budget, unit,
allocated, disbursed, spent and ``execution_rate`` = spent / budget; and the light turns yellow when
money is still to be disbursed (the larger of budget and allocated, minus disbursed) while one of the
task's deadlines falls within the next ``WINDOW_DAYS`` calendar days — money applied for but not
transferred holds projects up (seeds 000 and 001).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, insert, select

from engine.plugin import (
    InputError,
    TaskExtension,
    append_event,
    as_json_number,
    check_may_record,
    hookimpl,
    local_date,
    parse_amount,
    plain,
    say,
    tables,
    task_transaction,
)

funds_entries, tasks = tables.funds_entries, tables.tasks

WINDOW_DAYS = 30
#: the capacities that may record (``check_may_record``, which ``record`` calls); a page narrows them by the
#: account's role with ``may_act(account, checklist, task, RECORDERS)``
RECORDERS = ("responsible", "leader", "head")
KINDS = ("allocated", "disbursed", "spent")
ACTIONS = {"allocate": "allocated", "下达": "allocated", "disburse": "disbursed", "拨付": "disbursed", "spend": "spent", "支出": "spent"}
WORDS = {"allocated": ("下达", "allocated"), "disbursed": ("拨付", "disbursed"), "spent": ("支出", "spent")}


class Funds(TaskExtension):
    name = "funds"
    title = "资金"
    title_en = "funds"
    task_options = {"funds": "plugins.option_models:FundsOptions"}


def word(kind: str) -> str:
    return say(*WORDS[kind])


def options_of(task) -> tuple[Decimal, str] | None:
    found = task.options.get("funds")
    if not found:
        return None
    return Decimal(str(found["budget"])), found.get("unit") or "万元"


@dataclass(frozen=True)
class Totals:
    budget: Decimal
    unit: str
    allocated: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)

    @property
    def execution_rate(self) -> Decimal:
        return (self.spent / self.budget).quantize(Decimal("0.0001")) if self.budget else Decimal(0)

    @property
    def undisbursed(self) -> Decimal:
        return max(self.budget, self.allocated) - self.disbursed

    def as_json(self) -> dict:
        return {
            "budget": as_json_number(self.budget),
            "unit": self.unit,
            "allocated": as_json_number(self.allocated),
            "disbursed": as_json_number(self.disbursed),
            "spent": as_json_number(self.spent),
            "execution_rate": as_json_number(self.execution_rate),
        }

    def describe(self) -> str:
        return say(
            "预算 {b},已下达 {a},已拨付 {d},已支出 {s} {u},执行率 {r}%",
            "budget {b}, allocated {a}, disbursed {d}, spent {s} {u}, execution {r}%",
            b=plain(self.budget),
            a=plain(self.allocated),
            d=plain(self.disbursed),
            s=plain(self.spent),
            u=self.unit,
            r=plain((self.execution_rate * 100).quantize(Decimal("0.01"))),
        )


def _sums(conn, where) -> dict:
    found: dict = {}
    for key, kind, amount in conn.execute(
        select(tasks.c.key, funds_entries.c.kind, func.sum(funds_entries.c.amount))
        .join(tasks, tasks.c.id == funds_entries.c.task_id)
        .where(where)
        .group_by(tasks.c.key, funds_entries.c.kind)
    ):
        found.setdefault(key, {})[kind] = Decimal(amount)
    return found


def _totals(task, sums: dict) -> Totals:
    budget, unit = options_of(task)
    return Totals(budget, unit, **{kind: sums.get(kind, Decimal(0)) for kind in KINDS})


def summary(conn, checklist, until: dt.date | None = None) -> dict[str, Totals]:
    """Totals of every task with a budget in one checklist, in one grouped query; ``until``: entries dated on
    or before it only (a status restated as of an earlier date)."""
    with_funds = [task for task in checklist.tasks if options_of(task)]
    if not with_funds:
        return {}
    where = tasks.c.checklist_id == checklist.id
    if until is not None:
        where = where & (funds_entries.c.on_date <= until)
    sums = _sums(conn, where)
    return {task.id: _totals(task, sums.get(task.id, {})) for task in with_funds}


@dataclass(frozen=True)
class FundsResult:
    task: str
    entry: int
    kind: str
    amount: Decimal
    totals: Totals
    warnings: tuple[str, ...] = ()


def record(
    store,
    *,
    task: str,
    action: str,
    amount,
    on_date: str,
    document: str,
    actor: str,
    clock,
    note: str | None = None,
    checklist: str | None = None,
) -> FundsResult:
    """Record one allocation, disbursement or spending entry (``action``: allocate/disburse/spend or 下达/拨付/支出)."""
    kind = ACTIONS.get(str(action).strip().lower())
    if kind is None:
        raise InputError(
            say(
                "资金操作应是 allocate(下达)、disburse(拨付)或 spend(支出),不是 “{a}”。",
                "the funds action is allocate (下达), disburse (拨付) or spend (支出), not '{a}'.",
                a=action,
            )
        )
    value = parse_amount(amount)
    document = (document or "").strip()
    if not document:
        raise InputError(say("请用 --doc 写明文号或凭证号。", "give the document or voucher number with --doc."), field="document")
    if len(document) > 200:
        raise InputError(say("文号太长(最多 200 字)。", "the document number is too long (at most 200 characters)."), field="document")
    now = clock.now()
    with task_transaction(store, task, checklist=checklist, workflow_only=False, with_item=False) as ref:
        conn, definition, task_def = ref.connection, ref.checklist, ref.task
        if options_of(task_def) is None:
            raise InputError(
                say(
                    "任务 {t} 没有资金预算;在清单中给任务加上 funds: {{budget: 金额, unit: 万元}} 后再记账。",
                    "task {t} has no budget; add funds: {{budget: AMOUNT, unit: 万元}} to it in the checklist first.",
                    t=task_def.id,
                )
            )
        check_may_record(definition, task_def, actor)
        day = _date(on_date, local_date(now, definition.timezone))
        if conn.dialect.name != "sqlite":  # one writer per task's ledger, so two disbursements cannot both pass the check
            conn.execute(select(tasks.c.id).where(tasks.c.id == ref.task_row_id).with_for_update())
        before = _totals(task_def, _sums(conn, tasks.c.id == ref.task_row_id).get(task_def.id, {}))
        after = Totals(before.budget, before.unit, **{k: getattr(before, k) + (value if k == kind else 0) for k in KINDS})
        _check(before, after, kind, value)
        warnings = []
        if kind == "allocated" and after.allocated > after.budget:
            warnings.append(
                say(
                    "累计下达 {a} {u} 超过预算 {b} {u}。",
                    "allocations ({a} {u}) exceed the budget ({b} {u}).",
                    a=plain(after.allocated),
                    b=plain(after.budget),
                    u=after.unit,
                )
            )
        entry = conn.execute(
            insert(funds_entries)
            .values(task_id=ref.task_row_id, kind=kind, amount=value, on_date=day, document=document, note=note, actor=actor, at=now)
            .returning(funds_entries.c.id)
        ).scalar_one()
        append_event(
            conn,
            chain=definition.id,
            at=now,
            actor=actor,
            kind="funds",
            checklist_id=definition.id,
            task_key=task_def.id,
            note=note,
            data={
                "entry": entry,
                "kind": kind,
                "amount": plain(value),
                "unit": after.unit,
                "date": day.isoformat(),
                "document": document,
                "totals": after.as_json(),
            },
        )
    return FundsResult(task_def.id, entry, kind, value, after, tuple(warnings))


def _check(before: Totals, after: Totals, kind: str, value: Decimal) -> None:
    limits = {"disbursed": "allocated", "spent": "disbursed"}
    if kind not in limits:
        return
    ceiling = limits[kind]
    if getattr(after, kind) > getattr(after, ceiling):
        raise InputError(
            say(
                "本次{w} {v} {u} 后累计{w} {t} {u},超过已{c} {m} {u}:不能{w}多于{c}。",
                "{w} {v} {u} would bring the total {w} to {t} {u}, more than the {m} {u} {c}: refused.",
                w=word(kind),
                v=plain(value),
                u=after.unit,
                t=plain(getattr(after, kind)),
                c=word(ceiling),
                m=plain(getattr(after, ceiling)),
            ),
            field="amount",
        )


def _date(text: str, today: dt.date) -> dt.date:
    try:
        if len(str(text).strip()) != 10:  # fromisoformat also takes 20170701: only YYYY-MM-DD here
            raise ValueError(text)
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(
            say("日期应写成 YYYY-MM-DD,不是 “{d}”。", "write the date as YYYY-MM-DD, not '{d}'.", d=text), field="date"
        ) from None
    if day > today:
        raise InputError(
            say(
                "日期 {d} 晚于今天 {t}:只记录已经发生的收支。", "the date {d} is after today {t}: record what has happened.", d=day, t=today
            ),
            field="date",
        )
    return day


def ledger(store, *, task: str, checklist: str | None = None) -> tuple[Totals | None, list[dict]]:
    """A task's totals and entries, oldest first."""
    with task_transaction(store, task, checklist=checklist, workflow_only=False, with_item=False, write=False) as ref:
        conn = ref.connection
        if options_of(ref.task) is None:
            raise InputError(say("任务 {t} 没有资金预算(funds)。", "task {t} has no budget (funds).", t=ref.task.id))
        rows = (
            conn.execute(
                select(funds_entries)
                .where(funds_entries.c.task_id == ref.task_row_id)
                .order_by(funds_entries.c.on_date, funds_entries.c.id)
            )
            .mappings()
            .all()
        )
        totals = _totals(ref.task, _sums(conn, tasks.c.id == ref.task_row_id).get(ref.task.id, {}))
    return totals, [dict(row) for row in rows]


@hookimpl
def qingdan_task_extensions():
    return [Funds()]


@hookimpl
def qingdan_register_commands(cli):
    from plugins.funds_command import funds

    cli.add_command(funds)


@hookimpl
def qingdan_register_blueprints(app, pages):
    from plugins.funds_pages import bp

    app.register_blueprint(bp)
    pages.task_link(
        "funds.task", "资金台账", "Funds ledger", roles=("head", "leader", "staff"), applies=lambda task: options_of(task) is not None
    )


@hookimpl
def qingdan_checklist_status(checklist, connection, today):
    found = {}
    for task_id, totals in summary(connection, checklist, until=today).items():
        info = {"fields": {"funds": totals.as_json()}, "light": None, "reason": None}
        task = checklist.task_by_id[task_id]
        near = sorted(d for d in task.deadlines.values() if today <= d <= today + dt.timedelta(days=WINDOW_DAYS))
        if near and totals.undisbursed > 0:
            info["light"] = "yellow"
            info["reason"] = say(
                "资金未拨付到位:{d} 的节点前还有 {m} {u} 未拨付({s})。",
                "money not yet disbursed: {m} {u} still to come before the {d} deadline ({s}).",
                d=near[0].isoformat(),
                m=plain(totals.undisbursed),
                u=totals.unit,
                s=totals.describe(),
            )
        found[task_id] = info
    return found or None
