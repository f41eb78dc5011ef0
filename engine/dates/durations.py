"""Durations as checklists write them: "5 workdays", "3 days", "5个工作日", "3天".

This module only turns text into a ``Duration`` value. It must not do date arithmetic: counting
working days needs the holiday table and belongs to ``engine.dates.calendar``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from engine.errors import InputError
from engine.i18n import say

Unit = Literal["workday", "day"]
UNITS: tuple[Unit, ...] = ("workday", "day")

# Unit words, matched case-insensitively after the number. 自然日 ("calendar day") is how
# official documents say "days, holidays included" when they want to be explicit.
_UNIT_WORDS: dict[str, Unit] = {
    "workday": "workday",
    "workdays": "workday",
    "working day": "workday",
    "working days": "workday",
    "工作日": "workday",
    "个工作日": "workday",
    "day": "day",
    "days": "day",
    "天": "day",
    "日": "day",
    "自然日": "day",
    "个自然日": "day",
}

# \d also takes full-width digits (５个工作日), which people type with a Chinese input method.
_PATTERN = re.compile(r"^(\d+)\s*(.+?)$")


@dataclass(frozen=True)
class Duration:
    """A whole number of working days or calendar days."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        # bool is an int subclass; Duration(True, "day") is a bug, not "1 day".
        if not isinstance(self.amount, int) or isinstance(self.amount, bool) or self.amount < 0:
            raise ValueError(f"Duration amount must be a non-negative int, got {self.amount!r}")
        if self.unit not in UNITS:
            raise ValueError(f"Duration unit must be one of {UNITS}, got {self.unit!r}")

    def __str__(self) -> str:
        plural = "" if self.amount == 1 else "s"
        return f"{self.amount} {self.unit}{plural}"


def parse_duration(text: str) -> Duration:
    """Read a duration such as "5 workdays" or "3天"; raise ``InputError`` if it is not one."""
    if isinstance(text, str):
        match = _PATTERN.match(text.strip())
        if match:
            words = " ".join(match.group(2).lower().split())
            # "5 个工作日" and "5 work days" are the same intent as the spaceless forms.
            unit = _UNIT_WORDS.get(words) or _UNIT_WORDS.get(words.replace(" ", ""))
            if unit is not None:
                return Duration(int(match.group(1)), unit)
    raise InputError(
        say(
            "无法识别期限“{text}”。请写成非负整数加单位，例如“5个工作日”“3天”“5 workdays”“1 day”（不能是负数或小数）。",
            'Cannot read the duration "{text}". Write a whole number (zero or more) and a unit, '
            'for example "5 workdays", "1 workday", "3 days", "5个工作日" or "3天" '
            "(no negative numbers or fractions).",
            text=text,
        )
    )
