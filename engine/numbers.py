"""Show quantities as people write them: 2854, 172.12, never 2854.0000 or 2.854E+3."""

from __future__ import annotations

from decimal import Decimal


def plain(value) -> str:
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def as_json_number(value):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)
