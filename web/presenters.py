"""Shape engine results for the pages: board rows, grouping by unit, the unit ranking, the milestone timeline's
geometry, and the urgency of an item. Pure functions over definitions and status objects: no database, no Flask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from engine.definition.definitions import DONE, ChecklistDef, TaskDef
from engine.i18n import say
from engine.kinds import light_word, reason_word  # noqa: F401 (the templates call them through presenters)
from engine.numbers import plain
from engine.runtime.measures import value_word
from engine.verdicts import describe

LIGHT_ORDER = {"red": 0, "yellow": 1, "green": 2, "done": 3}


@dataclass
class ItemDeadline:
    label: str
    due: dt.date
    state: str  # an engine.kinds.Verdict value: on_time | late | missed | open | void
    text: str  # the verdict in words (engine.verdicts.describe)


def kind_word(kind: str) -> str:
    return {
        "workflow": say("流程", "workflow"),
        "target": say("数量目标", "quantity target"),
        "recurring": say("周期性工作", "recurring duty"),
    }.get(kind, kind)


def state_label(definition: ChecklistDef, task: TaskDef, state: str | None) -> str:
    if not state:
        return ""
    if task.kind == "workflow" and state in definition.workflows[task.workflow].states:
        return definition.workflows[task.workflow].label(state)
    return state


def milestone_label(definition: ChecklistDef, task: TaskDef, milestone: str | None) -> str:
    if milestone is None:
        return ""
    if task.kind == "workflow" and milestone in definition.workflows[task.workflow].states:
        return definition.workflows[task.workflow].label(milestone)
    if milestone == DONE:
        return say("完成", "done")
    if task.kind == "recurring":
        return say("本期截止", "period ends")
    return milestone


def person_name(definition: ChecklistDef, person: str | None) -> str:
    if not person:
        return ""
    found = definition.people.get(person)
    return found.name if found else person


@dataclass
class TaskRow:
    id: str
    title: str
    kind: str
    unit: str
    unit_name: str
    responsible: str
    responsible_name: str
    leader: str
    leader_name: str
    done: Decimal
    target: Decimal
    share: float  # 0..1
    target_unit: str
    states: list[tuple[str, str, int]]  # (state, label, count)
    parts: list[tuple[str, str, Decimal, Decimal]]
    light: str
    reason: str | None
    next_deadline: dt.date | None
    next_label: str
    days_left: int | None
    overdue: int
    pace: dict | None
    funds: dict = field(default_factory=dict)
    milestones: list[ItemDeadline] = field(default_factory=list)  # the task's milestones, task-level verdicts
    extra: dict = field(default_factory=dict)
    # display strings, made once here so a 1,000-row board renders without a function call per cell
    width: str = "0"
    progress_text: str = ""
    pace_text: str = ""
    overdue_text: str = ""
    next_text: str = ""
    funds_text: str = ""
    chips: list[str] = field(default_factory=list)
    measure: str = "sum"  # a measured target's (latest / max / min): ``done`` is a reading, not a running total
    reading_on: dt.date | None = None  # the activity date of that reading


def board_rows(entry) -> list[TaskRow]:
    """The rows of a whole list's board (``task_rows``), built once per cached status (``CachedStatus.kept``): a warm
    board of 1,000 tasks spent most of its time describing the same milestones again. Callers filter into new lists."""
    return entry.kept("board-rows", lambda: task_rows(entry.status.checklist, entry.status))


def board_ranking(entry) -> list:
    """``ranking`` of a whole list, kept with its cached status like ``board_rows``."""
    return entry.kept("board-ranking", lambda: ranking(entry.status.checklist, entry.status.tasks))


def task_rows(definition: ChecklistDef, board) -> list[TaskRow]:
    """Board rows; funds come from the funds plugin's ``extra.funds`` (budget, allocated, disbursed, spent, rate)."""
    rows = []
    words = {
        "items": say("项", "items"),
        "overdue": say("逾期 {} 项", "{} overdue"),
        "left": say("还有 {} 天", "{} days left"),
        "today": say("今天到期", "due today"),
        "along": say("{p}% · 完成 {f}/{n} {u}", "{p}% · {f}/{n} {u} finished"),
        "pace": say("时间过 {}%,任务完成 {}%", "time {}% gone, {}% done"),
        "spent": say("支出", "spent"),
        "disbursed": say("已拨付", "disbursed"),
    }
    for status in board.tasks:
        task = definition.task_by_id[status.id]
        target = status.target or Decimal(0)
        share = float(min(Decimal(1), status.done / target)) if target > 0 else (1.0 if status.complete else 0.0)  # all ended
        if task.kind == "workflow":
            workflow = definition.workflows[task.workflow]
            states = [(s, workflow.label(s), n) for s, n in status.states.items()]
            unit_word = words["items"]
        else:
            states = []
            unit_word = task.target_unit or words["items"]
        parts = []
        for part in task.parts:
            got = status.parts.get(part.id)
            if got is not None:
                parts.append((part.id, part.title, got[0], got[1]))
        days_left = (status.next_deadline - board.today).days if status.next_deadline else None
        row = TaskRow(
            id=task.id,
            title=task.title,
            kind=task.kind,
            unit=task.unit,
            unit_name=definition.units.get(task.unit, task.unit),
            responsible=task.responsible,
            responsible_name=person_name(definition, task.responsible),
            leader=task.leader,
            leader_name=person_name(definition, task.leader),
            done=status.done,
            target=target,
            share=share,
            target_unit=unit_word,
            states=states,
            parts=parts,
            light=status.light,
            reason=getattr(status, "reason", None),
            next_deadline=status.next_deadline,
            next_label=milestone_label(definition, task, status.next_milestone),
            days_left=days_left,
            overdue=status.overdue,
            pace=getattr(status, "pace", None),
            milestones=_milestones(definition, task, status),
            extra=dict(getattr(status, "extra", {}) or {}),
        )
        row.funds = row.extra.pop("funds", None) or {}
        row.width = f"{share * 100:.1f}"
        if task.kind == "workflow":  # done weighs how far each item is along: show it as a share, and the finished items
            row.progress_text = words["along"].format(p=f"{share * 100:.0f}", f=status.finished or 0, n=plain(target), u=unit_word)
        elif getattr(status, "measure", "sum") != "sum":  # a reading with its date, not a running total
            row.measure, row.reading_on = status.measure, status.reading_on
            row.progress_text = reading_text(status.measure, status.done, status.reading_on, target, unit_word)
        else:
            row.progress_text = f"{plain(status.done)}/{plain(target)} {unit_word}"
        if row.pace:
            row.pace_text = words["pace"].format(int(row.pace["elapsed"] * 100), int(row.pace["done"] * 100))
        if row.overdue:
            row.overdue_text = words["overdue"].format(row.overdue)
        if row.next_deadline:
            row.next_text = f"{row.next_label} {row.next_deadline.isoformat()} ({words['today'] if days_left == 0 else words['left'].format(days_left)})"
        if row.funds:
            funds = row.funds
            rate = funds.get("execution_rate")
            row.funds_text = (
                f"{words['spent']} {funds.get('spent', 0)}/{funds.get('budget', '-')} {funds.get('unit', '')}"
                + (f" ({float(rate) * 100:.0f}%)" if rate is not None else "")
                + (f" · {words['disbursed']} {funds.get('disbursed', 0)}" if funds.get("disbursed") is not None else "")
            )
        row.chips = [f"{label} {n}" for _, label, n in states] + [
            f"{title} {plain(done)}/{plain(target_)}" for _, title, done, target_ in parts
        ]
        rows.append(row)
    return rows


