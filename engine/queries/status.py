"""Where a checklist stands: per task its progress, items per state, milestones, next deadline, overdue items, light.

A constant number of queries whatever the number of tasks and items, and of a county's child lists (their facts are
read together by ``engine.queries.status_facts``): item counts per (task, state), progress sums per (task, part), and
the milestone verdicts of ``engine.queries.milestones`` (judged by ``engine.verdicts``), which the board, the API, the
sweep and the exports share. ``overdue`` counts items that are behind, never deadlines, so it never exceeds the
task's items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from engine import catalog
from engine.dates.clock import Clock, local_date
from engine.dates.periods import period_of
from engine.definition.definitions import DONE, ChecklistDef, TaskDef
from engine.i18n import say
from engine.kinds import Light, TaskKind, Verdict
from engine.numbers import as_json_number as _num
from engine.queries.milestones import TaskMilestones
from engine.queries.status_facts import ListFacts, read_lists
from engine.runtime.lineage import loaded_many
from engine.runtime.measures import is_measured, measured
from engine.store import Store


@dataclass
class TaskStatus:
    id: str
    title: str
    kind: str
    unit: str
    responsible: str
    done: Decimal
    target: Decimal
    parts: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)
    next_deadline: dt.date | None = None
    next_milestone: str | None = None
    overdue: int = 0  # items with a missed milestone (never more than ``items``)
    items: int = 0
    on_time_rate: float | None = None  # on-time share of the milestones that have come due; None when none has
    target_unit: str | None = None
    light: str = "green"
    reason: str | None = None
    pace: dict | None = None
    extra: dict = field(default_factory=dict)
    milestones: list = field(default_factory=list)  # engine.queries.milestones.MilestoneSummary, by due date
    finished: int | None = None  # workflow tasks: items in a final state that completes them
    ended: int = 0  # workflow tasks: items ended without completing (a final state with done: false, 不予认定): out of the target
    judged: object = None  # engine.queries.milestones.TaskMilestones: every item's milestones, for pages and exports
    excluded: int = 0  # stored report entries left out because no one could have entered them (see ``unusable_note``)
    measure: str = "sum"  # a target's: sum, or latest / max / min (``done`` is then the measured value)
    reading_on: dt.date | None = None  # a measured target: the activity date of the reading ``done`` comes from
    own_items: list = field(default_factory=list)  # items with an owner, due date, share or note: [{name, owner, due, quantity, note}]
    children: list = field(default_factory=list)  # an assigned task's child lists (engine.queries.rollup.ChildShare)
    fulfils: tuple[str, str] | None = None  # (parent list, parent task) this task fulfils

    def unusable_note(self) -> str | None:
        """The warning for entries left out of ``done``: infinite, NaN or beyond ``NUMERIC(20,4)``, written around the
        engine (the engine refuses such amounts); status shows the rest rather than fail."""
        if not self.excluded:
            return None
        return say(
            "任务 {t} 有 {n} 条报送记录的数量无法使用(无穷大、非数或超出 16 位整数),进度未计入这些记录;请系统管理员核查数据库。",
            "task {t} has {n} report entries whose amount cannot be used (infinite, not a number or beyond 16 integer digits); "
            "its progress leaves them out. Ask your administrator to check the database.",
            t=self.id,
            n=self.excluded,
        )

    @property
    def complete(self) -> bool:
        if self.finished is not None:  # workflow: every item in a final state (``done`` weighs partial progress)
            return (self.target > 0 or self.ended > 0) and self.finished >= self.target
        return self.target > 0 and self.done >= self.target

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "progress": {"done": _num(self.done), "target": _num(self.target)},
            "parts": {key: {"done": _num(done), "target": _num(target)} for key, (done, target) in self.parts.items()},
            "states": dict(self.states),
            "next_deadline": self.next_deadline.isoformat() if self.next_deadline else None,
            "overdue": self.overdue,
            "items": self.items,
            **({"finished": self.finished} if self.finished is not None else {}),
            **({"ended": self.ended} if self.ended else {}),
            "milestones": [m.as_json() for m in self.milestones],
            "on_time_rate": round(self.on_time_rate, 4) if self.on_time_rate is not None else None,
            "light": self.light,
            **({"pace": self.pace} if self.pace is not None else {}),
            **({"extra": self.extra} if self.extra else {}),
            **({"excluded_entries": self.excluded, "warning": self.unusable_note()} if self.excluded else {}),
            **(
                {"measure": self.measure, "reading_on": self.reading_on.isoformat() if self.reading_on else None}
                if self.measure != "sum"
                else {}
            ),
            **({"own_items": self.own_items} if self.own_items else {}),
            **({"children": [child.as_json() for child in self.children]} if self.children else {}),
            **({"fulfils": {"checklist": self.fulfils[0], "task": self.fulfils[1]}} if self.fulfils else {}),
        }


@dataclass
class ChecklistStatus:
    checklist: ChecklistDef
    today: dt.date
    tasks: list[TaskStatus]
    parents: list = field(default_factory=list)  # the lists this one's tasks fulfil (engine.queries.rollup.ParentLink)
    peers: list = field(default_factory=list)  # child lists ranked among their kind (engine.queries.ranking.UnitScore)

    def as_json(self) -> dict:
        return {
            "checklist": {"id": self.checklist.id, "title": self.checklist.title},
            "today": self.today.isoformat(),
            "tasks": [task.as_json() for task in self.tasks],
            **({"parents": [link.as_json() for link in self.parents]} if self.parents else {}),
            **({"peers": [_peer_json(score) for score in self.peers]} if self.peers else {}),
        }


def _peer_json(score) -> dict:
    return {
        "checklist": score.unit,
        "title": score.name,
        "kind": score.kind,
        "score": score.score,
        "rank": score.rank,
        "completion": round(score.completion, 4),
        "on_time_rate": round(score.on_time_rate, 4) if score.on_time_rate is not None else None,
        "overdue": score.overdue,
        "items": score.items,
    }


def checklist_status(
    store: Store,
    checklist_id: str,
    clock: Clock,
    plugins=None,
    *,
    as_of: dt.date | None = None,
    _seen: dict | None = None,
    _cache=None,
) -> ChecklistStatus:
    """Where the list stands today, or restated as of an earlier statement date ``as_of``: reports, reached
    states, met deadlines and inspections with activity dates after it are left out, so a half-year report
    written in July states June 30's figures (the board and the API always use today)."""
    return checklist_statuses(store, [checklist_id], clock, plugins, as_of=as_of, _seen=_seen, _cache=_cache)[checklist_id]


