"""Numbers with units in a target cell (engine/importing/figures.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.importing.figures import per_period, read_figure, sub_figures

EXACT = [
    ("5472场次", "5472", "场次"),
    ("172.12万元", "172.12", "万元"),
    ("1748户", "1748", "户"),
    ("233个", "233", "个"),
    ("1,748户", "1748", "户"),
    ("25 场", "25", "场"),
    ("95%", "95", "%"),
    ("200亩", "200", "亩"),
    ("135人次", "135", "人次"),
    ("５０户", "50", "户"),
]


@pytest.mark.parametrize(("text", "quantity", "unit"), EXACT, ids=[t for t, *_ in EXACT])
def test_a_number_and_its_unit(text, quantity, unit):
    figure = read_figure(text)
    assert (figure.quantity, figure.unit, figure.exact, figure.guess) == (Decimal(quantity), unit, True, None)


IN_WORDS = [
    ("新建基地200亩", "200", "亩"),
    ("58户交钥匙入住", "58", "户"),
    ("2019年完成50户", "50", "户"),
    ("全年放映不少于300场次", "300", "场次"),
]


@pytest.mark.parametrize(("text", "quantity", "unit"), IN_WORDS, ids=[t for t, *_ in IN_WORDS])
def test_one_figure_in_one_clause_is_taken_without_a_guess(text, quantity, unit):
    figure = read_figure(text)
    assert (figure.quantity, figure.unit, figure.exact, figure.guess) == (Decimal(quantity), unit, False, None)


GUESSES = [
    ("培训3期150人次", "3", "期", "有 2 个数字"),
    ("新增贷款80万元,到期贷款按时收回", "80", "万元", "目标不止一句"),
    ("培训三期", "3", "期", "汉字"),
    ("完成12", "12", "项", "单位"),
    (12, "12", "项", "没有单位"),
    (172.12, "172.12", "项", "没有单位"),
]


@pytest.mark.parametrize(("text", "quantity", "unit", "why"), GUESSES, ids=[str(t) for t, *_ in GUESSES])
def test_more_than_a_figure_is_a_guess_that_says_why(text, quantity, unit, why):
    figure = read_figure(text)
    assert (figure.quantity, figure.unit) == (Decimal(quantity), unit)
    assert why in figure.guess


@pytest.mark.parametrize("text", ["做好宣传", "到期贷款按时收回", "建立一套制度", "", None, "0户"])
def test_no_number_gives_none(text):
    assert read_figure(text) is None


PERIODS = [
    ("每户每月不少于1次", "month", 1),
    ("每周不少于5天", "week", 5),
    ("每季度走访", "quarter", 1),
    ("每月至少2次", "month", 2),
    ("按季度调度", "quarter", 1),
]


@pytest.mark.parametrize(("text", "every", "at_least"), PERIODS, ids=[t for t, *_ in PERIODS])
def test_a_target_per_period(text, every, at_least):
    found = per_period(text)
    assert (found.every, found.at_least) == (every, at_least)


def test_a_plain_target_is_not_per_period():
    assert per_period("233个") is None


@pytest.mark.parametrize(
    "text, unit, parts",
    [
        ("其中护林员199个", "个", [("护林员", Decimal(199))]),
        ("全年5472场次,其中贫困村放映300场次", "场次", [("贫困村放映", Decimal(300))]),
        ("其中贫困村300场次、学校50场次", "场次", [("贫困村", Decimal(300)), ("学校", Decimal(50))]),
        ("其中护林员199人", "个", []),  # another unit: left to the note
        ("42户+16户", "户", []),
        ("", "个", []),
    ],
)
def test_sub_figures_after_qizhong(text, unit, parts):
    assert sub_figures(text, unit) == parts
