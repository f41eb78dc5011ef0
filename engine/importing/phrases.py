"""Time-limit phrases (完成时限) as offices write them → a deadline in the list's year, or a recurring period.

``read_time_limit("10月底前", 2017)`` is ``TimeLimit(due=2017-10-31)``; ``"每月"`` is ``TimeLimit(every="month")``;
``"长期坚持"`` is a yearly duty with a note. A phrase understood only in part (two dates in one cell, ``9月中``)
comes back with ``guess`` saying what was assumed; a phrase not understood at all gives ``None``. Pure text and
date arithmetic: no workbook, no printing. The table of phrases is in docs/import.md; keep the two in step.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from engine.i18n import say

EVERY_WORDS = {"周": "week", "星期": "week", "月": "month", "季": "quarter", "季度": "quarter", "年": "year", "年度": "year"}
EVERY_TEXT = {"week": "每周", "month": "每月", "quarter": "每季度", "year": "每年"}
LONG_TERM = ("长期坚持", "长期", "持续推进", "持续开展", "长期开展", "常态化", "常年", "持续")
YEAR_END = ("年底", "年末", "年终", "年内", "全年", "年度内", "本年度", "本年内", "今年内", "今年底", "当年", "年度")
HALVES = {"上半年": (6, 30), "下半年": (12, 31)}
QUARTERS = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
# what may trail a phrase without changing it: 10月底前完成, 6月30日以前
_TAIL = re.compile(r"(之前|以前|前完成|完成|前|止|为止|内|截止)+$")


@dataclass(frozen=True)
class TimeLimit:
    """What a 完成时限 cell means: a ``due`` date, or a recurring period ``every`` (week, month, quarter, year)."""

    due: dt.date | None = None
    every: str | None = None
    note: str | None = None  # kept with the task: 长期坚持, 每月5日前 …
    guess: str | None = None  # why the clerk should check it; None when the phrase was read whole


def normalize(text: str) -> str:
    """Full-width digits and punctuation as ASCII, no spaces: ``2019 年 12 月底前`` → ``2019年12月底前``."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def read_time_limit(value, year: int) -> TimeLimit | None:
    """The cell's time limit, or None when the phrase is not one this module knows."""
    if isinstance(value, dt.datetime):
        return TimeLimit(due=value.date())
    if isinstance(value, dt.date):
        return TimeLimit(due=value)
    text = normalize(value)
    if not text:
        return None
    found = _recurring(text) or _whole(text, year)
    if found is not None:
        return found
    return _in_part(text, year)


def _recurring(text: str) -> TimeLimit | None:
    if text in LONG_TERM or text.rstrip("坚持") in LONG_TERM:
        return TimeLimit(every="year", note=text)
    match = re.match(r"^(?:每|按|逐)(周|星期|月|季度|季|年度|年)(.*)$", text)
    if not match:
        return None
    every = EVERY_WORDS[match.group(1)]
    rest = match.group(2)
    if not rest or rest in ("度", "末", "底", "调度", "一次", "1次"):
        return TimeLimit(every=every)
    # 每月5日前, 每周五, 每季度末前: the period is clear, the day inside it is kept as a note
    return TimeLimit(every=every, note=text)


def _whole(text: str, year: int) -> TimeLimit | None:
    """A phrase that is one date from start to end (after an optional year and trailing 前/完成)."""
    body, the_year = _year_prefix(text, year)
    if the_year is None:
        return None
    body = _TAIL.sub("", body) if body not in ("年内", "月内") else body
    body = body or "年底"
    try:
        return _date_phrase(body, the_year)
    except ValueError:
        return None


def _year_prefix(text: str, year: int) -> tuple[str, int | None]:
    match = re.match(r"^(\d{4})年?(?=\d|上|下|底|末|年|全|第|[一二三四]季|内|$)", text)
    if match:
        return text[match.end() :], int(match.group(1))
    for word, shift in (("次年", 1), ("明年", 1), ("翌年", 1), ("今年", 0), ("本年", 0), ("当年", 0)):
        if text.startswith(word) and len(text) > len(word) and text[len(word)] not in "内度底末":
            return text[len(word) :], year + shift
    return text, year


def _date_phrase(body: str, year: int) -> TimeLimit | None:
    if body in YEAR_END or body in ("底", "末", "内"):
        return TimeLimit(due=dt.date(year, 12, 31))
    if body in HALVES:
        month, day = HALVES[body]
        return TimeLimit(due=dt.date(year, month, day))
    match = re.fullmatch(r"第?([一二三四1-4])季度?(末|底)?", body)
    if match:
        month = QUARTERS[match.group(1)]
        return TimeLimit(due=_month_end(year, month))
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", body)
    if match:
        return TimeLimit(due=dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    match = re.fullmatch(r"(\d{1,2})[./](\d{1,2})", body)
    if match:
        return TimeLimit(due=dt.date(year, int(match.group(1)), int(match.group(2))))
    match = re.fullmatch(r"(\d{1,2})月(\d{1,2})[日号]?", body)
    if match:
        return TimeLimit(due=dt.date(year, int(match.group(1)), int(match.group(2))))
    match = re.fullmatch(r"(\d{1,2})月(份|底|末|末尾|内|中旬|上旬|下旬|初|中|)", body)
    if match:
        return _within_month(year, int(match.group(1)), match.group(2))
    return None


def _within_month(year: int, month: int, word: str) -> TimeLimit:
    if word in ("上旬", "初"):
        return TimeLimit(due=dt.date(year, month, 10))
    if word == "中旬":
        return TimeLimit(due=dt.date(year, month, 20))
    if word == "中":
        return TimeLimit(
            due=dt.date(year, month, 15),
            guess=say("“{m}月中”按{m}月15日处理", "'{m}月中' read as the 15th of month {m}", m=month),
        )
    return TimeLimit(due=_month_end(year, month))  # 底, 末, 份, 内, 下旬, or the bare month


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


_PIECE = re.compile(
    r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}[日号]|底|末|份|上旬|中旬|下旬|初|中)?|(?:\d{4}年)?(?:上半年|下半年|年底|年末)|第?[一二三四]季度"
)


def _in_part(text: str, year: int) -> TimeLimit | None:
    """A cell with more words than a phrase (``6月底前完成方案,10月底前完工``): the latest date in it, as a guess."""
    dates = []
    for match in _PIECE.finditer(text):
        piece = match.group(0)
        found = _whole(piece, year)
        if found is not None and found.due is not None:
            dates.append((found.due, piece))
    if not dates:
        return None
    due, piece = max(dates)
    return TimeLimit(
        due=due,
        note=text,
        guess=say(
            "时限“{t}”不只是一个日期,取了其中最晚的“{p}”({d})",
            "the time limit '{t}' holds more than one date; took the latest, '{p}' ({d})",
            t=text,
            p=piece,
            d=due.isoformat(),
        )
        if len(dates) > 1
        else say(
            "时限“{t}”里只认出了“{p}”({d})", "in the time limit '{t}' only '{p}' ({d}) was understood", t=text, p=piece, d=due.isoformat()
        ),
    )


def write_due(due: dt.date, year: int) -> str:
    """A deadline as the export writes it, so that ``read_time_limit`` gives it back exactly."""
    text = f"{due.month}月{due.day}日前"
    return text if due.year == year else f"{due.year}年{text}"


def write_every(every: str) -> str:
    return EVERY_TEXT[every]
