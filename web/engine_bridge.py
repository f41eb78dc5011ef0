"""The web's one adapter to engine APIs that are new, unfinished or missing.

Every function here is a seam: the pages call these and nothing else for the things below, so when the
engine grows the real API only this module changes. Every function delegates to an engine (or plugin)
function; seams marked ``TODO(plugins)`` wait for the call named there.

Must not: hold business rules that belong in the engine (permissions, deadlines, lights), read or write engine
tables directly, or import Flask.
"""
from __future__ import annotations

import datetime as dt
import inspect
import logging
from dataclasses import dataclass
from decimal import Decimal

from engine.runtime import audit
from engine import catalog
from engine.queries import listings
from engine.definition.definitions import ChecklistDef, TaskDef, TransitionDef

log = logging.getLogger("web.bridge")


# ---------------------------------------------------------------- checklists and status (existing engine APIs)


def checklist_ids(store) -> list[str]:
    with store.read() as conn:
        return catalog.checklist_ids(conn)


def definitions(store) -> dict[str, ChecklistDef]:
    with store.read() as conn:
        return {cid: catalog.get_checklist(conn, cid) for cid in catalog.checklist_ids(conn)}


def definition(store, checklist_id: str) -> ChecklistDef:
    with store.read() as conn:
        return catalog.get_checklist(conn, checklist_id)


_STATUS_TAKES_PLUGINS: bool | None = None


def status(store, checklist_id: str, clock, plugins):
    """``engine.queries.status.checklist_status`` with the plugins' status hook and lights (when the engine takes plugins)."""
    global _STATUS_TAKES_PLUGINS
    from engine.queries.status import checklist_status

    if _STATUS_TAKES_PLUGINS is None:
        _STATUS_TAKES_PLUGINS = "plugins" in inspect.signature(checklist_status).parameters
    if _STATUS_TAKES_PLUGINS:
        return checklist_status(store, checklist_id, clock, plugins)
    return checklist_status(store, checklist_id, clock)  # pragma: no cover - an engine without lights


def light_of(task_status) -> str:
    """The task's 红黄绿 light from ``engine.queries.status`` (``green|yellow|red|done``); a crude stand-in if absent."""
    found = getattr(task_status, "light", None)
    if found:
        return found
    if task_status.complete:  # pragma: no cover - an engine without lights
        return "done"
    return "red" if task_status.overdue else "green"  # pragma: no cover


def pace_of(task_status) -> dict | None:
    """``{"elapsed": share of time gone, "done": share of target done}`` for ``pace: true`` targets."""
    return getattr(task_status, "pace", None)


# ---------------------------------------------------------------- items (engine.queries.listings)


ItemView = listings.ItemView


def items_of(store, checklist_id: str, task_keys: list[str] | None = None) -> dict[str, list[ItemView]]:
    """The live items of some (or all) tasks of a checklist with their open item deadlines (``engine.queries.listings``)."""
    return listings.items_of(store, checklist_id, task_keys)


def locate(store, task: str, item: str | None, checklist: str | None = None):
    """``(definition, task_def, item_row)`` for names as people type them (``engine.catalog``)."""
    with store.read() as conn:
        ref = catalog.find_task(conn, task, checklist)
        row = catalog.resolve_item(conn, ref, item) if ref.task.kind == "workflow" or item is not None else None
    return ref.checklist, ref.task, row


# ---------------------------------------------------------------- history and audit (engine.queries.history, engine.runtime.audit)


def history(store, checklist_id: str, task: str, item: str | None = None) -> list[dict]:
    from engine.queries.history import task_history

    return task_history(store, task, item, checklist_id)


def audit_events(store, *, limit: int = 100, before: int | None = None, chain: str | None = None) -> list[dict]:
    """The newest audit events (all chains, or one), newest first (``engine.runtime.audit.recent``)."""
    with store.read() as conn:
        return audit.recent(conn, limit=limit, before=before, chain=chain)


def verify_audit(store):
    from engine.runtime.audit import verify

    with store.read() as conn:
        return verify(conn)


# ---------------------------------------------------------------- inbox and deliveries (lead's engine.reminders.notices, engine.reminders.delivery)


def inbox(store, person: str, checklist: str | None = None, *, unread: bool = False, limit: int = 200) -> list[dict]:
    from engine.reminders.notices import inbox as engine_inbox

    return engine_inbox(store, person, checklist=checklist, unread=unread, limit=limit)


def unread_count(store, people: list[tuple[str, str]]) -> int:
    """Unread notices over the (checklist, person) pairs an account acts as."""
    from engine.reminders.notices import unread_count as engine_unread

    return sum(engine_unread(store, person, checklist) for checklist, person in people)


def mark_read(store, person: str, ids: list[int] | None, now: dt.datetime) -> int:
    from engine.reminders.notices import mark_read as engine_mark_read

    return engine_mark_read(store, person, ids, now)


def failed_deliveries(store, limit: int = 200) -> list[dict]:
    from engine.reminders.delivery import delivery_log

    return delivery_log(store, failed_only=True, limit=limit)


# ---------------------------------------------------------------- the scheduler inside ``qingdan serve`` (lead's engine.reminders.scheduler)


def start_scheduler(store, clock, plugins, environ):
    """Start the reminder sweep in a background thread of this process; returns the scheduler (``.shutdown()``)."""
    from engine.reminders.scheduler import SweepContext, build, channels_from_environment

    context = SweepContext(store, clock, channels_from_environment(plugins, environ))
    scheduler = build(context, blocking=False)
    scheduler.start()
    return scheduler


# ---------------------------------------------------------------- step data forms (the plugins' DataField declarations)


