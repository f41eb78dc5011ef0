"""Parsing checklist durations: English and Chinese forms, and the refusals."""

from __future__ import annotations

import pytest

from engine.dates.durations import Duration, parse_duration
from engine.errors import InputError
from engine.i18n import use_language


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("5 workdays", 5, "workday"),
        ("1 workday", 1, "workday"),
        ("3 days", 3, "day"),
        ("1 day", 1, "day"),
        ("0 days", 0, "day"),
        ("0 workdays", 0, "workday"),
        ("5  Workdays", 5, "workday"),
        ("  7 DAYS  ", 7, "day"),
        ("10workdays", 10, "workday"),
        ("2 working days", 2, "workday"),
        ("5个工作日", 5, "workday"),
        ("5 个工作日", 5, "workday"),
        ("5工作日", 5, "workday"),
        ("3天", 3, "day"),
        ("3日", 3, "day"),
        ("3 天", 3, "day"),
        ("15个自然日", 15, "day"),
        ("５个工作日", 5, "workday"),
    ],
)
def test_parses_written_forms(text, amount, unit):
    assert parse_duration(text) == Duration(amount, unit)


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(5, "workday"), "5 workdays"),
        (Duration(1, "workday"), "1 workday"),
        (Duration(0, "workday"), "0 workdays"),
        (Duration(3, "day"), "3 days"),
        (Duration(1, "day"), "1 day"),
    ],
)
def test_str_is_canonical_english(duration, text):
    assert str(duration) == text
    assert parse_duration(str(duration)) == duration


@pytest.mark.parametrize(
    "text",
    ["-1 days", "1.5 workdays", "一个工作日", "5 weeks", "5", "workdays", "", "   ", "5 workdays later", "3月"],
)
def test_refuses_non_durations(text):
    with use_language("zh"), pytest.raises(InputError) as caught:
        parse_duration(text)
    assert f"“{text}”" in str(caught.value)


def test_refusal_is_bilingual_and_shows_examples():
    with use_language("zh"):
        with pytest.raises(InputError) as zh:
            parse_duration("-2 days")
    with use_language("en"):
        with pytest.raises(InputError) as en:
            parse_duration("-2 days")
    assert "“-2 days”" in str(zh.value)
    assert "5个工作日" in str(zh.value) and "负数" in str(zh.value)
    assert '"-2 days"' in str(en.value)
    assert '"5 workdays"' in str(en.value) and "negative" in str(en.value)


@pytest.mark.parametrize("value", [5, None, 2.5])
def test_non_text_is_an_input_error(value):
    with pytest.raises(InputError) as caught:
        parse_duration(value)
    assert str(value) in str(caught.value)


def test_duration_is_frozen_and_validated():
    duration = Duration(2, "day")
    with pytest.raises(AttributeError):
        duration.amount = 3  # type: ignore[misc]
    assert duration.amount == 2
    with pytest.raises(ValueError):
        Duration(-1, "day")
    with pytest.raises(ValueError):
        Duration(1, "week")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Duration(True, "day")