def checklist_statuses(
    store: Store, checklist_ids: list[str], clock: Clock, plugins=None, *, as_of: dt.date | None = None, _seen=None, _cache=None
) -> dict[str, ChecklistStatus]:
    """``checklist_status`` of several lists (a county's children), read together: the same number of queries for 25
    lists as for one (``engine.queries.status_facts``). A list restated as of a past ``as_of`` is read on its own."""
    with store.read() as conn:
        definitions = [
            catalog.get_checklist(conn, cid, known=None) if d is None else d for cid, d in loaded_many(conn, checklist_ids).items()
        ]
        groups: dict[tuple, list[ChecklistDef]] = {}
        for definition in definitions:  # lists in other time zones may stand on another day
            today = local_date(clock.now(), definition.timezone)
            restate = as_of is not None and as_of < today
            groups.setdefault((as_of or today, definition.id if restate else None), []).append(definition)
        facts, today_of = {}, {}
        for (day, alone), group in groups.items():
            facts.update(read_lists(conn, group, day, restate=alone is not None, plugins=plugins))
            today_of.update({definition.id: day for definition in group})
        lists = loaded_many(conn, [other for d in definitions for other in (*d.parent_ids, *d.child_ids)])
    seen = {} if _seen is None else _seen
    found = {}
    for definition in definitions:
        found[definition.id] = status = _assemble(definition, today_of[definition.id], facts[definition.id])
        if definition.child_ids or definition.parent_ids:  # lists across levels: figures summed up from the children
            from engine.queries.rollup import attach

            attach(store, status, clock, plugins, as_of, seen, _cache, lists=lists)
    return found


def _assemble(definition: ChecklistDef, today: dt.date, facts: ListFacts) -> ChecklistStatus:
    """The list's figures from its facts: per task its progress, states, milestones, overdue items and light."""
    task_ids, judged = facts.task_ids, facts.judged
    result = []
    for task in definition.tasks:
        row_id = task_ids.get(task.id)
        if row_id is None:
            continue
        milestones = judged.get(task.id) or TaskMilestones(task, [], [])
        if task.kind == TaskKind.WORKFLOW:
            status = _workflow_status(definition, task, facts.histogram.get(row_id, {}), milestones)
        elif task.kind == TaskKind.TARGET:
            status = _target_status(task, row_id, facts.sums, facts.totals, facts.readings.get(row_id, []))
        else:
            status = _recurring_status(task, facts.item_counts.get(row_id, 0), milestones, today)
        status.items = facts.item_counts.get(row_id, 0)
        status.excluded = facts.excluded.get(row_id, 0)
        status.overdue = min(milestones.overdue_items, max(status.items, 1 if task.kind == TaskKind.TARGET else 0))
        status.milestones = milestones.summary
        status.judged = milestones
        status.on_time_rate = milestones.on_time_rate
        status.next_deadline, status.next_milestone = _next_open(milestones, today)
        status.own_items = facts.own.get(row_id, [])
        status.fulfils = task.fulfils
        _light(definition, task, status, today, facts.hooked.get(task.id))
        result.append(status)
    return ChecklistStatus(definition, today, result)


def _base(task: TaskDef, done, target) -> TaskStatus:
    return TaskStatus(
        task.id, task.title, task.kind, task.unit, task.responsible, Decimal(done), Decimal(target), target_unit=task.target_unit
    )


