"""What one fire says to the database (issue "Fast where people wait": nothing per fire that does not depend on the
fire). A leader's step on a staff member's item: the find (task, item, the list's revision and year-end closing in
one statement), the item's compare-and-set, the audit append and the notice to the responsible person. On PostgreSQL
the reached milestone rides with the item's update and the event with the chain head's (one round trip each)."""

from __future__ import annotations

from sqlalchemy import event, func, select

from engine.runtime.fire import fire
from engine.store.tables import notices

ITEM = "林农镇玉城村"


def _statements(store, action):
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement != "BEGIN":  # SQLite's own transaction start: a library call, not a round trip
            seen.append(" ".join(statement.split())[:60])

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return seen


def test_one_fire_is_a_fixed_handful_of_statements(store, clock, plugins, yanting):
    def step(item):
        return lambda: fire(store, task="T1", item=item, trigger="approve_plan", actor="li", clock=clock, plugins=plugins)

    step("八角镇人民村")()  # the first fire rebuilds the definition and compiles the statements
    seen = _statements(store, step(ITEM))
    expected = 4 if store.dialect == "postgresql" else 6  # SQLite: the event and the reached row apart (its BEGIN
    # IMMEDIATE is the dialect's transaction start, like PostgreSQL's BEGIN, not a statement of the fire)
    assert len(seen) == expected, seen
    assert not any("closed_at" in s and s.startswith("SELECT checklists") for s in seen), seen  # read with the find
    assert sum("notices" in s for s in seen) == 1
    with store.read() as conn:
        told = conn.execute(select(func.count()).select_from(notices).where(notices.c.kind == "step_fired")).scalar()
    assert told == 2  # one per fire, to the task's responsible person
