"""Every milestone of every item of a checklist, judged by ``engine.verdicts.judge``: the data behind it.

One read gathers what the rule needs, in a constant number of queries whatever the size of the list: the items
and their states, the activity date each item reached each milestone state (``item_reached``), the deadlines
that appeared for single items, and report sums per activity date for targets and recurring duties. Status,
the board, the task page, the API, the sweep and the exports all take their verdicts from here.

Milestones of a task, per item:
- workflow: each dated state in ``deadlines`` (reached per ``WorkflowDef.reached``), plus the item's own
  deadlines (rectification, contract); moot when the item ended in a final state that does not count it;
- target: ``done`` for the task as a whole (reached the day the running total, or for a measured target the
  measured value of ``engine.runtime.measures``, last came up to the target);
- recurring: each period of the year that ended on or after the list was first loaded (reached the day the
  item's reports in that period, by activity date, came up to ``at_least``).

Must not: write, or judge anything itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from engine.dates.periods import periods_in_year
from engine.definition.definitions import DONE, ChecklistDef, TaskDef
from engine.kinds import TaskKind, Verdict
from engine.queries.milestone_facts import MilestoneFacts, milestone_facts
from engine.runtime.deadlines import first_loaded_day
from engine.runtime.measures import day_reached as measured_day_reached
from engine.runtime.measures import is_measured
from engine.verdicts import MilestoneVerdict, judge, on_time_rate


@dataclass(frozen=True)
class Milestone:
    """One dated thing an item (or a target task as a whole) must reach, and how it stands."""

    milestone: str | None  # the workflow state, or "done"; None for a period or an item's own deadline
    due: dt.date
    verdict: MilestoneVerdict
    period_start: dt.date | None = None
    item_deadline_id: int | None = None
    label: str | None = None  # an item deadline's own words (整改期限 …)
    original_due: dt.date | None = None  # an approved extension moved it from this date (engine.runtime.extension_requests)
    extends: str | None = None  # the task milestone (workflow state) an approved extension moved for this item

    @property
    def key(self) -> tuple:
        return (self.milestone, self.period_start, self.item_deadline_id)


@dataclass
class ItemMilestones:
    """One item's milestones, judged. Items in the same state with the same dates share one list: never mutate it."""

    item_id: int | None
    name: str | None
    state: str | None
    milestones: list[Milestone] = field(default_factory=list)


@dataclass
class MilestoneSummary:
    """Counts of items per verdict for one task milestone (a dated state, ``done`` or one period)."""

    milestone: str | None
    due: dt.date
    period_start: dt.date | None
    counts: dict[Verdict, int]
    most_late: int = 0  # the most days late of an item that reached it late

    @property
    def verdict(self) -> Verdict:
        """The task-level mark: missed while any item misses it, open while any has it ahead, late when any was
        late, void when moot for all, else on time. A late milestone stays late for good."""
        for verdict in (Verdict.MISSED, Verdict.OPEN, Verdict.LATE, Verdict.ON_TIME):
            if self.counts.get(verdict):
                return verdict
        return Verdict.VOID

    def as_json(self) -> dict:
        found = {"state": self.milestone, "due": self.due.isoformat()}
        if self.period_start is not None:
            found["period_start"] = self.period_start.isoformat()
        return found | {verdict.value: self.counts.get(verdict, 0) for verdict in Verdict}


@dataclass
class TaskMilestones:
    task: TaskDef
    items: list[ItemMilestones]
    summary: list[MilestoneSummary]

    def shared(self) -> list[tuple[list[Milestone], int]]:
        """Each distinct list of judged milestones with the number of items it stands for (items in the same
        state with the same dates share one)."""
        return _distinct(self.items)

    @property
    def overdue_items(self) -> int:
        """Items that are behind now: a missed milestone (for a recurring duty, the last period that ended)."""
        if self.task.kind != TaskKind.RECURRING:
            return sum(n for milestones, n in _distinct(self.items) if any(m.verdict.verdict == Verdict.MISSED for m in milestones))
        ended = [m.period_start for item in self.items for m in item.milestones if m.verdict.verdict != Verdict.OPEN]
        if not ended:
            return 0
        latest = max(ended)
        return sum(
            1 for item in self.items if any(m.period_start == latest and m.verdict.verdict == Verdict.MISSED for m in item.milestones)
        )

    @property
    def on_time_rate(self) -> float | None:
        """Over the task's milestones (as in ``summary``), so the JSON's counts and rate agree."""
        total: dict[Verdict, int] = {}
        for entry in self.summary:
            for verdict, count in entry.counts.items():
                total[verdict] = total.get(verdict, 0) + count
        return on_time_rate(total)


