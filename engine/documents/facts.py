"""Everything an office document states about a list on a date, gathered once: the one source of every export.

The ledger (台账), the dispatch table (调度表), the circular (通报) and the work report (工作汇报) print these
facts and compute nothing of their own: progress, verdicts, lights and overdue counts come from
``engine.queries.status`` (as of the statement date), scores and ranks from ``engine.queries.ranking``, the
days a milestone is overdue from ``engine.verdicts``. So a document, the board and ``status --json`` agree.

Data with activity dates after the statement date is left out (``checklist_status(as_of=…)``), so a half-year
report written in July states the figures of June 30.

A list whose tasks are ``assign:``ed to child lists (a county's, split among towns) speaks of those lists: each
such task's ``TaskFacts.children`` holds one ``ChildFacts`` per child list, built from the child's own task status
that the roll-up carries (``ChildShare.status``) and the child list's rows (``engine.documents.fact_family``); the
child lists are ranked among their kind as the status ranks them (``Facts.peers``, ``ChecklistStatus.peers``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from engine.definition.definitions import ChecklistDef, TaskDef
from engine.queries.ranking import UnitScore
from engine.queries.status import ChecklistStatus, TaskStatus

PERIOD_KINDS = ("week", "month", "quarter", "half", "year")


@dataclass(frozen=True)
class Period:
    kind: str  # one of PERIOD_KINDS
    start: dt.date
    end: dt.date  # the period's last day (the statement date may fall before it)
    label: str  # "2017年6月", "2017年上半年", "2017年第26周(6月26日至7月2日)"


@dataclass(frozen=True)
class MilestoneFact:
    label: str  # the state's label (方案已审定), 完成 for a target's done, the period for a duty, an item deadline's own label
    due: dt.date
    reached_on: dt.date | None
    verdict: str  # engine.kinds.Verdict value: on_time, late, missed, open, void
    words: str  # engine.verdicts.describe: 按时完成, 逾期完成(晚 3 天), 已逾期, 未到期, 不再需要
    days_overdue: int  # missed milestones: days overdue on the statement date, else 0


@dataclass(frozen=True)
class InspectionFact:
    task: TaskDef
    item: str
    round: int
    on_date: dt.date
    inspector: str  # the inspector's name
    passed: bool
    unmet: tuple[str, ...]  # each unmet criterion in words: "文化广场面积 150(要求不少于 200)"
    rectify_due: dt.date | None  # the rectification deadline a failed round set, if any


@dataclass(frozen=True)
class ReportFact:
    on_date: dt.date
    amount: Decimal
    part: str | None  # the part's title
    note: str | None
    person: str  # the reporter's name


@dataclass
class ItemFacts:
    """One ledger row: an item of a task (a target or duty task without items is one row)."""

    task: TaskDef
    item: str
    unit: str  # the unit's name
    responsible: str  # the responsible person's name
    owner: str | None  # the item's own owner, when items have owners; else None
    stage: str | None  # the workflow state's label as of the date; None for target and recurring tasks
    milestones: list[MilestoneFact]
    done: Decimal | None  # target tasks: the task's running total; recurring: this period's reports of the item
    target: Decimal | None
    last_report: ReportFact | None
    evidence: int  # files attached (inspection rounds, step records)
    inspections: list[InspectionFact]
    closed_on: dt.date | None  # 销号: the day the item reached a final state; None while open
    light: str  # engine.kinds.Light value of the task (green, yellow, red, done)
    light_words: str
    # an assigned task's rows (docs/documents.md, "Lists across levels"): its total row, then one per child list
    total: bool = False  # the task's total row (合计): the roll-up of the child rows under it
    child: str | None = None  # a child list's row: that list's id
    quota: Decimal | None = None  # a target task's share (the total row: the task's target)
    assigned: tuple[str, ...] = ()  # a workflow task's items given to the child list
    overdue: int | None = None  # overdue items of the row (assigned tasks' rows only)


class PartFact(NamedTuple):
    title: str
    done: Decimal
    quantity: Decimal
    completion: float | None  # done / quantity, 0..1 (None for a part of quantity 0)


@dataclass
class TaskFacts:
    task: TaskDef
    status: TaskStatus  # as of the statement date
    unit: str
    responsible: str
    leader: str
    target_unit: str | None  # 场次, 个 … (workflow tasks: None; items are counted)
    done: Decimal  # cumulative as of the date (workflow: items in a final state)
    target: Decimal
    period_done: Decimal | None  # reported with activity dates inside the period (workflow: items finished in it)
    completion: float | None  # done / target, 0..1 (None without a target)
    time_elapsed: float | None  # the share of the task's time gone by on the date (same rule as pace)
    gap: float | None  # completion − time_elapsed: negative means behind (时间过半,任务过半)
    light: str
    light_words: str
    parts: list[PartFact]
    reached: list[tuple[str, dt.date, int]]  # stages reached: (label, first date, items that reached it)
    upcoming: list[tuple[str, dt.date, int]]  # next milestones: (label, due, items still to reach it), soonest first
    remaining: Decimal | None  # target − done (None without a target); never negative
    funds: dict[str, Decimal] | None  # {"allocated", "disbursed", "spent"} as of the date, when the task has a budget
    notes: list[ReportFact]  # reports with a note in the period (problems people wrote down), oldest first
    overdue_items: int
    behind_pace: bool = False  # behind the time by more than the status board's pace margin (时间过半,任务过半)
    children: list[ChildFacts] = field(default_factory=list)  # an assigned task's child lists, as the task assigns them


@dataclass
class ChildFacts:
    """One child list's share of an assigned task: what the roll-up's ``ChildShare`` says, and the child's own task
    facts as of the same date (its period figures, deadlines and people come from the child list)."""

    share: object  # engine.queries.rollup.ChildShare: the status's figures of this child
    name: str  # the child list's title, as the status names it (ChildShare.title, UnitScore.name)
    unit: str  # the unit of the child's task in the child list (the list's title while it has not arrived)
    responsible: str  # the child task's responsible person, by the child list's name for them
    quota: Decimal | None  # the quantity assigned (target tasks)
    assigned: tuple[str, ...]  # the items assigned (workflow tasks)
    task: TaskFacts | None  # the child's own task facts; None while the list or its task has not arrived
    last_report: ReportFact | None  # the child task's last report as of the date
    definition: ChecklistDef | None = None  # the child list (None while it has not arrived)


@dataclass(frozen=True)
class OverdueFact:
    task: TaskDef
    item: str
    milestone: str  # label
    due: dt.date
    days_overdue: int
    unit: str
    responsible: str
    checklist: str | None = None  # an assigned task's item: the child list it is in (``unit`` is that list's title)


@dataclass
class Facts:
    checklist: ChecklistDef
    as_of: dt.date
    period: Period | None
    status: ChecklistStatus
    tasks: list[TaskFacts]
    items: list[ItemFacts]
    ranking: list[tuple[str | None, list[UnitScore]]]  # engine.queries.ranking.by_kind: per kind, by rank
    overdue: list[OverdueFact]  # worst (most days overdue) first
    failed_inspections: list[InspectionFact]  # items whose latest round failed, as of the date
    totals: dict = field(default_factory=dict)
    # totals: tasks, items, done_tasks, lights {green, yellow, red, done}, overdue_items, on_time_rate (float|None),
    # completion (float: mean completion over tasks with a target)
    peers: list[tuple[str | None, list[UnitScore]]] = field(default_factory=list)  # child lists per kind (status.peers)

    @property
    def own_work(self) -> bool:
        """Whether some task of the list is done by its own units (not assigned to child lists)."""
        return any(not task.assign for task in self.checklist.tasks)

    def rankings(self) -> list[tuple[str | None, list[UnitScore], bool]]:
        """What the documents rank, per kind: (kind, scores, of child lists). A parent list ranks its child lists
        among their kind (``peers``); its own units too only when it has work of its own."""
        own = [(kind, scores, False) for kind, scores in self.ranking] if not self.peers or self.own_work else []
        return [(kind, scores, True) for kind, scores in self.peers] + own


def gather(store, checklist_id: str, clock, plugins=None, *, as_of: dt.date | None = None, period: str | None = None) -> Facts:
    """The facts of a loaded list on ``as_of`` (default: the clock's local date), with figures for the
    ``period`` (one of PERIOD_KINDS) that contains it."""
    from engine.documents import fact_family as family
    from engine.documents.fact_rows import item_facts, overdue_facts
    from engine.queries.ranking import by_kind, rank_units
    from engine.queries.status import checklist_status

    status = checklist_status(store, checklist_id, clock, plugins, as_of=as_of)
    definition, today = status.checklist, status.today
    span = period_of_kind(period, today) if period else None
    with store.read() as conn:
        context = read_context(conn, definition, today, span, {}, inspections=True)
        family.read_children(conn, context, status.tasks)  # the child lists' rows, every level down
    tasks = [family.family_task_facts(context, s) for s in status.tasks]
    item_list = [
        fact
        for s, t in zip(status.tasks, tasks, strict=True)
        for fact in (family.rows(context, t) if s.children else item_facts(context, s))
    ]
    failed = [f.inspections[-1] for f in item_list if f.inspections and not f.inspections[-1].passed]
    facts = Facts(
        checklist=definition,
        as_of=today,
        period=span,
        status=status,
        tasks=tasks,
        items=item_list,
        ranking=by_kind(rank_units(definition, status.tasks)),
        overdue=overdue_facts(context, status.tasks),
        failed_inspections=failed,
        peers=_peer_groups(status.peers),
    )
    facts.totals = _totals(status, tasks)
    return facts


@dataclass
class _Context:
    """What the row builders share: the definition, the date, the period and the rows read once."""

    definition: ChecklistDef
    today: dt.date
    period: Period | None
    rows: list
    reports: list
    reached: dict
    rounds: dict
    appeared: dict
    task_rows: dict[str, int]
    family: dict = field(default_factory=dict)  # child list id → its _Context (shared by every level of one gather)


def read_context(conn, definition: ChecklistDef, today: dt.date, period: Period | None, family: dict, *, inspections: bool) -> _Context:
    """The rows of one list the facts are built from; a child list's (``inspections=False``) leaves out the
    inspection rounds and item deadlines, which only the list's own item rows print."""
    from engine.documents import fact_reads as reads

    list_id = definition.id
    return _Context(
        definition,
        today,
        period,
        reads.item_rows(conn, list_id),
        reads.reports(conn, list_id, today),
        reads.reached(conn, list_id, today),
        reads.rounds(conn, list_id, today, definition.timezone) if inspections else {},
        reads.deadlines_set(conn, list_id) if inspections else {},
        {r.key: r.id for r in conn.execute(_task_keys(list_id))},
        family,
    )


def _peer_groups(peers: list[UnitScore]) -> list[tuple[str | None, list[UnitScore]]]:
    """``ChecklistStatus.peers`` per kind, kinds in the order they first come (the board's order), ranks as given."""
    from engine.queries.ranking import by_kind

    first: dict = {}
    for score in peers:
        first.setdefault(score.kind, len(first))
    return by_kind(sorted(peers, key=lambda score: first[score.kind]))


def _task_keys(checklist_id: str):
    from sqlalchemy import select

    from engine.store.tables import tasks

    return select(tasks.c.key, tasks.c.id).where(tasks.c.checklist_id == checklist_id, tasks.c.removed.is_(False))


def period_of_kind(kind: str, day: dt.date) -> Period:
    """The period of kind ``kind`` containing ``day``, with its name as a document writes it."""
    from engine.dates.periods import period_of

    if kind not in PERIOD_KINDS:
        raise ValueError(kind)
    if kind == "half":
        first = day.month <= 6
        start, end = (dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)) if first else (dt.date(day.year, 7, 1), dt.date(day.year, 12, 31))
        return Period(kind, start, end, f"{day.year}年{'上' if first else '下'}半年")
    start, end = period_of(kind, day)
    if kind == "month":
        label = f"{day.year}年{day.month}月"
    elif kind == "quarter":
        label = f"{day.year}年第{'一二三四'[(day.month - 1) // 3]}季度"
    elif kind == "week":
        label = f"{start.year}年第{start.isocalendar()[1]}周({start.month}月{start.day}日至{end.month}月{end.day}日)"
    else:
        label = f"{day.year}年"
    return Period(kind, start, end, label)


def _totals(status: ChecklistStatus, tasks: list[TaskFacts]) -> dict:
    """The list's overall figures. The on-time rate here counts every milestone of every item that has come due,
    the items' own deadlines (a contract, a rectification) included, so it never reads 100% beside overdue items."""
    from engine.verdicts import on_time_rate

    lights = {"green": 0, "yellow": 0, "red": 0, "done": 0}
    counts: dict = {}
    for task in status.tasks:
        lights[str(task.light)] = lights.get(str(task.light), 0) + 1
        for milestones, n in task.judged.shared():
            for m in milestones:
                counts[m.verdict.verdict] = counts.get(m.verdict.verdict, 0) + n
    rated = [t.completion for t in tasks if t.completion is not None]
    return {
        "tasks": len(status.tasks),
        "items": sum(t.items for t in status.tasks),
        "done_tasks": lights["done"],
        "lights": lights,
        "overdue_items": sum(t.overdue for t in status.tasks),
        "on_time_rate": on_time_rate(counts),
        "completion": sum(rated) / len(rated) if rated else None,
    }
