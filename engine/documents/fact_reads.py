"""The rows ``engine.documents.facts`` reads beside the status: reports, reached states, inspection rounds and
item deadlines of one list, each stopping at the statement date. One query per kind of row, whatever the size
of the list. Reads only; judges nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from engine.dates.clock import local_date
from engine.store.tables import inspections, item_deadlines, item_reached, items, progress, tasks


@dataclass(frozen=True)
class ReportRow:
    id: int
    task_id: int
    item_id: int | None
    part: str | None
    amount: Decimal
    note: str | None
    actor: str
    on_date: dt.date
    reverses: int | None


@dataclass(frozen=True)
class RoundRow:
    item_id: int
    round: int
    at: dt.datetime
    on_date: dt.date
    inspector: str
    passed: bool
    results: list
    evidence: int


def item_rows(conn, checklist_id: str) -> list:
    """Every live item of the list: id, task_id, name, state, in the list's order."""
    return list(
        conn.execute(
            select(items.c.id, items.c.task_id, items.c.name, items.c.state)
            .join(tasks, tasks.c.id == items.c.task_id)
            .where(tasks.c.checklist_id == checklist_id, tasks.c.removed.is_(False), items.c.removed.is_(False))
            .order_by(tasks.c.position, items.c.position)
        )
    )


def reports(conn, checklist_id: str, until: dt.date) -> list[ReportRow]:
    """Every report and correction with an activity date on or before ``until``, oldest first."""
    query = (
        select(
            progress.c.id,
            progress.c.task_id,
            progress.c.item_id,
            progress.c.part,
            progress.c.amount,
            progress.c.note,
            progress.c.actor,
            progress.c.on_date,
            progress.c.reverses,
        )
        .join(tasks, tasks.c.id == progress.c.task_id)
        .where(tasks.c.checklist_id == checklist_id, progress.c.on_date <= until)
        .order_by(progress.c.on_date, progress.c.id)
    )
    return [ReportRow(*row[:4], Decimal(row.amount), *row[5:]) for row in conn.execute(query)]


def reached(conn, checklist_id: str, until: dt.date) -> dict[int, dict[str, dt.date]]:
    """item id → {state: the activity date the item first counted as having reached it}, up to ``until``."""
    found: dict[int, dict[str, dt.date]] = {}
    query = (
        select(item_reached.c.item_id, item_reached.c.state, item_reached.c.reached_on)
        .join(items, items.c.id == item_reached.c.item_id)
        .join(tasks, tasks.c.id == items.c.task_id)
        .where(tasks.c.checklist_id == checklist_id, item_reached.c.reached_on <= until)
    )
    for item_id, state, day in conn.execute(query):
        found.setdefault(item_id, {})[state] = day
    return found


def rounds(conn, checklist_id: str, until: dt.date, zone: str) -> dict[int, list[RoundRow]]:
    """item id → its inspection rounds held on or before ``until``, in order."""
    found: dict[int, list[RoundRow]] = {}
    query = (
        select(inspections)
        .join(items, items.c.id == inspections.c.item_id)
        .join(tasks, tasks.c.id == items.c.task_id)
        .where(tasks.c.checklist_id == checklist_id)
        .order_by(inspections.c.item_id, inspections.c.round)
    )
    for row in conn.execute(query).mappings():
        day = row["on_date"] or local_date(row["at"], zone)
        if day > until:
            continue
        found.setdefault(row["item_id"], []).append(
            RoundRow(
                row["item_id"],
                row["round"],
                row["at"],
                day,
                row["inspector"],
                bool(row["passed"]),
                json.loads(row["results"] or "[]"),
                len(json.loads(row["evidence"] or "[]")),
            )
        )
    return found


def deadlines_set(conn, checklist_id: str) -> dict[int, list]:
    """item id → the deadlines that appeared for it (rectification, contract …): created_at, due_date, label."""
    found: dict[int, list] = {}
    query = (
        select(item_deadlines.c.item_id, item_deadlines.c.created_at, item_deadlines.c.due_date, item_deadlines.c.label)
        .join(items, items.c.id == item_deadlines.c.item_id)
        .join(tasks, tasks.c.id == items.c.task_id)
        .where(tasks.c.checklist_id == checklist_id)
        .order_by(item_deadlines.c.created_at, item_deadlines.c.id)
    )
    for row in conn.execute(query):
        found.setdefault(row.item_id, []).append(row)
    return found
