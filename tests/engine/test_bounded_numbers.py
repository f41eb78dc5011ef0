"""Numbers with bounds: one parser for amounts, measures, quantities and ids (engine.amounts), a checklist's quantities
held to the same bounds, and a status that leaves out a stored figure no one could have entered instead of failing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import text

from engine.amounts import MAX_ID, MAXIMUM, parse_amount, parse_id, parse_measure, quantity_problem
from engine.definition.validation import validate_text
from engine.errors import InputError, NotFound
from engine.numbers import as_json_number, plain
from engine.queries.status import checklist_status
from engine.runtime.progress import correct, report
from tests.conftest import YANTING, at

CHECKLIST = "yanting-wenguang-2017"


def _yanting(old: str, new: str) -> str:
    source = YANTING.read_text(encoding="utf-8")
    assert old in source
    return source.replace(old, new)


# ---------------------------------------------------------------- the one parser


def test_the_documented_maximum():
    assert MAXIMUM == Decimal("9999999999999999.9999") and parse_amount(str(MAXIMUM)) == MAXIMUM
    assert MAX_ID == 9223372036854775807


@pytest.mark.parametrize(
    "typed, value",
    [("210", Decimal(210)), ("0", Decimal(0)), ("-5", Decimal(-5)), ("−2.5", Decimal("-2.5")), ("98.50", Decimal("98.5")), (7, Decimal(7))],
)
def test_measures_take_zero_and_negatives(typed, value):
    assert parse_measure(typed) == value


@pytest.mark.parametrize(
    "typed, words",
    [
        ("1e999999999", "科学计数法"),
        ("Infinity", "不是一个具体的数"),
        ("NaN", "不是一个具体的数"),
        ("--5", "不是普通的十进制数"),
        ("-+5", "不是普通的十进制数"),
        ("12345678901234567", "整数部分最多 16 位"),
        ("-12345678901234567", "整数部分最多 16 位"),
        ("9" * 5000, "整数部分最多 16 位"),
        ("1.23456", "最多保留 4 位小数"),
    ],
)
def test_measures_are_held_to_the_same_bounds(typed, words):
    with pytest.raises(InputError, match=words) as refused:
        parse_measure(typed, "篮球场")
    assert str(refused.value).startswith("“篮球场”:") and len(str(refused.value)) < 300


@pytest.mark.parametrize("typed", ["1e309", "1e+308", "inf", "12345678901234567", "9" * 5000, float("inf"), 1e308])
def test_amounts_beyond_the_bounds_are_refused(typed):
    with pytest.raises(InputError):
        parse_amount(typed)


@pytest.mark.parametrize(
    "value, words",
    [
        ("1.0E+999999999", "整数部分最多 16 位"),
        ("-1E+999999999", "整数部分最多 16 位"),
        ("123456789012345678901234567890", "整数部分最多 16 位"),
        ("Infinity", "不是一个具体的数"),
        ("NaN", "不是一个具体的数"),
        ("25.123456", "最多保留 4 位小数"),
        ("1E-999999999", "最多保留 4 位小数"),
    ],
)
def test_quantity_problems(value, words):
    assert words in quantity_problem(Decimal(value))


@pytest.mark.parametrize("value", ["25", "0.0001", "9999999999999999.9999", "25.1200000", "1.0E+3", "0"])
def test_quantities_within_bounds(value):
    assert quantity_problem(Decimal(value)) is None


@pytest.mark.parametrize(
    "typed, number",
    [
        (12, 12),
        ("12", 12),
        (" 7 ", 7),
        ("9223372036854775807", MAX_ID),
        ("9223372036854775808", None),
        (9223372036854775808, None),
        ("9" * 5000, None),
        ("0", None),
        (-1, None),
        ("²", None),
        ("1.5", None),
        (True, None),
        (None, None),
    ],
)
def test_ids(typed, number):
    assert parse_id(typed) == number


@pytest.mark.parametrize(
    "value, shown", [("Infinity", "Infinity"), ("NaN", "NaN"), ("1E+999999999", "1E+999999999"), ("2854.0000", "2854")]
)
def test_figures_no_one_could_enter_are_shown_not_expanded(value, shown):
    assert plain(value) == shown
    assert as_json_number(value) == (2854 if shown == "2854" else None)


# ---------------------------------------------------------------- the checklist's quantities


@pytest.mark.parametrize(
    "quantity, words",
    [
        ("1.0e999999999", "整数部分最多 16 位"),
        ("123456789012345678901234567890", "整数部分最多 16 位"),
        ("10000000000000000", "整数部分最多 16 位"),
        ("25.123456", "最多保留 4 位小数"),
    ],
)
def test_a_target_beyond_the_bounds_is_refused_where_it_stands(steps, quantity, words):
    source = _yanting("target: {quantity: 25, unit: 场}", f"target: {{quantity: {quantity}, unit: 场}}")
    result = validate_text(source, "c.yaml", steps)
    assert not result.ok
    line = source.splitlines().index(f"    target: {{quantity: {quantity}, unit: 场}}") + 1
    found = [p.format() for p in result.errors]
    assert any(f"c.yaml:{line}:" in message and words in message for message in found), found


def test_parts_budgets_bounds_and_counts_are_bounded_too(steps):
    from tests.plugins.test_funds import FUNDED

    budget = FUNDED.replace("funds: {budget: 60}", "funds: {budget: 1.0e400}")
    assert any("整数部分最多 16 位" in p.format() for p in validate_text(budget, "c.yaml", steps).errors)
    part = _yanting(
        "target: {quantity: 25, unit: 场}", "target: {quantity: 25, unit: 场}\n    parts: [{id: p, title: 贫困村, quantity: 0.000001}]"
    )
    assert any("最多保留 4 位小数" in p.format() for p in validate_text(part, "c.yaml", steps).errors)
    bound = _yanting("{check: 篮球场, unit: 个, min: 1}", "{check: 篮球场, unit: 个, min: 1.0e999999999}")
    assert any("整数部分最多 16 位" in p.format() for p in validate_text(bound, "c.yaml", steps).errors)
    recurring = _yanting("target: {quantity: 25, unit: 场}", "recurring: {every: month, at_least: 99999999999999999}")
    assert any("99999999999999999" in p.format() for p in validate_text(recurring, "c.yaml", steps).errors)


# ---------------------------------------------------------------- ids beyond any row's


@pytest.mark.parametrize("entry", [9223372036854775808, 10**40, "9223372036854775808", "9" * 5000])
def test_correcting_an_entry_beyond_bigint_is_no_such_entry(store, yanting, clock, entry):
    with pytest.raises(NotFound, match="没有编号为 .* 的报送记录") as missing:
        correct(store, task="T5", entry=entry, actor="zhang", clock=clock)
    assert len(str(missing.value)) < 200


def test_marking_a_notice_beyond_bigint_is_no_such_notice(store, yanting, clock):
    from engine.reminders.notices import mark_read

    with pytest.raises(NotFound, match="没有编号为 9223372036854775808 的通知"):
        mark_read(store, "li", [9223372036854775808], clock.now())


# ---------------------------------------------------------------- clock and scheduler ranges


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "9999-12-31", "9999-12-31T23:59", "1999-12-31", "2200-01-01"])
def test_the_clock_is_set_within_its_years(typed):
    from engine.dates.clock import parse_instant

    with pytest.raises(InputError, match="引擎时钟只能设在 2000 年至 2199 年之间"):
        parse_instant(typed)


def test_status_past_the_calendars_data_answers(store, yanting, plugins):
    from engine.dates.clock import FixedClock

    board = checklist_status(store, CHECKLIST, FixedClock(at("2030-01-01")), plugins)
    assert board.today.isoformat() == "2030-01-01" and len(board.tasks) == len(yanting.tasks)


@pytest.mark.parametrize("interval", [0, -1, 86401, True, 1.5])
def test_the_scheduler_interval_is_a_positive_whole_number(store, clock, interval):
    from engine.reminders.scheduler import SweepContext, build

    with pytest.raises(InputError, match="扫描间隔"):
        build(SweepContext(store, clock, ()), blocking=False, interval_seconds=interval)


# ---------------------------------------------------------------- plugins' numbers


def test_an_inspection_value_beyond_the_bounds_is_refused(yanting):
    from plugins.acceptance_criteria import criteria_of, evaluate

    task = yanting.task_by_id["T1"]
    criteria = criteria_of(task)
    values = {c.check: ("是" if c.yes_no else "300") for c in criteria}
    assert evaluate(task, values)
    values["篮球场"] = "1e999999999"
    with pytest.raises(InputError, match="“篮球场” 的结果应是数字.*科学计数法"):
        evaluate(task, values)
    values["篮球场"] = "-1"
    assert not next(f for f in evaluate(task, values) if f.check == "篮球场").met  # a measure may be negative


def test_funds_refuse_an_allocation_beyond_the_bounds(store, clock, steps):
    from engine.runtime.loader import load
    from plugins.funds import record
    from tests.plugins.test_funds import FUNDED

    load(store, [validate_text(FUNDED, "f.yaml", steps).definition], clock=clock)
    for amount in ("1e400", "12345678901234567", "Infinity", "9" * 5000):
        with pytest.raises(InputError):
            record(store, task="T8", action="allocate", amount=amount, on_date="2017-03-01", document="X-1", actor="he", clock=clock)


# ---------------------------------------------------------------- status never fails on stored data


def _poison(store, entry: int) -> str:
    """Write, around the engine, a figure no one could have entered: SQLite takes an infinite REAL, PostgreSQL a NaN."""
    with store.write() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("UPDATE progress SET amount = 9e999 WHERE id = :id"), {"id": entry})
            return "sqlite"
        conn.execute(text("UPDATE progress SET amount = 'NaN' WHERE id = :id"), {"id": entry})
        return "postgresql"


def test_status_leaves_out_a_stored_figure_it_cannot_use_and_says_so(store, yanting, clock, plugins):
    report(store, task="T5", amount="3", actor="zhang", clock=clock)
    bad = report(store, task="T5", amount="4", actor="zhang", clock=clock)
    _poison(store, bad.entry)
    board = checklist_status(store, CHECKLIST, clock, plugins)
    t5 = next(t for t in board.tasks if t.id == "T5")
    assert t5.done == 3 and t5.excluded == 1
    assert "1 条报送记录的数量无法使用" in t5.unusable_note()
    payload = json.loads(json.dumps(board.as_json(), allow_nan=False))  # valid JSON: no Infinity, no NaN
    shown = next(t for t in payload["tasks"] if t["id"] == "T5")
    assert shown["progress"]["done"] == 3 and shown["excluded_entries"] == 1 and "无法使用" in shown["warning"]
    assert all("excluded_entries" not in t for t in payload["tasks"] if t["id"] != "T5")
    # reports and corrections go on, counting what can be counted
    more = report(store, task="T5", amount="2", actor="zhang", clock=clock)
    assert more.total == 5
    undone = correct(store, task="T5", entry=bad.entry, actor="zhang", clock=clock)
    assert undone.total == 5
    again = checklist_status(store, CHECKLIST, clock, plugins)
    assert next(t for t in again.tasks if t.id == "T5").done == 5


def test_status_leaves_out_a_huge_stored_figure(store, yanting, clock, plugins):
    bad = report(store, task="T5", amount="4", actor="zhang", clock=clock)
    with store.write() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("UPDATE progress SET amount = 1e300 WHERE id = :id"), {"id": bad.entry})
        else:  # NUMERIC(20,4) holds nothing beyond 16 digits: the largest it takes, over and over, is still counted
            conn.execute(text("UPDATE progress SET amount = 9999999999999999.9999 WHERE id = :id"), {"id": bad.entry})
    t5 = next(t for t in checklist_status(store, CHECKLIST, clock, plugins).tasks if t.id == "T5")
    if store.engine.dialect.name == "sqlite":
        assert t5.done == 0 and t5.excluded == 1
    else:
        assert t5.done == MAXIMUM and t5.excluded == 0
