"""Time-limit phrases → a deadline in the list's year or a recurring period (engine/importing/phrases.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.importing.phrases import read_time_limit, write_due, write_every

D = dt.date

DATES = [
    ("10月底前", D(2017, 10, 31)),
    ("9月底", D(2017, 9, 30)),
    ("6月30日前", D(2017, 6, 30)),
    ("6月30日", D(2017, 6, 30)),
    ("6月30号前", D(2017, 6, 30)),
    ("上半年", D(2017, 6, 30)),
    ("下半年", D(2017, 12, 31)),
    ("年底前", D(2017, 12, 31)),
    ("年底", D(2017, 12, 31)),
    ("年内", D(2017, 12, 31)),
    ("全年", D(2017, 12, 31)),
    ("7月中旬", D(2017, 7, 20)),
    ("8月上旬", D(2017, 8, 10)),
    ("8月下旬", D(2017, 8, 31)),
    ("9月初", D(2017, 9, 10)),
    ("2月底前", D(2017, 2, 28)),
    ("11月", D(2017, 11, 30)),
    ("11月份", D(2017, 11, 30)),
    ("12月末", D(2017, 12, 31)),
    ("2017年12月底前", D(2017, 12, 31)),
    ("2019年10月底前", D(2019, 10, 31)),
    ("2018年1月5日前", D(2018, 1, 5)),
    ("次年3月底", D(2018, 3, 31)),
    ("10月31日前完成", D(2017, 10, 31)),
    ("10月31日以前", D(2017, 10, 31)),
    ("１０月底前", D(2017, 10, 31)),  # full-width digits
    (" 10 月 底 前 ", D(2017, 10, 31)),
    ("第一季度", D(2017, 3, 31)),
    ("三季度末", D(2017, 9, 30)),
    ("2017-10-31", D(2017, 10, 31)),
    ("2017/10/31", D(2017, 10, 31)),
    ("10.31", D(2017, 10, 31)),
    (dt.datetime(2017, 10, 31), D(2017, 10, 31)),
    (D(2017, 7, 20), D(2017, 7, 20)),
]


@pytest.mark.parametrize(("phrase", "due"), DATES, ids=[str(p) for p, _ in DATES])
def test_a_date_phrase_is_read_whole(phrase, due):
    found = read_time_limit(phrase, 2017)
    assert found is not None and found.due == due and found.every is None
    assert found.guess is None


RECURRING = [
    ("每月", "month", None),
    ("每周", "week", None),
    ("每季度", "quarter", None),
    ("每季", "quarter", None),
    ("每年", "year", None),
    ("按月", "month", None),
    ("按季度", "quarter", None),
    ("按周调度", "week", None),
    ("每月5日前", "month", "每月5日前"),
    ("长期坚持", "year", "长期坚持"),
    ("长期", "year", "长期"),
    ("常态化", "year", "常态化"),
]


@pytest.mark.parametrize(("phrase", "every", "note"), RECURRING, ids=[p for p, *_ in RECURRING])
def test_a_recurring_phrase_gives_a_period(phrase, every, note):
    found = read_time_limit(phrase, 2017)
    assert found is not None and found.due is None
    assert (found.every, found.note) == (every, note)


def test_a_phrase_with_more_than_one_date_takes_the_latest_as_a_guess():
    found = read_time_limit("6月底前完成方案,10月底前完工", 2017)
    assert found.due == D(2017, 10, 31)
    assert "最晚" in found.guess and found.note == "6月底前完成方案,10月底前完工"


def test_mid_month_is_a_guess():
    found = read_time_limit("9月中", 2017)
    assert found.due == D(2017, 9, 15) and found.guess


@pytest.mark.parametrize("phrase", ["尽快", "立即", "视情况而定", "每半年", "2月30日", "13月底", ""])
def test_phrases_not_known_give_none(phrase):
    assert read_time_limit(phrase, 2017) is None


@pytest.mark.parametrize("due", [D(2017, 1, 1), D(2017, 7, 20), D(2017, 12, 31), D(2018, 1, 5), D(2016, 12, 30)])
def test_what_the_export_writes_reads_back_exactly(due):
    assert read_time_limit(write_due(due, 2017), 2017).due == due


@pytest.mark.parametrize("every", ["week", "month", "quarter", "year"])
def test_periods_read_back_exactly(every):
    assert read_time_limit(write_every(every), 2017).every == every
