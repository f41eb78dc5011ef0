"""How qingdan's workbooks look: fonts, header and title rows, light fills, borders, CJK column widths, row
heights and the print set-up. Shared by every Excel export (台账, 调度表, the list as Excel).

Only looks: nothing here decides a figure. The rules come from checks in LibreOffice and Excel
(``shared/library-notes-2.md``): a CJK character is two columns wide, wrapped rows do not grow by themselves in
LibreOffice (so heights are set), and printing needs A4 landscape, fit to width, the header rows repeated and
the list's title and statement date on every page.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "宋体"  # what Chinese offices' Excel and WPS show by default; LibreOffice falls back to a CJK face
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
SUBTITLE_FONT = Font(name=FONT_NAME, size=11)
HEADER_FONT = Font(name=FONT_NAME, size=10, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=10)
BOLD_FONT = Font(name=FONT_NAME, size=10, bold=True)  # a total row (合计)
RED_FONT = Font(name=FONT_NAME, size=10, color="C00000")

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")  # a sub-heading row inside a table (a kind of units)
LIGHT_COLOURS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE", "done": "D9D9D9"}  # Excel's own good/neutral/bad
LIGHT_FILLS = {light: PatternFill("solid", fgColor=colour) for light, colour in LIGHT_COLOURS.items()}

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)

DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
NUMBER_FORMAT = "#,##0.####"  # up to the 4 decimals amounts may carry, none shown for whole numbers
LINE_HEIGHT = 15  # points per line: what LibreOffice needs for CJK text (checked for 10 and 11 points)
MAX_WIDTH = 50
PAGE_FOOTER = "第 &P 页 共 &N 页"
HEADER_TITLE_MAX = 120


def text_width(text: str) -> int:
    """Columns a line of text takes: 2 per wide (CJK, full-width, ambiguous such as “”) character, else 1."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


def display_text(value) -> str:
    """The text a cell shows, for measuring widths and lines."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:.1%}" if abs(value) <= 10 else f"{value:,.1f}"
    return str(value)


def chinese_date(day: dt.date) -> str:
    """2017年6月30日 (no leading zeros, as official documents write dates)."""
    return f"{day.year}年{day.month}月{day.day}日"


def as_of_words(day: dt.date) -> str:
    return f"截至{chinese_date(day)}"


def style_body(cell, *, align: Alignment = LEFT, number_format: str | None = None, font: Font = BODY_FONT) -> None:
    cell.font = font
    cell.border = BORDER
    cell.alignment = align
    if number_format:
        cell.number_format = number_format


def write_row(
    ws: Worksheet, row: int, values: Iterable, aligns: Iterable[Alignment] | None = None, formats=None, first_column: int = 1
) -> None:
    """Body cells with borders; a date gets the date format, a float a percentage unless ``formats`` says otherwise."""
    values = list(values)
    aligns = list(aligns) if aligns is not None else [LEFT] * len(values)
    formats = list(formats) if formats is not None else [None] * len(values)
    for column, (value, align, fmt) in enumerate(zip(values, aligns, formats, strict=True), start=first_column):
        cell = ws.cell(row=row, column=column, value=value)
        if fmt is None and isinstance(value, dt.date):
            fmt = DATE_FORMAT
        style_body(cell, align=align, number_format=fmt)


def title_rows(ws: Worksheet, title: str, subtitle: str, columns: int, first_row: int = 1) -> int:
    """A merged title row and a merged subtitle row (period, statement date) above a table; returns the next row."""
    for row, text, font, height in ((first_row, title, TITLE_FONT, 30), (first_row + 1, subtitle, SUBTITLE_FONT, 20)):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if columns > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        ws.row_dimensions[row].height = height
    return first_row + 2


def header_rows(ws: Worksheet, row: int, groups: list[tuple[str, list[str]]]) -> int:
    """A two-row header: each group is (title, sub-columns); a group with one sub-column whose title is its own is
    merged down over both rows. Returns the number of columns."""
    column = 1
    for title, subs in groups:
        if len(subs) == 1 and subs[0] == title:
            ws.merge_cells(start_row=row, start_column=column, end_row=row + 1, end_column=column)
            _header_cell(ws, row, column, title)
            _header_cell(ws, row + 1, column, None)
        else:
            if len(subs) > 1:
                ws.merge_cells(start_row=row, start_column=column, end_row=row, end_column=column + len(subs) - 1)
            for offset, sub in enumerate(subs):
                _header_cell(ws, row, column + offset, title if offset == 0 else None)
                _header_cell(ws, row + 1, column + offset, sub)
        column += len(subs)
    for r in (row, row + 1):
        ws.row_dimensions[r].height = 2 * LINE_HEIGHT + 3
    return column - 1


def header_row(ws: Worksheet, row: int, titles: list[str], first_column: int = 1) -> None:
    for column, title in enumerate(titles, start=first_column):
        _header_cell(ws, row, column, title)
    ws.row_dimensions[row].height = 2 * LINE_HEIGHT + 3


def _header_cell(ws: Worksheet, row: int, column: int, value) -> None:
    cell = ws.cell(row=row, column=column)
    if value is not None:
        cell.value = value
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = CENTER


def group_row(ws: Worksheet, row: int, text: str, columns: int, first_column: int = 1) -> None:
    """A sub-heading row across a table (one kind of units in a ranking)."""
    for column in range(first_column, first_column + columns):
        cell = ws.cell(row=row, column=column, value=text if column == first_column else None)
        cell.font = HEADER_FONT
        cell.fill = GROUP_FILL
        cell.border = BORDER
        cell.alignment = LEFT


def red_lines(lines: list[tuple[str, bool]]):
    """Several lines in one cell, those marked True in red (rich text: a missed milestone among reached ones)."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    if not any(red for _, red in lines):
        return "\n".join(text for text, _ in lines)
    red = InlineFont(rFont=FONT_NAME, sz=10, color=RED_FONT.color.rgb)
    plain = InlineFont(rFont=FONT_NAME, sz=10)
    blocks = []
    for index, (text, is_red) in enumerate(lines):
        blocks.append(TextBlock(red if is_red else plain, text + ("\n" if index < len(lines) - 1 else "")))
    return CellRichText(blocks)


