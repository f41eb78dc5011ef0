"""Migration 0003 back-fills what older databases hold: when items reached states (replayed from their
transition events through the workflow's ``reached`` rule), activity dates, the chain heads' entry time, item
deadline outcomes, and the columns that replace the string keys of schedule rows and notices."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from engine.dates.clock import FixedClock
from engine.store.db import open_store
from engine.store.migrate import upgrade
from tests.conftest import YANTING, definition_of

UTC = dt.UTC


@pytest.fixture
def old_store(db_url):
    opened = open_store(db_url)
    yield opened
    opened.dispose()  # its pooled connections are closed, not left to the garbage collector


def test_upgrade_from_0002_back_fills(old_store, steps):
    store = old_store
    upgrade(store, "0002")
    definition = definition_of(YANTING, steps)
    t0 = dt.datetime(2017, 3, 1, 1, 0, tzinfo=UTC)
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO checklists (id, title, year, revision, source_sha256, definition, format_version, loaded_at) "
                "VALUES (:id, 't', 2017, 1, 'x', :d, 1, :at)"
            ),
            {"id": definition.id, "d": definition.source_json, "at": t0},
        )
        rows = {}
        for position, key, kind in ((0, "T1", "workflow"), (1, "T10", "recurring")):
            rows[key] = conn.execute(
                text("INSERT INTO tasks (checklist_id, key, kind, position, removed) VALUES (:c, :k, :kind, :p, :r) RETURNING id"),
                {"c": definition.id, "k": key, "kind": kind, "p": position, "r": False},
            ).scalar_one()
        late = dt.datetime(2017, 7, 21, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, one day after building was due
        item = conn.execute(
            text(
                "INSERT INTO items (task_id, name, position, state, version, state_since, removed) "
                "VALUES (:t, '八角镇人民村', 0, 'building', 4, :at, :r) RETURNING id"
            ),
            {"t": rows["T1"], "at": late, "r": False},
        ).scalar_one()
        for seq, (to_state, when) in enumerate((("plan_approved", t0), ("tendering", t0), ("building", late)), start=1):
            conn.execute(
                text(
                    "INSERT INTO events (chain, seq, at, actor, kind, checklist_id, task_key, item_name, trigger, to_state, "
                    "data, prev_hash, hash) VALUES (:c, :s, :at, 'zhang', 'transition', :c, 'T1', '八角镇人民村', 'x', :to, '{}', '', '')"
                ),
                {"c": definition.id, "s": seq, "at": when, "to": to_state},
            )
        conn.execute(text("INSERT INTO chain_heads (chain, seq, hash) VALUES (:c, 3, '')"), {"c": definition.id})
        deadline = conn.execute(
            text(
                "INSERT INTO item_deadlines (item_id, key, label, due_date, reach_state, created_at) "
                "VALUES (:i, 'contract', '签订合同', :due, NULL, :at) RETURNING id"
            ),
            {"i": item, "due": dt.date(2017, 8, 20), "at": late},
        ).scalar_one()
        schedule = [
            ("building@2017-07-20", "remind:5 workdays", "reminder"),
            ("building@2017-07-20", "escalate:1", "escalation"),
            ("month:2017-07-01", "overdue", "overdue"),
            (f"contract#{deadline}@2017-08-20", "remind:1 workday", "reminder"),
        ]
        for key, rule, kind in schedule:
            conn.execute(
                text(
                    "INSERT INTO schedule (checklist_id, task_id, deadline_key, due_date, rule_key, kind, fire_at, pending) "
                    "VALUES (:c, :t, :k, :due, :r, :kind, :at, :p)"
                ),
                {"c": definition.id, "t": rows["T1"], "k": key, "due": dt.date(2017, 7, 20), "r": rule, "kind": kind, "at": t0, "p": True},
            )
        conn.execute(
            text(
                "INSERT INTO notices (dedupe_key, checklist_id, task_id, item_id, kind, rule_key, deadline_key, due_date, "
                "recipient, created_at, subject, text) VALUES ('k', :c, :t, :i, 'overdue', 'overdue', 'building@2017-07-20', "
                ":due, 'zhang', :at, 's', 'x')"
            ),
            {"c": definition.id, "t": rows["T1"], "i": item, "due": dt.date(2017, 7, 20), "at": late},
        )
        conn.execute(
            text("INSERT INTO progress (task_id, amount, actor, at) VALUES (:t, 1, 'zhang', :at)"),
            {"t": rows["T10"], "at": dt.datetime(2017, 1, 31, 17, 0, tzinfo=UTC)},
        )  # 2月1日 01:00 in Shanghai

    upgrade(store)

    with store.engine.connect() as conn:
        reached = dict(conn.execute(text("SELECT state, reached_on FROM item_reached WHERE item_id = :i"), {"i": item}).all())
        assert {k: str(v) for k, v in reached.items()} == {
            "planning": "2017-03-01",
            "plan_approved": "2017-03-01",
            "tendering": "2017-03-01",
            "building": "2017-07-21",
        }
        keys = [tuple(r) for r in conn.execute(text("SELECT milestone, period_start, kind, rule_index FROM schedule ORDER BY id"))]
        assert [(m, str(p) if p else None, k, i) for m, p, k, i in keys] == [
            ("building", None, "reminder", 0),
            ("building", None, "escalation", 1),
            (None, "2017-07-01", "overdue", None),
            (None, None, "reminder", 1),
        ]
        assert conn.execute(text("SELECT milestone, item_deadline_id FROM notices")).one() == ("building", None)
        assert str(conn.execute(text("SELECT on_date FROM progress")).scalar_one()) == "2017-02-01"
        assert conn.execute(text("SELECT at FROM chain_heads")).scalar_one() is not None

    # and the verdict reads from the back-filled dates: building reached one day late
    from engine.queries.status import checklist_status

    status = checklist_status(store, definition.id, FixedClock(dt.datetime(2017, 7, 25, 2, tzinfo=UTC)))
    t1 = next(t for t in status.tasks if t.id == "T1")
    building = next(m for m in t1.milestones if m.milestone == "building")
    assert building.counts == {"late": 1} and building.most_late == 1
