"""Read one worksheet of an .xlsx workbook into a plain grid of values, merged cells filled from their top-left.

Only the top-left cell of a merged range holds a value in openpyxl; here every cell of the range reads that
value, and ``Grid.merged`` says which range a cell belongs to (a category column merged down its rows, a
section row merged across). Dates written in the Chinese built-in formats come back from openpyxl as bare
serials (``43039``); they are turned into dates here. Nothing here knows what a column means.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import warnings
from dataclasses import dataclass, field

from engine.i18n import say
from engine.importing.findings import ImportFailed
from engine.numbers import plain

# Chinese Excel/WPS built-in date formats that openpyxl reads as plain numbers (library-notes-2.md)
CHINESE_DATE_FORMATS = set(range(27, 37)) | set(range(50, 59))


@dataclass
class Grid:
    file: str  # the workbook's file name, as messages show it
    sheet: str
    values: dict[tuple[int, int], object] = field(default_factory=dict)
    merged: dict[tuple[int, int], tuple[int, int, int, int]] = field(default_factory=dict)  # cell → (r1, c1, r2, c2)
    max_row: int = 0
    max_col: int = 0

    def value(self, row: int, col: int):
        return self.values.get((row, col))

    def text(self, row: int, col: int) -> str:
        return as_text(self.values.get((row, col)))

    def ref(self, row: int, col: int) -> str:
        """``Sheet1!F7``; a sheet name with spaces or punctuation is quoted as Excel does (``'My sheet'!F7``)."""
        name = self.sheet if re.fullmatch(r"[\w\u4e00-\u9fff]+", self.sheet) else "'" + self.sheet.replace("'", "''") + "'"
        return f"{name}!{column_letter(col)}{row}"

    def span(self, row: int, col: int) -> tuple[int, int, int, int]:
        return self.merged.get((row, col), (row, col, row, col))

    def row_is_empty(self, row: int) -> bool:
        return not any(self.text(row, c) for c in range(1, self.max_col + 1))


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, int | float):
        return plain(str(value))
    return str(value).strip()


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def read_grid(path: str, sheet: str | None = None) -> Grid:
    """The chosen sheet (default: the first with any value) of the workbook at ``path``."""
    import openpyxl
    from openpyxl.utils.datetime import from_excel

    name = os.path.basename(path)
    if not os.path.isfile(path):
        raise ImportFailed(say("找不到文件 {f}。", "cannot find the file {f}.", f=path))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips (data validation, slicers)
            book = openpyxl.load_workbook(path, data_only=True)
    except Exception as err:  # zipfile.BadZipFile, InvalidFileException, KeyError from a broken package …
        old = path.lower().endswith(".xls") or "xls file format" in str(err)
        raise ImportFailed(
            say(
                "{f} 不是 Excel 工作簿(.xlsx),无法读取。{x}",
                "{f} is not an Excel workbook (.xlsx) and cannot be read. {x}",
                f=name,
                x=say("旧的 .xls 文件请用 Excel 或 WPS 另存为 .xlsx 再导入。", "Save an old .xls file as .xlsx in Excel or WPS first.")
                if old
                else say("请确认文件是用 Excel 或 WPS 保存的 .xlsx。", "Check that it was saved as .xlsx by Excel or WPS."),
            )
        ) from None
    try:
        chosen = _choose(book, sheet, name)
        grid = Grid(name, chosen.title)
        for rng in chosen.merged_cells.ranges:
            r1, c1, r2, c2 = rng.min_row, rng.min_col, rng.max_row, rng.max_col
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    grid.merged[(r, c)] = (r1, c1, r2, c2)
        for row in chosen.iter_rows():
            for cell in row:
                value = cell.value
                if value is None or isinstance(value, str) and not value.strip():
                    continue
                if (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and getattr(cell._style, "numFmtId", 0) in CHINESE_DATE_FORMATS
                ):
                    value = from_excel(value)
                grid.values[(cell.row, cell.column)] = value
        for (r, c), (r1, c1, _r2, _c2) in grid.merged.items():
            if (r1, c1) in grid.values:
                grid.values[(r, c)] = grid.values[(r1, c1)]
        if grid.values:
            grid.max_row = max(r for r, _ in grid.values)
            grid.max_col = max(c for _, c in grid.values)
        return grid
    finally:
        book.close()


def _choose(book, sheet: str | None, name: str):
    if sheet is not None:
        if sheet in book.sheetnames:
            return book[sheet]
        raise ImportFailed(
            say(
                "{f} 里没有名为“{s}”的工作表;有:{k}。",
                "{f} has no sheet named '{s}'; it has: {k}.",
                f=name,
                s=sheet,
                k="、".join(book.sheetnames),
            )
        )
    for candidate in book.worksheets:
        if any(cell.value not in (None, "") for row in candidate.iter_rows() for cell in row):
            return candidate
    raise ImportFailed(say("{f} 的工作表都是空的。", "every sheet of {f} is empty.", f=name))
