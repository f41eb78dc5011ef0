"""A simulated first half of 2017 on the Yanting list, for the document exports' tests (台账, 调度表, 通报, 工作汇报).

Deterministic: the same steps, in date order, through the engine's own APIs (load, report, fire, step data,
inspection rounds, funds), each with the clock set to its day at 10:00 in Asia/Shanghai. ``simulate`` can stop at
a date and be called again to go on from there (``after``), so a test can read ``status --json`` at an earlier
date and compare it with an export written later ``--as-of`` that date.

The list is ``checklists/yanting-wenguang-2017.yaml`` with one change: T8 carries a budget (``funds: {budget:
172.12, unit: 万元}``) so the funds ledger has entries. No list deadline falls before July, so the late and
missed milestones of the half-year are the items' own: the written contract due 30 days after an award
notice (tendering plugin) and the rectification period after a failed inspection round (acceptance plugin).

What stands on 2017-06-30:

- T4 放映公益电影: 2854 of 5472 场次, of which 贫困村 163 (June: 506, of which 29); T3 户户通 850 of 1748;
  T5 文艺演出 12 of 25 (one report with a note); T8 资金 60 of 172.12 万元 reported, funds allocated 172.12,
  disbursed 100, spent 60.
- T1 林农镇玉城村: awarded 04-20, contract signed 05-25 (late: due 05-20), finished, inspection round 1 on 06-08
  failed (文化广场面积 180) → rectifying, its rectification deadline (06-22) missed. 八角镇人民村: awarded 05-10,
  no contract yet (due 06-09: missed). 茶亭燕来村: plan approved. The other eight: 编制实施方案.
- T2 云溪三清村: contract signed in time (awarded 06-01, signed 06-10); the others: planning.
- T6 小品《第一书记》: in rehearsal; premiere due 07-01 (yellow: its 3-day reminder window is open).
- T7 鹅溪村标识标牌: round 1 failed 05-31, rectification due 06-14, re-inspection asked 06-19 (late), round 2
  passed 06-21: accepted (销号 06-21).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.conftest import YANTING

ZONE = ZoneInfo("Asia/Shanghai")
CHECKLIST = "yanting-wenguang-2017"
END = dt.date(2017, 6, 30)

TEXT = YANTING.read_text(encoding="utf-8").replace(
    "    target: {quantity: 172.12, unit: 万元}\n    deadlines: {done: 2017-10-31}\n",
    "    target: {quantity: 172.12, unit: 万元}\n    deadlines: {done: 2017-10-31}\n    funds: {budget: 172.12, unit: 万元}\n",
)
assert "funds: {budget: 172.12" in TEXT, "the Yanting list changed: update tests/engine/documents/halfyear.py"

PASSING_T1 = {
    "文化广场面积": "210",
    "文化活动室面积": "95",
    "篮球场": "1",
    "乒乓球台": "2",
    "体育健身器材": "1",
    "电脑、电视、话筒等电子设备齐全": "是",
}
YUCHENG, RENMIN, YANLAI = "林农镇玉城村", "八角镇人民村", "茶亭燕来村"
SANQING = "云溪三清村"
EXI = "安家镇鹅溪村"


def _award(announced: str, bid_deadline: str, notice: str, winner: str, amount: str) -> dict:
    return {
        "announced": announced,
        "bid_deadline": bid_deadline,
        "winner": winner,
        "amount": amount,
        "publicity": (dt.date.fromisoformat(notice) - dt.timedelta(days=5)).isoformat(),
        "award_notice": notice,
    }


# T4: monthly reports on the 25th (the general figure and the poor villages' part), adding up to 2854 and 163
T4_MONTHS = [(1, 395, 25), (2, 424, 26), (3, 453, 27), (4, 472, 28), (5, 470, 28), (6, 477, 29)]

# (day, what, arguments): what is one of report, fire, data, inspect, funds
STEPS: list[tuple[str, str, dict]] = [
    *[(f"2017-{m:02d}-25", "report", {"task": "T4", "amount": str(a), "actor": "chen"}) for m, a, _ in T4_MONTHS],
    *[(f"2017-{m:02d}-25", "report", {"task": "T4", "amount": str(p), "actor": "chen", "part": "poor"}) for m, _, p in T4_MONTHS],
    ("2017-03-10", "report", {"task": "T5", "amount": "2", "actor": "zhang"}),
    ("2017-04-12", "report", {"task": "T5", "amount": "3", "actor": "zhang"}),
    ("2017-05-16", "report", {"task": "T5", "amount": "4", "actor": "zhang", "note": "一场因降雨改期至6月"}),
    ("2017-06-20", "report", {"task": "T5", "amount": "3", "actor": "zhang"}),
    ("2017-04-28", "report", {"task": "T3", "amount": "300", "actor": "chen"}),
    ("2017-05-26", "report", {"task": "T3", "amount": "350", "actor": "chen"}),
    ("2017-06-29", "report", {"task": "T3", "amount": "200", "actor": "chen", "note": "部分农户外出务工,安装需预约"}),
    ("2017-06-15", "report", {"task": "T8", "amount": "60", "actor": "he"}),
    ("2017-03-15", "funds", {"task": "T8", "action": "allocate", "amount": "172.12", "document": "盐财教〔2017〕12号", "actor": "he"}),
    ("2017-04-20", "funds", {"task": "T8", "action": "disburse", "amount": "100", "document": "盐财教〔2017〕31号", "actor": "he"}),
    ("2017-06-15", "funds", {"task": "T8", "action": "spend", "amount": "60", "document": "记账凭证 2017-06-0087", "actor": "he"}),
    # T1 林农镇玉城村: the fast one, then a failed inspection and a missed rectification deadline
    ("2017-02-20", "fire", {"task": "T1", "item": YUCHENG, "trigger": "approve_plan", "actor": "li"}),
    ("2017-03-01", "fire", {"task": "T1", "item": YUCHENG, "trigger": "open_tender", "actor": "zhang"}),
    (
        "2017-04-20",
        "fire",
        {
            "task": "T1",
            "item": YUCHENG,
            "trigger": "award",
            "actor": "zhang",
            "data": _award("2017-03-02", "2017-03-28", "2017-04-20", "四川蜀建建设有限公司", "45.6"),
        },
    ),
    ("2017-05-25", "data", {"task": "T1", "item": YUCHENG, "data": {"contract_signed": "2017-05-25"}, "actor": "zhang"}),
    ("2017-06-01", "fire", {"task": "T1", "item": YUCHENG, "trigger": "finish", "actor": "zhang"}),
    ("2017-06-05", "fire", {"task": "T1", "item": YUCHENG, "trigger": "request_inspection", "actor": "zhang"}),
    (
        "2017-06-08",
        "inspect",
        {"task": "T1", "item": YUCHENG, "values": dict(PASSING_T1, 文化广场面积="180"), "note": "文化广场面积不足", "inspector": "zhao"},
    ),
    # T1 八角镇人民村: awarded, the written contract never signed
    ("2017-03-06", "fire", {"task": "T1", "item": RENMIN, "trigger": "approve_plan", "actor": "li"}),
    ("2017-03-20", "fire", {"task": "T1", "item": RENMIN, "trigger": "open_tender", "actor": "zhang"}),
    (
        "2017-05-10",
        "fire",
        {
            "task": "T1",
            "item": RENMIN,
            "trigger": "award",
            "actor": "zhang",
            "data": _award("2017-03-21", "2017-04-20", "2017-05-10", "绵阳市宏达建筑工程有限公司", "38.2"),
        },
    ),
    ("2017-06-12", "fire", {"task": "T1", "item": YANLAI, "trigger": "approve_plan", "actor": "li"}),
    # T2 云溪三清村: contract in time
    ("2017-03-15", "fire", {"task": "T2", "item": SANQING, "trigger": "approve_plan", "actor": "li"}),
    ("2017-04-05", "fire", {"task": "T2", "item": SANQING, "trigger": "open_tender", "actor": "chen"}),
    (
        "2017-06-01",
        "fire",
        {
            "task": "T2",
            "item": SANQING,
            "trigger": "award",
            "actor": "chen",
            "data": _award("2017-04-06", "2017-05-08", "2017-06-01", "四川广播电视工程公司", "12.8"),
        },
    ),
    ("2017-06-10", "data", {"task": "T2", "item": SANQING, "data": {"contract_signed": "2017-06-10"}, "actor": "chen"}),
    # T6 小品《第一书记》
    ("2017-03-31", "fire", {"task": "T6", "item": None, "trigger": "script_done", "actor": "zhang"}),
    ("2017-05-05", "fire", {"task": "T6", "item": None, "trigger": "cast_done", "actor": "zhang"}),
    # T7 鹅溪村标识标牌: a failed round, a late re-inspection, accepted
    ("2017-03-08", "fire", {"task": "T7", "item": EXI, "trigger": "approve_plan", "actor": "li"}),
    ("2017-03-13", "fire", {"task": "T7", "item": EXI, "trigger": "open_tender", "actor": "liu"}),
    (
        "2017-04-10",
        "fire",
        {
            "task": "T7",
            "item": EXI,
            "trigger": "award",
            "actor": "liu",
            "data": _award("2017-03-14", "2017-03-24", "2017-04-10", "盐亭县广告标识有限公司", "3.5"),
        },
    ),
    ("2017-04-12", "data", {"task": "T7", "item": EXI, "data": {"contract_signed": "2017-04-12"}, "actor": "liu"}),
    ("2017-05-19", "fire", {"task": "T7", "item": EXI, "trigger": "finish", "actor": "liu"}),
    ("2017-05-24", "fire", {"task": "T7", "item": EXI, "trigger": "request_inspection", "actor": "liu"}),
    (
        "2017-05-31",
        "inspect",
        {"task": "T7", "item": EXI, "values": {"标识标牌按方案安装到位": "否"}, "note": "两处标牌位置与方案不符", "inspector": "zhao"},
    ),
    ("2017-06-19", "fire", {"task": "T7", "item": EXI, "trigger": "request_inspection", "actor": "liu"}),
    ("2017-06-21", "inspect", {"task": "T7", "item": EXI, "values": {"标识标牌按方案安装到位": "是"}, "inspector": "zhao"}),
]


def definition(steps=None):
    """The simulated list's definition (the Yanting list with T8's budget)."""
    from engine.definition.validation import validate_text
    from engine.pluginmanager import get_plugin_manager, step_types

    result = validate_text(TEXT, "yanting-wenguang-2017.yaml", steps if steps is not None else step_types(get_plugin_manager()))
    assert result.ok, [p.format() for p in result.errors]
    return result.definition


def instant(day: str | dt.date, hour: int = 10) -> dt.datetime:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def simulate(store, plugins, *, until: dt.date = END, after: dt.date | None = None):
    """Run the steps dated after ``after`` (default: load the list on 2017-01-03 first) up to ``until``; returns
    the clock, standing at ``until`` 18:00."""
    from engine.dates.clock import FixedClock
    from engine.runtime.loader import load

    clock = FixedClock(instant("2017-01-03", 8))
    if after is None:
        load(store, [definition()], clock=clock)
    for day, what, arguments in sorted(STEPS, key=lambda step: step[0]):  # stable: same-day steps keep their order
        when = dt.date.fromisoformat(day)
        if when > until or (after is not None and when <= after):
            continue
        clock.at = instant(when)
        _do(store, plugins, clock, what, dict(arguments))
    clock.at = instant(until, 18)
    return clock


def _do(store, plugins, clock, what: str, arguments: dict) -> None:
    if what == "report":
        from engine.runtime.progress import report

        report(store, clock=clock, **arguments)
    elif what == "fire":
        from engine.runtime.fire import fire

        fire(store, clock=clock, plugins=plugins, **arguments)
    elif what == "data":
        from engine.runtime.stepdata import record

        record(store, clock=clock, plugins=plugins, **arguments)
    elif what == "inspect":
        from plugins.acceptance import record as inspect

        inspect(store, clock=clock, plugins=plugins, **arguments)
    elif what == "funds":
        from plugins.funds import record as book

        book(store, clock=clock, on_date=clock.at.date().isoformat(), **arguments)
    else:  # pragma: no cover - a typo in STEPS
        raise ValueError(what)
