"""申请延期: an approved request moves that item's deadline (and only that item's), keeps the original date in the
verdict's words; a refused one moves nothing; who may ask and decide."""

import datetime as dt
import json

import pytest
from sqlalchemy import select

from engine.dates.clock import FixedClock
from engine.errors import Conflict, InputError, NotPermitted
from engine.kinds import Verdict
from engine.queries.milestones import task_milestones
from engine.runtime import extension_requests as ext
from engine.runtime import supervision
from engine.store.tables import events, notices, tasks
from engine.verdicts import describe
from tests.conftest import at

ITEM = "林农镇玉城村"
OTHER = "八角镇人民村"


def _milestones(store, definition, today, item=ITEM):
    with store.read() as conn:
        row = conn.execute(select(tasks.c.id).where(tasks.c.key == "T1")).scalar()
        judged = task_milestones(conn, definition, definition.task_by_id["T1"], row, today)
    return next(i for i in judged.items if i.name == item).milestones


def _ask(store, clock, **overrides):
    values = dict(
        task="T1", item=ITEM, milestone="building", requested_due="2017-07-31", reason="招标流标,需重新招标", actor="zhang", clock=clock
    )
    values.update(overrides)
    return ext.request(store, **values)


def test_approved_extension_moves_only_that_item_and_keeps_the_original_date(store, clock, yanting, plugins):
    asked = _ask(store, clock)
    assert (asked.current_due, asked.requested_due, asked.label) == (dt.date(2017, 7, 20), dt.date(2017, 7, 31), "施工中")
    waiting = supervision.awaiting(store, "li", dt.date(2017, 3, 1))
    assert [(w.kind, w.item, w.due) for w in waiting] == [("decide_extension", ITEM, dt.date(2017, 7, 20))]
    assert [w.kind for w in supervision.awaiting(store, "wang", dt.date(2017, 3, 1))] == ["decide_extension"]  # a head may decide too
    assert ext.decide(store, request_id=asked.id, approve=True, actor="li", clock=clock, note="同意") == "approved"
    assert supervision.awaiting(store, "li", dt.date(2017, 3, 1)) == []

    late_july = dt.date(2017, 7, 25)
    mine = _milestones(store, yanting, late_july)
    building = [m for m in mine if m.extends == "building"]
    assert [m.milestone for m in mine].count("building") == 0  # the task's date no longer applies to this item
    assert len(building) == 1 and building[0].due == dt.date(2017, 7, 31) and building[0].original_due == dt.date(2017, 7, 20)
    assert building[0].verdict.verdict == Verdict.OPEN  # on the 25th: missed on the old date, open on the new
    other = next(m for m in _milestones(store, yanting, late_july, OTHER) if m.milestone == "building")
    assert other.verdict.verdict == Verdict.MISSED and other.due == dt.date(2017, 7, 20)

    # the item reaches the state before the new date: on time, and the words keep the original date
    from tests.plugins.conftest import AWARD, move

    walk = FixedClock(at("2017-04-10"))
    steps = (("approve_plan", "li", "2017-04-10"), ("open_tender", "zhang", "2017-05-02"), ("award", "zhang", "2017-07-26", AWARD))
    move(store, walk, plugins, *steps)
    building = next(m for m in _milestones(store, yanting, dt.date(2017, 8, 1)) if m.extends == "building")
    assert building.verdict.verdict == Verdict.ON_TIME
    words = describe(building.verdict.verdict, building.verdict.days_late, due=building.due, original_due=building.original_due)
    assert words == "按时完成(延期至 2017-07-31,原定 2017-07-20)"
    with store.read() as conn:
        approved = conn.execute(select(events).where(events.c.kind == "extension_approved")).mappings().one()
        told = conn.execute(select(notices.c.recipient).where(notices.c.kind == "extension_decision")).scalars().all()
    data = json.loads(approved["data"])
    assert (data["from"], data["to"], data["original"]) == ("2017-07-20", "2017-07-31", "2017-07-20")
    assert told == ["zhang"]


