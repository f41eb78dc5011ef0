"""Immutable checklist definitions: what a validated file means, ready for the runtime.

Built from the schema models by ``compile_checklist``; never changed after that. Runtime rows in the
database point at these by string key (checklist id, task id, state name). This module does not
read files, touch the database or import ``transitions``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from engine.dates.durations import Duration, parse_duration
from engine.i18n import say

if TYPE_CHECKING:
    from engine.definition import schema

DONE = "done"  # the pseudo-state a quantity target's deadline names
#: escalation steps up the levels: the parent task's responsible person or leader (engine.runtime.lineage)
PARENT_TARGETS = ("parent:responsible", "parent:leader")
#: the task keys of the format itself (``schema.Task``'s fields; a test keeps the two equal): a plugin's task key may
#: not reuse one. Written out so that checking a plugin does not import the format's models (pydantic).
CORE_TASK_KEYS = (
    "id", "title", "unit", "responsible", "leader", "workflow", "target", "recurring", "items", "deadlines", "parts",
    "pace", "remind", "escalate", "reporters", "note", "assign", "fulfils",
)  # fmt: skip


@dataclass(frozen=True)
class PersonDef:
    id: str
    name: str
    roles: tuple[str, ...]
    unit: str | None = None
    email: str | None = None
    phone: str | None = None
    notify: str | None = None  # "digest" | "immediate" as the list says; see ``digested``

    @property
    def digested(self) -> bool:
        """Whether this person's reminders, overdue notices and escalations reach email and robots as one daily digest
        (``notify: digest``) rather than one message each; unset: a head's are (they are the flooded ones)."""
        return self.notify == "digest" if self.notify else "head" in self.roles


@dataclass(frozen=True)
class StateDef:
    id: str
    label: str
    step: str | None
    final: bool
    order: int
    done: bool = True  # False on a final state that ends an item without completing it (不予认定)


@dataclass(frozen=True)
class TransitionDef:
    trigger: str
    sources: tuple[str, ...]
    dest: str
    by: tuple[str, ...]
    label: str | None = None


