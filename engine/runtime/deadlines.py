"""Deadlines in the database: the ``schedule`` rows a checklist's plan becomes, and deadlines of single items.

Task deadlines (workflow milestones, a target's ``done``, each period of a recurring duty) are planned once
per task, not per item (``engine.definition.planning``), so the schedule has a handful of rows per task
whatever the number of items; items are looked at only when a row falls due. Deadlines that appear later for
one item (rectification, a contract) are ``item_deadlines`` rows with their own schedule rows.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select, update

from engine.definition.definitions import ChecklistDef, TaskDef
from engine.definition.planning import fire_at, plan_task, rule_days
from engine.store.tables import events, item_deadlines, schedule, tasks


def first_loaded_day(conn, definition: ChecklistDef) -> dt.date | None:
    """The local day the checklist was first loaded: periods that ended before it are not held against anyone
    (replanning later, e.g. when next year's calendar becomes known, must not drop what is still owed)."""
    first = conn.execute(select(func.min(events.c.at)).where(events.c.chain == definition.id, events.c.kind == "load")).scalar()
    return _local_day(first, definition.timezone)


def first_loaded_days(conn, definitions: list[ChecklistDef]) -> dict[str, dt.date | None]:
    """``first_loaded_day`` of several lists in one query."""
    query = (
        select(events.c.chain, func.min(events.c.at))
        .where(events.c.chain.in_([definition.id for definition in definitions]), events.c.kind == "load")
        .group_by(events.c.chain)
    )
    found = dict(conn.execute(query).all())
    return {definition.id: _local_day(found.get(definition.id), definition.timezone) for definition in definitions}


def _local_day(first: dt.datetime | None, zone: str) -> dt.date | None:
    if first is None:
        return None
    if first.tzinfo is None:  # SQLite hands an aggregate back without the column type's conversion
        first = first.replace(tzinfo=dt.UTC)
    return first.astimezone(ZoneInfo(zone)).date()


def replan_checklist(conn, definition: ChecklistDef, now: dt.datetime) -> int:
    """Make the pending schedule rows of task deadlines match the definition (after a load or reload).

    Rows already processed stay as the record of what was done; pending rows whose deadline, rule or day no
    longer exists are removed (a moved deadline moves its notices). Periods of a recurring duty that
    ended before the duty was loaded are recorded as done: nobody could report in them, so nobody is
    chased for them. Returns the number of rows written.
    """
    loaded_day = first_loaded_day(conn, definition) or now.astimezone(ZoneInfo(definition.timezone)).date()
    task_rows = {
        r.key: r.id
        for r in conn.execute(select(tasks.c.key, tasks.c.id).where(tasks.c.checklist_id == definition.id, tasks.c.removed.is_(False)))
    }
    existing = {}
    for row in conn.execute(
        select(
            schedule.c.id,
            schedule.c.task_id,
            schedule.c.milestone,
            schedule.c.period_start,
            schedule.c.due_date,
            schedule.c.kind,
            schedule.c.rule_index,
            schedule.c.fire_at,
            schedule.c.pending,
        ).where(schedule.c.checklist_id == definition.id, schedule.c.item_deadline_id.is_(None))
    ):
        existing[(row.task_id, row.milestone, row.period_start, row.due_date, row.kind, row.rule_index, row.fire_at)] = row
    wanted = {}
    instants: dict = {}  # day -> its notice time (fire_at): a list's tasks share a few hundred days at most
    for task in definition.tasks:
        row_id = task_rows.get(task.id)
        if row_id is None:
            continue
        for f in plan_task(definition, task):
            when = instants.get(f.day)
            if when is None:
                when = instants[f.day] = fire_at(definition, f.day)
            wanted[(row_id, f.milestone, f.period_start, f.due_date, f.kind.value, f.rule_index, when)] = f
    stale = [row.id for key, row in existing.items() if row.pending and key not in wanted]
    for start in range(0, len(stale), 500):
        conn.execute(delete(schedule).where(schedule.c.id.in_(stale[start : start + 500])))
    fresh = []
    for key, f in wanted.items():
        if key in existing:
            continue
        before_loading = f.period_start is not None and f.due_date < loaded_day
        fresh.append(
            {
                "checklist_id": definition.id,
                "task_id": key[0],
                "item_deadline_id": None,
                "milestone": f.milestone,
                "period_start": f.period_start,
                "due_date": f.due_date,
                "kind": f.kind.value,
                "rule_index": f.rule_index,
                "fire_at": key[-1],
                "pending": not before_loading,
                "processed_at": now if before_loading else None,
            }
        )
    for start in range(0, len(fresh), 2000):
        conn.execute(insert(schedule), fresh[start : start + 2000])
    return len(fresh)


def add_item_deadline(
    conn,
    *,
    definition: ChecklistDef,
    task: TaskDef,
    task_row_id: int,
    item_id: int,
    key: str,
    label: str,
    due: dt.date,
    reach_state: str | None,
    now: dt.datetime,
    replaces: str | None = None,
    original_due: dt.date | None = None,
) -> int:
    """A deadline for one item that appears during the work (rectification, contract signing).

    Reminded and escalated with the task's rules, like any deadline. An open deadline with the same
    key is superseded (its pending notices go with it). Met when the item reaches ``reach_state``
    (``engine.runtime.reaching``) or when ``clear_item_deadline`` is called. Returns the deadline's id.
    ``replaces`` and ``original_due``: an approved extension (``engine.runtime.extension_requests``) moved the
    workflow milestone ``replaces`` (or this key's earlier deadline) for this item from ``original_due``.
    """
    clear_item_deadline(conn, item_id=item_id, key=key, now=now, superseded=True)
    same = conn.execute(
        select(item_deadlines.c.id).where(
            item_deadlines.c.item_id == item_id, item_deadlines.c.key == key, item_deadlines.c.due_date == due
        )
    ).scalar()
    if same is not None:
        # The same deadline again (a second failed inspection on the day of the first: the same rectification date).
        # One row per (item, key, due date): it is opened again, and its rules are scheduled afresh below (notices
        # already sent for it are not repeated: they are deduplicated by deadline).
        conn.execute(
            update(item_deadlines)
            .where(item_deadlines.c.id == same)
            .values(
                label=label,
                reach_state=reach_state,
                created_at=now,
                cleared_at=None,
                outcome=None,
                met_on=None,
                replaces=replaces,
                original_due=original_due,
            )
        )
        conn.execute(delete(schedule).where(schedule.c.item_deadline_id == same))
        deadline_id = same
    else:
        deadline_id = conn.execute(
            insert(item_deadlines)
            .values(
                item_id=item_id,
                key=key,
                label=label,
                due_date=due,
                reach_state=reach_state,
                created_at=now,
                cleared_at=None,
                replaces=replaces,
                original_due=original_due,
            )
            .returning(item_deadlines.c.id)
        ).scalar_one()
    rows = [
        {
            "checklist_id": definition.id,
            "task_id": task_row_id,
            "item_deadline_id": deadline_id,
            "milestone": None,
            "period_start": None,
            "due_date": due,
            "kind": kind.value,
            "rule_index": index,
            "fire_at": fire_at(definition, day),
            "pending": True,
            "processed_at": None,
        }
        for kind, index, day, _to in rule_days(definition.calendar, due, task.remind, task.escalate)
    ]
    conn.execute(insert(schedule), rows)
    return deadline_id


def clear_item_deadline(conn, *, item_id: int, key: str, now: dt.datetime, on: dt.date | None = None, superseded: bool = False) -> None:
    """Close an item's open deadline ``key``: met on the activity date ``on`` (default: today in UTC terms of
    ``now``'s date), or superseded by a new deadline with the same key. Its pending reminders are dropped."""
    open_ids = [
        r.id
        for r in conn.execute(
            select(item_deadlines.c.id).where(
                item_deadlines.c.item_id == item_id, item_deadlines.c.key == key, item_deadlines.c.cleared_at.is_(None)
            )
        )
    ]
    if not open_ids:
        return
    values = (
        {"cleared_at": now, "outcome": "superseded"} if superseded else {"cleared_at": now, "outcome": "met", "met_on": on or now.date()}
    )
    conn.execute(update(item_deadlines).where(item_deadlines.c.id.in_(open_ids)).values(**values))
    conn.execute(delete(schedule).where(schedule.c.item_deadline_id.in_(open_ids), schedule.c.pending.is_(True)))