def _milestones(definition: ChecklistDef, task: TaskDef, status) -> list[ItemDeadline]:
    """The task's dated milestones with the engine's task-level verdicts (``MilestoneSummary.verdict``)."""
    return [
        ItemDeadline(milestone_label(definition, task, m.milestone), m.due, m.verdict.value, describe(m.verdict, m.most_late))
        for m in status.milestones
        if m.period_start is None
    ]


def reading_text(measure: str, value: Decimal, on: dt.date | None, target: Decimal, unit: str) -> str:
    """A measured target's value as pages show it: 最新读数 82 %(2017-06-30)/ 目标 95 %; 尚无读数 before any."""
    if on is None:
        return say("尚无读数 / 目标 {t} {u}", "no reading yet / target {t} {u}", t=plain(target), u=unit)
    return say(
        "{w} {v} {u}({d})/ 目标 {t} {u}",
        "{w} {v} {u} ({d}) / target {t} {u}",
        w=value_word(measure),
        v=plain(value),
        u=unit,
        d=on.isoformat(),
        t=plain(target),
    )


def filter_rows(rows: list[TaskRow], *, unit: str | None = None, person: str | None = None, light: str | None = None) -> list[TaskRow]:
    return [
        r
        for r in rows
        if (not unit or r.unit == unit) and (not person or person in (r.responsible, r.leader)) and (not light or r.light == light)
    ]


def most_urgent(rows: list[TaskRow], limit: int) -> tuple[list[TaskRow], int]:
    """At most ``limit`` rows: red first, then yellow, green and done, each in the checklist's order; and how many
    were left out. A board of 1,000 tasks lists what needs attention; filters or ``?all=1`` show the rest."""
    if len(rows) <= limit:
        return rows, 0
    order = {id(row): index for index, row in enumerate(rows)}
    kept = sorted(rows, key=lambda r: (LIGHT_ORDER.get(r.light, 9), order[id(r)]))[:limit]
    kept.sort(key=lambda r: order[id(r)])
    return kept, len(rows) - limit


