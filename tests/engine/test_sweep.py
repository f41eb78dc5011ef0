"""Reminders, overdue notices and escalations: the exact days, exactly once, through downtime and crashes."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from engine.dates.clock import FixedClock
from engine.definition.validation import validate_text
from engine.reminders.notices import inbox
from engine.reminders.sweep import run_pass
from engine.runtime.fire import fire
from engine.runtime.loader import load
from engine.runtime.progress import report
from engine.store.tables import notices
from tests.conftest import YANTING, at

EXTRA_TASKS = """
  - id: T9
    title: 国庆后第一周上报户户通台账
    unit: radio
    responsible: chen
    leader: li
    target: {quantity: 1, unit: 份}
    deadlines: {done: 2017-10-09}
    remind: [1 workday]

  - id: T10
    title: 包村干部每月入户走访
    unit: culture
    responsible: zhang
    leader: li
    recurring: {every: month, at_least: 1}
    items: [一组王家, 二组李家]
    remind: [5 days]
"""


def year_list(steps):
    result = validate_text(YANTING.read_text(encoding="utf-8") + EXTRA_TASKS, "y.yaml", steps)
    assert result.ok, [p.format() for p in result.errors]
    return result.definition


@pytest.fixture
def year(store, steps):
    load(store, [year_list(steps)], clock=FixedClock(at("2017-01-01T08:00")))
    return store


def days(store, **where):
    """(local day, kind, task, item, recipient) of every notice, oldest first."""
    with store.read() as conn:
        rows = conn.execute(select(notices).order_by(notices.c.id)).mappings().all()
        from engine.store.tables import items, tasks

        names = dict(conn.execute(select(items.c.id, items.c.name)).all())
        keys = dict(conn.execute(select(tasks.c.id, tasks.c.key)).all())
    found = []
    for row in rows:
        entry = (
            row["created_at"].astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat(),
            row["kind"],
            keys.get(row["task_id"]),
            names.get(row["item_id"]),
            row["recipient"],
            (row["milestone"], row["period_start"], row["item_deadline_id"]),
        )
        if all(entry[["day", "kind", "task", "item", "recipient"].index(k)] == v for k, v in where.items()):
            found.append(entry)
    return found


def passes_between(store, start, hours=(9,)):
    """Run the sweep at ``hours`` every day from ``start``; each call runs the passes before ``until`` not yet run."""
    zone = dt.timezone(dt.timedelta(hours=8))
    state = {"next": dt.datetime.combine(start, dt.time(0), zone)}

    def run(until):
        moment = state["next"]
        while moment < until:
            if moment.hour in hours and moment.minute == 5:
                run_pass(store, FixedClock(moment))
            moment = moment + dt.timedelta(minutes=5) if moment.minute == 0 else moment.replace(minute=0) + dt.timedelta(hours=1)
        state["next"] = moment

    return run


def tick_every_day(store, start, end, hours=(9,)):
    day = start
    while day <= end:
        for hour in hours:
            run_pass(store, FixedClock(dt.datetime.combine(day, dt.time(hour, 5), dt.timezone(dt.timedelta(hours=8)))))
        day += dt.timedelta(days=1)


def test_a_simulated_year(year, clock, plugins):
    store = year
    # entries go forward in time (the chain refuses back-dating): the passes run up to each entry, then on
    ticks = passes_between(store, dt.date(2017, 1, 1), hours=(9, 17))
    ticks(until=at("2017-06-10"))
    # one village reaches building in time and gets nothing about that milestone
    tender = {
        "announced": "2017-05-02",
        "bid_deadline": "2017-05-26",
        "winner": "绵阳某建设公司",
        "amount": "86.5",
        "award_notice": "2017-06-05",
    }
    for trigger, actor in [("approve_plan", "li"), ("open_tender", "zhang"), ("award", "zhang")]:
        fire(
            store,
            task="T1",
            item="林农镇玉城村",
            trigger=trigger,
            actor=actor,
            clock=FixedClock(at("2017-06-10")),
            plugins=plugins,
            data=tender if trigger == "award" else None,
        )
    ticks(until=at("2017-07-05"))
    # the July visit to 一组王家 is reported; 二组李家 is not
    report(store, task="T10", amount="1", item="一组王家", actor="zhang", clock=FixedClock(at("2017-07-05")))
    ticks(until=at("2018-01-01T00:00"))

    # T1 building 2017-07-20 (Thu): reminders 5 and 1 working days before, overdue, then leader and head
    assert [d[:2] for d in days(store, task="T1", item="八角镇人民村") if d[0] < "2017-08-01"] == [
        ("2017-07-13", "reminder"),
        ("2017-07-19", "reminder"),
        ("2017-07-21", "overdue"),
        ("2017-07-24", "escalation"),
        ("2017-07-28", "escalation"),
    ]
    assert [d[4] for d in days(store, task="T1", item="八角镇人民村", kind="escalation") if d[0] < "2017-08-01"] == ["li", "wang"]
    assert not [d for d in days(store, task="T1", item="林农镇玉城村") if d[5][0] == "building"]
    # its award (notice 2017-06-05) derived a contract deadline 30 days later, chased like any deadline
    assert [d[:2] for d in days(store, task="T1", item="林农镇玉城村") if d[5][2] is not None][:3] == [
        ("2017-06-28", "reminder"),
        ("2017-07-04", "reminder"),
        ("2017-07-06", "overdue"),
    ]

    # National Day: 1 working day before 2017-10-09 is Saturday 2017-09-30; overdue on 10-10, escalations 10-11, 10-17
    assert [d[:2] for d in days(store, task="T9")] == [
        ("2017-09-30", "reminder"),
        ("2017-10-10", "overdue"),
        ("2017-10-11", "escalation"),
        ("2017-10-17", "escalation"),
    ]

    # T6 premiered 2017-07-01 (Sat): 3 and 1 calendar days before, then working days after
    assert [d[:2] for d in days(store, task="T6")] == [
        ("2017-06-28", "reminder"),
        ("2017-06-30", "reminder"),
        ("2017-07-03", "overdue"),
        ("2017-07-04", "escalation"),
        ("2017-07-10", "escalation"),
    ]

    # monthly duty, July: only the household not visited is chased (5 days before 07-31; overdue 08-01)
    july = [d for d in days(store, task="T10") if "2017-07-20" <= d[0] <= "2017-08-10"]
    assert [(d[0], d[1], d[3]) for d in july] == [
        ("2017-07-26", "reminder", "二组李家"),
        ("2017-08-01", "overdue", "二组李家"),
        ("2017-08-02", "escalation", "二组李家"),
        ("2017-08-08", "escalation", "二组李家"),
    ]
    # every month of the year produced its reminders for both households (January to December)
    assert len(days(store, task="T10", kind="reminder")) == 12 * 2 - 1

    # exactly once: ticking the whole year again changes nothing
    with store.read() as conn:
        before = conn.execute(select(func.count()).select_from(notices)).scalar_one()
    tick_every_day(store, dt.date(2017, 7, 1), dt.date(2017, 10, 31))
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(notices)).scalar_one() == before


def test_downtime_sends_what_fell_due_once_and_in_order(year):
    store = year
    first = run_pass(store, FixedClock(at("2017-07-26T10:00")))
    t1 = [d[:2] for d in days(store, task="T1", item="八角镇人民村")]
    # the stale reminders (07-13, 07-19) are replaced by the overdue notice; the leader's escalation fell due too
    assert t1 == [("2017-07-26", "overdue"), ("2017-07-26", "escalation")]
    assert first.stale > 0
    again = run_pass(store, FixedClock(at("2017-07-26T10:00")))
    assert again.notices == []
    run_pass(store, FixedClock(at("2017-07-28T09:30")))
    assert [d[4] for d in days(store, task="T1", item="八角镇人民村", kind="escalation")] == ["li", "wang"]


def test_only_the_latest_due_reminder_is_sent_after_downtime(year):
    run_pass(year, FixedClock(at("2017-07-19T09:30")))
    assert [d[:2] for d in days(year, task="T1", item="八角镇人民村")] == [("2017-07-19", "reminder")]


def test_a_pass_killed_halfway_loses_and_doubles_nothing(year, monkeypatch, db_url):
    import engine.reminders.sweep as sweep

    calls = {"n": 0}
    real = sweep._queue_deliveries

    def crash_on_third_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep, "_queue_deliveries", crash_on_third_batch)
    with pytest.raises(RuntimeError):
        run_pass(year, FixedClock(at("2017-12-31T10:00")), batch=7)
    with year.read() as conn:
        partial = conn.execute(select(func.count()).select_from(notices)).scalar_one()
    assert partial > 0
    monkeypatch.setattr(sweep, "_queue_deliveries", real)
    run_pass(year, FixedClock(at("2017-12-31T10:00")), batch=7)
    with year.read() as conn:
        total = conn.execute(select(func.count()).select_from(notices)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(notices.c.dedupe_key)))).scalar_one()
    # a clean run over a fresh copy gives the same notices
    assert total == distinct and total > partial


def test_nothing_for_met_deadlines_reached_targets_and_removed_deadlines(year, steps):
    store = year
    edited = year_list(steps).source_json  # unchanged list, to check reload keeps notices in place
    assert edited
    text = (
        YANTING.read_text(encoding="utf-8").replace("    deadlines: {premiered: 2017-07-01}\n", "    deadlines: {premiered: 2017-08-01}\n")
        + EXTRA_TASKS
    )
    moved = validate_text(text, "y.yaml", steps).definition
    load(store, [moved], clock=FixedClock(at("2017-06-01")))
    report(store, task="T3", amount="1748", actor="chen", clock=FixedClock(at("2017-09-01")))
    run_pass(store, FixedClock(at("2017-12-31T10:00")))
    assert days(store, task="T3") == []
    # the moved deadline moved its notices: the overdue notice is for 08-01, none for 07-01
    with store.read() as conn:
        dues = {r.due_date.isoformat() for r in conn.execute(select(notices.c.due_date).where(notices.c.kind == "overdue"))}
    assert "2017-08-01" in dues and "2017-07-01" not in dues


def test_notice_text_names_task_item_milestone_date_and_responsible(year):
    run_pass(year, FixedClock(at("2017-07-24T09:30")))
    [escalation] = [n for n in inbox(year, "li") if n["item"] == "八角镇人民村" and n["kind"] == "escalation"]
    assert escalation["subject"] == "【督办】T1 八角镇人民村:施工中 逾期 1 个工作日,责任人 张明"
    assert "期限:2017-07-20" in escalation["text"] and "责任人:张明" in escalation["text"]
    [reminder] = [n for n in inbox(year, "zhang") if n["item"] == "八角镇人民村" and n["kind"] == "overdue"]
    assert set(reminder) >= {"id", "kind", "task", "item", "state", "due", "sent_at", "read", "text"}
    assert (reminder["task"], reminder["state"], reminder["due"], reminder["read"]) == ("T1", "building", "2017-07-20", False)
    assert "请尽快完成。不能按期完成的,请在任务页“督办与延期”中申请延期并说明原因。" in reminder["text"]  # and says where


def test_recurring_periods_before_loading_are_not_chased(store, steps):
    load(store, [year_list(steps)], clock=FixedClock(at("2017-05-02T10:00")))
    run_pass(store, FixedClock(at("2017-05-02T10:00")))
    assert days(store, task="T10") == []