@dataclass(frozen=True)
class StepField:
    key: str
    label: str
    kind: str = "text"  # text | date | amount
    required: bool = False


def step_fields(definition: ChecklistDef, task: TaskDef, transition: TransitionDef, from_state: str, steps: dict) -> list[StepField] | None:
    """The data fields a firing may carry: the ``data_fields`` of the step whose state the item leaves for good or
    enters (``engine.steps``), ``required`` for its ``leave_requires`` / ``enter_requires``; None when no step is
    involved, ``[]`` when a step is involved but declares no fields (the form then offers a KEY=VALUE box).
    Values already recorded with ``qingdan record`` count too: the engine overlays them, so fields may stay empty.
    """
    workflow = definition.workflows[task.workflow]
    source_step, dest_step = workflow.states[from_state].step, workflow.states[transition.dest].step
    if not source_step and not dest_step:
        return None
    found: list[StepField] = []
    moves_on = from_state not in workflow.reachable_from(transition.dest)
    for name, needed_attr, applies in ((source_step, "leave_requires", source_step != dest_step and moves_on),
                                       (dest_step, "enter_requires", dest_step != source_step)):
        step = steps.get(name) if name else None
        if step is None or not applies:
            continue
        needed = set(getattr(step, needed_attr, ()) or ())
        for data_field in getattr(step, "data_fields", ()) or ():
            if any(f.key == data_field.key for f in found):
                continue
            found.append(StepField(data_field.key, data_field.title(), data_field.kind, data_field.key in needed))
    return found


def wants_evidence(definition: ChecklistDef, task: TaskDef, transition: TransitionDef, from_state: str) -> bool:
    """Whether the firing form offers evidence upload: any transition into or out of a step's state."""
    workflow = definition.workflows[task.workflow]
    return any(workflow.states[s].step for s in (from_state, transition.dest))


# ---------------------------------------------------------------- inspections (TODO(plugins))


def acceptance_states(definition: ChecklistDef, task: TaskDef) -> set[str]:
    return listings.step_states(definition, task, "acceptance")


@dataclass(frozen=True)
class Criterion:
    check: str
    unit: str | None
    min: Decimal | None
    max: Decimal | None

    @property
    def yes_no(self) -> bool:
        return self.min is None and self.max is None

    def met(self, value) -> bool:
        if self.yes_no:
            return bool(value)
        if value is None:
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


def criteria(task: TaskDef) -> list[Criterion]:
    found = []
    for raw in task.options.get("acceptance") or ():
        get = raw.get if isinstance(raw, dict) else (lambda key, _raw=raw: getattr(_raw, key, None))
        low, high = get("min"), get("max")
        found.append(Criterion(get("check"), get("unit"), Decimal(str(low)) if low is not None else None,
                               Decimal(str(high)) if high is not None else None))
    return found


def verdict_triggers(definition: ChecklistDef, task: TaskDef, state: str) -> tuple[str | None, str | None]:
    """(pass trigger, fail trigger) out of an acceptance state: failing leads somewhere the inspection comes back
    from (rectification), passing leads on for good."""
    workflow = definition.workflows[task.workflow]
    passing = failing = None
    for transition in workflow.transitions:
        if state in transition.sources:
            if state in workflow.reachable_from(transition.dest):
                failing = failing or transition.trigger
            else:
                passing = passing or transition.trigger
    return passing, failing


def inspection_queue(store, definitions_by_id: dict[str, ChecklistDef], visible) -> list[tuple[ChecklistDef, TaskDef, ItemView]]:
    """Items waiting in an acceptance state, oldest waiting first. ``visible(definition, task)`` filters by scope
    (``engine.queries.listings.items_in_step``, one read per checklist with a visible task that has such a state)."""
    queue = []
    for definition_ in definitions_by_id.values():
        shown = [task.id for task in definition_.tasks if acceptance_states(definition_, task) and visible(definition_, task)]
        if not shown:
            continue
        queue.extend((definition_, task, view) for task, view in listings.items_in_step(store, definition_, "acceptance", shown))
    queue.sort(key=lambda entry: entry[2].state_since)
    return queue


def inspection_rounds(store, definition: ChecklistDef, task: TaskDef, item: str) -> list[dict]:
    """Earlier inspection rounds of an item, oldest first: ``{round, at, inspector, passed, results, evidence, note}``
    (``plugins.acceptance.rounds``), times shown in the checklist's zone."""
    from engine.dates.clock import show
    from plugins.acceptance import rounds

    with store.read() as conn:
        ref = catalog.find_task(conn, task.id, definition.id)
        row = catalog.resolve_item(conn, ref, item)
        found = rounds(conn, row.id)
    return [{**r, "at": show(r["at"], definition.timezone)} for r in found]


def record_inspection(store, *, definition: ChecklistDef, task: TaskDef, item: str, state: str, inspector: str, values: dict,
                      evidence: list, note: str | None, clock, plugins):
    """Record one inspection round; it passes when every criterion is met, else fails to rectification, in one
    transaction (``plugins.acceptance.record``, what ``qingdan inspect`` does). ``values``: criterion → raw value."""
    from plugins.acceptance import record

    return record(store, task=task.id, item=item, inspector=inspector, values=values, clock=clock, plugins=plugins,
                  evidence=evidence, note=note, checklist=definition.id, expect_state=state)


def store_evidence(uploads, directory: str | None) -> list:
    """Store uploaded files by content (``engine.runtime.evidence``; the CLI's store unless the web config names another
    directory); returns ``engine.runtime.evidence.Evidence`` objects."""
    from pathlib import Path

    from engine.runtime.evidence import store_stream

    return [store_stream(upload.filename, upload.stream, Path(directory) if directory else None)
            for upload in uploads if upload is not None and upload.filename]
