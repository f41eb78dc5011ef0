"""The tendering step: the award's data, the 20-day and 3-day rules, the contract deadline and ``record``."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.errors import GuardRefused, InputError, InvalidTrigger, NotPermitted
from engine.i18n import use_language
from engine.runtime.stepdata import record
from engine.store.tables import item_deadlines, items, schedule, step_records
from tests.conftest import at
from tests.plugins.conftest import AWARD, ITEM, move, to_tendering


def award(store, clock, plugins, item=ITEM, task="T1", **changes):
    data = {k: v for k, v in {**AWARD, **changes}.items() if v is not None}
    return move(store, clock, plugins, ("award", "zhang" if task == "T1" else "liu", "2017-06-20", data), item=item, task=task)


def deadlines(store, item=ITEM):
    with store.read() as conn:
        return conn.execute(
            select(item_deadlines.c.key, item_deadlines.c.due_date, item_deadlines.c.cleared_at)
            .join(items, items.c.id == item_deadlines.c.item_id)
            .where(items.c.name == item)
            .order_by(item_deadlines.c.id)
        ).all()


def test_award_needs_every_key_and_names_the_missing(store, yanting, clock, plugins):
    to_tendering(store, clock, plugins)
    with pytest.raises(GuardRefused) as refused:
        award(store, clock, plugins, winner=None, amount=None)
    assert "中标单位(winner)" in str(refused.value) and "中标金额(amount)" in str(refused.value)
    assert "announced" not in str(refused.value)
    assert [f.key for f in refused.value.missing] == ["winner", "amount"] and refused.value.field == "data"  # structured
    with use_language("en"), pytest.raises(GuardRefused, match=r"needs tendering data first: winning bidder \(winner\)\.$"):
        award(store, clock, plugins, winner=None)


def test_award_moves_on_and_records_the_data(store, yanting, clock, plugins):
    to_tendering(store, clock, plugins)
    result = award(store, clock, plugins, amount="45.60")
    assert (result.from_state, result.to_state, result.warnings) == ("tendering", "building", ())
    with store.read() as conn:
        stored = dict(conn.execute(select(step_records.c.key, step_records.c.value).where(step_records.c.step == "tendering")).all())
    assert stored == {**AWARD, "amount": "45.6"}


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"award_notice": "2017/06/19"}, "YYYY-MM-DD"),
        ({"award_notice": "20170619"}, "YYYY-MM-DD"),
        ({"amount": "-3"}, "大于 0"),
        ({"winner": "  "}, "不能为空"),
    ],
)
def test_bad_values_are_refused_as_input(store, yanting, clock, plugins, changes, message):
    to_tendering(store, clock, plugins)
    with pytest.raises(InputError, match=message):
        award(store, clock, plugins, **changes)


def test_what_has_happened_is_not_in_the_future(store, yanting, clock, plugins):
    to_tendering(store, clock, plugins)
    with pytest.raises(InputError, match=re.escape("中标通知书发出日期(award_notice)是 2017-06-21,晚于今天 2017-06-20")):
        award(store, clock, plugins, award_notice="2017-06-21")
    clock.at = at("2017-05-03")  # the bid deadline may lie ahead when recorded
    record(store, task="T1", item=ITEM, data={"bid_deadline": "2017-05-25"}, actor="zhang", clock=clock, plugins=plugins)


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"award_notice": "2017-05-20"}, "中标通知书发出日期(award_notice 2017-05-20)不能早于中标候选人公示日期"),
        ({"bid_deadline": "2017-04-30"}, "投标截止日期(bid_deadline 2017-04-30)不能早于招标公告发布日期"),
    ],
)
def test_dates_must_be_in_order_and_past(store, yanting, clock, plugins, changes, message):
    to_tendering(store, clock, plugins)
    with pytest.raises(GuardRefused, match=re.escape(message)):
        award(store, clock, plugins, **changes)


def test_mandatory_tender_needs_20_days_of_bidding(store, yanting, clock, plugins):
    to_tendering(store, clock, plugins)
    with pytest.raises(GuardRefused, match="不得少于 20 日.*2017-05-02 至 2017-05-21 只有 19 日"):
        award(store, clock, plugins, bid_deadline="2017-05-21")
    assert award(store, clock, plugins, bid_deadline="2017-05-22").to_state == "building"  # exactly 20 days


def test_publicity_shorter_than_3_days_or_unrecorded_is_a_warning(store, yanting, clock, plugins):
    villages = (ITEM, "八角镇人民村", "茶亭燕来村")
    for step in (("approve_plan", "li", "2017-04-10"), ("open_tender", "zhang", "2017-05-02")):  # in time order: the
        for village in villages:  # audit trail refuses an entry earlier than the one before it
            move(store, clock, plugins, step, item=village)
    result = award(store, clock, plugins, publicity="2017-06-17")
    assert result.to_state == "building"
    assert len(result.warnings) == 1 and "只有 2 日" in result.warnings[0] and "第五十四条" in result.warnings[0]
    result = award(store, clock, plugins, item="八角镇人民村", publicity=None)
    assert len(result.warnings) == 1 and "没有记录中标候选人公示日期" in result.warnings[0]
    assert award(store, clock, plugins, item="茶亭燕来村", publicity="2017-06-16").warnings == ()  # 3 days is enough


def test_a_tender_that_is_not_mandatory_skips_the_legal_periods(store, yanting, clock, plugins):
    # T7 says tendering: {mandatory: false}
    move(store, clock, plugins, ("approve_plan", "li", "2017-04-10"), ("open_tender", "liu", "2017-05-02"), task="T7", item=None)
    result = award(store, clock, plugins, item=None, task="T7", bid_deadline="2017-05-05", publicity=None)
    assert (result.to_state, result.warnings) == ("building", ())


def test_award_starts_the_contract_deadline_met_by_the_signing(store, yanting, clock, plugins):
    to_tendering(store, clock, plugins)
    award(store, clock, plugins)
    [(key, due, cleared)] = deadlines(store)
    assert (key, due.isoformat(), cleared) == ("contract", "2017-07-19", None)
    with store.read() as conn:
        rules = sorted(
            (r.kind, r.rule_index if r.rule_index is not None else -1)
            for r in conn.execute(select(schedule.c.kind, schedule.c.rule_index).where(schedule.c.item_deadline_id.is_not(None)))
        )
    assert rules == [("escalation", 0), ("escalation", 1), ("overdue", -1), ("reminder", 0), ("reminder", 1)]
    clock.at = at("2017-07-14")
    result = record(store, task="T1", item=ITEM, data={"contract_signed": "2017-07-14"}, actor="zhang", clock=clock, plugins=plugins)
    assert result.step == "tendering" and result.warnings == ()
    [(_, _, cleared)] = deadlines(store)
    assert cleared is not None
    with store.read() as conn:
        assert conn.execute(select(schedule.c.id).where(schedule.c.item_deadline_id.is_not(None), schedule.c.pending.is_(True))).all() == []


def test_a_corrected_award_notice_moves_the_contract_deadline(store, yanting, clock, plugins):
    to_tendering(store, clock, plugins)
    award(store, clock, plugins)
    clock.at = at("2017-06-21")
    record(store, task="T1", item=ITEM, data={"award_notice": "2017-06-20"}, actor="li", clock=clock, plugins=plugins)
    assert [(k, d.isoformat(), c is None) for k, d, c in deadlines(store)] == [
        ("contract", "2017-07-19", False),
        ("contract", "2017-07-20", True),
    ]


def test_contract_signing_needs_the_award_notice_and_comes_after_it(store, yanting, clock, plugins):
    to_tendering(store, clock, plugins)
    clock.at = at("2017-06-01")
    with pytest.raises(GuardRefused, match="还没有记录中标通知书发出日期"):
        record(store, task="T1", item=ITEM, data={"contract_signed": "2017-05-30"}, actor="zhang", clock=clock, plugins=plugins)
    award(store, clock, plugins)
    with pytest.raises(GuardRefused, match="合同签订日期"):
        record(store, task="T1", item=ITEM, data={"contract_signed": "2017-06-18"}, actor="zhang", clock=clock, plugins=plugins)


def test_record_warns_early_about_a_short_bidding_period(store, yanting, clock, plugins):
    to_tendering(store, clock, plugins)
    result = record(
        store,
        task="T1",
        item=ITEM,
        data={"announced": "2017-05-02", "bid_deadline": "2017-05-12"},
        actor="zhang",
        clock=clock,
        plugins=plugins,
    )
    assert len(result.warnings) == 1 and "只有 10 日" in result.warnings[0]


def test_record_who_and_what(store, yanting, clock, plugins):
    with pytest.raises(NotPermitted, match="赵敏 无权为任务 T1 记录数据"):
        record(store, task="T1", item=ITEM, data={"winner": "x"}, actor="zhao", clock=clock, plugins=plugins)
    with pytest.raises(InputError, match="不接受数据 colour.*tendering: announced, bid_deadline"):
        record(store, task="T1", item=ITEM, data={"colour": "red"}, actor="zhang", clock=clock, plugins=plugins)
    with pytest.raises(InvalidTrigger, match="没有流程:流程动作、步骤数据和验收只用于流程任务"):
        record(store, task="T4", item=None, data={"winner": "x"}, actor="chen", clock=clock, plugins=plugins)
    with pytest.raises(InputError, match="没有步骤 “survey”"):
        record(store, task="T1", item=ITEM, data={"winner": "x"}, actor="zhang", clock=clock, plugins=plugins, step="survey")
    with pytest.raises(InputError, match="没有要记录的数据"):
        record(store, task="T1", item=ITEM, data={}, actor="zhang", clock=clock, plugins=plugins)
    # the head and the leader may record, and a later value replaces the earlier one
    record(store, task="T1", item=ITEM, data={"winner": "甲公司"}, actor="wang", clock=clock, plugins=plugins)
    record(store, task="T1", item=ITEM, data={"winner": "乙公司"}, actor="li", clock=clock, plugins=plugins, step="tendering")
    with store.read() as conn:
        assert conn.execute(select(step_records.c.value, step_records.c.actor)).all() == [("乙公司", "li")]


def test_record_through_the_command_shows_and_refuses(qingdan):
    from tests.conftest import YANTING

    assert qingdan("load", YANTING, now="2017-03-01").returncode == 0
    done = qingdan("record", "T1", ITEM, "--as", "zhang", "--data", "winner=甲公司", "--note", "预先登记", now="2017-03-02")
    assert done.returncode == 0 and "已记录 tendering 数据 winner=甲公司" in done.stdout
    shown = qingdan("record", "T1", ITEM)
    assert "tendering.winner = 甲公司" in shown.stdout
    refused = qingdan("record", "T1", ITEM, "--data", "winner=乙公司")
    assert refused.returncode == 1 and "--as" in refused.stderr
    refused = qingdan("record", "T1", ITEM, "--as", "zhang", "--data", "bid_deadline=2017-13-01", lang="en")
    assert refused.returncode == 1 and refused.stderr.startswith("error: bid deadline (bid_deadline) must be a date written YYYY-MM-DD")
