"""What a list's status is computed from, read for one list or for several at once.

``engine.queries.status`` assembles each list's figures from these facts; it reads nothing itself. Every query here
is grouped over task rows, and task and item rows are unique across lists, so the facts of a county's 25 towns are
read with the same dozen queries as one town's and each town takes its own rows out of the shared answers: the
county's status costs a constant number of queries, not a set per child list (on PostgreSQL each is a round trip).

Must not: write, or decide anything (no light, no verdict): that is ``engine.queries.status`` and ``engine.verdicts``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select

from engine.amounts import usable
from engine.definition.definitions import ChecklistDef
from engine.kinds import TaskKind
from engine.numbers import as_json_number as _num
from engine.queries.milestone_facts import milestone_facts
from engine.queries.milestones import checklist_milestones
from engine.runtime.deadlines import first_loaded_days
from engine.runtime.measures import is_measured, readings_of
from engine.store.tables import items, progress, tasks


@dataclass
class ListFacts:
    """One list's facts. The row-keyed maps may hold other lists' rows too (read together): look up by row."""

    task_ids: dict[str, int]  # live task id → its row
    histogram: dict[int, dict[str, int]]  # task row → state → live items in it
    item_counts: dict[int, int]  # task row → live items
    sums: dict[tuple[int, str | None], Decimal]  # (task row, part) → reported sum up to today
    totals: dict[int, Decimal]  # task row → reported sum up to today, every part
    excluded: dict[int, int]  # task row → entries whose amount cannot be used
    readings: dict[int, list]  # measured task row → its readings up to today
    judged: dict  # task id → engine.queries.milestones.TaskMilestones
    own: dict[int, list[dict]]  # task row → its items with something of their own
    hooked: dict  # task id → what plugins add (fields, a yellow light)


def read_lists(conn, definitions: list[ChecklistDef], today: dt.date, *, restate: bool = False, plugins=None) -> dict[str, ListFacts]:
    """The facts of ``definitions`` on ``today`` (each list's own local date: callers group lists by it).
    ``restate``: ``today`` is a past statement date (``checklist_status(as_of=…)``), for one list at a time."""
    if restate and len(definitions) != 1:
        raise ValueError("a restated status is read for one list at a time")
    ids = [definition.id for definition in definitions]
    task_ids: dict[str, dict[str, int]] = {cid: {} for cid in ids}
    which = tasks.c.checklist_id == ids[0] if len(ids) == 1 else tasks.c.checklist_id.in_(ids)
    for cid, key, row in conn.execute(select(tasks.c.checklist_id, tasks.c.key, tasks.c.id).where(which, tasks.c.removed.is_(False))):
        task_ids[cid][key] = row
    # by the task rows just read, not a join on the list: PostgreSQL's planner cannot size that join and scanned
    # every list's items (26 times over for a county rolling up 25 towns)
    rows = [row for found in task_ids.values() for row in found.values()]
    histogram: dict[int, dict[str, int]] = {}
    item_counts: dict[int, int] = {}
    for task_id, state, count in conn.execute(
        select(items.c.task_id, items.c.state, func.count())
        .where(items.c.task_id.in_(rows), items.c.removed.is_(False))
        .group_by(items.c.task_id, items.c.state)
    ):
        item_counts[task_id] = item_counts.get(task_id, 0) + count
        if state is not None:
            histogram.setdefault(task_id, {})[state] = count
    sums: dict[tuple[int, str | None], Decimal] = {}
    totals: dict[int, Decimal] = {}
    for task_id, part, amount in conn.execute(
        select(progress.c.task_id, progress.c.part, func.sum(progress.c.amount))
        .where(progress.c.task_id.in_(rows), progress.c.on_date <= today, usable(progress.c.amount))
        .group_by(progress.c.task_id, progress.c.part)
    ):
        sums[(task_id, part)] = Decimal(amount)
        totals[task_id] = totals.get(task_id, Decimal(0)) + sums[(task_id, part)]
    excluded = dict(  # entries no one could have entered (a write around the engine): left out, and said so
        conn.execute(
            select(progress.c.task_id, func.count())
            .where(progress.c.task_id.in_(rows), progress.c.on_date <= today, ~usable(progress.c.amount))
            .group_by(progress.c.task_id)
        ).all()
    )
    measured = {cid: [task_ids[cid][t.id] for t in d.tasks if is_measured(t) and t.id in task_ids[cid]] for cid, d in zip(ids, definitions)}
    readings = readings_of(conn, [row for found in measured.values() for row in found], today)
    # the milestones of the tasks that hold work (an assigned task's rows hold none: it is rolled up instead)
    judged_rows = {}
    for cid, definition in zip(ids, definitions):
        assigned = {task.id for task in definition.tasks if task.assign}
        judged_rows[cid] = {key: row for key, row in task_ids[cid].items() if key not in assigned}
    every_judged = [row for found in judged_rows.values() for row in found.values()]
    facts = None
    if every_judged:
        judged_set = set(every_judged)
        judged_measured = [row for found in measured.values() for row in found if row in judged_set]
        zone = definitions[0].timezone  # read for one list when restating, the only case the zone is used
        facts = milestone_facts(conn, every_judged, judged_measured, today if restate else None, zone)
    first_loaded = first_loaded_days(conn, definitions)
    own = _own_items(conn, rows)
    found = {}
    for cid, definition in zip(ids, definitions):
        judged = checklist_milestones(
            conn, definition, today, judged_rows[cid], restate=restate, facts=facts, first_loaded=first_loaded[cid]
        )
        found[cid] = ListFacts(
            task_ids[cid],
            _states_of(judged, task_ids[cid]) if restate else histogram,
            item_counts,
            sums,
            totals,
            excluded,
            readings,
            judged,
            own,
            _plugin_fields(plugins, definition, conn, today),
        )
    return found


def _own_items(conn, task_rows: list[int]) -> dict[int, list[dict]]:
    """task row → its items that have something of their own (``items.owner`` is who holds it now), in order."""
    found: dict[int, list[dict]] = {}
    query = (
        select(items.c.task_id, items.c.name, items.c.owner, items.c.due, items.c.quantity, items.c.note)
        .where(
            items.c.task_id.in_(task_rows),
            items.c.removed.is_(False),
            or_(items.c.owner.is_not(None), items.c.due.is_not(None), items.c.quantity.is_not(None), items.c.note.is_not(None)),
        )
        .order_by(items.c.task_id, items.c.position)
    )
    for row in conn.execute(query):
        found.setdefault(row.task_id, []).append(
            {
                "name": row.name,
                "owner": row.owner,
                "due": row.due.isoformat() if row.due else None,
                "quantity": _num(Decimal(row.quantity)) if row.quantity is not None else None,
                "note": row.note,
            }
        )
    return found


def _states_of(judged: dict, task_ids: dict[str, int]) -> dict[int, dict[str, int]]:
    """Items per state as the restated milestones have them (the state each stood in on the statement date)."""
    histogram: dict[int, dict[str, int]] = {}
    for task_key, found in judged.items():
        if found.task.kind != TaskKind.WORKFLOW:
            continue
        slot = histogram.setdefault(task_ids[task_key], {})
        for item in found.items:
            slot[item.state] = slot.get(item.state, 0) + 1
    return histogram


def _plugin_fields(plugins, definition: ChecklistDef, conn, today: dt.date) -> dict:
    if plugins is None:
        return {}
    merged: dict = {}
    for answer in plugins.hook.qingdan_checklist_status(checklist=definition, connection=conn, today=today):
        for task_id, info in (answer or {}).items():
            slot = merged.setdefault(task_id, {"fields": {}, "light": None, "reason": None})
            slot["fields"].update(info.get("fields") or {})
            if info.get("light") == "yellow":
                slot["light"], slot["reason"] = "yellow", info.get("reason")
    return merged
