"""The contracts of what plugins provide for tasks: step types and task extensions.

A **step type** is what a workflow state names with ``step: NAME``. It declares the task keys it
accepts (validated with line numbers like the rest of the file), the data a transition into or out
of its states needs (``enter_requires`` / ``leave_requires``, given as ``fire --data`` or recorded
beforehand with ``qingdan record``), may refuse or warn about a transition (``guard``), and may start
or meet deadlines for the item (``context.start_deadline`` / ``context.meet_deadline``). A **task
extension** only adds task keys (``funds``); no state names it.

Neither holds state of its own: whatever they record goes into the database inside the firing (or
recording) transaction, through the context they are handed. This module does not touch the
database itself; ``engine.runtime.stepdata`` does.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC
from dataclasses import dataclass, field
from typing import Any

from engine.errors import GuardRefused, InputError
from engine.i18n import say

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class DataField:
    """One piece of data a step accepts, e.g. the winning bidder of a tender.

    ``kind`` is ``"date"`` (YYYY-MM-DD), ``"amount"`` (a positive number, at most 4 decimals) or
    ``"text"``. ``past=True`` refuses a date after the checklist's today (something that happened).
    Values are stored as normalized text.
    """

    key: str
    label: str
    label_en: str
    kind: str = "text"
    past: bool = False

    def title(self) -> str:
        return say(self.label, self.label_en)

    def parse(self, text: Any, today: dt.date | None = None) -> str:
        """The value in its stored form; ``StepDataInvalid`` when it is not acceptable (a past date after ``today``)."""
        value = str(text).strip()
        if not value:
            self._refuse(say("不能为空。", "must not be empty."))
        if self.kind == "date":
            try:
                if len(value) != 10:  # fromisoformat also takes 20170701 and week dates: only YYYY-MM-DD here
                    raise ValueError(value)
                day = dt.date.fromisoformat(value)
            except ValueError:
                self._refuse(say("应写成 YYYY-MM-DD 格式的日期,不是 “{v}”。", "must be a date written YYYY-MM-DD, not '{v}'.", v=value))
            if self.past and today is not None and day > today:
                self._refuse(say("是 {d},晚于今天 {t}。", "is {d}, after today {t}.", d=day, t=today))
            return day.isoformat()
        if self.kind == "amount":
            from engine.amounts import parse_amount
            from engine.numbers import plain

            try:
                return plain(parse_amount(value))
            except InputError as err:
                self._refuse(str(err), separator=say(":", ": "))
        return value

    def _refuse(self, problem: str, separator: str | None = None):
        """Raise ``StepDataInvalid``: the message names the field by label and key (what ``--data`` takes); the
        ``problem`` alone is what a form shows beside the field."""
        gap = separator if separator is not None else say("", " ")
        raise StepDataInvalid(
            say("{l}({k}){g}{p}", "{l} ({k}){g}{p}", l=self.title(), k=self.key, g=gap, p=problem), key=self.key, problem=problem
        ) from None


class StepDataInvalid(InputError):
    """A value given for a step's data field is not acceptable: ``key`` names the field, ``problem`` says what is
    wrong without naming it (for a form, beside the field); the message names both."""

    def __init__(self, message: str, *, key: str, problem: str):
        super().__init__(message)
        self.key = key
        self.problem = problem


class MissingStepData(GuardRefused):
    """A transition needs step data nobody gave: ``missing`` holds the ``DataField``s, ``step`` the step type's title,
    ``trigger`` the transition's trigger. The message is worded for any interface; each boundary adds where the data
    is given (``field="data"``: the CLI's ``--data`` / ``qingdan record``, the web's form fields)."""

    def __init__(self, message: str, *, step: str, trigger: str, missing: tuple):
        super().__init__(message, field="data")
        self.step = step
        self.trigger = trigger
        self.missing = tuple(missing)


@dataclass(frozen=True)
class DeadlineRule:
    """A deadline a step derives for an item, described for ``qingdan plugins`` and the docs."""

    key: str
    label: str
    rule: str
    rule_en: str

    def describe(self) -> str:
        return say(self.rule, self.rule_en)


@dataclass(frozen=True)
class ItemDeadline:
    """A deadline started for one item (``engine.runtime.deadlines.add_item_deadline``).

    Met when ``meet_deadline(key)`` is called later, or, when ``reach_state`` is set, once the item is
    in a state that has reached it in the sense of ``WorkflowDef.reached`` (careful: a state that
    every way to the current state passes through counts as reached; see docs/plugins.md).
    """

    key: str
    label: str
    due: dt.date
    reach_state: str | None = None


@dataclass(frozen=True)
class OptionIssue:
    """A problem with a task's options; ``path`` is relative to the task mapping."""

    path: tuple
    message: str
    severity: str = "error"


