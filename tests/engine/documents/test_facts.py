"""The facts every document prints: a status restated as of an earlier date equals the status that was read on
that date, and the facts agree with the status they come from (both databases)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine.documents.facts import gather, period_of_kind
from engine.queries.status import checklist_status
from tests.engine.documents import halfyear

DATES = [dt.date(2017, 2, 28), dt.date(2017, 4, 20), dt.date(2017, 5, 31), dt.date(2017, 6, 9), dt.date(2017, 6, 22)]


def test_a_status_restated_as_of_a_date_equals_the_status_read_that_day(store, plugins):
    """Read the status at the end of each date while the half-year runs; afterwards, restate it as of each date."""
    seen, after = {}, None
    for day in DATES:
        clock = halfyear.simulate(store, plugins, until=day, after=after)
        seen[day] = checklist_status(store, halfyear.CHECKLIST, clock, plugins).as_json()
        after = day
    clock = halfyear.simulate(store, plugins, after=after)
    for day, expected in seen.items():
        restated = checklist_status(store, halfyear.CHECKLIST, clock, plugins, as_of=day).as_json()
        assert restated == expected, day
        assert gather(store, halfyear.CHECKLIST, clock, plugins, as_of=day).status.as_json() == expected


def test_facts_agree_with_the_status(store, plugins):
    clock = halfyear.simulate(store, plugins)
    facts = gather(store, halfyear.CHECKLIST, clock, plugins, period="month")
    status = {t["id"]: t for t in checklist_status(store, halfyear.CHECKLIST, clock, plugins).as_json()["tasks"]}
    assert facts.as_of == dt.date(2017, 6, 30) and facts.period.label == "2017年6月"
    by_id = {t.task.id: t for t in facts.tasks}
    t4 = by_id["T4"]
    assert (t4.done, t4.target, t4.target_unit) == (Decimal(2854), Decimal(5472), "场次")
    assert t4.period_done == Decimal(506)  # June's reports: 477 and the poor villages' 29
    assert [tuple(p[:3]) for p in t4.parts] == [("贫困村放映", Decimal(163), Decimal(300))]
    assert t4.parts[0].completion == pytest.approx(163 / 300)
    assert not t4.behind_pace and by_id["T5"].behind_pace  # T4 lags 2 points, T5 11.5: the pace margin is 10
    assert t4.remaining == Decimal(5472 - 2854)
    for task_id, fact in by_id.items():
        assert fact.light == status[task_id]["light"]
        assert fact.overdue_items == status[task_id]["overdue"]
    assert by_id["T8"].funds == {
        "budget": Decimal("172.12"),
        "allocated": Decimal("172.12"),
        "disbursed": Decimal(100),
        "spent": Decimal(60),
    }
    assert [n.note for n in by_id["T5"].notes] == []  # the note was written in May, outside June
    assert facts.totals["overdue_items"] == sum(t["overdue"] for t in status.values())
    # every milestone that came due, the items' own contract and rectification deadlines included (on time: T7's
    # and 三清村's contracts, T7's acceptance; late: 玉城村's contract; missed: 人民村's contract, 玉城村's rectification)
    assert facts.totals["on_time_rate"] is not None and facts.totals["on_time_rate"] < 1
    overdue = [(o.task.id, o.item, o.milestone, o.due, o.days_overdue) for o in facts.overdue]
    assert overdue == [
        ("T1", halfyear.RENMIN, "签订书面合同", dt.date(2017, 6, 9), 21),
        ("T1", halfyear.YUCHENG, "整改", dt.date(2017, 6, 22), 8),
    ]
    assert [(f.item, f.unmet, f.rectify_due) for f in facts.failed_inspections] == [
        (halfyear.YUCHENG, ("文化广场面积 180 平方米(要求不少于 200)",), dt.date(2017, 6, 22))
    ]
    exi = next(i for i in facts.items if i.item == halfyear.EXI)
    assert (exi.stage, exi.closed_on, len(exi.inspections)) == ("已验收销号", dt.date(2017, 6, 21), 2)


def test_facts_as_of_an_earlier_date_leave_out_what_came_after(store, plugins):
    clock = halfyear.simulate(store, plugins)
    facts = gather(store, halfyear.CHECKLIST, clock, plugins, as_of=dt.date(2017, 3, 31), period="half")
    by_id = {t.task.id: t for t in facts.tasks}
    assert by_id["T4"].done == Decimal(395 + 424 + 453 + 25 + 26 + 27)
    assert by_id["T8"].funds["disbursed"] == 0
    assert facts.overdue == [] and facts.failed_inspections == []
    yucheng = next(i for i in facts.items if i.item == halfyear.YUCHENG)
    assert yucheng.stage == "招投标" and yucheng.inspections == []


@pytest.mark.parametrize(
    "kind, day, label, start, end",
    [
        ("week", dt.date(2017, 6, 30), "2017年第26周(6月26日至7月2日)", dt.date(2017, 6, 26), dt.date(2017, 7, 2)),
        ("month", dt.date(2017, 6, 30), "2017年6月", dt.date(2017, 6, 1), dt.date(2017, 6, 30)),
        ("quarter", dt.date(2017, 8, 1), "2017年第三季度", dt.date(2017, 7, 1), dt.date(2017, 9, 30)),
        ("half", dt.date(2017, 6, 30), "2017年上半年", dt.date(2017, 1, 1), dt.date(2017, 6, 30)),
        ("half", dt.date(2017, 7, 1), "2017年下半年", dt.date(2017, 7, 1), dt.date(2017, 12, 31)),
        ("year", dt.date(2017, 7, 1), "2017年", dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
    ],
)
def test_periods_as_documents_name_them(kind, day, label, start, end):
    period = period_of_kind(kind, day)
    assert (period.label, period.start, period.end) == (label, start, end)