_READ = object()  # ``first_loaded`` not given: read it


def checklist_milestones(
    conn,
    definition: ChecklistDef,
    today: dt.date,
    task_rows: dict[str, int],
    *,
    only: set[str] | None = None,
    restate: bool = False,
    facts: MilestoneFacts | None = None,
    first_loaded=_READ,
) -> dict[str, TaskMilestones]:
    """Per task id: every item's milestones judged on ``today``. ``task_rows``: task id → row id (live tasks);
    ``only``: limit to these task ids. ``restate``: ``today`` is a past statement date: what happened with an
    activity date after it is left out, and each workflow item stands in the state it had reached by then.
    ``facts`` and ``first_loaded`` (``first_loaded_day``): already read with other lists' (a county's children are
    read together), else read here."""
    wanted = {key: row for key, row in task_rows.items() if only is None or key in only}
    row_ids = list(wanted.values())
    if not row_ids:
        return {}
    if facts is None:
        measured_rows = [wanted[t.id] for t in definition.tasks if is_measured(t) and t.id in wanted]
        facts = milestone_facts(conn, row_ids, measured_rows, today if restate else None, definition.timezone)
    by_task, reached, own, sums, readings = facts.by_task, facts.reached, facts.own, facts.sums, facts.readings
    if first_loaded is _READ:
        first_loaded = first_loaded_day(conn, definition)
    first_loaded = first_loaded or dt.date.min
    result = {}
    for task in definition.tasks:
        row_id = wanted.get(task.id)
        if row_id is None:
            continue
        rows = by_task.get(row_id, [])
        if task.kind == TaskKind.WORKFLOW:
            if restate:
                rows = [_as_of(definition.workflows[task.workflow], row, reached.get(row.id, {})) for row in rows]
            found = _workflow(definition, task, rows, reached, own, today)
        elif task.kind == TaskKind.TARGET:
            found = _target(task, rows, sums.get(row_id, {}), today, readings.get(row_id, []))
            found += _shares(task, rows, sums.get(row_id, {}), own, today)  # items' own due dates (after the task's own)
        else:
            found = _recurring(definition, task, rows, sums.get(row_id, {}), today, first_loaded)
        result[task.id] = TaskMilestones(task, found, _summarize(found))
    return result


def task_milestones(conn, definition: ChecklistDef, task: TaskDef, task_row_id: int, today: dt.date) -> TaskMilestones:
    return checklist_milestones(conn, definition, today, {task.id: task_row_id})[task.id]


# ---------------------------------------------------------------- per kind


def _workflow(definition, task, rows, reached, own, today) -> list[ItemMilestones]:
    """Items in the same state with the same reach dates share one judged list (thousands of items, a few lists)."""
    workflow = definition.workflows[task.workflow]
    dated = sorted(task.deadlines.items(), key=lambda kv: kv[1])
    shared: dict[tuple, list[Milestone]] = {}
    found = []
    for row in rows:
        dates = reached.get(row.id, {})
        counted = workflow.reached.get(row.state, frozenset())
        when = tuple(dates.get(state) for state, _ in dated)
        signature = (row.state, when)
        milestones = shared.get(signature)
        if milestones is None:
            ended = row.state in workflow.final_states
            milestones = shared[signature] = [
                Milestone(state, due, judge(due, day, today, moot=ended and state not in counted)) for (state, due), day in zip(dated, when)
            ]
        mine = own.get(row.id)
        if mine:
            ended = row.state in workflow.final_states
            moved = {d.replaces for d in mine if d.replaces}  # an approved extension stands in for the task's date
            milestones = [m for m in milestones if m.milestone not in moved] + [
                Milestone(
                    None,
                    d.due_date,
                    judge(d.due_date, d.met_on, today, moot=ended and d.replaces not in counted),
                    item_deadline_id=d.id,
                    label=d.label,
                    original_due=d.original_due,
                    extends=d.replaces,
                )
                for d in mine
            ]
        found.append(ItemMilestones(row.id, row.name, row.state, milestones))
    return found


