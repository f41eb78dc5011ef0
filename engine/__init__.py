"""qingdan's engine: its public API.

Callers (the web app, the command line, the scheduler, tests and scripts) use the names in ``__all__``:

    import engine
    result = engine.fire(store, task="T1", item="林农镇玉城村", trigger="approve_plan", actor="li",
                         clock=clock, plugins=engine.get_plugin_manager())

Plugins import ``engine.plugin`` instead, the module made for them. Everything else is internal and may move.

Importing ``engine`` is cheap: each name is imported the first time it is used (module-level ``__getattr__``),
so a command starts fast and ``import engine`` never imports Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.lazy import lazy_exports

# name → (module, attribute in it); ``None`` as the attribute: the module itself
_EXPORTS: dict[str, tuple[str, str | None]] = {
    # checklists: validate, load, find
    "validate_text": ("engine.definition.validation", "validate_text"),
    "validate_file": ("engine.definition.validation", "validate_file"),
    "Validated": ("engine.definition.validation", "Validated"),
    "load": ("engine.runtime.loader", "load"),
    "LoadReport": ("engine.runtime.loader", "LoadReport"),
    "checklist_ids": ("engine.catalog", "checklist_ids"),
    # year end: close (归档) and reopen a list; which lists are closed
    "close_list": ("engine.runtime.closing", "close"),
    "closed_lists": ("engine.runtime.closing", "closed_ids"),
    "ListClosed": ("engine.errors", "ListClosed"),
    "get_checklist": ("engine.catalog", "get_checklist"),
    "find_task": ("engine.catalog", "find_task"),
    "resolve_item": ("engine.catalog", "resolve_item"),
    "TaskRef": ("engine.catalog", "TaskRef"),
    "open_task": ("engine.runtime.opening", "open_task"),
    "task_transaction": ("engine.runtime.opening", "task_transaction"),
    "OpenTask": ("engine.runtime.opening", "OpenTask"),
    "ChecklistDef": ("engine.definition.definitions", "ChecklistDef"),
    "TaskDef": ("engine.definition.definitions", "TaskDef"),
    "WorkflowDef": ("engine.definition.definitions", "WorkflowDef"),
    "TransitionDef": ("engine.definition.definitions", "TransitionDef"),
    "TransitionContext": ("engine.steps", "TransitionContext"),
    "TaskKind": ("engine.kinds", "TaskKind"),
    "Light": ("engine.kinds", "Light"),
    "Verdict": ("engine.kinds", "Verdict"),
    # acting on items and tasks
    "fire": ("engine.runtime.fire", "fire"),
    "FireResult": ("engine.runtime.fire", "FireResult"),
    "report": ("engine.runtime.progress", "report"),
    "correct": ("engine.runtime.progress", "correct"),
    "ReportResult": ("engine.runtime.progress", "ReportResult"),
    "record_step_data": ("engine.runtime.stepdata", "record"),
    "step_data": ("engine.runtime.stepdata", "show"),
    "store_evidence_file": ("engine.runtime.evidence", "store_file"),
    "store_evidence_stream": ("engine.runtime.evidence", "store_stream"),
    "Evidence": ("engine.runtime.evidence", "Evidence"),
    "evidence_intake": ("engine.runtime.evidence", "intake"),
    "EvidenceQuotaExceeded": ("engine.runtime.evidence", "QuotaExceeded"),
    # reading
    "checklist_status": ("engine.queries.status", "checklist_status"),
    "task_history": ("engine.queries.history", "task_history"),
    "items_of": ("engine.queries.listings", "items_of"),
    "items_in_step": ("engine.queries.listings", "items_in_step"),
    "step_states": ("engine.queries.listings", "step_states"),
    "ItemView": ("engine.queries.listings", "ItemView"),
    "recent_events": ("engine.runtime.audit", "recent"),
    "verify_audit": ("engine.runtime.audit", "verify"),
    # notices and deliveries
    "inbox": ("engine.reminders.notices", "inbox"),
    "unread_count": ("engine.reminders.notices", "unread_count"),
    "mark_read": ("engine.reminders.notices", "mark_read"),
    "delivery_log": ("engine.reminders.delivery", "delivery_log"),
    # accounts (web accounts, tokens, who may act): the module, whose functions take the store
    "accounts": ("engine.accounts", None),
    # the store and the clock
    "Store": ("engine.store", "Store"),
    "open_store": ("engine.store", "open_store"),
    "ensure_schema": ("engine.store.migrate", "ensure_schema"),
    "Clock": ("engine.dates.clock", "Clock"),
    "SystemClock": ("engine.dates.clock", "SystemClock"),
    "FixedClock": ("engine.dates.clock", "FixedClock"),
    "OffsetClock": ("engine.dates.clock", "OffsetClock"),
    "parse_instant": ("engine.dates.clock", "parse_instant"),
    "local_date": ("engine.dates.clock", "local_date"),
    "show_instant": ("engine.dates.clock", "show"),
    # plugins
    "get_plugin_manager": ("engine.pluginmanager", "get_plugin_manager"),
    "step_types": ("engine.pluginmanager", "step_types"),
    "describe_plugins": ("engine.pluginmanager", "describe"),
    "call_each": ("engine.pluginmanager", "call_each"),
    "PluginError": ("engine.pluginmanager", "PluginError"),
    # errors
    "QingdanError": ("engine.errors", "QingdanError"),
    "InputError": ("engine.errors", "InputError"),
    "NotFound": ("engine.errors", "NotFound"),
    "NotPermitted": ("engine.errors", "NotPermitted"),
    "InvalidTrigger": ("engine.errors", "InvalidTrigger"),
    "GuardRefused": ("engine.errors", "GuardRefused"),
    "Conflict": ("engine.errors", "Conflict"),
    "StrandedData": ("engine.errors", "StrandedData"),
    "CalendarGap": ("engine.errors", "CalendarGap"),
    "StoreError": ("engine.errors", "StoreError"),
    "AuditBroken": ("engine.errors", "AuditBroken"),
    "ChecklistInvalid": ("engine.errors", "ChecklistInvalid"),
    "Problem": ("engine.errors", "Problem"),
    # words and numbers
    "say": ("engine.i18n", "say"),
    "language": ("engine.i18n", "language"),
    "use_language": ("engine.i18n", "use_language"),
    "plain": ("engine.numbers", "plain"),
    "as_json_number": ("engine.numbers", "as_json_number"),
    "parse_amount": ("engine.amounts", "parse_amount"),
    # milestone verdicts: the one rule, its words, and every item's milestones judged
    "judge": ("engine.verdicts", "judge"),
    "describe_verdict": ("engine.verdicts", "describe"),
    "checklist_milestones": ("engine.queries.milestones", "checklist_milestones"),
    "rank_units": ("engine.queries.ranking", "rank_units"),
    "activity_date": ("engine.runtime.activity", "activity_date"),
}

__all__ = [
    "ListClosed",
    "close_list",
    "closed_lists",
    "AuditBroken",
    "CalendarGap",
    "ChecklistDef",
    "ChecklistInvalid",
    "Clock",
    "Conflict",
    "Evidence",
    "FireResult",
    "FixedClock",
    "GuardRefused",
    "InputError",
    "InvalidTrigger",
    "ItemView",
    "Light",
    "LoadReport",
    "NotFound",
    "NotPermitted",
    "OffsetClock",
    "OpenTask",
    "PluginError",
    "Problem",
    "QingdanError",
    "ReportResult",
    "Store",
    "StoreError",
    "StrandedData",
    "SystemClock",
    "TaskDef",
    "TaskKind",
    "TaskRef",
    "TransitionContext",
    "TransitionDef",
    "Validated",
    "Verdict",
    "WorkflowDef",
    "accounts",
    "as_json_number",
    "call_each",
    "activity_date",
    "checklist_ids",
    "checklist_milestones",
    "checklist_status",
    "correct",
    "describe_verdict",
    "delivery_log",
    "describe_plugins",
    "ensure_schema",
    "find_task",
    "fire",
    "get_checklist",
    "judge",
    "parse_amount",
    "rank_units",
    "get_plugin_manager",
    "inbox",
    "items_in_step",
    "items_of",
    "language",
    "load",
    "local_date",
    "mark_read",
    "open_store",
    "open_task",
    "parse_instant",
    "plain",
    "recent_events",
    "record_step_data",
    "report",
    "resolve_item",
    "say",
    "show_instant",
    "step_data",
    "step_states",
    "step_types",
    "store_evidence_file",
    "store_evidence_stream",
    "evidence_intake",
    "EvidenceQuotaExceeded",
    "task_history",
    "task_transaction",
    "unread_count",
    "use_language",
    "validate_file",
    "validate_text",
    "verify_audit",
]


__getattr__, __dir__ = lazy_exports("engine", _EXPORTS, globals(), __all__)


if TYPE_CHECKING:  # for type checkers and editors; at run time the names above are imported when first used
    from engine import accounts
    from engine.catalog import (
        TaskRef,
        checklist_ids,
        find_task,
        get_checklist,
        resolve_item,
    )
    from engine.dates.clock import (
        Clock,
        FixedClock,
        OffsetClock,
        SystemClock,
        local_date,
        parse_instant,
    )
    from engine.dates.clock import show as show_instant
    from engine.definition.definitions import (
        ChecklistDef,
        TaskDef,
        TransitionDef,
        WorkflowDef,
    )
    from engine.definition.validation import Validated, validate_file, validate_text
    from engine.errors import (
        AuditBroken,
        CalendarGap,
        ChecklistInvalid,
        Conflict,
        GuardRefused,
        InputError,
        InvalidTrigger,
        ListClosed,
        NotFound,
        NotPermitted,
        Problem,
        QingdanError,
        StoreError,
        StrandedData,
    )
    from engine.i18n import language, say, use_language
    from engine.kinds import Light, TaskKind, Verdict
    from engine.numbers import as_json_number, plain
    from engine.pluginmanager import (
        PluginError,
        call_each,
        get_plugin_manager,
        step_types,
    )
    from engine.pluginmanager import describe as describe_plugins
    from engine.queries.history import task_history
    from engine.queries.listings import ItemView, items_in_step, items_of, step_states
    from engine.queries.status import checklist_status
    from engine.reminders.delivery import delivery_log
    from engine.reminders.notices import inbox, mark_read, unread_count
    from engine.runtime.audit import recent as recent_events
    from engine.runtime.audit import verify as verify_audit
    from engine.runtime.closing import close as close_list
    from engine.runtime.closing import closed_ids as closed_lists
    from engine.runtime.evidence import Evidence
    from engine.runtime.evidence import QuotaExceeded as EvidenceQuotaExceeded
    from engine.runtime.evidence import intake as evidence_intake
    from engine.runtime.evidence import store_file as store_evidence_file
    from engine.runtime.evidence import store_stream as store_evidence_stream
    from engine.runtime.fire import FireResult, fire
    from engine.runtime.loader import LoadReport, load
    from engine.runtime.opening import OpenTask, open_task, task_transaction
    from engine.runtime.progress import ReportResult, correct, report
    from engine.runtime.stepdata import record as record_step_data
    from engine.runtime.stepdata import show as step_data
    from engine.steps import TransitionContext
    from engine.store import Store, open_store
    from engine.store.migrate import ensure_schema
