"""Record when an item reached a state: the dates every milestone verdict is judged by.

When an item enters state X it counts, from that activity date on, as having reached every state in
``WorkflowDef.reached[X]``; the first date per (item, state) is kept in ``item_reached``. Entering X also meets
the item's open deadlines that wait for one of those states (a rectification deadline met by coming back to
inspection). Called by firing (``engine.runtime.fire``); a forced reload that sends items back to the start
forgets what they had reached.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from sqlalchemy import String, and_, bindparam, delete, exists, func, literal, select, true, update

from engine.definition.definitions import WorkflowDef
from engine.runtime.deadlines import clear_item_deadline
from engine.store.tables import item_deadlines, item_reached, items, tasks


def counted(workflow: WorkflowDef, state: str) -> list[str]:
    """The states an item entering ``state`` counts as having reached, in order."""
    return sorted(workflow.reached.get(state, frozenset({state})))


def move_and_record(conn, workflow: WorkflowDef, move: dict, *, on: dt.date) -> int:
    """PostgreSQL: the item's compare-and-set (``move``: item_id, seen_version, dest, next_version, now) and the
    ``item_reached`` rows of its new state in one statement, one round trip; returns the items moved (0 or 1: the
    reached rows are written only when it moved). The caller then calls ``record_reached(…, recorded=True)``."""
    return conn.execute(_move_and_reach(), {**move, "states": counted(workflow, move["dest"]), "on": on}).scalar_one()


def record_reached(
    conn,
    workflow: WorkflowDef,
    *,
    item_id: int,
    state: str,
    on: dt.date,
    now: dt.datetime,
    deadlines_open: bool | None = None,
    recorded: bool = False,
) -> list:
    """Note the states the item now counts as having reached; meet its deadlines waiting for them.

    Returns the met item deadlines as rows (key, label, due_date) for the caller's audit trail.
    ``deadlines_open=False``: the caller knows the item has no open item deadline (``OpenTask.item_deadlines_open``),
    so none is looked for. ``recorded``: ``move_and_record`` already wrote the rows.
    """
    states = counted(workflow, state)
    # one statement: the first date per (item, state) stays, a state reached before is left alone
    if recorded:
        pass
    elif conn.dialect.name == "sqlite":  # in-process: an executemany is the cheapest
        conn.execute(
            _insert_reached_sqlite(), [{"item_id": item_id, "state": name, "reached_on": on, "entered_at": now} for name in states]
        )
    else:
        conn.execute(_insert_reached_server(), {"item_id": item_id, "states": states, "on": on, "now": now})
    if deadlines_open is False:
        return []
    waiting = conn.execute(_WAITING, {"item_id": item_id, "states": states}).all()
    for row in waiting:
        clear_item_deadline(conn, item_id=item_id, key=row.key, now=now, on=on)
    return waiting


# Built once per process, when first used (the dialects' modules are not imported before); each dialect spells the
# conflict clause itself.
@cache
def _insert_reached_sqlite():
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(item_reached).on_conflict_do_nothing(index_elements=["item_id", "state"])


@cache
def _insert_reached_server():
    # PostgreSQL: one statement over an array of the states (``unnest``), so one round trip where an executemany
    # costs more; a multi-row ``VALUES`` would do too, but SQLAlchemy cannot cache such a statement and compiles it
    # every time.
    from sqlalchemy.dialects.postgresql import ARRAY
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert

    return (
        postgresql_insert(item_reached)
        .from_select(
            ["item_id", "state", "reached_on", "entered_at"],
            select(
                bindparam("item_id", type_=item_reached.c.item_id.type),
                func.unnest(bindparam("states", type_=ARRAY(String))).table_valued("state").render_derived(name="reached").c.state,
                bindparam("on", type_=item_reached.c.reached_on.type),
                bindparam("now", type_=item_reached.c.entered_at.type),
            ),
        )
        .on_conflict_do_nothing(index_elements=["item_id", "state"])
    )


@cache
def _move_and_reach():
    # PostgreSQL: the item's compare-and-set with the reached rows of its new state as data-modifying CTEs, one round
    # trip; the rows are inserted only for the item the UPDATE returned, and the statement counts the items moved.
    from sqlalchemy.dialects.postgresql import ARRAY
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert

    moved_item = (
        update(items)
        .where(items.c.id == bindparam("item_id"), items.c.version == bindparam("seen_version"))
        .values(state=bindparam("dest"), version=bindparam("next_version"), state_since=bindparam("now"))
        .returning(items.c.id)
        .cte("moved_item")
    )
    reached_states = func.unnest(bindparam("states", type_=ARRAY(String))).table_valued("state").render_derived(name="reached")
    reached_now = (
        postgresql_insert(item_reached)
        .from_select(
            ["item_id", "state", "reached_on", "entered_at"],
            select(
                moved_item.c.id,
                reached_states.c.state,
                bindparam("on", type_=item_reached.c.reached_on.type),
                bindparam("now", type_=item_reached.c.entered_at.type),
            ).select_from(moved_item.join(reached_states, true())),
        )
        .on_conflict_do_nothing(index_elements=["item_id", "state"])
        .cte("reached_now")
    )
    return select(func.count()).select_from(moved_item).add_cte(reached_now)


_WAITING = select(item_deadlines.c.key, item_deadlines.c.label, item_deadlines.c.due_date).where(
    item_deadlines.c.item_id == bindparam("item_id"),
    item_deadlines.c.cleared_at.is_(None),
    item_deadlines.c.reach_state.in_(bindparam("states", expanding=True)),
)


def forget_reached(conn, item_ids: list[int]) -> None:
    """An item sent back to its workflow's start has reached nothing yet."""
    for start in range(0, len(item_ids), 500):
        conn.execute(delete(item_reached).where(item_reached.c.item_id.in_(item_ids[start : start + 500])))


def record_initial(conn, definition, now: dt.datetime) -> None:
    """Items waiting in their workflow's initial state have reached the states it counts: when a task dates one
    of those (rare: a milestone on the initial state), note the day they were loaded, as a fire would."""
    from engine.dates.clock import local_date

    day = local_date(now, definition.timezone)
    for task in definition.tasks:
        if task.workflow is None:
            continue
        workflow = definition.workflows[task.workflow]
        for state in sorted(workflow.reached.get(workflow.initial, frozenset()) & set(task.deadlines)):
            waiting = (
                select(items.c.id, literal(state), literal(day), literal(now, type_=item_reached.c.entered_at.type))
                .join(tasks, tasks.c.id == items.c.task_id)
                .where(
                    tasks.c.checklist_id == definition.id,
                    tasks.c.key == task.id,
                    items.c.state == workflow.initial,
                    ~exists().where(and_(item_reached.c.item_id == items.c.id, item_reached.c.state == state)),
                )
            )
            conn.execute(item_reached.insert().from_select(["item_id", "state", "reached_on", "entered_at"], waiting))