@dataclass(frozen=True)
class WorkflowDef:
    id: str
    title: str
    initial: str
    states: dict[str, StateDef]
    transitions: tuple[TransitionDef, ...]

    @cached_property
    def final_states(self) -> frozenset[str]:
        return frozenset(name for name, state in self.states.items() if state.final)

    @cached_property
    def ended_states(self) -> frozenset[str]:
        """Final states that end an item without completing it (``done: false``, e.g. 不予认定): the item is out of
        the task's count (``engine.queries.status``), neither finished nor behind."""
        return frozenset(name for name, state in self.states.items() if state.final and not state.done)

    @cached_property
    def successors(self) -> dict[str, frozenset[str]]:
        following: dict[str, set[str]] = {name: set() for name in self.states}
        for transition in self.transitions:
            for source in transition.sources:
                if source in following:
                    following[source].add(transition.dest)
        return {name: frozenset(found) for name, found in following.items()}

    def reachable_from(self, start: str) -> frozenset[str]:
        seen = {start}
        frontier = [start]
        while frontier:
            for nxt in self.successors.get(frontier.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        return frozenset(seen)

    @cached_property
    def _dominators(self) -> dict[str, frozenset[str]]:
        # Classic iterative dominator sets: S dominates X when every path initial → X passes S.
        reachable = self.reachable_from(self.initial)
        everything = frozenset(reachable)
        dom = {name: everything for name in reachable}
        dom[self.initial] = frozenset({self.initial})
        predecessors = {name: [p for p in reachable if name in self.successors[p]] for name in reachable}
        changed = True
        while changed:
            changed = False
            for name in reachable:
                if name == self.initial:
                    continue
                preds = [dom[p] for p in predecessors[name]]
                new = (frozenset.intersection(*preds) if preds else frozenset()) | {name}
                if new != dom[name]:
                    dom[name] = new
                    changed = True
        return dom

    @cached_property
    def reached(self) -> dict[str, frozenset[str]]:
        """For each state X, the states an item in X counts as having reached (for deadlines).

        X has reached S when X is S; when S dominates X (every way to X passes S: rectifying after
        inspecting); or when X lies after S and S cannot come again from X (a skipped optional step,
        and every final state). docs/checklist-format.md explains this with examples.
        """
        result = {}
        forward = {name: self.reachable_from(name) for name in self.states}
        for x in self.states:
            got = {x} | set(self._dominators.get(x, ()))
            for s in self.states:
                if x in forward[s] and s not in forward[x]:
                    got.add(s)
            result[x] = frozenset(got)
        return result

    @cached_property
    def unreachable(self) -> tuple[str, ...]:
        """States no item can ever be in: not reachable from ``initial`` (in the order written)."""
        reachable = self.reachable_from(self.initial)
        return tuple(name for name in self.states if name not in reachable)

    @cached_property
    def dead_ends(self) -> tuple[str, ...]:
        """Reachable states, not final, from which no final state can be reached: items there never finish."""
        reachable = self.reachable_from(self.initial)
        return tuple(
            name
            for name in self.states
            if name in reachable and name not in self.final_states and not (self.reachable_from(name) & self.final_states)
        )

    def triggers_from(self, state: str) -> tuple[str, ...]:
        return tuple(t.trigger for t in self.transitions if state in t.sources)

    def transition(self, trigger: str, state: str) -> TransitionDef | None:
        for candidate in self.transitions:
            if candidate.trigger == trigger and state in candidate.sources:
                return candidate
        return None

    def label(self, state: str) -> str:
        found = self.states.get(state)
        return found.label if found else state

    def action_label(self, trigger: str, dest: str | None = None) -> str:
        """A step in words, for messages and pages: the transition's ``label`` (审定方案), else 转入 and its target
        state's label. ``dest`` picks among transitions sharing a trigger; the trigger itself only when unknown."""
        for transition in self.transitions:
            if transition.trigger == trigger and (dest is None or transition.dest == dest):
                return transition.label or say("转入{s}", "to {s}", s=self.label(transition.dest))
        return say("转入{s}", "to {s}", s=self.label(dest)) if dest in self.states else trigger


@dataclass(frozen=True)
class EscalationDef:
    after: Duration
    to: str


@dataclass(frozen=True)
class PartDef:
    id: str
    title: str
    quantity: Decimal


@dataclass(frozen=True)
class ItemDef:
    """An item as the list writes it: its name, and what a mapping gave it of its own (all optional).

    ``owner`` is the person the list names; who holds the item now is ``items.owner`` in the database (a transfer
    may have moved it since). ``due`` is the item's own deadline, ``quantity`` its share of the task's target."""

    name: str
    owner: str | None = None
    due: dt.date | None = None
    quantity: Decimal | None = None
    note: str | None = None


@dataclass(frozen=True)
class AssignmentDef:
    """A share of a parent task given to a child list (``assign:``): a quantity of its target, or some of its items."""

    to: str
    quantity: Decimal | None = None
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskDef:
    id: str
    title: str
    unit: str
    responsible: str
    leader: str
    kind: str  # "workflow" | "target" | "recurring"
    workflow: str | None
    items: tuple[str, ...]
    deadlines: dict[str, dt.date]
    target: Decimal | None
    target_unit: str | None
    parts: tuple[PartDef, ...]
    every: str | None
    at_least: int
    pace: bool
    remind: tuple[Duration, ...]
    escalate: tuple[EscalationDef, ...]
    options: dict = field(default_factory=dict)
    note: str | None = None
    item_defs: tuple[ItemDef, ...] = ()  # one per name in ``items``, in the same order
    measure: str = "sum"  # a target's: sum (reports add up) or latest / max / min (reports are readings; engine.runtime.measures)
    reporters: tuple[str, ...] = ()  # roles or person ids who may also report progress (engine.runtime.permissions)
    assign: tuple[AssignmentDef, ...] = ()  # shares given to child lists: the children fulfil this task
    fulfils: tuple[str, str] | None = None  # (parent list id, parent task id) this task fulfils

    @property
    def assigned(self) -> bool:
        """Whether child lists fulfil this task: it is rolled up from them and takes no work of its own."""
        return bool(self.assign)

    def part(self, part_id: str) -> PartDef | None:
        return next((p for p in self.parts if p.id == part_id), None)

    @cached_property
    def item_by_name(self) -> dict[str, ItemDef]:
        return {item.name: item for item in self.item_defs}

    def item(self, name: str) -> ItemDef:
        """The item ``name`` as the list writes it (a bare ``ItemDef`` for a name the list no longer has)."""
        return self.item_by_name.get(name) or ItemDef(name)

    @cached_property
    def owners(self) -> frozenset[str]:
        """The people the list names as owners of this task's items."""
        return frozenset(i.owner for i in self.item_defs if i.owner)

    @cached_property
    def has_own_items(self) -> bool:
        """Whether any item carries an owner, due date, share or note of its own."""
        return any(i.owner or i.due or i.quantity is not None or i.note for i in self.item_defs)


@dataclass(frozen=True)
class RankingWeights:
    """How much completion, on-time rate and freedom from overdue items count in a unit's score
    (``engine.queries.ranking``). Any non-negative numbers, not all zero; only their proportions matter."""

    completion: Decimal
    on_time: Decimal
    overdue: Decimal

    @property
    def total(self) -> Decimal:
        return self.completion + self.on_time + self.overdue


# Used when a checklist has no ``ranking:`` section; docs/checklist-format.md says why these numbers.
DEFAULT_RANKING_WEIGHTS = RankingWeights(Decimal(50), Decimal(30), Decimal(20))


@dataclass(frozen=True)
class ChecklistDef:
    id: str
    title: str
    year: int
    issued_by: str | None
    owner: str | None
    timezone: str
    calendar_base: str
    extra_holidays: tuple[dt.date, ...]
    extra_workdays: tuple[dt.date, ...]
    notify_at: str
    units: dict[str, str]
    people: dict[str, PersonDef]
    workflows: dict[str, WorkflowDef]
    tasks: tuple[TaskDef, ...]
    source_json: str = ""  # the normalized file, stored so the definition can be rebuilt without it
    unit_kinds: dict[str, str | None] = field(default_factory=dict)  # unit id → its kind (乡镇, 部门 …) or None
    ranking_weights: RankingWeights = DEFAULT_RANKING_WEIGHTS
    measures: tuple[tuple[str, str | None], ...] = ()  # documents.measures: (title, text) for the work report
    requirements: str | None = None  # documents.requirements: the circular's closing paragraph
    kind: str | None = None  # 乡镇, 部门 …: a parent list ranks its child lists among those of the same kind

    @cached_property
    def child_ids(self) -> tuple[str, ...]:
        """The lists this one assigns work to, in the order they first appear."""
        return tuple(dict.fromkeys(a.to for task in self.tasks for a in task.assign))

    @cached_property
    def parent_ids(self) -> tuple[str, ...]:
        """The lists whose tasks this one fulfils."""
        return tuple(dict.fromkeys(task.fulfils[0] for task in self.tasks if task.fulfils))

    @cached_property
    def task_by_id(self) -> dict[str, TaskDef]:
        return {task.id: task for task in self.tasks}

    def holders_of(self, role: str) -> tuple[str, ...]:
        return tuple(pid for pid, person in self.people.items() if role in person.roles)

    @cached_property
    def calendar(self):
        from engine.dates.calendar import WorkCalendar

        # Notice days after the list's year may fall in a year nobody has published yet: provisional there.
        return WorkCalendar(self.calendar_base, holidays=self.extra_holidays, workdays=self.extra_workdays, provisional_after=self.year)


def rebuild_checklist(source_json: str) -> ChecklistDef:
    """The definition again from ``ChecklistDef.source_json`` (as stored), without the file or re-validation."""
    from engine.definition import schema  # the format's models (pydantic): only when a definition is rebuilt

    model = schema.ChecklistFile.model_validate_json(source_json, strict=False)
    options = {task.id: dict(task.model_extra or {}) for task in model.tasks}
    return compile_checklist(model, options)


def item_names(task: schema.Task) -> tuple[str, ...]:
    """A task without ``items`` runs as a single item named after the task."""
    return tuple(i.name for i in item_defs(task))


def item_defs(task: schema.Task) -> tuple[ItemDef, ...]:
    """Each item of the task, a plain name or a mapping alike (a task without ``items``: one named after the task)."""
    if not task.items:
        return (ItemDef(task.title),)
    return tuple(ItemDef(i) if isinstance(i, str) else ItemDef(i.name, i.owner, i.due, i.quantity, i.note) for i in task.items)


def compile_checklist(model: schema.ChecklistFile, options_by_task: dict[str, dict] | None = None) -> ChecklistDef:
    header = model.checklist
    calendar = header.calendar
    if isinstance(calendar, str):
        base, holidays, workdays = calendar, (), ()
    else:
        base, holidays, workdays = calendar.base, tuple(calendar.holidays), tuple(calendar.workdays)
    workflows = {key: _workflow(key, wf) for key, wf in model.workflows.items()}
    defaults = model.defaults
    tasks = tuple(_task(task, defaults, (options_by_task or {}).get(task.id, {})) for task in model.tasks)
    return ChecklistDef(
        id=header.id,
        title=header.title,
        year=header.year,
        issued_by=header.issued_by,
        owner=header.owner,
        timezone=header.timezone,
        calendar_base=base,
        extra_holidays=holidays,
        extra_workdays=workdays,
        notify_at=header.notify_at,
        units={key: unit.name for key, unit in model.units.items()},
        people={key: PersonDef(key, p.name, tuple(p.roles), p.unit, p.email, p.phone, p.notify) for key, p in model.people.items()},
        workflows=workflows,
        tasks=tasks,
        source_json=model.model_dump_json(by_alias=True, exclude_defaults=True),
        unit_kinds={key: unit.kind for key, unit in model.units.items()},
        ranking_weights=(
            RankingWeights(model.ranking.completion, model.ranking.on_time, model.ranking.overdue)
            if model.ranking is not None
            else DEFAULT_RANKING_WEIGHTS
        ),
        measures=tuple((m.title, m.text) for m in model.documents.measures),
        requirements=model.documents.requirements,
        kind=header.kind,
    )


def workflow_graph(key: str, wf: schema.Workflow) -> WorkflowDef:
    """A workflow of a file that may still hold errors, for checking its graph with ``WorkflowDef``'s methods.

    Transitions into an undefined state are left out and undefined sources are dropped (validation reports those
    names itself), so every graph method answers. For a valid workflow this is what ``compile_checklist`` builds.
    """
    compiled = _workflow(key, wf)
    kept = tuple(
        replace(t, sources=tuple(s for s in t.sources if s in compiled.states)) for t in compiled.transitions if t.dest in compiled.states
    )
    return replace(compiled, transitions=kept)


def _workflow(key: str, wf: schema.Workflow) -> WorkflowDef:
    states = {name: StateDef(name, s.label, s.step, s.final, order, s.done) for order, (name, s) in enumerate(wf.states.items())}
    transitions = tuple(TransitionDef(t.trigger, t.sources, t.to, tuple(t.by), t.label) for t in wf.transitions)
    return WorkflowDef(key, wf.title, wf.initial, states, transitions)


def _task(task: schema.Task, defaults: schema.Rules, options: dict) -> TaskDef:
    kind = "workflow" if task.workflow else "target" if task.target else "recurring"
    remind = task.remind if task.remind is not None else defaults.remind
    escalate = task.escalate if task.escalate is not None else defaults.escalate
    return TaskDef(
        id=task.id,
        title=task.title,
        unit=task.unit,
        responsible=task.responsible,
        leader=task.leader,
        kind=kind,
        workflow=task.workflow,
        items=item_names(task),
        item_defs=item_defs(task),
        deadlines=dict(task.deadlines),
        target=task.target.quantity if task.target else None,
        target_unit=task.target.unit if task.target else None,
        measure=task.target.measure if task.target else "sum",
        reporters=tuple(task.reporters if task.reporters is not None else defaults.reporters or ()),
        parts=tuple(PartDef(p.id, p.title, p.quantity) for p in task.parts),
        every=task.recurring.every if task.recurring else None,
        at_least=task.recurring.at_least if task.recurring else 0,
        pace=task.pace,
        remind=tuple(parse_duration(text) for text in remind),
        escalate=tuple(EscalationDef(parse_duration(e.after), e.to) for e in escalate),
        options=options,
        note=task.note,
        assign=tuple(AssignmentDef(a.to, a.quantity, tuple(a.items or ())) for a in task.assign or ()),
        fulfils=tuple(task.fulfils.split(":", 1)) if task.fulfils else None,
    )
