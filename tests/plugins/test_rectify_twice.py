"""Two failed inspection rounds of one item on one day give the same rectification date: one open deadline, no
database error (found by the fire-sequence property test), and the item's milestones show it once."""

from __future__ import annotations

from sqlalchemy import select

from engine.store.tables import item_deadlines
from tests.engine.documents import halfyear


def test_a_second_failure_on_the_same_day_opens_the_same_deadline_again(store, plugins):
    from engine.dates.clock import FixedClock
    from engine.queries.status import checklist_status
    from engine.runtime.fire import fire
    from engine.runtime.loader import load
    from plugins.acceptance import record as inspect

    clock = FixedClock(halfyear.instant("2017-02-20"))
    load(store, [halfyear.definition()], clock=clock)
    item = halfyear.YUCHENG
    award = halfyear._award("2017-02-21", "2017-03-15", "2017-03-20", "四川蜀建建设有限公司", "45.6")
    for day, trigger, actor, data in (
        ("2017-02-20", "approve_plan", "li", None),
        ("2017-02-21", "open_tender", "zhang", None),
        ("2017-03-20", "award", "zhang", award),
        ("2017-04-10", "finish", "zhang", None),
        ("2017-04-11", "request_inspection", "zhang", None),
    ):
        clock.at = halfyear.instant(day)
        fire(store, task="T1", item=item, trigger=trigger, actor=actor, clock=clock, plugins=plugins, data=data or {})
    failing = {**halfyear.PASSING_T1, "文化广场面积": "150"}
    clock.at = halfyear.instant("2017-04-12")
    inspect(store, task="T1", item=item, values=failing, inspector="zhao", clock=clock, plugins=plugins)
    fire(store, task="T1", item=item, trigger="request_inspection", actor="zhang", clock=clock, plugins=plugins)
    inspect(store, task="T1", item=item, values=failing, inspector="zhao", clock=clock, plugins=plugins)
    with store.read() as conn:
        rows = conn.execute(select(item_deadlines.c.key, item_deadlines.c.outcome).where(item_deadlines.c.key == "rectify")).all()
    assert [tuple(r) for r in rows] == [("rectify", None)]  # one row, open again
    status = checklist_status(store, halfyear.CHECKLIST, clock, plugins)
    judged = next(t for t in status.tasks if t.id == "T1").judged
    mine = next(i for i in judged.items if i.name == item)
    assert [m.label for m in mine.milestones if m.label == "整改"] == ["整改"]