def _target(task, rows, by_day: dict, today, readings: list) -> list[ItemMilestones]:
    item = ItemMilestones(rows[0].id if len(rows) == 1 else None, rows[0].name if len(rows) == 1 else None, None)
    due = task.deadlines.get(DONE)
    if due is not None:
        if is_measured(task):  # readings, not increments: the day the measured value last came up to the target
            day = measured_day_reached(task.measure, readings, task.target)
        else:
            day = _day_reached(by_day.get(None, {}), task.target)
        item.milestones.append(Milestone(DONE, due, judge(due, day, today)))
    return [item]


def _shares(task, rows, by_day: dict, own: dict, today) -> list[ItemMilestones]:
    """A target's items with a due date of their own (``items: [{name, due, quantity}]``): each met on the day its
    reports add up to its share (without a share: its first report), one entry per item after the task's own."""
    found = []
    for row in rows:
        mine = own.get(row.id)
        if not mine:
            continue
        share = task.item(row.name).quantity or _FIRST_REPORT
        day = _day_reached(by_day.get(row.id, {}), share)
        milestones = [
            Milestone(
                None,
                d.due_date,
                judge(d.due_date, d.met_on or day, today),
                item_deadline_id=d.id,
                label=d.label,
                original_due=d.original_due,
            )
            for d in mine
        ]
        found.append(ItemMilestones(row.id, row.name, None, milestones))
    return found


_FIRST_REPORT = Decimal("0.0001")  # the smallest amount stored (Numeric(20, 4)): any report at all


def _recurring(definition, task, rows, by_day: dict, today, first_loaded) -> list[ItemMilestones]:
    periods = [(start, end) for start, end in periods_in_year(task.every, definition.year) if end >= first_loaded]
    found = []
    for row in rows:
        item = ItemMilestones(row.id, row.name, None)
        days = by_day.get(row.id, {})
        for start, end in periods:
            in_period = {day: amount for day, amount in days.items() if start <= day <= end}
            item.milestones.append(
                Milestone(None, end, judge(end, _day_reached(in_period, Decimal(task.at_least)), today), period_start=start)
            )
        found.append(item)
    return found


def _day_reached(amounts_by_day: dict[dt.date, Decimal], target) -> dt.date | None:
    """The activity day from which the running total stays at or above ``target`` (corrections can undo it)."""
    if target is None or target <= 0:
        return None
    total, since = Decimal(0), None
    for day in sorted(amounts_by_day):
        total += amounts_by_day[day]
        if total >= target:
            since = since or day
        else:
            since = None
    return since


def _distinct(found: list[ItemMilestones]) -> list[tuple[list[Milestone], int]]:
    """Each distinct milestone list with the number of items sharing it."""
    counts: dict[int, list] = {}
    for item in found:
        slot = counts.get(id(item.milestones))
        if slot is None:
            counts[id(item.milestones)] = [item.milestones, 1]
        else:
            slot[1] += 1
    return [(milestones, n) for milestones, n in counts.values()]


def summarize(found: list[ItemMilestones]) -> list[MilestoneSummary]:
    """Counts per task milestone over ``found`` (a roll-up passes the items of every child list)."""
    return _summarize(found)


def _summarize(found: list[ItemMilestones]) -> list[MilestoneSummary]:
    summary: dict[tuple, MilestoneSummary] = {}
    for milestones, n in _distinct(found):
        for m in milestones:
            if m.item_deadline_id is not None:
                continue  # an item's own deadline is not one of the task's milestones
            slot = summary.setdefault(
                (m.due, m.milestone or "", m.period_start or dt.date.min), MilestoneSummary(m.milestone, m.due, m.period_start, {})
            )
            slot.counts[m.verdict.verdict] = slot.counts.get(m.verdict.verdict, 0) + n
            slot.most_late = max(slot.most_late, m.verdict.days_late)
    return [summary[key] for key in sorted(summary)]


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class _Row:
    id: int
    task_id: int
    name: str
    state: str | None


def _as_of(workflow, row, dates: dict[str, dt.date]) -> _Row:
    """The state an item stood in at the end of the statement date (``dates`` already stop there): its present
    state if it had reached it by then, else the furthest state it had reached, else the workflow's start. An
    item that went back (rectification) and came forward again counts its present state from the first time."""
    if row.state in dates or not dates and row.state == workflow.initial:
        return row
    if not dates:
        return _Row(row.id, row.task_id, row.name, workflow.initial)
    furthest = max(dates, key=lambda state: (len(workflow.reached.get(state, ())), dates[state]))
    return _Row(row.id, row.task_id, row.name, furthest)
