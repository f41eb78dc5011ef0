"""The checklist file format as pydantic models: shapes and types only.

These models mirror the YAML one to one and reject unknown keys. Cross-references (does this
person exist? is that state reachable?) are checked in ``engine.definition.validation``; the immutable
definitions the runtime uses are built in ``engine.definition.definitions``. Task keys that a step plugin
provides (``tendering``, ``acceptance`` …) pass through ``extra`` and are checked by the plugin.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from engine.amounts import MAXIMUM, quantity_problem
from engine.dates.durations import parse_duration
from engine.definition import limits
from engine.definition.definitions import PARENT_TARGETS
from engine.errors import InputError

ROLES = ("head", "leader", "staff", "inspector", "informant")  # informant: 信息员, reports where a task names it
ACTORS = ("responsible", "leader", "head", "inspector")
PERIODS = ("week", "month", "quarter", "year")


def _text(value):
    # Numbers are fine as text (an item called 2019); yes/no, dates and empties are not.
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, Decimal)):
        return str(value)
    return value


def _key(value: str) -> str:
    if not value or re.search(r"[\s:]", value):
        raise ValueError("key_has_space")
    # ids are URL path segments and database keys: engine.definition.limits says which characters and how long
    if len(value) > limits.MAX_ID or not limits.ID_PATTERN.fullmatch(value):
        raise ValueError("bad_id")
    return value


def _duration(value: str) -> str:
    try:
        return str(parse_duration(value))
    except InputError as err:
        raise ValueError(f"duration:{err}") from None


def _hhmm(value: str) -> str:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError("bad_time")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Asia" is a directory in the zone database
        raise ValueError("bad_zone") from None
    return value


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("not_positive")
    return value


def _quantity(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return value


def _bounded(value: Decimal) -> Decimal:
    # The same bounds as amounts (engine.amounts): a target of 1.0e999999999 would load and then hang every status.
    problem = quantity_problem(value)
    if problem is not None:
        raise PydanticCustomError("number_bounds", problem)
    return value


Text = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=limits.MAX_NAME)]
LongText = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=limits.MAX_LONG_TEXT)]
Key = Annotated[str, BeforeValidator(_text), AfterValidator(_key)]
DurationText = Annotated[str, AfterValidator(_duration)]
Quantity = Annotated[Decimal, BeforeValidator(_quantity), AfterValidator(_bounded), AfterValidator(_positive)]
Bound = Annotated[Decimal, BeforeValidator(_quantity), AfterValidator(_bounded)]
Count = Annotated[int, Field(ge=1, le=int(MAXIMUM))]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class CalendarSpec(Strict):
    base: Literal["cn", "weekdays"] = "cn"
    holidays: list[dt.date] = []
    workdays: list[dt.date] = []


class ChecklistHeader(Strict):
    id: Key
    title: Text
    year: Annotated[int, Field(ge=2000, le=2100)]
    issued_by: Text | None = None
    owner: Text | None = None
    timezone: Annotated[str, AfterValidator(_zone)] = "Asia/Shanghai"
    calendar: Literal["cn", "weekdays"] | CalendarSpec = "cn"
    notify_at: Annotated[str, AfterValidator(_hhmm)] = "09:00"
    kind: Text | None = None  # 乡镇, 部门 …: a parent list ranks its child lists among lists of the same kind


class Unit(Strict):
    name: Text
    kind: Text | None = None  # 乡镇, 部门 …: units are ranked only among units of the same kind


Weight = Annotated[Decimal, BeforeValidator(_quantity), AfterValidator(_bounded), Field(ge=0)]


class RankingWeights(Strict):
    # All three are required: the weights a reader sees in the file are the weights used.
    completion: Weight
    on_time: Weight
    overdue: Weight


class Person(Strict):
    name: Text
    roles: list[Literal["head", "leader", "staff", "inspector", "informant"]] = ["staff"]
    unit: Key | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=limits.MAX_EMAIL)] | None = None
    phone: Text | None = None
    # external notices (email, robots): one daily digest, or each at once; unset: digest for heads, else immediate
    notify: Literal["digest", "immediate"] | None = None


class State(Strict):
    label: Text
    step: Key | None = None
    final: bool = False
    # a final state with done: false ends an item without completing it (不予认定): docs/checklist-format.md
    done: bool = True


class Transition(Strict):
    trigger: Key
    from_: Key | Annotated[list[Key], Field(min_length=1)] = Field(alias="from")
    to: Key
    by: Annotated[list[Key], Field(min_length=1)] = ["responsible"]
    label: Text | None = None

    @property
    def sources(self) -> list[str]:
        return (self.from_,) if isinstance(self.from_, str) else tuple(self.from_)


class Workflow(Strict):
    title: Text
    initial: Key
    states: dict[Key, State] = Field(min_length=1)
    transitions: list[Transition] = []


def _escalation_target(value: str) -> str:
    # parent:responsible / parent:leader: up the levels, to the parent task's person (engine.runtime.lineage)
    if value in PARENT_TARGETS:
        return value
    if value.startswith("parent:"):
        raise ValueError("bad_parent_target")
    return _key(value)


class Escalation(Strict):
    after: DurationText
    to: Annotated[str, BeforeValidator(_text), AfterValidator(_escalation_target)]


class Rules(Strict):
    remind: list[DurationText] = []
    escalate: list[Escalation] = []
    reporters: list[Key] | None = None  # roles or person ids who may report besides the task's own people


def _measure(value: str) -> str:
    # sum adds reports up; latest / max / min take readings (engine.runtime.measures)
    if value not in ("sum", "latest", "max", "min"):
        raise ValueError("bad_measure")
    return value


class Target(Strict):
    quantity: Quantity
    unit: Text
    measure: Annotated[str, AfterValidator(_measure)] = "sum"


class Part(Strict):
    id: Key
    title: Text
    quantity: Quantity


class Item(Strict):
    """An item written as a mapping (``{name: 王家户, owner: wu, due: 2017-06-30, quantity: 2, note: 因病}``) beside the
    plain names: who holds it, its own deadline, its share of the task's target, a note."""

    name: Text
    owner: Key | None = None
    due: dt.date | None = None
    quantity: Quantity | None = None
    note: LongText | None = None


