"""The 调度表 (dispatch table), weekly or monthly: per task its target, this period's and the cumulative amounts,
completion rate, time progress and the gap between them (时间过半,任务过半), and its light; below, the units'
scores and ranks among their peers.

Prints ``engine.documents.facts`` and computes nothing: the figures are ``TaskFacts`` fields and the scores and
ranks ``engine.queries.ranking``'s (``Facts.ranking``). The only rule applied here is how a figure looks: a gap
behind by more than the status board's pace margin (``engine.queries.status.PACE_MARGIN``) is printed in red.

A parent list shows each child list's row under a task assigned to them (its own task's figures) and ranks its
child lists among their kind (``Facts.peers``, the status's scores): 各乡镇得分排名.
"""

from __future__ import annotations

from openpyxl import Workbook

from engine.documents import sheet_style as s
from engine.documents.fact_family import not_arrived
from engine.documents.facts import ChildFacts, Facts, TaskFacts

SHEET = "调度表"
HEADER_ROW = 3
TASK_HEADER = ["序号", "任务", "责任单位", "责任人", "目标", "计量单位", "本期完成", "累计完成", "完成率", "时间进度", "差距", "状态"]
UNIT_HEADER = ["单位", "任务数", "完成率", "按时率", "逾期子项", "得分", "排名"]
UNIT_TITLE = "各单位得分排名"
CHILD_HEADER = ["清单", *UNIT_HEADER[1:]]  # a parent list's child lists, each named by its title
CHILD_WORD = "下级清单"  # child lists without a kind
CHILD_INDENT = "　"  # a child list's row under its task (a full-width space)
UNIT_COLUMN = 2  # the units' table starts under 任务, the first wide column
GAP_FORMAT = "+0.0%;[Red]-0.0%;0.0%"
SCORE_FORMAT = "0.0"
ITEMS_WORD = "项"  # what a workflow task counts: its items


def write_dispatch(facts: Facts, path) -> None:
    """A workbook holding the dispatch table alone."""
    workbook = Workbook()
    try:
        add_dispatch_sheet(workbook, facts, sheet=workbook.active)
        workbook.save(path)
    finally:
        workbook.close()


