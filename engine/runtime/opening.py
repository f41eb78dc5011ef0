"""The opening every action on one task shares: find the task by the name people type, refuse a task without a
workflow when the action needs one, resolve the item, inside the caller's transaction.

``fire``, ``qingdan record``, the acceptance plugin's inspection round and the funds ledger all start this way;
plugins reach it through ``engine.plugin.task_transaction`` / ``open_task``. The refusal of a task without a
workflow is one sentence for all of them.

Must not: check permissions or lock anything (the caller knows what it is about to write).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from engine import catalog
from engine.definition.definitions import ChecklistDef, TaskDef, WorkflowDef
from engine.errors import InvalidTrigger
from engine.i18n import say


@dataclass(frozen=True)
class OpenTask:
    """A task found inside a transaction: its checklist and definition, its row id and (when resolved) the item row
    (``id``, ``name``, ``state``, ``version``)."""

    connection: Any
    checklist: ChecklistDef
    task: TaskDef
    task_row_id: int
    item: Any = None

    @property
    def workflow(self) -> WorkflowDef | None:
        return self.checklist.workflows[self.task.workflow] if self.task.kind == "workflow" else None


def refuse_without_workflow(task: TaskDef) -> None:
    """The one refusal of a workflow action (a trigger, step data, an inspection) on a target or recurring task."""
    if task.kind == "workflow":
        return
    kind = say("数量目标", "quantity-target") if task.kind == "target" else say("周期性", "recurring")
    raise InvalidTrigger(
        say(
            "任务 {t} 是{k}任务,没有流程:流程动作、步骤数据和验收只用于流程任务,它的进度请报送数量。",
            "task {t} is a {k} task without a workflow: triggers, step data and inspections apply to workflow "
            "tasks only; report its progress instead.",
            t=task.id,
            k=kind,
        ),
        field="report",
    )


def open_task(
    conn, task: str, item: str | None = None, *, checklist: str | None = None, workflow_only: bool = True, with_item: bool = True
) -> OpenTask:
    """Find ``task`` (``T1`` or ``CHECKLIST:T1``) and its item in the transaction ``conn``.

    ``workflow_only``: refuse a task without a workflow (``InvalidTrigger``, the sentence above). ``with_item``: resolve
    the item — always for a workflow task (``None`` names the only item), for other tasks only when one is named.
    ``NotFound`` for an unknown task or item.
    """
    ref = catalog.find_task(conn, task, checklist)
    if workflow_only:
        refuse_without_workflow(ref.task)
    row = None
    if with_item and (ref.task.kind == "workflow" or item is not None):
        row = catalog.resolve_item(conn, ref, item)
    return OpenTask(conn, ref.checklist, ref.task, ref.task_row_id, row)


@contextmanager
def task_transaction(
    store,
    task: str,
    item: str | None = None,
    *,
    checklist: str | None = None,
    workflow_only: bool = True,
    with_item: bool = True,
    write: bool = True,
) -> Iterator[OpenTask]:
    """``open_task`` in a transaction of its own (a write transaction unless ``write=False``): committed when the block
    ends, rolled back when it raises."""
    with store.write() if write else store.read() as conn:
        yield open_task(conn, task, item, checklist=checklist, workflow_only=workflow_only, with_item=with_item)