# ---------------------------------------------------------------- what steps are handed


class _Effects:
    """Deadlines started and met and warnings, collected while a step runs; the engine applies them afterwards."""

    started: list
    met: list
    warnings: list

    def start_deadline(self, key: str, label: str, due: dt.date, reach_state: str | None = None) -> None:
        """Start (or replace) the item's deadline ``key``; reminded and escalated with the task's rules."""
        self.started.append(ItemDeadline(key, label, due, reach_state))

    def meet_deadline(self, key: str) -> None:
        """Mark the item's open deadline ``key`` as met (its pending reminders are dropped)."""
        self.met.append(key)

    def warn(self, message: str) -> None:
        """A sentence the user sees after the action succeeded (CLI: on stderr)."""
        if message not in self.warnings:
            self.warnings.append(message)


@dataclass(frozen=True)
class TransitionContext(_Effects):
    """Everything a guard or hook needs to judge one firing.

    Read-only but for ``connection`` (writes in after-transition hooks only) and the effect methods
    ``warn``, ``start_deadline`` and ``meet_deadline``.
    """

    checklist: Any  # engine.definition.definitions.ChecklistDef
    task: Any  # engine.definition.definitions.TaskDef
    item_id: int
    item_name: str
    trigger: str
    from_state: str
    to_state: str
    actor: str
    note: str | None
    data: dict = field(default_factory=dict)
    now: dt.datetime | None = None
    connection: Any = None  # the SQLAlchemy Connection of the firing transaction
    #: this firing's ``--data`` values per step type, parsed (``given``)
    step_data: dict = field(default_factory=dict)
    started: list = field(default_factory=list)
    met: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    on: dt.date | None = None  # the activity date, when it is not the day of entry
    holder: str | None = None  # who holds the item now (its owner, ``items.owner``), when it has one
    #: ``step → recorded values``, handed in by the runtime that holds the transaction (steps never read tables)
    read_recorded: Any = field(default=None, repr=False, compare=False)
    _known: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def workflow(self):
        return self.checklist.workflows[self.task.workflow]

    @property
    def answerable(self) -> str | None:
        """Who answers for the item: its holder when it has one, else the task's responsible person. Told what
        happens to the item (a step taken for them, a failed inspection, an ending)."""
        return self.holder or self.task.responsible

    @property
    def from_step(self) -> str | None:
        return self.workflow.states[self.from_state].step

    @property
    def to_step(self) -> str | None:
        return self.workflow.states[self.to_state].step

    @property
    def moves_on(self) -> bool:
        """True when the item cannot come back to ``from_state`` from ``to_state``: it leaves for good."""
        return self.from_state not in self.workflow.reachable_from(self.to_state)

    @property
    def today(self) -> dt.date:
        """The day this firing happened: its activity date (``fire --on``), else today in the checklist's zone.
        Deadlines a step derives (a rectification period, a contract) count from it."""
        if self.on is not None:
            return self.on
        from engine.dates.clock import local_date

        return local_date(self.now, self.checklist.timezone)

    def leaves(self, step: str) -> bool:
        """The item leaves a state of ``step`` for good (e.g. ``award`` out of tendering)."""
        return self.from_step == step and self.to_step != step and self.moves_on

    def enters(self, step: str) -> bool:
        return self.to_step == step and self.from_step != step

    def values(self, step: str) -> dict[str, str]:
        """The step's data for this item: what was recorded before, overlaid with this firing's ``--data``."""
        if step not in self._known:
            self._known[step] = self.read_recorded(step) if self.read_recorded is not None else {}
        return {**self._known[step], **self.given(step)}

    def given(self, step: str) -> dict[str, str]:
        """This firing's ``--data`` values that belong to ``step`` (already parsed and normalized)."""
        return dict(self.step_data.get(step, {}))


@dataclass(frozen=True)
class RecordContext(_Effects):
    """Step data being recorded with ``qingdan record`` (before or after the transition that needs it)."""

    checklist: Any
    task: Any
    item_id: int
    item_name: str
    item_state: str | None
    step: str
    values: dict  # the new values, parsed
    previous: dict  # what was recorded before
    actor: str
    now: dt.datetime
    connection: Any
    started: list = field(default_factory=list)
    met: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def known(self) -> dict[str, str]:
        return {**self.previous, **self.values}

    @property
    def today(self) -> dt.date:
        from engine.dates.clock import local_date

        return local_date(self.now, self.checklist.timezone)


# ---------------------------------------------------------------- the contracts