def _fulfils(value: str) -> str:
    # LIST:TASK, the parent list's id and its task's id
    parent, sep, task = value.partition(":")
    try:
        _key(parent)
        _key(task)
    except ValueError:
        raise ValueError("bad_fulfils") from None
    return value


class Assignment(Strict):
    """One share of a parent task given to a child list: a quantity of a target, or items of a workflow."""

    to: Key
    quantity: Quantity | None = None
    items: Annotated[list[Text], Field(min_length=1)] | None = None


class Recurring(Strict):
    every: Literal["week", "month", "quarter", "year"]
    at_least: Count = 1


class Task(BaseModel):
    # extra="allow": step plugins own further keys (tendering, acceptance, …); validation checks them
    model_config = ConfigDict(extra="allow", frozen=True, strict=True)

    id: Key
    title: Text
    unit: Key
    responsible: Key
    leader: Key
    workflow: Key | None = None
    target: Target | None = None
    recurring: Recurring | None = None
    items: list[Text | Item] = []  # plain names and mappings may be mixed
    deadlines: dict[Key, dt.date] = {}
    parts: list[Part] = []
    pace: bool = False
    remind: list[DurationText] | None = None
    escalate: list[Escalation] | None = None
    reporters: list[Key] | None = None  # replaces defaults.reporters (engine.runtime.permissions.check_report)
    note: LongText | None = None
    assign: Annotated[list[Assignment], Field(min_length=1)] | None = None  # shares given to child lists
    fulfils: Annotated[str, BeforeValidator(_text), AfterValidator(_fulfils)] | None = None  # PARENT-LIST:TASK


class Measure(Strict):
    title: Text
    text: LongText | None = None


class Documents(Strict):
    # What the office's documents say that the data cannot: the work report's 二、工作举措 and the circular's
    # closing requirements (docs/documents.md).
    measures: list[Measure] = []
    requirements: LongText | None = None


class ChecklistFile(Strict):
    checklist: ChecklistHeader
    units: dict[Key, Unit] = Field(min_length=1)
    people: dict[Key, Person] = Field(min_length=1)
    workflows: dict[Key, Workflow] = {}
    defaults: Rules = Rules()
    ranking: RankingWeights | None = None
    documents: Documents = Documents()
    tasks: list[Task] = Field(min_length=1)


CORE_TASK_KEYS = tuple(name for name in Task.model_fields)
