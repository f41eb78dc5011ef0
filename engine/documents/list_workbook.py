"""A loaded list as the Excel template offices pass around, in the shape ``qingdan import`` reads back.

One title row (the list's title, merged across), one header row (序号, 类别 when any task has one, 工作任务,
目标任务, 责任单位, 责任人, 分管领导, 完成时限, 备注), a row per task, the header frozen and the columns wide
enough to read. Deadlines are written ``10月31日前`` (``2018年1月5日前`` outside the list's year) and recurring
duties ``每月`` …, so that an export imported again gives the same tasks, targets, units, people, deadlines and
periods. What the import kept in a task's note (类别, 目标, 时限) goes back to its column. A workflow task's items
are written ``子项:a、b`` in 目标任务; its earlier milestones and a target's parts go to 备注, as text.
"""

from __future__ import annotations

import unicodedata

from engine.definition.definitions import ChecklistDef, TaskDef
from engine.importing import notes
from engine.importing.figures import per_period, read_figure
from engine.importing.phrases import read_time_limit, write_due, write_every
from engine.numbers import plain

HEADERS = ("序号", "类别", "工作任务", "目标任务", "责任单位", "责任人", "分管领导", "完成时限", "备注")


def list_rows(definition: ChecklistDef) -> tuple[list[str], list[list]]:
    """The header and one row per task, as the workbook shows them (pure: no openpyxl)."""
    rows = [_row(definition, task) for task in definition.tasks]
    with_section = any(row[1] for row in rows)
    headers = [h for h in HEADERS if with_section or h != "类别"]
    if not with_section:
        rows = [row[:1] + row[2:] for row in rows]
    return headers, rows


def _row(definition: ChecklistDef, task: TaskDef) -> list:
    parts = notes.read_note(task.note)
    remark = []
    if task.kind == "workflow":
        deadlines = sorted((day, state) for state, day in task.deadlines.items())
        if len(deadlines) > 1:
            workflow = definition.workflows[task.workflow]
            remark.append("节点:" + "、".join(f"{workflow.label(s)}{write_due(d, definition.year)}" for d, s in deadlines))
    of_which = "其中" + "、".join(f"{p.title}{plain(p.quantity)}{task.target_unit}" for p in task.parts)
    if task.parts and of_which not in (parts.remark or ""):  # imported lists keep the sheet's own 其中… in 备注
        remark.append(of_which)
    if parts.remark:
        remark.append(parts.remark)
    seq = int(task.id[1:]) if task.id[:1] == "T" and task.id[1:].isdigit() else task.id
    return [
        seq,
        parts.labelled.get(notes.SECTION, ""),
        task.title,
        _target(task, parts.labelled.get(notes.TARGET)),
        definition.units.get(task.unit, task.unit),
        _name(definition, task.responsible),
        _name(definition, task.leader),
        _time_limit(definition, task, parts.labelled.get(notes.TIME_LIMIT), parts.labelled.get(notes.TARGET)),
        notes.SEPARATOR.join(remark),
    ]


def _name(definition: ChecklistDef, person: str) -> str:
    found = definition.people.get(person)
    return found.name if found else person


def _target(task: TaskDef, written: str | None) -> str:
    """The sheet's own words when they still say what the task holds, else the figure."""
    if task.kind == "target":
        figure = read_figure(written) if written else None
        same = figure is not None and figure.quantity == task.target and figure.unit == task.target_unit
        text = written if same else f"{plain(task.target)}{task.target_unit}"
    elif task.kind == "recurring":
        period = per_period(written) if written else None
        same = period is not None and period.every == task.every and period.at_least == task.at_least
        text = written if same else f"{write_every(task.every)}不少于{task.at_least}次"
    else:
        text = written or ""
    if task.items and not (len(task.items) == 1 and task.items[0] == task.title):
        text = "\n".join(filter(None, [text, "子项:" + "、".join(task.items)]))
    return text


def _time_limit(definition: ChecklistDef, task: TaskDef, written: str | None, target: str | None) -> str:
    limit = read_time_limit(written, definition.year) if written else None
    if task.kind == "recurring":
        period = per_period(target) if target else None
        # 长期坚持 beside a target written per week: the target gave the period, and gives it again
        kept = limit is not None and limit.every and (limit.every == task.every or period is not None and period.every == task.every)
        return written if kept else write_every(task.every)
    if not task.deadlines:
        return ""
    due = max(task.deadlines.values())
    return written if limit is not None and limit.due == due else write_due(due, definition.year)


def write_list_workbook(definition: ChecklistDef, path: str) -> int:
    """Write the list to ``path`` (.xlsx); the number of task rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    headers, rows = list_rows(definition)
    book = Workbook()
    sheet = book.active
    sheet.title = "任务清单"
    title = definition.title if str(definition.year) in definition.title else f"{definition.title}({definition.year}年)"
    sheet.cell(1, 1, title).font = Font(bold=True, size=16)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.row_dimensions[1].height = 30
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, header in enumerate(headers, 1):
        cell = sheet.cell(2, col, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    widths = [_width(h) for h in headers]
    for r, row in enumerate(rows, 3):
        lines = 1
        for col, value in enumerate(row, 1):
            cell = sheet.cell(r, col, value if value != "" else None)
            cell.alignment = Alignment(vertical="center", wrap_text=True, horizontal="center" if col == 1 else None)
            cell.border = border
            for line in str(value).splitlines() or [""]:
                widths[col - 1] = max(widths[col - 1], min(_width(line), 50))
                lines = max(lines, str(value).count("\n") + 1, -(-_width(line) // 50))
        sheet.row_dimensions[r].height = 15 * lines + 3
    for col, width in enumerate(widths, 1):
        sheet.column_dimensions[sheet.cell(2, col).column_letter].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToHeight = 0
    book.save(path)
    return len(rows)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in str(text)) + 2
