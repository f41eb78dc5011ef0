"""Show quantities as people write them: 2854, 172.12, never 2854.0000 or 2.854E+3.

A figure no one could have entered (infinite, NaN, or with an exponent far beyond ``NUMERIC(20,4)``, which only a
write around the engine can store) is shown as it is, never expanded into millions of digits nor raised on:
``plain`` gives ``Infinity`` or ``1E+999999999``, ``as_json_number`` gives None.
"""

from __future__ import annotations

from decimal import Decimal

#: beyond this many digits either side of the point a figure is shown in scientific notation rather than expanded
_EXPANDED_DIGITS = 40


def _shown_plainly(value: Decimal) -> bool:
    return value.is_finite() and (value.is_zero() or -_EXPANDED_DIGITS <= value.adjusted() <= _EXPANDED_DIGITS)


def plain(value) -> str:
    value = Decimal(value)
    if not _shown_plainly(value):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def as_json_number(value):
    value = Decimal(value)
    if not _shown_plainly(value):
        return None
    return int(value) if value == value.to_integral_value() else float(value)
