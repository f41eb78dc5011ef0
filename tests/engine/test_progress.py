"""Quantity targets: reports add up, parts count toward the whole, corrections reverse, bad amounts are refused."""

from decimal import Decimal

import pytest

from engine.amounts import parse_amount
from engine.errors import InputError, InvalidTrigger, NotFound, NotPermitted
from engine.queries.status import checklist_status
from engine.runtime.progress import correct, report


def task_status(store, clock, task_id):
    return next(t for t in checklist_status(store, "yanting-wenguang-2017", clock).tasks if t.id == task_id)


def test_reports_add_up_and_parts_count_toward_the_whole(store, yanting, clock):
    report(store, task="T4", amount="2691", actor="chen", clock=clock, note="截至6月底")
    result = report(store, task="T4", amount="163", actor="chen", clock=clock, part="poor")
    assert (result.total, result.part_total) == (Decimal("2854"), Decimal("163"))
    status = task_status(store, clock, "T4")
    assert (status.done, status.target) == (Decimal("2854"), Decimal("5472"))
    assert status.parts == {"poor": (Decimal("163"), Decimal("300"))}


def test_done_when_target_reached_and_overshoot_kept(store, yanting, clock):
    first = report(store, task="T5", amount="20", actor="zhang", clock=clock)
    assert not first.reached
    with pytest.raises(InputError, match="请确认超出后再报送"):
        report(store, task="T5", amount="7", actor="li", clock=clock)  # beyond the target: needs a confirmation
    second = report(store, task="T5", amount="7", actor="li", clock=clock, over=True)
    assert second.reached and second.over and second.total == Decimal("27")
    status = task_status(store, clock, "T5")
    assert status.complete and status.done == Decimal("27") and status.next_deadline is None
    assert status.as_json()["progress"] == {"done": 27, "target": 25}


def test_decimal_amounts(store, yanting, clock):
    report(store, task="T8", amount="100.5", actor="he", clock=clock)
    report(store, task="T8", amount="71.62", actor="wang", clock=clock)
    assert task_status(store, clock, "T8").as_json()["progress"] == {"done": 172.12, "target": 172.12}


@pytest.mark.parametrize("amount", ["0", "-3", "abc", "NaN", "inf", "1.23456", "", "1e3"])  # every form: test_report_bounds
def test_bad_amounts_refused(amount):
    with pytest.raises(InputError):
        parse_amount(amount)


def test_who_may_report(store, yanting, clock):
    with pytest.raises(NotPermitted, match="赵敏 无权为任务 T4 报送进度"):
        report(store, task="T4", amount="1", actor="zhao", clock=clock)
    with pytest.raises(NotPermitted):
        report(store, task="T4", amount="1", actor="zhang", clock=clock)  # staff of another task
    report(store, task="T4", amount="1", actor="wang", clock=clock)  # the head may


def test_unknown_part_and_workflow_task(store, yanting, clock):
    with pytest.raises(NotFound, match="没有分项 “rich”;分项有:poor"):
        report(store, task="T4", amount="1", actor="chen", clock=clock, part="rich")
    with pytest.raises(InvalidTrigger, match="请推进它的流程") as refused:
        report(store, task="T1", amount="1", actor="zhang", clock=clock)
    assert refused.value.field == "fire"  # the CLI adds "用 qingdan fire 推进流程。" (engine/cli/hints.py)


def test_correction_is_a_reversing_entry(store, yanting, clock):
    from engine.queries.history import task_history

    wrong = report(store, task="T4", amount="2854", actor="chen", clock=clock)
    fixed = correct(store, task="T4", entry=wrong.entry, actor="chen", clock=clock, note="录入错误")
    assert fixed.total == Decimal("0") and fixed.amount == Decimal("-2854")
    with pytest.raises(InputError, match="已被更正过"):
        correct(store, task="T4", entry=wrong.entry, actor="chen", clock=clock)
    with pytest.raises(NotFound):
        correct(store, task="T4", entry=fixed.entry, actor="chen", clock=clock)  # a correction is not itself reversible
    kinds = [(e["kind"], e["data"]["amount"]) for e in task_history(store, "T4")]
    assert kinds == [("report", "2854"), ("correction", "-2854")]
