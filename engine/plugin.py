"""The one module a plugin imports from qingdan: the hook marker, the step-type contract, errors and words, the
task transaction, the audit chain, item deadlines, notification channels, and the helpers of plugin commands.

    from engine.plugin import DataField, StepType, hookimpl, say

The built-in plugins in ``plugins/`` import nothing else of qingdan's (a test checks it); a plugin's web pages
also import the web app's face, ``web``. Everything here keeps its meaning across versions; what it re-exports
lives in the engine's modules and may move there without a plugin noticing. docs/plugins.md explains each part.

Each name is imported the first time it is used, so importing this module is cheap and pulls in neither the
command line (click) nor anything of the web.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.lazy import lazy_exports

# name → (module, attribute in it); ``None`` as the attribute: the module itself
_EXPORTS: dict[str, tuple[str, str | None]] = {
    # hooks
    "hookimpl": ("engine.hookspecs", "hookimpl"),
    # the step-type contract (engine/steps.py)
    "StepType": ("engine.steps", "StepType"),
    "TaskExtension": ("engine.steps", "TaskExtension"),
    "DataField": ("engine.steps", "DataField"),
    "DeadlineRule": ("engine.steps", "DeadlineRule"),
    "ItemDeadline": ("engine.steps", "ItemDeadline"),
    "OptionIssue": ("engine.steps", "OptionIssue"),
    "TransitionContext": ("engine.steps", "TransitionContext"),
    "EventNotice": ("engine.runtime.event_notices", "EventNotice"),
    "notice_item_words": ("engine.runtime.event_notices", "item_words"),
    "RecordContext": ("engine.steps", "RecordContext"),
    # types for task options (checked with line numbers like the rest of the format)
    "Text": ("engine.definition.schema", "Text"),
    "Bound": ("engine.definition.schema", "Bound"),
    "Quantity": ("engine.definition.schema", "Quantity"),
    "DurationText": ("engine.definition.schema", "DurationText"),
    "Duration": ("engine.dates.durations", "Duration"),
    "parse_duration": ("engine.dates.durations", "parse_duration"),
    # definitions
    "ChecklistDef": ("engine.definition.definitions", "ChecklistDef"),
    "TaskDef": ("engine.definition.definitions", "TaskDef"),
    "WorkflowDef": ("engine.definition.definitions", "WorkflowDef"),
    # errors
    "QingdanError": ("engine.errors", "QingdanError"),
    "InputError": ("engine.errors", "InputError"),
    "NotFound": ("engine.errors", "NotFound"),
    "NotPermitted": ("engine.errors", "NotPermitted"),
    "InvalidTrigger": ("engine.errors", "InvalidTrigger"),
    "GuardRefused": ("engine.errors", "GuardRefused"),
    "Conflict": ("engine.errors", "Conflict"),
    # words, numbers, time
    "say": ("engine.i18n", "say"),
    "plain": ("engine.numbers", "plain"),
    "as_json_number": ("engine.numbers", "as_json_number"),
    "parse_amount": ("engine.amounts", "parse_amount"),
    "parse_measure": ("engine.amounts", "parse_measure"),
    "Clock": ("engine.dates.clock", "Clock"),
    "local_date": ("engine.dates.clock", "local_date"),
    "show_instant": ("engine.dates.clock", "show"),
    # one task, in one transaction
    "task_transaction": ("engine.runtime.opening", "task_transaction"),
    "open_task": ("engine.runtime.opening", "open_task"),
    "OpenTask": ("engine.runtime.opening", "OpenTask"),
    "refuse_without_workflow": ("engine.runtime.opening", "refuse_without_workflow"),
    "lock_item": ("engine.runtime.stepdata", "lock_item"),
    "activity_date": ("engine.runtime.activity", "activity_date"),
    "fire_in": ("engine.runtime.fire", "fire_in"),
    "FireResult": ("engine.runtime.fire", "FireResult"),
    # who may act
    "require_person": ("engine.runtime.permissions", "require_person"),
    "capacities": ("engine.runtime.permissions", "capacities"),
    "check_may_record": ("engine.runtime.stepdata", "check_may_record"),
    "may_view_task": ("engine.account_rules", "may_view_task"),
    "may_act": ("engine.account_rules", "may_act"),
    "check_account_fire": ("engine.account_rules", "check_account_fire"),
    # the audit chain, item deadlines, evidence, the tables
    "append_event": ("engine.runtime.audit", "append"),
    "add_item_deadline": ("engine.runtime.deadlines", "add_item_deadline"),
    "clear_item_deadline": ("engine.runtime.deadlines", "clear_item_deadline"),
    "open_deadlines": ("engine.runtime.stepdata", "open_deadlines"),
    "store_evidence_file": ("engine.runtime.evidence", "store_file"),
    "store_evidence_stream": ("engine.runtime.evidence", "store_stream"),
    "Evidence": ("engine.runtime.evidence", "Evidence"),
    "tables": ("engine.store.tables", None),
    # notification channels (qingdan_channels)
    "Channel": ("engine.reminders.channels", "Channel"),
    "ChannelSettings": ("engine.reminders.channels", "ChannelSettings"),
    "DeliveryResult": ("engine.reminders.channels", "DeliveryResult"),
    "Message": ("engine.reminders.channels", "Message"),
    "Recipient": ("engine.reminders.channels", "Recipient"),
    "builtin_channels": ("engine.reminders.channels", "builtin_channels"),
    # reading
    "checklist_ids": ("engine.catalog", "checklist_ids"),
    "get_checklist": ("engine.catalog", "get_checklist"),
    "items_in_step": ("engine.queries.listings", "items_in_step"),
    "step_states": ("engine.queries.listings", "step_states"),
    "ItemView": ("engine.queries.listings", "ItemView"),
    # plugin commands (qingdan_register_commands)
    "common_options": ("engine.cli.context", "common_options"),
    "pass_app": ("engine.cli.context", "pass_app"),
    "echo_warnings": ("engine.cli.context", "echo_warnings"),
    "split_task_item": ("engine.cli.context", "split_task_item"),
}

__all__ = [
    "activity_date",
    "EventNotice",
    "notice_item_words",
    "Bound",
    "Channel",
    "ChannelSettings",
    "ChecklistDef",
    "Clock",
    "Conflict",
    "DataField",
    "DeadlineRule",
    "DeliveryResult",
    "Duration",
    "DurationText",
    "Evidence",
    "FireResult",
    "GuardRefused",
    "InputError",
    "InvalidTrigger",
    "ItemDeadline",
    "ItemView",
    "Message",
    "NotFound",
    "NotPermitted",
    "OpenTask",
    "OptionIssue",
    "QingdanError",
    "Quantity",
    "Recipient",
    "RecordContext",
    "StepType",
    "TaskDef",
    "TaskExtension",
    "Text",
    "TransitionContext",
    "WorkflowDef",
    "add_item_deadline",
    "append_event",
    "as_json_number",
    "as_workflow_def",
    "builtin_channels",
    "capacities",
    "check_account_fire",
    "check_may_record",
    "checklist_ids",
    "clear_item_deadline",
    "common_options",
    "echo_warnings",
    "fire_in",
    "get_checklist",
    "hookimpl",
    "items_in_step",
    "local_date",
    "lock_item",
    "may_act",
    "may_view_task",
    "open_deadlines",
    "open_task",
    "parse_amount",
    "parse_duration",
    "parse_measure",
    "pass_app",
    "plain",
    "refuse_without_workflow",
    "require_person",
    "say",
    "show_instant",
    "split_task_item",
    "step_states",
    "store_evidence_file",
    "store_evidence_stream",
    "tables",
    "task_transaction",
]


def as_workflow_def(workflow):
    """The ``WorkflowDef`` of ``workflow``: itself at run time, or the definition compiled from the
    ``engine.definition.schema.Workflow`` that ``check_task`` is handed at validation time."""
    from engine.definition.definitions import WorkflowDef, _workflow

    return workflow if isinstance(workflow, WorkflowDef) else _workflow("_", workflow)


__getattr__, __dir__ = lazy_exports("engine.plugin", _EXPORTS, globals(), __all__)


if TYPE_CHECKING:  # for type checkers and editors; at run time the names above are imported when first used
    from engine.account_rules import check_account_fire, may_act, may_view_task
    from engine.amounts import parse_amount, parse_measure
    from engine.catalog import checklist_ids, get_checklist
    from engine.cli.context import (
        common_options,
        echo_warnings,
        pass_app,
        split_task_item,
    )
    from engine.dates.clock import Clock, local_date
    from engine.dates.clock import show as show_instant
    from engine.dates.durations import Duration, parse_duration
    from engine.definition.definitions import ChecklistDef, TaskDef, WorkflowDef
    from engine.definition.schema import Bound, DurationText, Quantity, Text
    from engine.errors import (
        Conflict,
        GuardRefused,
        InputError,
        InvalidTrigger,
        NotFound,
        NotPermitted,
        QingdanError,
    )
    from engine.hookspecs import hookimpl
    from engine.i18n import say
    from engine.numbers import as_json_number, plain
    from engine.queries.listings import ItemView, items_in_step, step_states
    from engine.reminders.channels import (
        Channel,
        ChannelSettings,
        DeliveryResult,
        Message,
        Recipient,
        builtin_channels,
    )
    from engine.runtime.activity import activity_date
    from engine.runtime.audit import append as append_event
    from engine.runtime.deadlines import add_item_deadline, clear_item_deadline
    from engine.runtime.event_notices import EventNotice
    from engine.runtime.event_notices import item_words as notice_item_words
    from engine.runtime.evidence import Evidence
    from engine.runtime.evidence import store_file as store_evidence_file
    from engine.runtime.evidence import store_stream as store_evidence_stream
    from engine.runtime.fire import FireResult, fire_in
    from engine.runtime.opening import (
        OpenTask,
        open_task,
        refuse_without_workflow,
        task_transaction,
    )
    from engine.runtime.permissions import capacities, require_person
    from engine.runtime.stepdata import check_may_record, lock_item, open_deadlines
    from engine.steps import (
        DataField,
        DeadlineRule,
        ItemDeadline,
        OptionIssue,
        RecordContext,
        StepType,
        TaskExtension,
        TransitionContext,
    )
    from engine.store import tables
