"""Status: progress, state counts, next deadline and overdue, judged on the checklist's local date."""

from engine.dates.clock import FixedClock
from engine.queries.status import checklist_status
from engine.runtime.fire import fire
from plugins.acceptance import record as inspect
from tests.conftest import at

# what the tendering step needs to award (before the clock fixture's 2017-03-01); the contract is already
# signed, so the award starts no contract deadline of its own
AWARD = {
    "announced": "2017-01-05",
    "bid_deadline": "2017-02-06",
    "winner": "四川蜀建建设有限公司",
    "amount": "45.6",
    "publicity": "2017-02-10",
    "award_notice": "2017-02-20",
    "contract_signed": "2017-02-25",
}


def board(store, when):
    return {t["id"]: t for t in checklist_status(store, "yanting-wenguang-2017", FixedClock(at(when))).as_json()["tasks"]}


def test_json_shape(store, yanting):
    data = checklist_status(store, "yanting-wenguang-2017", FixedClock(at("2017-03-01"))).as_json()
    assert data["checklist"] == {"id": "yanting-wenguang-2017", "title": "盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单"}
    assert [t["id"] for t in data["tasks"]] == ["T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8"]
    t1 = data["tasks"][0]
    open_11 = {"on_time": 0, "late": 0, "missed": 0, "open": 11, "void": 0}
    assert t1 == {
        "id": "T1",
        "title": "完善提升贫困村综合文化服务中心",
        "kind": "workflow",
        "progress": {"done": 0, "target": 11},
        "parts": {},
        "states": {"planning": 11},
        "next_deadline": "2017-07-20",
        "overdue": 0,
        "items": 11,
        "finished": 0,
        "milestones": [
            {"state": "building", "due": "2017-07-20", **open_11},
            {"state": "completed", "due": "2017-09-05", **open_11},
            {"state": "accepted", "due": "2017-10-31", **open_11},
        ],
        "on_time_rate": None,
        "light": "green",
    }
    assert data["tasks"][3]["parts"] == {"poor": {"done": 0, "target": 300}}


def test_deadline_is_met_until_the_end_of_the_day(store, yanting):
    assert board(store, "2017-07-20T23:59")["T1"]["overdue"] == 0
    assert board(store, "2017-07-21T00:01")["T1"]["overdue"] == 11
    assert board(store, "2017-07-21")["T1"]["next_deadline"] == "2017-09-05"


def test_reaching_a_later_state_meets_earlier_deadlines(store, yanting, clock, plugins):
    name = "林农镇玉城村"
    for trigger, actor in [("approve_plan", "li"), ("open_tender", "zhang"), ("award", "zhang")]:
        fire(
            store,
            task="T1",
            item=name,
            trigger=trigger,
            actor=actor,
            clock=clock,
            plugins=plugins,
            data=AWARD if trigger == "award" else None,
        )
    t1 = board(store, "2017-07-25")["T1"]
    assert t1["overdue"] == 10 and t1["states"] == {"planning": 10, "building": 1}


def test_rectifying_counts_as_having_reached_inspection(store, yanting, clock, plugins):
    name = "安家镇鹅溪村"
    for trigger, actor in [
        ("approve_plan", "li"),
        ("open_tender", "liu"),
        ("award", "liu"),
        ("finish", "liu"),
        ("request_inspection", "liu"),
    ]:
        fire(
            store,
            task="T7",
            item=name,
            trigger=trigger,
            actor=actor,
            clock=clock,
            plugins=plugins,
            data=AWARD if trigger == "award" else None,
        )
    inspect(store, task="T7", item=name, inspector="zhao", values={"1": "否"}, clock=clock, plugins=plugins)  # fails
    t7 = board(store, "2017-10-30")["T7"]
    assert t7["states"] == {"rectifying": 1} and t7["overdue"] == 0 and t7["next_deadline"] == "2017-10-31"
    assert board(store, "2017-11-01")["T7"]["overdue"] == 1


def test_target_overdue_and_done(store, yanting, clock):
    from engine.runtime.progress import report

    assert board(store, "2017-10-01")["T3"]["overdue"] == 1
    report(store, task="T3", amount="1748", actor="chen", clock=clock)
    t3 = board(store, "2017-10-01")["T3"]
    assert t3["overdue"] == 0 and t3["next_deadline"] is None and t3["progress"] == {"done": 1748, "target": 1748}


def test_lights(store, yanting, clock):
    from engine.runtime.progress import report

    assert board(store, "2017-07-12")["T1"]["light"] == "green"
    assert board(store, "2017-07-13")["T1"]["light"] == "yellow"  # 5 working days before 07-20: the first reminder
    assert board(store, "2017-07-21")["T1"]["light"] == "red"
    report(store, task="T5", amount="25", actor="zhang", clock=clock)
    assert board(store, "2017-07-21")["T5"]["light"] == "done"


def test_pace_of_a_target(store, yanting, clock):
    from engine.runtime.progress import report

    # T4: 5472 screenings by 2017-11-30, pace: true. On 06-30 about 54% of the span has passed.
    t4 = board(store, "2017-06-30")["T4"]
    assert t4["light"] == "yellow" and t4["pace"]["done"] == 0 and 0.5 < t4["pace"]["elapsed"] < 0.56
    report(store, task="T4", amount="2854", actor="chen", clock=clock)  # 52%: within the 10-point margin
    t4 = board(store, "2017-06-30")["T4"]
    assert t4["light"] == "green" and t4["pace"]["done"] == 0.522
