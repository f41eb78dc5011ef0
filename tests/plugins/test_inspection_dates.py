"""Inspections take an activity date like reports and fires: ``qingdan inspect --on`` (and the form's 验收日期)
dates the round, the state the verdict leads to, and the day a rectification period counts from."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine.store.tables import inspections, item_deadlines, item_reached, items
from tests.plugins.conftest import AWARD, ITEM, PASSING, move

FAILING = dict(PASSING, 文化广场面积="180")


def _checks(values):
    return [arg for name, value in values.items() for arg in ("--check", f"{name}={value}")]


def test_a_round_entered_later_counts_from_the_day_it_took_place(store, yanting, clock, plugins, qingdan):
    move(
        store,
        clock,
        plugins,
        ("approve_plan", "li", "2017-04-10"),
        ("open_tender", "zhang", "2017-05-02"),
        ("award", "zhang", "2017-06-20", AWARD),
        ("finish", "zhang", "2017-09-01"),
        ("request_inspection", "zhang", "2017-09-04"),
    )
    done = qingdan("inspect", "T1", ITEM, "--as", "zhao", *_checks(FAILING), "--on", "2017-09-06", now="2017-09-08T10:00")
    assert done.returncode == 0, done.stderr
    with store.read() as conn:
        item_id = conn.execute(select(items.c.id).where(items.c.name == ITEM)).scalar_one()
        assert conn.execute(select(inspections.c.on_date).where(inspections.c.item_id == item_id)).scalar_one() == dt.date(2017, 9, 6)
        reached = dict(conn.execute(select(item_reached.c.state, item_reached.c.reached_on).where(item_reached.c.item_id == item_id)).all())
        assert reached["rectifying"] == dt.date(2017, 9, 6)
        due = conn.execute(select(item_deadlines.c.due_date).where(item_deadlines.c.item_id == item_id, item_deadlines.c.key == "rectify"))
        assert due.scalar_one() == dt.date(2017, 9, 20)  # 10 working days from Wednesday 09-06, not from 09-08
    assert qingdan("fire", "T1", ITEM, "request_inspection", "--as", "zhang", now="2017-09-08T10:30").returncode == 0
    ahead = qingdan("inspect", "T1", ITEM, "--as", "zhao", *_checks(PASSING), "--on", "2017-09-09", now="2017-09-08T11:00")
    assert ahead.returncode == 1 and "之后" in ahead.stderr and "--on" in ahead.stderr