def item_share(definition: ChecklistDef, task: TaskDef, state: str | None) -> Decimal:
    """How far one item of a workflow task is along, from 0 to 1 (docs/reminders.md, "Progress").

    1 in a final state. Otherwise the share of the task's dated milestones its state counts as reached, out of
    one more than their number (so every milestone reached but not finished is still short of 1); a task with no
    dated milestones counts the state's place in the workflow's declared order the same way.
    """
    workflow = definition.workflows[task.workflow]
    if state is None or state in workflow.final_states:
        return Decimal(1) if state is not None else Decimal(0)
    counted = workflow.reached.get(state, frozenset())
    marks = [name for name in task.deadlines if name not in workflow.final_states]
    if not marks:
        marks = [name for name in workflow.states if name not in workflow.final_states]
    return Decimal(sum(1 for name in marks if name in counted)) / Decimal(len(marks) + 1)


def _workflow_status(definition: ChecklistDef, task: TaskDef, states: dict[str, int], milestones) -> TaskStatus:
    workflow = definition.workflows[task.workflow]
    # An item ended without completing (不予认定) leaves the task's target: neither done nor still to do.
    counted = {state: count for state, count in states.items() if state not in workflow.ended_states}
    done = sum((item_share(definition, task, state) * count for state, count in counted.items()), Decimal(0))
    status = _base(task, done.quantize(Decimal("0.01")), sum(counted.values()))
    status.finished = sum(count for state, count in counted.items() if state in workflow.final_states)
    status.ended = sum(states.values()) - sum(counted.values())
    status.states = {state: states[state] for state in workflow.states if state in states}
    return status


def _target_status(task: TaskDef, row_id: int, sums: dict, totals: dict, readings: list) -> TaskStatus:
    if is_measured(task):  # the value is a reading, not a running total (engine.runtime.measures)
        value = measured(task.measure, readings)
        status = _base(task, value.value, task.target)
        status.measure, status.reading_on = task.measure, value.on
        return status
    status = _base(task, totals.get(row_id, Decimal(0)), task.target)
    status.parts = {part.id: (sums.get((row_id, part.id), Decimal(0)), part.quantity) for part in task.parts}
    return status


def _recurring_status(task: TaskDef, item_count: int, milestones, today: dt.date) -> TaskStatus:
    """Done: the items that have met this period's minimum (by activity date)."""
    start, _ = period_of(task.every, today)
    met = sum(1 for item in milestones.items for m in item.milestones if m.period_start == start and m.verdict.reached_on is not None)
    return _base(task, met, item_count)


def _next_open(milestones, today: dt.date) -> tuple[dt.date | None, str | None]:
    """The earliest deadline from today on that some item has still to meet."""
    upcoming = sorted(
        (m.due, m.milestone or "", m.label or "")
        for shared, _ in milestones.shared()
        for m in shared
        if m.verdict.verdict == Verdict.OPEN and m.due >= today
    )
    if not upcoming:
        return None, None
    due, milestone, label = upcoming[0]
    return due, milestone or (milestones.task.every if milestones.task.kind == TaskKind.RECURRING else None)


# ---------------------------------------------------------------- deadlines that appear later, lights, pace

PACE_MARGIN = Decimal("0.10")  # 时间过半,任务过半: yellow when progress lags elapsed time by more than 10 points


def time_elapsed(definition: ChecklistDef, task: TaskDef, today: dt.date) -> Decimal:
    """The share of a task's time gone by at the end of ``today``, 0 to 1 (时间过半): from January 1 of the list's
    year to its ``done`` deadline, else its last dated milestone, else December 31. The pace light and the
    dispatch table's time progress both use it."""
    due = task.deadlines.get(DONE) or (max(task.deadlines.values()) if task.deadlines else dt.date(definition.year, 12, 31))
    start = dt.date(definition.year, 1, 1)
    span = max(1, (due - start).days + 1)
    return Decimal(min(max((today - start).days + 1, 0), span)) / Decimal(span)


def behind_pace(elapsed: Decimal, done_share: Decimal) -> bool:
    """时间过半,任务过半: whether a task's done share lags the time gone by more than the margin. The board's light, the
    facts of every document and the dispatch table's red gap all ask this one question."""
    return elapsed - min(Decimal(1), done_share) > PACE_MARGIN


def _light(definition: ChecklistDef, task: TaskDef, status: TaskStatus, today: dt.date, hooked: dict | None) -> None:
    if hooked:
        status.extra = dict(hooked["fields"])
    if task.kind != TaskKind.RECURRING and status.complete:
        status.light = Light.DONE
        return
    if status.overdue:
        status.light, status.reason = Light.RED, "overdue"
        return
    if status.next_deadline is not None and task.remind:
        window_opens = min(definition.calendar.days_before(status.next_deadline, d) for d in task.remind)
        if today >= window_opens:
            status.light, status.reason = Light.YELLOW, "deadline_near"
    if task.pace and task.kind == TaskKind.TARGET:
        elapsed = time_elapsed(definition, task, today)
        actual = min(Decimal(1), status.done / status.target) if status.target else Decimal(0)
        status.pace = {"elapsed": round(float(elapsed), 3), "done": round(float(actual), 3)}
        if behind_pace(elapsed, actual) and status.light == "green":
            status.light, status.reason = "yellow", "pace"
    if hooked and hooked.get("light") == "yellow" and status.light == "green":
        status.light, status.reason = "yellow", hooked.get("reason") or "plugin"
