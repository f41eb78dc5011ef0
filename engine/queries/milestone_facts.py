"""What ``engine.queries.milestones`` judges, read from the database: per item the activity date it reached each
state, the deadlines of single items, and report sums per activity date. Each is one grouped query over a set of task
rows, whatever list they belong to; ``until`` (a past statement date) leaves out what happened after it.

Must not: write, or judge anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from engine.amounts import usable
from engine.dates.clock import local_date
from engine.kinds import TaskKind
from engine.runtime.measures import readings_of
from engine.store.tables import item_deadlines, item_reached, items, progress, tasks


def reached_dates(conn, row_ids: list[int], until: dt.date | None = None) -> dict[int, dict[str, dt.date]]:
    found: dict[int, dict[str, dt.date]] = {}
    query = (
        select(item_reached.c.item_id, item_reached.c.state, item_reached.c.reached_on)
        .join(items, items.c.id == item_reached.c.item_id)
        .where(items.c.task_id.in_(row_ids), items.c.removed.is_(False))
    )
    if until is not None:
        query = query.where(item_reached.c.reached_on <= until)
    for row in conn.execute(query):
        found.setdefault(row.item_id, {})[row.state] = row.reached_on
    return found


def item_deadlines_of(conn, row_ids: list[int], until: dt.date | None = None, zone: str = "Asia/Shanghai") -> dict[int, list]:
    found: dict[int, list] = {}
    query = (
        select(
            item_deadlines.c.id,
            item_deadlines.c.item_id,
            item_deadlines.c.label,
            item_deadlines.c.due_date,
            item_deadlines.c.met_on,
            item_deadlines.c.created_at,
            item_deadlines.c.replaces,
            item_deadlines.c.original_due,
        )
        .join(items, items.c.id == item_deadlines.c.item_id)
        .where(
            items.c.task_id.in_(row_ids),
            items.c.removed.is_(False),
            (item_deadlines.c.outcome.is_(None)) | (item_deadlines.c.outcome == "met"),
        )
        .order_by(item_deadlines.c.due_date, item_deadlines.c.id)
    )
    for row in conn.execute(query):
        if until is not None:
            if local_date(row.created_at, zone) > until:
                continue  # it appeared after the statement date
            if row.met_on is not None and row.met_on > until:
                row = _Deadline(row.id, row.item_id, row.label, row.due_date, None, row.replaces, row.original_due)
        found.setdefault(row.item_id, []).append(row)
    return found


@dataclass(frozen=True)
class _Deadline:
    id: int
    item_id: int
    label: str
    due_date: dt.date
    met_on: dt.date | None
    replaces: str | None = None
    original_due: dt.date | None = None


def sums_by_day(conn, row_ids: list[int], until: dt.date | None = None) -> dict[int, dict]:
    """task row → {item id → {activity day → amount}}; the whole task's sums under the key None."""
    found: dict[int, dict] = {}
    query = (
        select(progress.c.task_id, progress.c.item_id, progress.c.on_date, func.sum(progress.c.amount))
        .join(tasks, tasks.c.id == progress.c.task_id)
        .where(progress.c.task_id.in_(row_ids), tasks.c.kind != TaskKind.WORKFLOW.value, usable(progress.c.amount))
        .group_by(progress.c.task_id, progress.c.item_id, progress.c.on_date)
    )
    if until is not None:
        query = query.where(progress.c.on_date <= until)
    for task_id, item_id, day, amount in conn.execute(query):
        slot = found.setdefault(task_id, {})
        for key in {item_id, None}:
            slot.setdefault(key, {})[day] = slot.setdefault(key, {}).get(day, Decimal(0)) + Decimal(amount)
    return found


@dataclass
class MilestoneFacts:
    """Everything ``engine.queries.milestones.checklist_milestones`` judges from, for a set of task rows (one list's or
    several lists' at once: every key is a task or item row, unique across lists)."""

    by_task: dict[int, list]  # task row → its live items (id, task_id, name, state), in their order
    reached: dict[int, dict[str, dt.date]]  # item → state → activity date reached
    own: dict[int, list]  # item → its open or met deadlines of its own
    sums: dict[int, dict]  # task row → item (None: the task) → activity day → amount
    readings: dict[int, list]  # measured task row → its standing readings


def milestone_facts(
    conn, row_ids: list[int], measured_rows: list[int], until: dt.date | None = None, zone: str = "Asia/Shanghai"
) -> MilestoneFacts:
    """The facts of ``row_ids`` (``measured_rows``: those of measured targets), in five grouped queries."""
    by_task: dict[int, list] = {}
    for row in conn.execute(
        select(items.c.id, items.c.task_id, items.c.name, items.c.state)
        .where(items.c.task_id.in_(row_ids), items.c.removed.is_(False))
        .order_by(items.c.position)
    ):
        by_task.setdefault(row.task_id, []).append(row)
    return MilestoneFacts(
        by_task,
        reached_dates(conn, row_ids, until),
        item_deadlines_of(conn, row_ids, until, zone),
        sums_by_day(conn, row_ids, until),
        readings_of(conn, measured_rows, until),
    )