def by_unit(definition: ChecklistDef, rows: list[TaskRow]) -> list[tuple[str, str, list[TaskRow]]]:
    groups: dict[str, list[TaskRow]] = {}
    for row in rows:
        groups.setdefault(row.unit, []).append(row)
    order = list(definition.units)
    return [
        (unit, definition.units.get(unit, unit), groups[unit])
        for unit in sorted(groups, key=lambda u: order.index(u) if u in order else 999)
    ]


@dataclass
class UnitRank:
    """One row of the board's unit ranking: ``engine.queries.ranking.UnitScore`` plus what the page shows."""

    unit: str
    name: str
    kind: str | None
    group: int  # the kind's place on the page: one table per kind
    kind_label: str
    rank: int
    score: float
    tasks: int
    items: int
    completion: float
    on_time_rate: float | None
    on_time_capped: bool
    overdue: int
    red: int
    score_text: str = ""
    on_time_text: str = ""
    title: str = ""
    href: str = ""  # where the name links; empty: the board filtered by the unit (the child lists' ranking sets it)


def ranking(definition: ChecklistDef, tasks) -> list[UnitRank]:
    """The units as ``engine.queries.ranking.rank_units`` scores and ranks them, grouped by kind (``group``).

    ``tasks``: the ``TaskStatus`` objects of a ``ChecklistStatus``, which carry items and on-time rates. This
    function only shapes the engine's numbers for the page.
    """
    from engine.queries.ranking import by_kind, rank_units

    return rank_rows(by_kind(rank_units(definition, list(tasks))))


def rank_rows(groups) -> list[UnitRank]:
    """``engine.queries.ranking.by_kind`` groups of ``UnitScore`` as the page's rows: the units of a list, or the child
    lists ranked among their peers (``ChecklistStatus.peers``); the scores and ranks are the engine's."""
    words = {
        "none": say("未分类", "no kind"),
        "unknown": say("未到期", "none due"),
        "capped": say("有逾期项,计分按 {}%", "items overdue: counted as {}%"),
        "title": say("完成 {c:.1f} + 按时 {t:.1f} + 无逾期 {o:.1f}", "completion {c:.1f} + on time {t:.1f} + nothing overdue {o:.1f}"),
    }
    found = []
    for group, (kind, scores) in enumerate(groups):
        for s in scores:
            on_time = words["unknown"] if s.on_time_rate is None else f"{s.on_time_rate * 100:.0f}%"
            row = UnitRank(
                unit=s.unit,
                name=s.name,
                kind=kind,
                group=group,
                kind_label=kind or words["none"],
                rank=s.rank,
                score=s.score,
                tasks=s.tasks,
                items=s.items,
                completion=s.completion,
                on_time_rate=s.on_time_rate,
                on_time_capped=s.on_time_capped,
                overdue=s.overdue,
                red=s.red,
                score_text=f"{s.score:.1f}",
                on_time_text=on_time,
                title=words["title"].format(c=s.completion_points, t=s.on_time_points, o=s.overdue_points),
            )
            if s.on_time_capped:
                row.on_time_text += " · " + words["capped"].format(f"{s.on_time_counted * 100:.0f}")
            found.append(row)
    return found


def light_counts(rows: list[TaskRow]) -> dict[str, int]:
    counts = {"red": 0, "yellow": 0, "green": 0, "done": 0}
    for row in rows:
        counts[row.light] = counts.get(row.light, 0) + 1
    return counts


# ---------------------------------------------------------------- the milestone timeline (SVG geometry)


# ---------------------------------------------------------------- items: deadlines and urgency


def item_deadlines(definition: ChecklistDef, task: TaskDef, judged) -> list[ItemDeadline]:
    """One item's milestones and own deadlines (rectification …) as the engine judged them (``ItemMilestones``)."""
    if judged is None:
        return []
    found = [
        ItemDeadline(
            (m.label or milestone_label(definition, task, m.milestone))
            + (say("(已延期,原定 {o})", " (extended, originally {o})", o=m.original_due.isoformat()) if m.original_due else ""),
            m.due,
            m.verdict.verdict.value,
            describe(m.verdict.verdict, m.verdict.days_late, due=m.due, original_due=m.original_due),
        )
        for m in judged.milestones
        if m.period_start is None
    ]
    found.sort(key=lambda d: d.due)
    return found


def item_judgements(status) -> dict:
    """item id → its ``ItemMilestones`` from a task's status (``TaskStatus.judged``)."""
    judged = getattr(status, "judged", None)
    return {item.item_id: item for item in judged.items} if judged is not None else {}


def urgency(deadlines: list[ItemDeadline], today: dt.date) -> tuple:
    """Sort key: the most overdue first, then the nearest open deadline, then items without one."""
    missed = [d.due for d in deadlines if d.state == "missed"]
    if missed:
        return (0, (min(missed) - today).days)
    upcoming = [d.due for d in deadlines if d.state == "open"]
    if upcoming:
        return (1, (min(upcoming) - today).days)
    return (2, 0)


def number(value) -> str:
    if value is None:
        return ""
    return plain(Decimal(value)) if not isinstance(value, str) else value