def light_cell(cell, light: str, words: str) -> None:
    """The light as words on its colour."""
    cell.value = words
    style_body(cell, align=CENTER)
    fill = LIGHT_FILLS.get(str(light))
    if fill is not None:
        cell.fill = fill


def fit_columns(
    ws: Worksheet, first_row: int, last_row: int, columns: int, *, minimum: dict | None = None, cap: dict | None = None
) -> None:
    """Column widths from the widest line in rows ``first_row``..``last_row`` (header rows included by the caller),
    at least ``minimum[col]`` and at most ``cap[col]`` (default ``MAX_WIDTH``): longer text wraps."""
    minimum, cap = minimum or {}, cap or {}
    widths = {column: minimum.get(column, 4) for column in range(1, columns + 1)}
    merged = {(r, c) for rng in ws.merged_cells.ranges for r, c in _cells(rng) if rng.size["columns"] > 1}
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=columns):
        for cell in row:
            if (cell.row, cell.column) in merged or cell.value is None:
                continue
            widest = max(text_width(line) for line in display_text(cell.value).split("\n")) + 2
            widths[cell.column] = max(widths[cell.column], min(widest, cap.get(cell.column, MAX_WIDTH)))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def _cells(rng):
    for r in range(rng.min_row, rng.max_row + 1):
        for c in range(rng.min_col, rng.max_col + 1):
            yield r, c


def fit_row_heights(ws: Worksheet, first_row: int, last_row: int, columns: int) -> None:
    """Heights for wrapped rows (LibreOffice does not grow them): the most lines any cell of the row needs."""
    widths = {c: (ws.column_dimensions[get_column_letter(c)].width or 8.43) for c in range(1, columns + 1)}
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=columns):
        lines = 1
        for cell in row:
            if cell.value is None:
                continue
            room = max(1.0, widths[cell.column] - 1.5)
            needed = sum(max(1, math.ceil(text_width(line) / room)) for line in display_text(cell.value).split("\n"))
            lines = max(lines, needed)
        ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines + 4


def print_setup(ws: Worksheet, *, title: str, as_of: dt.date, title_rows: str, landscape: bool = True) -> None:
    """A4, landscape, fit to the page's width, ``title_rows`` (e.g. "3:4") repeated on every page, the list's title
    and the statement date in the page header, the page number in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddHeader.left.text = title[:HEADER_TITLE_MAX].replace("&", "&&")  # & starts a code; Excel refuses headers over 255 chars
    ws.oddHeader.left.size = 9
    ws.oddHeader.right.text = as_of_words(as_of)
    ws.oddHeader.right.size = 9
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.oddFooter.center.size = 9
