"""Reports and fires carry the activity date (``on``): when it happened, not when it was entered. A visit made on
1月31 and entered on 2月1 counts for January; the entry time stays the real clock's."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from engine.dates.clock import FixedClock
from engine.errors import InputError, NotPermitted
from engine.kinds import Verdict
from engine.queries.status import checklist_status
from engine.runtime.progress import correct, report
from engine.store.tables import events, progress
from tests.conftest import HUANGJIN, YANTING, at, definition_of

HJ = "huangjin-village-2019"


@pytest.fixture
def huangjin(store, steps):
    from engine.runtime.loader import load

    definition = definition_of(HUANGJIN, steps)
    load(store, [definition], clock=FixedClock(at("2019-01-10T09:00")))
    return definition


def period(store, clock, task_id, start: str):
    """The summary of one period of a recurring duty on the status board: items per verdict."""
    task = next(t for t in checklist_status(store, HJ, clock).tasks if t.id == task_id)
    return next(m for m in task.milestones if m.period_start == dt.date.fromisoformat(start)).counts


def last_event(store, kind="report"):
    with store.read() as conn:
        row = conn.execute(select(events.c.at, events.c.data).where(events.c.kind == kind).order_by(events.c.id.desc())).first()
    return row.at, json.loads(row.data)


def on_dates(store):
    with store.read() as conn:
        return [(row.amount, row.on_date) for row in conn.execute(select(progress.c.amount, progress.c.on_date).order_by(progress.c.id))]


def test_a_visit_on_january_31_entered_on_february_1_counts_for_january(store, huangjin):
    february = FixedClock(at("2019-02-01T09:00"))
    result = report(store, task="R5", item="一组刘改艳户", amount="1", actor="ma", clock=february, on="2019-01-31")
    assert result.on == dt.date(2019, 1, 31)
    report(store, task="R5", item="一组王德福户", amount="1", actor="ma", clock=february)  # no date: today, February
    january = period(store, february, "R5", "2019-01-01")
    assert january.get(Verdict.ON_TIME) == 1 and january.get(Verdict.MISSED) == 4
    assert period(store, february, "R5", "2019-02-01").get(Verdict.ON_TIME) == 1
    entered, data = last_event(store)
    assert "on" not in data  # the second report: entered the day it happened
    assert on_dates(store) == [(Decimal("1"), dt.date(2019, 1, 31)), (Decimal("1"), dt.date(2019, 2, 1))]
    with store.read() as conn:
        first = json.loads(conn.execute(select(events.c.data).where(events.c.kind == "report").order_by(events.c.id)).first().data)
    assert first["on"] == "2019-01-31"  # the event keeps both: its entry time (at) and the activity date


def test_a_recurring_duty_takes_the_previous_period_and_no_earlier(store, huangjin):
    march = FixedClock(at("2019-03-05T09:00"))
    report(store, task="R5", item="1", amount="1", actor="ma", clock=march, on="2019-02-01")  # the period that just ended
    with pytest.raises(InputError, match="发生日期 2019-01-31 太早:最早只能补登到 2019-02-01"):
        report(store, task="R5", item="1", amount="1", actor="ma", clock=march, on="2019-01-31")
    assert len(on_dates(store)) == 1


def test_a_target_takes_thirty_days_back_and_nothing_ahead(store, yanting, clock):
    report(store, task="T5", amount="1", actor="zhang", clock=clock, on="2017-01-30")  # clock: 2017-03-01
    with pytest.raises(InputError, match="太早:最早只能补登到 2017-01-30"):
        report(store, task="T5", amount="1", actor="zhang", clock=clock, on="2017-01-29")
    with pytest.raises(InputError, match=re.escape("发生日期 2017-03-02 在今天(2017-03-01)之后")):
        report(store, task="T5", amount="1", actor="zhang", clock=clock, on="2017-03-02")
    with pytest.raises(InputError, match="日期 “2017/02/01” 看不懂"):
        report(store, task="T5", amount="1", actor="zhang", clock=clock, on="2017/02/01")
    assert on_dates(store) == [(Decimal("1"), dt.date(2017, 1, 30))]


def test_a_correction_counts_where_the_reversed_report_counted(store, huangjin):
    february = FixedClock(at("2019-02-01T09:00"))
    wrong = report(store, task="R5", item="1", amount="1", actor="ma", clock=february, on="2019-01-31")
    later = FixedClock(at("2019-02-02T09:00"))
    fixed = correct(store, task="R5", entry=wrong.entry, actor="ma", clock=later, note="走错了户")
    assert fixed.on == dt.date(2019, 1, 31) and fixed.item == "一组刘改艳户"
    assert on_dates(store) == [(Decimal("1"), dt.date(2019, 1, 31)), (Decimal("-1"), dt.date(2019, 1, 31))]
    _, data = last_event(store, "correction")
    assert data["on"] == "2019-01-31" and data["reverses"] == wrong.entry
    assert period(store, later, "R5", "2019-01-01").get(Verdict.ON_TIME, 0) == 0
    assert period(store, later, "R5", "2019-02-01").get(Verdict.ON_TIME, 0) == 0


@pytest.mark.parametrize("who", ["ma", "song", "wu"])  # the reporter (R5's responsible person), the task's leader, a head
def test_who_may_correct(store, huangjin, who):
    february = FixedClock(at("2019-02-01T09:00"))
    entry = report(store, task="R5", item="1", amount="1", actor="ma", clock=february).entry
    assert correct(store, task="R5", entry=entry, actor=who, clock=february).total == Decimal("0")


@pytest.mark.parametrize("who", ["gao", "sun"])  # an inspector; the staff of another task
def test_who_may_not_correct(store, huangjin, who):
    february = FixedClock(at("2019-02-01T09:00"))
    entry = report(store, task="R5", item="1", amount="1", actor="ma", clock=february).entry
    with pytest.raises(NotPermitted):
        correct(store, task="R5", entry=entry, actor=who, clock=february)


def test_cli_report_on_counts_for_january(qingdan):
    assert qingdan("load", HUANGJIN, now="2019-01-10T09:00").returncode == 0
    done = qingdan("report", "R5", "1", "--item", "1", "--as", "ma", "--on", "2019-01-31", now="2019-02-01T09:00")
    assert done.returncode == 0, done.stderr
    assert "发生日期 2019-01-31" in done.stdout
    status = qingdan("status", HJ, "--json", now="2019-02-01T10:00")
    task = next(t for t in json.loads(status.stdout)["tasks"] if t["id"] == "R5")
    january = next(m for m in task["milestones"] if m.get("period_start") == "2019-01-01")
    assert (january["on_time"], january["missed"]) == (1, 4)
    for on, words in (("2019-02-02", "在今天(2019-02-01)之后"), ("2018-12-31", "太早"), ("2019-1-31", "看不懂"), ("明天", "看不懂")):
        refused = qingdan("report", "R5", "1", "--item", "2", "--as", "ma", "--on", on, now="2019-02-01T09:00")
        assert refused.returncode == 1 and refused.stdout == "", (on, refused.stdout)
        assert refused.stderr.count("\n") == 1 and words in refused.stderr and "Traceback" not in refused.stderr, (on, refused.stderr)


def test_cli_fire_on(qingdan):
    assert qingdan("load", YANTING, now="2017-03-01T09:00").returncode == 0
    done = qingdan("fire", "T1", "1", "approve_plan", "--as", "li", "--on", "2017-03-01", now="2017-03-02T10:00")
    assert done.returncode == 0, done.stderr
    assert "planning → plan_approved" in done.stdout and "发生日期 2017-03-01" in done.stdout
    for on, words in (("2017-03-03", "之后"), ("2017-01-01", "太早"), ("03/01", "看不懂")):
        refused = qingdan("fire", "T1", "2", "approve_plan", "--as", "li", "--on", on, now="2017-03-02T10:00")
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and words in refused.stderr, (on, refused.stderr)
        assert "Traceback" not in refused.stderr
    verified = qingdan("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
