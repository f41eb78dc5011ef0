"""Numbers with units in a 目标任务 cell: ``5472场次`` → 5472 场次, ``172.12万元`` → 172.12 万元 (never multiplied).

``read_figure`` takes the first number of the text with the measure word after it. When the text holds more
than that one figure (``培训3期150人次``), more than one clause (``新增贷款80万元,到期贷款按时收回``), no
measure word, or a Chinese numeral (``培训三期``), the figure comes back with ``guess`` saying so. A text
without any number gives ``None``: the caller decides what such a task becomes. ``per_period`` reads the
``每月不少于1次`` of a recurring duty. Pure text: no workbook, no printing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from engine.i18n import say
from engine.importing.phrases import EVERY_WORDS, normalize
from engine.numbers import plain

# Measure words, longest first when matched. Anything else right after a number is taken (1–2 characters)
# as a guess.
UNITS = sorted(
    """万元 亿元 千元 元 万人次 人次 场次 户次 万人 万户 人 户 个 家 所 座 间 套 台 辆 处 条 项 期 场 篇 部 本 册 份 件 名 位 张 块 根
    盏 棵 株 只 头 万亩 亩 公顷 平方米 平方公里 平方 ㎡ 立方米 方 千米 公里 米 km 吨 千克 公斤 斤 天 小时 日 周 个月 年 个百分点 %
    村 组 批 轮 班 栋 幢 孔 口 眼 支 队 次 所 站 网点 门 课时 学时 期次 宗 笔 单 例 对 首 部 幅 块 座次 床 台套""".split(),
    key=len,
    reverse=True,
)
_NUMBER = r"\d+(?:\.\d+)?"
_UNIT = "|".join(re.escape(u) for u in UNITS)
_FIGURE = re.compile(rf"({_NUMBER})({_UNIT})?")
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_FIGURE = re.compile(rf"([零一二两三四五六七八九十百千]+)({_UNIT})")
_CLAUSES = re.compile(r"[,;。;]")


@dataclass(frozen=True)
class Figure:
    quantity: Decimal
    unit: str
    exact: bool  # the cell was the number and its unit, nothing else
    guess: str | None = None

    def text(self) -> str:
        return f"{plain(self.quantity)}{self.unit}"


def read_figure(value) -> Figure | None:
    """The quantity and unit of a target cell, or None when it holds no number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        quantity = Decimal(str(value))
        return Figure(
            quantity, "项", False, say("只有数字{n},没有单位,单位暂定为“项”", "only the number {n}, no unit; took '项'", n=plain(quantity))
        )
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", normalize(value))  # 1,748 → 1748
    figures = [(m.group(1), m.group(2), m.start()) for m in _FIGURE.finditer(text) if not _is_date_part(text, m)]
    chinese = False
    if not figures:
        figures = [(str(n), unit, at) for n, unit, at in _chinese_figures(text)]
        chinese = bool(figures)
    if not figures:
        return None
    number, unit, _ = figures[0]
    quantity = Decimal(number)
    if quantity <= 0:
        return None
    reasons = []
    if chinese:
        reasons.append(say("数字是汉字写的", "the number is written in Chinese characters"))
    if unit is None:
        unit = _next_word(text, figures[0]) or "项"
        reasons.append(say("数字后面的单位不常见,取了“{u}”", "the word after the number is not a usual unit; took '{u}'", u=unit))
    if len(figures) > 1:
        reasons.append(say("有 {n} 个数字,取了第一个", "{n} numbers; took the first", n=len(figures)))
    if len([c for c in _CLAUSES.split(text) if c]) > 1:
        reasons.append(
            say(
                "目标不止一句,只有“{f}”计为数量", "the target says more than one thing; only '{f}' is counted", f=f"{plain(quantity)}{unit}"
            )
        )
    exact = text == f"{number}{unit}"
    guess = None
    if reasons:
        guess = say("从“{t}”中取数量 {f}:", "quantity {f} taken from '{t}': ", t=text, f=f"{plain(quantity)}{unit}") + say(";", "; ").join(
            reasons
        )
    return Figure(quantity, unit, exact, guess)


def _is_date_part(text: str, match: re.Match) -> bool:
    """``2019年`` or ``6月`` inside a target is a date, not a quantity."""
    unit = match.group(2)
    after = text[match.end() : match.end() + 1]
    if match.group(2) is None and after in ("年", "月", "日", "号"):
        return True
    return unit in ("年", "日") and len(match.group(1)) == 4 or unit == "月" and after in ("底", "前", "末")


def _next_word(text: str, figure) -> str | None:
    number, _, start = figure
    rest = text[start + len(number) :]
    match = re.match(r"[\u4e00-\u9fffA-Za-z]{1,2}", rest)
    return match.group(0) if match else None


def _chinese_figures(text: str):
    for match in _CN_FIGURE.finditer(text):
        value = _chinese_number(match.group(1))
        if value and value >= 2:  # 一套制度, 一户一策: 一 there means "a", not a count
            yield value, match.group(2), match.start()


def _chinese_number(word: str) -> int | None:
    """一 … 九千九百九十九, as written in lists (三期, 十二个, 两百人); None for anything else."""
    total, digit = 0, None
    for char in word:
        if char in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[char]
        else:
            scale = {"十": 10, "百": 100, "千": 1000}[char]
            total += (digit if digit is not None else 1) * scale
            digit = None
    return total + (digit or 0)


@dataclass(frozen=True)
class PerPeriod:
    every: str
    at_least: int
    unit: str | None


def per_period(text) -> PerPeriod | None:
    """``每户每月不少于1次`` → month, 1; ``每周不少于5天`` → week, 5; ``每季度走访`` → quarter, 1."""
    if not isinstance(text, str):
        return None
    text = normalize(text)
    match = re.search(r"(?:每|按)(周|星期|月|季度|季|年度|年)", text)
    if not match:
        return None
    rest = text[match.end() :]
    count = re.search(r"(?:不少于|不低于|至少|最少|达到)?(\d+)(次|天|日|遍|回|人次|户次)", rest)
    if count:
        return PerPeriod(EVERY_WORDS[match.group(1)], max(1, int(count.group(1))), count.group(2))
    return PerPeriod(EVERY_WORDS[match.group(1)], 1, None)


_OF_WHICH = re.compile(r"其中([^;;。]*)")
_SUB = re.compile(rf"^\s*(\D+?)\s*({_NUMBER})\s*(\S*)\s*$")


def sub_figures(text: str, unit: str) -> list[tuple[str, Decimal]]:
    """The parts a target names after 其中 (``其中护林员199个``, ``其中贫困村放映300场次、学校50场次``): (title,
    quantity) of each written in the target's own unit (or with none); others are left to the note."""
    found = []
    for match in _OF_WHICH.finditer(normalize(text or "")):
        for piece in re.split(r"[、,,]", match.group(1)):
            sub = _SUB.match(piece)
            if sub and sub.group(3) in ("", unit):
                found.append((sub.group(1).strip(), Decimal(sub.group(2))))
    return found
