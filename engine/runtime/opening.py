"""The opening every action on one task shares: find the task by the name people type, refuse a task without a
workflow when the action needs one, resolve the item, inside the caller's transaction.

``fire``, ``qingdan record``, the acceptance plugin's inspection round and the funds ledger all start this way;
plugins reach it through ``engine.plugin.task_transaction`` / ``open_task``. The refusal of a task without a
workflow is one sentence for all of them.

When the item is named, one statement finds the task row, its checklist's revision and year-end closing, the item row
and whether the item has open item deadlines (``_FIND``, built once); the definition then comes from the catalog's cache by revision.
Anything unusual (an unknown or ambiguous task, an item typed by its number, no item named) takes the general way
through ``catalog.find_task`` and ``catalog.resolve_item``, which say what is wrong.

Must not: check permissions or lock anything (the caller knows what it is about to write).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, exists, select

from engine import catalog
from engine.definition.definitions import ChecklistDef, TaskDef, WorkflowDef
from engine.errors import InvalidTrigger
from engine.i18n import say
from engine.runtime.closing import ListClosing, check_open
from engine.runtime.lineage import refuse_assigned
from engine.store.tables import checklists, item_deadlines, items, tasks


@dataclass(frozen=True)
class OpenTask:
    """A task found inside a transaction: its checklist and definition, its row id and (when resolved) the item row
    (``id``, ``name``, ``state``, ``version``)."""

    connection: Any
    checklist: ChecklistDef
    task: TaskDef
    task_row_id: int
    item: Any = None
    #: whether the item had deadlines not yet met when it was found (None: not asked)
    item_deadlines_open: bool | None = None
    #: the list's year-end closing as read with the task (None: not read; ``closing.check_open`` reads it)
    list_closing: ListClosing | None = None

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
    ``NotFound`` for an unknown task or item. (Reads use it too: a write path calls ``closing.check_open`` itself;
    ``task_transaction`` does when it writes.)
    """
    if with_item and item is not None:
        found = _find(conn, task, item, checklist)
        if found is not None:
            if workflow_only:
                refuse_without_workflow(found.task)
            return found
    ref = catalog.find_task(conn, task, checklist)
    if workflow_only:
        refuse_without_workflow(ref.task)
    row = None
    if with_item and (ref.task.kind == "workflow" or item is not None):
        row = catalog.resolve_item(conn, ref, item)
    return OpenTask(conn, ref.checklist, ref.task, ref.task_row_id, row)


class ItemRow(NamedTuple):
    """The item row as ``catalog.resolve_item`` returns it."""

    id: int
    name: str
    state: str | None
    version: int
    owner: str | None = None  # who holds the item now (items.owner): acts on it as the responsible person may


def _find_statement(by_checklist: bool):
    item_matches = and_(items.c.task_id == tasks.c.id, items.c.name == bindparam("item"), items.c.removed.is_(False))
    deadlines_open = exists().where(item_deadlines.c.item_id == items.c.id, item_deadlines.c.cleared_at.is_(None))
    query = (
        select(
            tasks.c.id.label("task_row_id"),
            tasks.c.checklist_id,
            checklists.c.revision,
            checklists.c.source_sha256,
            checklists.c.closed_at,
            checklists.c.title,
            items.c.id,
            items.c.name,
            items.c.state,
            items.c.version,
            items.c.owner,
            deadlines_open.label("deadlines_open"),
        )
        .select_from(tasks.join(checklists, checklists.c.id == tasks.c.checklist_id).outerjoin(items, item_matches))
        .where(tasks.c.key == bindparam("task"), tasks.c.removed.is_(False))
        .limit(2)  # a second row means the task name is ambiguous: the general way says so
    )
    return query.where(tasks.c.checklist_id == bindparam("checklist")) if by_checklist else query


# Built once: one round trip finds the task, its checklist's revision and closing, the item and its open deadlines.
_FIND = _find_statement(by_checklist=False)
_FIND_IN = _find_statement(by_checklist=True)


def _find(conn, task: str, item: str, checklist_id: str | None) -> OpenTask | None:
    """The task and its named item in one statement, or None when the general way must answer (and explain)."""
    if checklist_id is None and ":" in task:
        checklist_id, task = task.split(":", 1)
    if checklist_id:
        rows = conn.execute(_FIND_IN, {"task": task, "item": item, "checklist": checklist_id}).all()
    else:
        rows = conn.execute(_FIND, {"task": task, "item": item}).all()
    if len(rows) != 1 or rows[0].id is None:
        return None
    row = rows[0]
    definition = catalog.get_checklist(conn, row.checklist_id, known=(row.revision, row.source_sha256))
    task_def = definition.task_by_id.get(task)
    if task_def is None:
        return None
    return OpenTask(
        conn,
        definition,
        task_def,
        row.task_row_id,
        ItemRow(row.id, row.name, row.state, row.version, row.owner),
        bool(row.deadlines_open),
        ListClosing(row.closed_at, row.title),
    )


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
        opened = open_task(conn, task, item, checklist=checklist, workflow_only=workflow_only, with_item=with_item)
        if write:
            # a list closed at year end takes no step data, rounds or funds
            check_open(conn, opened.checklist.id, known=opened.list_closing)
            refuse_assigned(opened.task)  # a task its child lists fulfil takes no work of its own
        yield opened
