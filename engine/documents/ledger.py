"""The 台账 (ledger): one row per item of the list, kept continuously and shown to supervisors.

Prints ``engine.documents.facts`` and computes nothing: every date, verdict, figure and light is a field of an
``ItemFacts``. The workbook holds the sheet 台账 and, after it, the sheet 调度表 (``engine.documents.dispatch``)
for the period the facts were gathered for.

Milestones (docs/documents.md, "台账"): a list with at most ``MAX_MILESTONE_GROUPS`` distinct milestone labels,
each at most once per item, gets a group of three columns per label (计划日期, 实际日期, 情况), so a supervisor can
filter on one milestone. Otherwise (more labels: several workflows, items' own deadlines, periods of recurring
duties) four columns list an item's milestones one per line, the lines of 节点, 计划日期, 实际日期 and 情况 side by
side; more columns would not fit an A4 page.

A task assigned to child lists has no item rows of its own: its total row (合计, the roll-up) and one row per child
list (``engine.documents.fact_family.rows``), with the columns 分解任务 and 逾期子项 (docs/documents.md, "Lists
across levels").
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook

from engine.documents import sheet_style as s
from engine.documents.facts import Facts, ItemFacts, MilestoneFact
from engine.numbers import plain

SHEET = "台账"
CHILD_ITEM_TITLE = "子项/承担单位"  # a parent list's ledger: under an assigned task, the child lists in this column
ITEMS_WORD = "个"
MAX_MILESTONE_GROUPS = 4
HEADER_ROW = 3  # below the title and subtitle rows; the header takes rows 3 and 4
PROGRESS_EVERY = 500  # rows between calls of the progress callback


@dataclass(frozen=True)
class Column:
    group: str
    title: str
    value: object  # ItemFacts -> cell value
    align: object = s.LEFT
    number_format: str | None = None
    minimum: int = 6
    cap: int = s.MAX_WIDTH


def write_ledger(facts: Facts, path, *, progress=None) -> None:
    """Write the ledger workbook (sheets 台账 and 调度表) to ``path``. ``progress(done, total)`` is called as rows
    are written, for the command line."""
    from engine.documents.dispatch import add_dispatch_sheet

    workbook = Workbook()
    try:
        add_ledger_sheet(workbook, facts, progress=progress, sheet=workbook.active)
        add_dispatch_sheet(workbook, facts)
        workbook.save(path)
    finally:
        workbook.close()


def add_ledger_sheet(workbook, facts: Facts, *, progress=None, sheet=None):
    ws = sheet if sheet is not None else workbook.create_sheet()
    ws.title = SHEET
    columns = ledger_columns(facts)
    groups: list[tuple[str, list[str]]] = []
    for column in columns:
        if groups and groups[-1][0] == column.group and column.group != column.title:
            groups[-1][1].append(column.title)
        else:
            groups.append((column.group, [column.title]))
    subtitle = f"填报单位:{facts.checklist.owner}    {s.as_of_words(facts.as_of)}" if facts.checklist.owner else s.as_of_words(facts.as_of)
    s.title_rows(ws, f"{facts.checklist.title}落实台账", subtitle, len(columns))
    s.header_rows(ws, HEADER_ROW, groups)
    first = HEADER_ROW + 2
    total = len(facts.items)
    for index, item in enumerate(facts.items):
        row = first + index
        for number, column in enumerate(columns, start=1):
            value = column.value(item)
            cell = ws.cell(row=row, column=number, value=value)
            if column.title == "状态":
                s.light_cell(cell, item.light, item.light_words)
                continue
            font = s.RED_FONT if _shows_missed(column, item) else (s.BOLD_FONT if item.total else s.BODY_FONT)
            fmt = column.number_format or (s.DATE_FORMAT if hasattr(value, "isoformat") else None)
            s.style_body(cell, align=column.align, number_format=fmt, font=font)
        if progress is not None and (index + 1) % PROGRESS_EVERY == 0:
            progress(index + 1, total)
    last = first + max(total, 1) - 1
    s.fit_columns(
        ws,
        HEADER_ROW,
        last,
        len(columns),
        minimum={n: c.minimum for n, c in enumerate(columns, start=1)},
        cap={n: c.cap for n, c in enumerate(columns, start=1)},
    )
    s.fit_row_heights(ws, first, last, len(columns))
    ws.freeze_panes = ws.cell(row=first, column=4)  # 编号, 任务 and 子项 stay in sight
    ws.auto_filter.ref = f"A{HEADER_ROW + 1}:{ws.cell(row=last, column=len(columns)).column_letter}{last}"
    s.print_setup(ws, title=facts.checklist.title, as_of=facts.as_of, title_rows=f"{HEADER_ROW}:{HEADER_ROW + 1}")
    if progress is not None:
        progress(total, total)
    return ws


def ledger_columns(facts: Facts) -> list[Column]:
    """The ledger's columns for this list, in order (the milestone columns depend on the list)."""
    assigned = any(item.total for item in facts.items)  # a parent list: rows per child list under assigned tasks
    item_title = CHILD_ITEM_TITLE if assigned else "子项"
    columns = [
        Column("编号", "编号", lambda i: i.task.id, s.CENTER, minimum=6),
        Column("任务", "任务", lambda i: i.task.title, minimum=16, cap=22),
        Column(item_title, item_title, lambda i: i.item, minimum=10, cap=16),
        Column("责任单位", "责任单位", lambda i: i.unit, s.CENTER, minimum=10, cap=16),
        Column("责任人", "责任人", lambda i: i.responsible, s.CENTER, minimum=8),
    ]
    if any(item.owner for item in facts.items):  # only lists whose items have their own owners
        columns.append(Column("具体负责人", "具体负责人", lambda i: i.owner, s.CENTER, minimum=8))
    if assigned:
        columns.append(Column("分解任务", "分解任务", _share_words, minimum=10, cap=18))
    columns.append(Column("当前环节", "当前环节", lambda i: i.stage, s.CENTER, minimum=10, cap=16))
    columns.extend(milestone_columns(facts.items))
    if assigned or any(task.kind != "workflow" for task in facts.checklist.tasks):  # the list has figures to show
        columns.extend(
            [
                Column("进度", "完成", lambda i: i.done, s.RIGHT, s.NUMBER_FORMAT, minimum=8),
                Column("进度", "目标", lambda i: i.target, s.RIGHT, s.NUMBER_FORMAT, minimum=8),
                Column("进度", "计量单位", _unit_word, s.CENTER, minimum=6),
                Column("最近报送", "报送内容", _report_words, minimum=12, cap=22),
                Column("最近报送", "报送日期", lambda i: i.last_report.on_date if i.last_report else None, s.CENTER, minimum=11),
            ]
        )
    columns.extend(
        [
            Column("佐证(件)", "佐证(件)", lambda i: i.evidence, s.CENTER, minimum=8),
            Column("验收", "轮次", lambda i: i.inspections[-1].round if i.inspections else None, s.CENTER, minimum=6),
            Column("验收", "结果", _inspection_words, minimum=10, cap=24),
            Column("销号日期", "销号日期", lambda i: i.closed_on, s.CENTER, minimum=11),
        ]
    )
    if assigned:
        columns.append(Column("逾期子项", "逾期子项", lambda i: i.overdue, s.CENTER, minimum=8))
    columns.append(Column("状态", "状态", lambda i: i.light_words, s.CENTER, minimum=8))
    return columns


