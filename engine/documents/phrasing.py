"""How the circular and the work report write the facts they are given: dates, quantities, shares, names, numbering.

Formatting only: every value comes from ``engine.documents.facts``; nothing here adds, divides, ranks or judges.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from engine.numbers import plain

CHINESE_NUMERALS = "一二三四五六七八九十"
FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})
PLACEHOLDER = "【待补充:{what}】"


def placeholder(what: str) -> str:
    """A visible gap the writer fills in by hand: 【待补充:工作举措】."""
    return PLACEHOLDER.format(what=what)


def day(value: dt.date, year: int) -> str:
    """6月30日 inside the list's year, 2018年1月5日 outside it."""
    if value.year == year:
        return f"{value.month}月{value.day}日"
    return full_day(value)


def full_day(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def num(value) -> str:
    """5472, 172.12: as people write them."""
    return plain(value)


def percent(share: float | None) -> str:
    """A share (0..1) as a percentage with one decimal: 52.2%."""
    if share is None:
        return "—"
    return f"{_one_decimal(share * 100)}%"


def points(share: float) -> str:
    """A difference of shares in percentage points, without its sign: 2.0."""
    return _one_decimal(abs(share) * 100)


def score(value: float) -> str:
    return _one_decimal(value)


def _one_decimal(value: float) -> str:
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 21 → 二十一 (heading numbers)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def level1(n: int, text: str) -> str:
    return f"{chinese(n)}、{text}"


def level2(n: int, text: str) -> str:
    return f"({chinese(n)}){text}"


def names(values: list[str], limit: int = 3) -> str:
    """林农镇玉城村、八角镇人民村; beyond ``limit`` names: 林农镇玉城村、八角镇人民村、茶亭燕来村等5个."""
    if len(values) <= limit:
        return "、".join(values)
    return "、".join(values[:limit]) + f"等{len(values)}个"


def sentence(text: str) -> str:
    """End a sentence with 。 unless it already ends with a closing mark."""
    text = text.strip()
    if not text or text[-1] in "。!?;:…】！？；：":
        return text
    return text.rstrip(",、;，；") + "。"


def period_words(kind: str | None, start: dt.date | None) -> str:
    """What the report calls its period in running text: 上半年, 下半年, 全年, 6月, 第二季度, 本周."""
    if kind is None or start is None:
        return "本期"
    if kind == "half":
        return "上半年" if start.month == 1 else "下半年"
    if kind == "year":
        return "全年"
    if kind == "month":
        return f"{start.month}月"
    if kind == "quarter":
        return f"第{chinese((start.month - 1) // 3 + 1)}季度"
    return "本周"


def full_width(value):
    """Chinese print punctuation (，；：（）) in every string of a context (dicts and lists walked), the way
    official documents are typeset; the engine's own messages, which some facts carry, use ASCII marks."""
    if isinstance(value, str):
        return value.translate(FULL_WIDTH)
    if isinstance(value, dict):
        return {key: full_width(item) for key, item in value.items()}
    if isinstance(value, list):
        return [full_width(item) for item in value]
    return value