class TaskExtension(ABC):  # noqa: B024 - every hook has a default; subclassing marks a plugin's part
    """Task keys a plugin adds to the checklist format (``funds: {budget: …}``), on any kind of task.

    Subclasses set ``name``, ``title`` and ``task_options`` (task key → a pydantic-compatible type, or
    ``"module:name"`` naming one, imported only when a file is checked; checked with ``TypeAdapter`` and reported
    with line numbers) and may override ``check_task``.
    """

    name: str = ""
    title: str = ""
    title_en: str = ""
    #: task keys this extension accepts, each mapped to a pydantic-compatible type or ``"module:name"`` of one
    #: (``engine.definition.task_checks``): a plugin's option models then load only when a list is validated, not for every command
    task_options: dict[str, Any] = {}

    def display_title(self) -> str:
        return say(self.title or self.name, self.title_en or self.name)

    def check_task(self, task: Any, workflow: Any, options: dict[str, Any]) -> list[OptionIssue]:
        """Cross-check a task (``engine.definition.schema.Task``) and its workflow (``engine.definition.schema.Workflow`` or None).

        ``options`` are this extension's keys, already type-checked. Return issues; never raise.
        """
        return []


class StepType(TaskExtension):
    """Base class for step types: what ``step: NAME`` on a workflow state means.

    Override what you need; every method has a harmless default. The engine calls, per firing, for
    each step type of the source and destination states (once per step type):

    1. the required data check (``enter_requires`` / ``leave_requires``, see ``TransitionContext.leaves``);
    2. ``guard(context)`` — return a refusal sentence, or None; may call ``context.warn``;
    3. after the state and the audit event are written: ``after_transition(context)``, which may
       write its own rows with ``context.connection`` and start or meet deadlines.

    ``qingdan record`` calls ``check_record`` then ``after_record`` for the step that owns the keys.
    """

    #: the data this step accepts (``fire --data KEY=VALUE`` and ``qingdan record``)
    data_fields: tuple[DataField, ...] = ()
    #: keys needed when an item enters a state of this step
    enter_requires: tuple[str, ...] = ()
    #: keys needed when an item leaves a state of this step for good
    leave_requires: tuple[str, ...] = ()
    #: the deadlines this step may start, described (``qingdan plugins``)
    derived_deadlines: tuple[DeadlineRule, ...] = ()
    #: what evidence a transition into or out of this step usually carries, for upload forms: ``"photo"`` (a phone
    #: may open its camera), ``"document"`` (scans and PDFs) or ``"any"``
    evidence_kind: str = "any"

    def field(self, key: str) -> DataField | None:
        return next((f for f in self.data_fields if f.key == key), None)

    def guard(self, context: TransitionContext) -> str | None:
        """Return a refusal message to stop a transition into or out of this step's states, else None.

        Must not write to the database (reading through ``context.connection`` is fine).
        """
        return None

    def after_transition(self, context: TransitionContext) -> None:
        """Record what the step needs inside the firing transaction (``context.connection``)."""
        return None

    def check_record(self, record: RecordContext) -> str | None:
        """Return a refusal message to stop recording ``record.values``, else None; may ``record.warn``."""
        return None

    def after_record(self, record: RecordContext) -> None:
        """React to recorded data inside the recording transaction (e.g. meet a deadline)."""
        return None


def missing_fields(step: StepType, context: TransitionContext) -> tuple[DataField, ...]:
    """The fields a transition needs from ``step`` that nobody gave (nor recorded before), in declaration order."""
    needed = ()
    if context.leaves(step.name):
        needed = step.leave_requires
    elif context.enters(step.name):
        needed = step.enter_requires
    if not needed:
        return ()
    known = context.values(step.name)
    return tuple(step.field(key) for key in needed if key not in known)


def require_data(step: StepType, context: TransitionContext) -> None:
    """Raise ``MissingStepData`` when the transition needs data of ``step`` that nobody gave."""
    missing = missing_fields(step, context)
    if not missing:
        return
    listing = say("、", ", ").join(say("{l}({k})", "{l} ({k})", l=f.title(), k=f.key) for f in missing)
    raise MissingStepData(
        say("“{t}” 需要先给出{s}数据:{l}。", "'{t}' needs {s} data first: {l}.", t=context.trigger, s=step.display_title(), l=listing),
        step=step.display_title(),
        trigger=context.trigger,
        missing=missing,
    )


def parse_step_data(steps: list[StepType], data: dict, today: dt.date) -> dict[str, dict[str, str]]:
    """Split ``--data`` into the values of each step that declares the key, parsed; others are left alone."""
    found: dict[str, dict[str, str]] = {}
    for step in steps:
        for key, raw in data.items():
            declared = step.field(key)
            if declared is not None:
                found.setdefault(step.name, {})[key] = declared.parse(raw, today)
    return found