def test_a_second_extension_keeps_the_first_original_date(store, clock, yanting):
    ext.decide(store, request_id=_ask(store, clock).id, approve=True, actor="li", clock=clock)
    again = _ask(store, clock, requested_due="2017-08-10")
    assert again.current_due == dt.date(2017, 7, 31)
    ext.decide(store, request_id=again.id, approve=True, actor="wang", clock=clock)
    building = [m for m in _milestones(store, yanting, dt.date(2017, 3, 1)) if m.extends == "building"]
    assert [(m.due, m.original_due) for m in building] == [(dt.date(2017, 8, 10), dt.date(2017, 7, 20))]


def test_refused_extension_moves_nothing(store, clock, yanting):
    asked = _ask(store, clock)
    with pytest.raises(InputError) as caught:
        ext.decide(store, request_id=asked.id, approve=False, actor="li", clock=clock)
    assert caught.value.field == "note"
    assert ext.decide(store, request_id=asked.id, approve=False, actor="li", clock=clock, note="不影响工期,按原计划") == "refused"
    building = next(m for m in _milestones(store, yanting, dt.date(2017, 7, 25)) if m.milestone == "building")
    assert building.due == dt.date(2017, 7, 20) and building.verdict.verdict == Verdict.MISSED and building.original_due is None
    with pytest.raises(Conflict):
        ext.decide(store, request_id=asked.id, approve=True, actor="li", clock=clock)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"requested_due": "2017-07-10"}, "requested_due"),  # not later than the present deadline
        ({"requested_due": "7月底"}, "requested_due"),
        ({"reason": ""}, "reason"),
        ({"milestone": "planning"}, "deadline"),  # no deadline of that state
    ],
)
def test_bad_requests_are_refused_naming_the_field(store, clock, yanting, overrides, field):
    with pytest.raises(InputError) as caught:
        _ask(store, clock, **overrides)
    assert caught.value.field == field


def test_who_may_ask_and_decide(store, clock, yanting):
    for actor in ("chen", "li", "zhao"):
        with pytest.raises(NotPermitted, match="只有责任人可以"):
            _ask(store, clock, actor=actor)
    asked = _ask(store, clock)
    with pytest.raises(Conflict):
        _ask(store, clock)  # one pending request per deadline
    for actor in ("zhang", "chen", "zhao"):
        with pytest.raises(NotPermitted, match="只有分管领导、主要负责人可以"):
            ext.decide(store, request_id=asked.id, approve=True, actor=actor, clock=clock)


def test_the_sweep_chases_the_new_date_not_the_old(store, clock, yanting):
    from engine.reminders.sweep import run_pass

    ext.decide(store, request_id=_ask(store, clock).id, approve=True, actor="li", clock=clock)
    run_pass(store, FixedClock(at("2017-07-22T09:00")))  # the old date passed: the other items are overdue, ours is not
    with store.read() as conn:
        from engine.store.tables import items

        overdue = (
            conn.execute(select(items.c.name).join(notices, notices.c.item_id == items.c.id).where(notices.c.kind == "overdue"))
            .scalars()
            .all()
        )
    assert OTHER in overdue and ITEM not in overdue
    run_pass(store, FixedClock(at("2017-08-02T09:00")))
    with store.read() as conn:
        overdue = conn.execute(select(notices.c.due_date).where(notices.c.kind == "overdue", notices.c.item_id.isnot(None))).scalars().all()
    assert dt.date(2017, 7, 31) in overdue


def test_audit_verify_passes_with_extension_events(store, clock, yanting):
    from engine.runtime.audit import verify

    ext.decide(store, request_id=_ask(store, clock).id, approve=True, actor="li", clock=clock)
    ext.decide(store, request_id=_ask(store, clock, item=OTHER).id, approve=False, actor="li", clock=clock, note="不同意")
    with store.read() as conn:
        assert verify(conn).ok
