"""Numbers as people type them (a command line, a form, a JSON number or string, a checklist file): the one rule for
what is accepted, and the one test for what a stored figure may be.

Reports cannot lie by accident: an amount is a plain decimal as people write it (no ``1e9``, ``NaN``, ``0x10``,
``1_000`` or full-width digits, which a number parser would take or misread), positive, with at most 4 decimals
and a magnitude that fits ``NUMERIC(20,4)`` (at most 16 digits before the point: ``MAXIMUM``). Used by progress
reports, step data and the funds ledger (``parse_amount``), inspection results (``parse_measure``: zero and negatives
allowed), the checklist's quantities, budgets and bounds (``quantity_problem``), report and notice numbers
(``parse_id``), and by the status query, which leaves out a stored figure outside these bounds (``usable``) rather
than fail on it. docs/security.md ("Numbers") lists the limits.
"""

from __future__ import annotations

import re
from decimal import Decimal

from engine.errors import InputError
from engine.i18n import say

MAX_PLACES = 4
#: ``NUMERIC(20,4)``: 16 digits before the decimal point
MAX_INTEGER_DIGITS = 16
#: the largest amount, quantity or budget: 9999999999999999.9999
MAXIMUM = Decimal(10) ** MAX_INTEGER_DIGITS - Decimal(1).scaleb(-MAX_PLACES)
#: the largest id of a row (report entries, notices): ``BIGINT`` on PostgreSQL, ``INTEGER`` on SQLite, both 64-bit
MAX_ID = 2**63 - 1
_PLAIN = re.compile(r"\+?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_NOT_A_NUMBER = re.compile(r"[+\-\u2212]?\s*(?:s?nan|inf(?:inity)?|∞|无穷大?)", re.IGNORECASE)
_MINUS = ("-", "\u2212", "\uff0d")  # ASCII hyphen-minus, minus sign, full-width hyphen-minus


def shorten(text: str) -> str:
    """What was typed, as a message quotes it: at most 40 characters."""
    return text if len(text) <= 40 else text[:40] + "…"


_quoted = shorten


def parse_amount(text) -> Decimal:
    """An amount as typed (CLI, form, JSON number or string): a positive plain decimal, or ``InputError``.

    Accepted: ASCII digits with at most one decimal point and an optional leading ``+`` (``12``, ``3.5``,
    ``0.25``), at most 4 decimals (trailing zeros beyond them are dropped), at most 16 digits before the point.
    """
    return _parse(text, signed=False)


def parse_measure(text, what: str | None = None) -> Decimal:
    """A measured value as typed (an inspection result: 210, 0, -5, 98.5): like ``parse_amount`` but zero and
    negatives are allowed. ``what`` names the value in the message (a criterion's text); ``InputError`` otherwise."""
    try:
        return _parse(text, signed=True)
    except InputError as err:
        if what is None:
            raise
        raise InputError(say("“{w}”:{m}", "'{w}': {m}", w=what, m=err), field=err.field) from None


def _parse(text, *, signed: bool) -> Decimal:
    stripped = "" if text is None else str(text).strip()
    shown = _quoted(stripped)
    if not stripped:
        raise InputError(
            say("没有填写数量:请写一个大于 0 的数,如 12 或 3.5。", "no amount given: write a number above 0, e.g. 12 or 3.5."),
            field="amount",
        )
    if _NOT_A_NUMBER.fullmatch(stripped):
        raise InputError(
            say(
                "数量 “{a}” 不是一个具体的数:请写一个大于 0 的普通数字,如 12 或 3.5。",
                "the amount '{a}' is not an actual number: write a plain number above 0, e.g. 12 or 3.5.",
                a=shown,
            ),
            field="amount",
        )
    negative = stripped.startswith(_MINUS)
    if negative and signed:
        stripped = "-" + stripped[1:]  # −5 and -5 alike; "--5" or "-+5" stay refused below
    elif negative:
        raise InputError(
            say(
                "数量必须大于 0,不能是负数(填的是 “{a}”);要更正之前的报送,请更正那一条报送记录。",
                "the amount must be more than 0, not negative (got '{a}'); to fix an earlier report, correct that entry.",
                a=shown,
            ),
            field="amount",
        )
    if any(not ch.isascii() and (ch.isdigit() or ch in "．。＋") for ch in stripped):
        raise InputError(
            say(
                "数量 “{a}” 用了全角数字或符号:请用半角阿拉伯数字,如 12 或 3.5。",
                "the amount '{a}' uses full-width digits or signs: write ASCII digits, e.g. 12 or 3.5.",
                a=shown,
            ),
            field="amount",
        )
    if not any("0" <= ch <= "9" for ch in stripped):
        raise InputError(
            say(
                "数量 “{a}” 不是数字:请写一个大于 0 的数,如 12 或 3.5。",
                "the amount '{a}' is not a number: write a number above 0, e.g. 12 or 3.5.",
                a=shown,
            ),
            field="amount",
        )
    if not _PLAIN.fullmatch(stripped[1:] if negative else stripped) or (negative and stripped[1:2] == "+"):
        raise InputError(
            say(
                "数量 “{a}” 不是普通的十进制数:只能写阿拉伯数字,最多一个小数点(如 12 或 3.5);"
                "不接受科学计数法(1e9)、十六进制(0x10)、千位分隔符(1,000)、下划线(1_000)、单位或其他文字。",
                "the amount '{a}' is not a plain decimal number: write digits with at most one decimal point (e.g. 12 or 3.5); "
                "scientific notation (1e9), hexadecimal (0x10), thousands separators (1,000), underscores (1_000), units and "
                "other words are not accepted.",
                a=shown,
            ),
            field="amount",
        )
    amount = Decimal(stripped[1:] if negative else stripped.lstrip("+"))
    if amount == 0 and signed:
        return Decimal(0)
    if amount == 0:
        raise InputError(
            say(
                "数量必须大于 0(填的是 “{a}”);要更正之前的报送,请更正那一条报送记录。",
                "the amount must be more than 0 (got '{a}'); to fix an earlier report, correct that entry.",
                a=shown,
            ),
            field="amount",
        )
    if amount.adjusted() + 1 > MAX_INTEGER_DIGITS:
        raise InputError(
            say(
                "数量 “{a}” 大得不合常理:整数部分最多 {n} 位。",
                "the amount '{a}' is implausibly large: at most {n} digits before the decimal point.",
                a=shown,
                n=MAX_INTEGER_DIGITS,
            ),
            field="amount",
        )
    places = -amount.normalize().as_tuple().exponent
    if places > MAX_PLACES:
        raise InputError(
            say("数量 “{a}” 最多保留 {n} 位小数。", "the amount '{a}' may have at most {n} decimal places.", a=shown, n=MAX_PLACES),
            field="amount",
        )
    amount = amount.quantize(Decimal(1).scaleb(-max(places, 0)))  # 3.50 → 3.5, 100 stays 100
    return -amount if negative else amount


def quantity_problem(value: Decimal) -> str | None:
    """Why a number written in a checklist (a target, a part, a budget, an inspection bound, a ranking weight) cannot
    be used, or None: it must be finite, at most ``MAXIMUM`` in size and have at most 4 decimals, as amounts do."""
    if not value.is_finite():
        return say("不是一个具体的数。", "it is not an actual number.")
    if value.copy_abs() > MAXIMUM:
        return say(
            "大得不合常理:整数部分最多 {n} 位(最大 {m})。",
            "it is implausibly large: at most {n} digits before the decimal point (at most {m}).",
            n=MAX_INTEGER_DIGITS,
            m=format(MAXIMUM, "f"),
        )
    if _places(value) > MAX_PLACES:
        return say("最多保留 {n} 位小数。", "at most {n} decimal places are allowed.", n=MAX_PLACES)
    return None


def _places(value: Decimal) -> int:
    """Decimals written, trailing zeros not counted (``normalize`` would round a tiny exponent away)."""
    _, digits, exponent = value.as_tuple()
    stripped = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return 0 if stripped == len(digits) else max(0, -(exponent + stripped))


def parse_id(value) -> int | None:
    """A row number as typed (``12``, ``"12"``): the int when it can name a row (1 to ``MAX_ID``), else None, so the
    caller answers "no such entry" without asking the database about a number it cannot hold."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = "" if value is None else str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


def usable(column):
    """The SQL condition a stored amount must meet to be counted: between -``MAXIMUM`` and ``MAXIMUM``. It leaves out
    what a direct write may have put in the column: SQLite's infinities, huge reals and text, PostgreSQL's NaN."""
    return column.between(-MAXIMUM, MAXIMUM)