def _share_words(item: ItemFacts) -> str | None:
    """An assigned task's share in its rows: 400场 (a quota), or the items given (村A、村B)."""
    if item.total and item.quota is None and item.assigned:
        return f"{len(item.assigned)}{ITEMS_WORD}"
    if item.quota is not None:
        return f"{plain(item.quota)}{item.task.target_unit or ''}"
    return "、".join(item.assigned) or None


def _unit_word(item: ItemFacts) -> str | None:
    """The 计量单位 beside 完成 and 目标: the target's unit; an assigned workflow task's rows count items (个)."""
    if item.target is None:
        return None
    if item.task.target_unit:
        return item.task.target_unit
    return ITEMS_WORD if item.total or item.child else None


def milestone_columns(items: list[ItemFacts]) -> list[Column]:
    labels: list[str] = []
    repeated = False
    for item in items:
        seen = set()
        for milestone in item.milestones:
            repeated = repeated or milestone.label in seen
            seen.add(milestone.label)
            if milestone.label not in labels:
                labels.append(milestone.label)
    if not labels:
        return []
    if len(labels) <= MAX_MILESTONE_GROUPS and not repeated:
        columns = []
        for label in labels:
            columns.extend(
                [
                    Column(label, "计划日期", _of(label, lambda m: m.due), s.CENTER, minimum=11),
                    Column(label, "实际日期", _of(label, lambda m: m.reached_on), s.CENTER, minimum=11),
                    Column(label, "情况", _of(label, _verdict_words), s.CENTER, minimum=10, cap=22),
                ]
            )
        return columns
    return [
        Column("时间节点", "节点", _lines(lambda m: m.label), minimum=10, cap=30),
        Column("时间节点", "计划日期", _lines(lambda m: m.due.isoformat()), s.CENTER, minimum=11),
        Column("时间节点", "实际日期", _lines(lambda m: m.reached_on.isoformat() if m.reached_on else "—"), s.CENTER, minimum=11),
        Column(
            "时间节点",
            "情况",
            lambda i: s.red_lines([(_verdict_words(m), m.verdict == "missed") for m in i.milestones]) or None,
            minimum=10,
            cap=30,
        ),
    ]


def _of(label: str, read):
    def value(item: ItemFacts):
        found = next((m for m in item.milestones if m.label == label), None)
        return read(found) if found is not None else None

    return value


def _lines(read):
    def value(item: ItemFacts):
        return "\n".join(read(m) for m in item.milestones) or None

    return value


def _verdict_words(milestone: MilestoneFact) -> str:
    if milestone.days_overdue:
        return f"{milestone.words}({milestone.days_overdue} 天)"
    return milestone.words


def _shows_missed(column: Column, item: ItemFacts) -> bool:
    """Whether a milestone group's 情况 cell shows a missed milestone (its words in red; the one-cell list marks
    its missed lines itself)."""
    if column.title != "情况" or column.group == "时间节点":
        return False
    return any(m.verdict == "missed" and m.label == column.group for m in item.milestones)


def _report_words(item: ItemFacts) -> str | None:
    report = item.last_report
    if report is None:
        return None
    unit = item.task.target_unit or ""
    words = f"{plain(report.amount)}{unit}"
    if report.part:
        words += f"({report.part})"
    words += f" {report.person}"
    if report.note:
        words += f"\n{report.note}"
    return words


def _inspection_words(item: ItemFacts) -> str | None:
    if not item.inspections:
        return None
    latest = item.inspections[-1]
    if latest.passed:
        return f"{latest.on_date.month}月{latest.on_date.day}日 通过"
    words = f"{latest.on_date.month}月{latest.on_date.day}日 未通过:" + ";".join(latest.unmet)
    if latest.rectify_due:
        words += f"\n整改期限 {latest.rectify_due.isoformat()}"
    return words
