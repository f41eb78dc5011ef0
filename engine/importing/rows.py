"""The rows under the header: task rows with their cells by field, and the section rows between them.

A section row (``一、产业扶贫`` in a row of its own, a category merged across the row, or ``一`` in the 序号
column with a name beside it) sets the section of the rows below it; ``(一)`` rows add a second level. A
category column (类别) gives each row its section directly. Total rows (合计, 小计) and rows without a task name
are left out, and the clerk is told which. Nothing here decides what a task is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.i18n import say
from engine.importing.columns import Layout
from engine.importing.findings import Finding
from engine.importing.phrases import normalize
from engine.importing.sheet import Grid

_LEVEL_ONE = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．,,]|第[一二三四五六七八九十]+(?:部分|类|项|章|方面)[、::\s]?)\s*")
_LEVEL_TWO = re.compile(r"^\s*[((][一二三四五六七八九十]+[))]\s*")
_CN_SEQ = re.compile(r"^[一二三四五六七八九十]+[、.．]?$")
_TOTALS = ("合计", "小计", "总计", "共计")


@dataclass
class RowData:
    row: int
    cells: dict[str, tuple[object, int]] = field(default_factory=dict)  # field → (cell value, column)
    extras: list[tuple[str, str, int]] = field(default_factory=list)  # unknown columns: (header, text, column)
    section: str | None = None


def task_rows(grid: Grid, layout: Layout) -> tuple[list[RowData], list[Finding]]:
    rows, findings = [], []
    top: str | None = None
    section: str | None = None
    title_col = layout.col_of("title")
    for row in range(layout.last + 1, grid.max_row + 1):
        filled = [(c, grid.text(row, c)) for c in layout.columns if grid.text(row, c) and layout.columns[c].field != "skip"]
        if not filled:
            continue
        texts = list(dict.fromkeys(text for _, text in filled))
        heading = _section_of(grid, layout, row, filled, texts)
        if heading is not None:
            if _LEVEL_TWO.match(heading) and top is not None:
                section = f"{top}/{_LEVEL_TWO.sub('', heading)}"
            else:
                top = section = _LEVEL_ONE.sub("", _LEVEL_TWO.sub("", heading)) or heading
            continue
        if any(normalize(t) in _TOTALS for t in texts[:2]):
            findings.append(Finding(grid.ref(row, filled[0][0]), say("合计行,没有导入。", "a total row; not imported.")))
            continue
        if not grid.text(row, title_col):
            findings.append(
                Finding(
                    grid.ref(row, title_col),
                    say(
                        "这一行没有任务名称,没有导入(内容:“{t}”);如果它是一项任务,请补上名称后再导入。",
                        "this row has no task name and was not imported ('{t}'); add the name and import again if it is a task.",
                        t=" ".join(texts)[:60],
                    ),
                )
            )
            continue
        data = RowData(row, section=section)
        for col, column in layout.columns.items():
            value = grid.value(row, col)
            if value is None or isinstance(value, str) and not value.strip() or column.field == "skip":
                continue
            if column.field is None:
                data.extras.append((column.label or column.ref, grid.text(row, col), col))
            else:
                data.cells[column.field] = (value, col)
        rows.append(data)
    return rows, findings


def _section_of(grid: Grid, layout: Layout, row: int, filled, texts) -> str | None:
    """The section a row announces, or None for a task row."""
    seq_col = layout.col_of("seq")
    if len(texts) == 1:
        col = filled[0][0]
        r1, c1, r2, c2 = grid.span(row, col)
        across = c2 > c1 and r1 == r2 == row
        if across or _LEVEL_ONE.match(texts[0]) or _LEVEL_TWO.match(texts[0]):
            return texts[0]
        if layout.columns[col].field in ("seq", "section"):
            return texts[0]
    if seq_col is not None and _CN_SEQ.match(normalize(grid.text(row, seq_col))) and len(texts) <= 2:
        names = [t for c, t in filled if c != seq_col]
        return f"{grid.text(row, seq_col).rstrip('、.．')}、{names[0]}" if names else grid.text(row, seq_col)
    return None