def add_dispatch_sheet(workbook, facts: Facts, *, sheet=None):
    """Add the sheet 调度表 to ``workbook`` (the ledger's second sheet); returns it."""
    ws = sheet if sheet is not None else workbook.create_sheet()
    ws.title = SHEET
    columns = len(TASK_HEADER)
    period = f"统计期间:{facts.period.label}    " if facts.period is not None else ""
    s.title_rows(ws, f"{facts.checklist.title}推进情况调度表", period + s.as_of_words(facts.as_of), columns)
    s.header_row(ws, HEADER_ROW, TASK_HEADER)
    row = HEADER_ROW + 1
    for number, task in enumerate(facts.tasks, start=1):
        _task_row(ws, row, number, task)
        row += 1
        for sub, child in enumerate(task.children, start=1):  # an assigned task: its child lists under it
            _child_row(ws, row, f"{number}.{sub}", child, task.target_unit or ITEMS_WORD)
            row += 1
    last_task_row = row - 1
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    row = _unit_table(ws, row + 1, facts)
    s.fit_columns(ws, HEADER_ROW, row, columns, minimum={1: 6, 2: 20, 3: 10, 9: 9, 10: 9, 11: 9, 12: 8}, cap={2: 40})
    s.fit_row_heights(ws, HEADER_ROW + 1, last_task_row, columns)
    s.print_setup(ws, title=facts.checklist.title, as_of=facts.as_of, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    return ws


def _task_row(
    ws, row: int, number, task: TaskFacts, *, title: str | None = None, unit: str | None = None, responsible: str | None = None
) -> None:
    values = [
        number,
        title if title is not None else task.task.title,
        unit if unit is not None else task.unit,
        responsible if responsible is not None else task.responsible,
        task.target,
        task.target_unit or ITEMS_WORD,
        task.period_done,
        task.done,
        task.completion,
        task.time_elapsed,
        task.gap,
    ]
    aligns = [s.CENTER, s.LEFT, s.CENTER, s.CENTER, s.RIGHT, s.CENTER, s.RIGHT, s.RIGHT, s.RIGHT, s.RIGHT, s.RIGHT]
    formats = [None, None, None, None, s.NUMBER_FORMAT, None, s.NUMBER_FORMAT, s.NUMBER_FORMAT]
    formats += [s.PERCENT_FORMAT, s.PERCENT_FORMAT, GAP_FORMAT]
    s.write_row(ws, row, values, aligns, formats)
    if behind(task):
        ws.cell(row=row, column=11).font = s.RED_FONT
    s.light_cell(ws.cell(row=row, column=12), task.light, task.light_words)


def _child_row(ws, row: int, number: str, child: ChildFacts, unit_word: str) -> None:
    """A child list's share of the task above: its own task's figures (its quota as the target, its deadline's time
    progress), named by the child list's title; a list not loaded yet shows its share and 未载入."""
    title = f"{CHILD_INDENT}{child.name}"
    if child.task is not None:
        _task_row(ws, row, number, child.task, title=title, unit=child.unit, responsible=child.responsible)
        return
    share = child.share
    values = [number, title, child.unit, child.responsible, share.target, unit_word, None, None, None, None, None]
    aligns = [s.CENTER, s.LEFT, s.CENTER, s.CENTER, s.RIGHT, s.CENTER] + [s.RIGHT] * 5
    s.write_row(ws, row, values, aligns, [None, None, None, None, s.NUMBER_FORMAT] + [None] * 6)
    s.light_cell(ws.cell(row=row, column=12), "", not_arrived())


def behind(task: TaskFacts) -> bool:
    """Whether the gap is printed in red: behind the time by more than the board's pace margin."""
    return task.behind_pace


def ranking_title(facts: Facts, children: bool) -> str:
    """各乡镇得分排名 (a parent list's child lists, by their kinds: 各乡镇、部门…), or 各单位得分排名 (the list's own units)."""
    if not children:
        return UNIT_TITLE
    kinds = [kind for kind, _scores in facts.peers]
    return f"各{'、'.join(kinds) if all(kinds) else CHILD_WORD}得分排名"


def _unit_table(ws, row: int, facts: Facts) -> int:
    """The scores below the tasks: a parent list's child lists among their kind (``Facts.peers``), and the list's own
    units (``Facts.ranking``) when it has work of its own; a block per kind. Returns the last row written."""
    rankings = facts.rankings()
    for children in (True, False):
        groups = [(kind, scores) for kind, scores, of_children in rankings if of_children == children]
        if groups or (not children and not rankings):  # a list with nothing to rank keeps its empty table
            row = _unit_block(ws, row, ranking_title(facts, children), groups, children) + 2
    weights = facts.checklist.ranking_weights
    row -= 1
    note = ws.cell(
        row=row,
        column=UNIT_COLUMN,
        value=(
            f"注:得分满分 100,完成率、按时率、未逾期子项比例按 {_n(weights.completion)}:{_n(weights.on_time)}:{_n(weights.overdue)} "
            "加权;只在同类单位之间排名;按时率 “—” 表示尚无到期节点。"
        ),
    )
    note.font = s.BODY_FONT
    note.alignment = s.LEFT
    ws.merge_cells(start_row=row, start_column=UNIT_COLUMN, end_row=row, end_column=len(TASK_HEADER))
    ws.row_dimensions[row].height = 2 * s.LINE_HEIGHT + 4
    return row


def _unit_block(ws, row: int, heading: str, groups, children: bool) -> int:
    """One table of scores under its heading, a sub-heading per kind when there are kinds; returns its last row."""
    width = len(UNIT_HEADER)
    title = ws.cell(row=row, column=UNIT_COLUMN, value=heading)
    title.font = s.SUBTITLE_FONT
    row += 1
    s.header_row(ws, row, CHILD_HEADER if children else UNIT_HEADER, UNIT_COLUMN)
    named = len(groups) > 1 or (not children and any(kind for kind, _ in groups))
    for kind, scores in groups:
        if named:
            row += 1
            s.group_row(ws, row, kind or ("其他" + CHILD_WORD if children else "其他单位"), width, UNIT_COLUMN)
        for score in scores:
            row += 1
            s.write_row(
                ws,
                row,
                [score.name, score.tasks, score.completion, score.on_time_rate, score.overdue, score.score, score.rank],
                [s.CENTER, s.CENTER, s.RIGHT, s.RIGHT, s.CENTER, s.RIGHT, s.CENTER],
                [None, None, s.PERCENT_FORMAT, s.PERCENT_FORMAT, None, SCORE_FORMAT, None],
                UNIT_COLUMN,
            )
            if score.on_time_rate is None:  # no milestone of the unit has come due yet
                ws.cell(row=row, column=UNIT_COLUMN + 3, value="—").alignment = s.CENTER
    return row


def _n(value) -> str:
    from engine.numbers import plain

    return plain(value)
