"""Reports that can't lie by accident: only plain decimals are amounts, and an amount beyond what remains of the
target (or of the part reported) needs an explicit confirmation (``over``) that the audit trail keeps."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.amounts import parse_amount
from engine.errors import InputError
from engine.runtime.progress import report
from engine.store.tables import events, progress


@pytest.mark.parametrize(
    "typed, words",
    [
        ("1e9", "不是普通的十进制数"),
        ("1E3", "科学计数法"),
        ("NaN", "不是一个具体的数"),
        ("Infinity", "不是一个具体的数"),
        ("-inf", "不是一个具体的数"),
        ("∞", "不是一个具体的数"),
        ("0x10", "十六进制"),
        ("1_000", "下划线"),
        ("1,000", "千位分隔符"),
        ("１２", "全角"),
        ("３．５", "全角"),
        ("12场", "不是普通的十进制数"),
        ("很多", "不是数字"),
        ("abc", "不是数字"),
        ("1.2.3", "最多一个小数点"),
        ("", "没有填写数量"),
        ("   ", "没有填写数量"),
        (None, "没有填写数量"),
        ("-3", "不能是负数"),
        ("−3", "不能是负数"),  # the minus sign U+2212
        ("0", "必须大于 0"),
        ("0.0000", "必须大于 0"),
        ("1.23456", "最多保留 4 位小数"),
        ("10000000000000000", "整数部分最多 16 位"),  # 17 digits: does not fit NUMERIC(20,4)
        (float("nan"), "不是一个具体的数"),
        (1e20, "不是普通的十进制数"),  # a JSON number Python writes as 1e+20
    ],
)
def test_refused_amounts_quote_what_was_typed(typed, words):
    with pytest.raises(InputError) as refused:
        parse_amount(typed)
    message = str(refused.value)
    assert words in message
    if typed not in (None, "", "   "):
        assert f"“{str(typed).strip()}”" in message  # the message quotes what was typed


def test_refusal_in_english(monkeypatch):
    monkeypatch.setenv("QINGDAN_LANG", "en")
    with pytest.raises(InputError, match=r"the amount '1e9' is not a plain decimal number: write digits with at most one decimal point"):
        parse_amount("1e9")
    with pytest.raises(InputError, match="full-width"):
        parse_amount("１２")


def test_a_long_typed_value_is_shortened_in_the_message():
    with pytest.raises(InputError) as refused:
        parse_amount("9" * 500 + "x")
    assert len(str(refused.value)) < 300 and "…" in str(refused.value)


@pytest.mark.parametrize(
    "typed, value",
    [
        ("12", Decimal("12")),
        (" 3.5 ", Decimal("3.5")),
        ("+7", Decimal("7")),
        (".5", Decimal("0.5")),
        ("5.", Decimal("5")),
        ("0.0001", Decimal("0.0001")),
        ("3.50000", Decimal("3.5")),
        ("100", Decimal("100")),
        ("9999999999999999.9999", Decimal("9999999999999999.9999")),
        ("00012", Decimal("12")),
        (12, Decimal("12")),
        (2.5, Decimal("2.5")),
    ],
)
def test_plain_decimals_are_accepted(typed, value):
    amount = parse_amount(typed)
    assert amount == value and str(amount) == str(value)


def _events(store, kind="report"):
    with store.read() as conn:
        return [json.loads(row.data) for row in conn.execute(select(events.c.data).where(events.c.kind == kind).order_by(events.c.seq))]


def _entries(store):
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(progress)).scalar_one()


def test_beyond_the_target_needs_over(store, yanting, clock):
    report(store, task="T5", amount="20", actor="zhang", clock=clock)
    with pytest.raises(InputError) as refused:
        report(store, task="T5", amount="7", actor="zhang", clock=clock)
    message = str(refused.value)
    assert "任务 T5 的目标是 25场,已报送 20场,只差 5场;本次报送 7场 会超出目标" in message
    assert "请确认超出后再报送" in message and "--over" not in message  # worded for any interface
    assert refused.value.field == "over"  # each interface adds its own hint: --over, the checkbox, the JSON key
    assert _entries(store) == 1 and len(_events(store)) == 1  # nothing written
    accepted = report(store, task="T5", amount="7", actor="zhang", clock=clock, over=True)
    assert accepted.over and accepted.reached and accepted.total == Decimal("27")
    assert _events(store)[-1]["over"] is True
    with pytest.raises(InputError, match=re.escape("任务 T5 的目标 25场 已经完成(已报送 27场);再报送 1场 会超出目标")):
        report(store, task="T5", amount="1", actor="zhang", clock=clock)


def test_exactly_the_remainder_needs_no_confirmation(store, yanting, clock):
    report(store, task="T5", amount="20", actor="zhang", clock=clock)
    result = report(store, task="T5", amount="5", actor="zhang", clock=clock)
    assert result.reached and not result.over and "over" not in _events(store)[-1]


def test_over_is_recorded_only_when_the_report_went_beyond(store, yanting, clock):
    result = report(store, task="T5", amount="3", actor="zhang", clock=clock, over=True)
    assert not result.over and "over" not in _events(store)[-1]


def test_a_part_beyond_its_own_quantity_needs_over(store, yanting, clock):
    report(store, task="T4", amount="163", part="poor", actor="chen", clock=clock)
    with pytest.raises(InputError, match="任务 T4 分项 poor 的目标是 300场次,已报送 163场次,只差 137场次;本次报送 200场次"):
        report(store, task="T4", amount="200", part="poor", actor="chen", clock=clock)  # the whole (5472) has room
    result = report(store, task="T4", amount="200", part="poor", actor="chen", clock=clock, over=True)
    assert (result.part_total, result.total, result.over) == (Decimal("363"), Decimal("363"), True)
    report(store, task="T4", amount="5000", actor="chen", clock=clock)  # not a part: only the whole's remainder counts


def test_a_part_report_beyond_the_whole_needs_over(store, yanting, clock):
    report(store, task="T4", amount="5400", actor="chen", clock=clock)
    with pytest.raises(InputError, match="任务 T4 的目标是 5472场次,已报送 5400场次,只差 72场次"):
        report(store, task="T4", amount="100", part="poor", actor="chen", clock=clock)


def test_english_over_message(store, yanting, clock, monkeypatch):
    monkeypatch.setenv("QINGDAN_LANG", "en")
    report(store, task="T5", amount="20", actor="zhang", clock=clock)
    with pytest.raises(
        InputError,
        match=r"task T5 has a target of 25 场, 20 场 reported, 5 场 remaining; reporting 7 场 "
        r"goes beyond the target\. If it really did, confirm that it goes beyond the target\.",
    ):
        report(store, task="T5", amount="7", actor="zhang", clock=clock)


def test_recurring_duties_have_no_target_to_go_beyond(store, clock, steps):
    from engine.dates.clock import FixedClock
    from engine.runtime.loader import load
    from tests.conftest import HUANGJIN, at, definition_of

    january = FixedClock(at("2019-01-10T09:00"))
    load(store, [definition_of(HUANGJIN, steps)], clock=january)
    for _ in range(3):
        result = report(store, task="R5", item="1", amount="1", actor="ma", clock=january)
    assert not result.over and result.total == Decimal("3")


def test_cli_over_and_bad_amounts(qingdan):
    from tests.conftest import YANTING

    assert qingdan("load", YANTING, now="2017-03-01T09:00").returncode == 0
    assert qingdan("report", "T5", "20", "--as", "zhang", now="2017-03-02").returncode == 0
    refused = qingdan("report", "T5", "7", "--as", "zhang", now="2017-03-03")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("错误:任务 T5 的目标是 25场") and "--over" in refused.stderr
    done = qingdan("report", "T5", "7", "--as", "zhang", "--over", now="2017-03-03")
    assert done.returncode == 0, done.stderr
    assert "累计 27/25" in done.stdout and "目标已完成。" in done.stdout and "已确认超出目标。" in done.stdout
    for typed in ("1e9", "NaN", "0x10", "1_000", "１２", "-5", "0"):
        result = qingdan("report", "T5", typed, "--as", "zhang", now="2017-03-04")
        assert result.returncode == 1 and "Traceback" not in result.stderr, (typed, result.stderr)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("错误:数量"), (typed, result.stderr)
