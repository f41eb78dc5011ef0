"""The import as one call: an .xlsx task list → the draft checklist's YAML text and what the clerk should check.

``import_workbook(path, …)`` reads the sheet (``sheet``), finds the header and its columns (``columns``), the task
and section rows (``rows``), the year (``--year``, else the title's ``…2019年…``, else the years written in the
time limits, as a guess), and builds and writes the draft (``draft``, ``writer``). It raises ``ImportFailed``
when no list can be made; it never validates or loads (the command does that).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass

from engine.i18n import say
from engine.importing import columns, draft, rows, sheet, writer
from engine.importing.findings import Finding, ImportFailed
from engine.importing.workflow_map import read_workflow_map


@dataclass
class Imported:
    text: str  # the YAML
    list_id: str
    file: str  # the workbook's file name
    sheet: str
    findings: list[Finding]
    tasks: int


def import_workbook(
    path: str,
    *,
    sheet_name: str | None = None,
    year: int | None = None,
    column_spec: str | None = None,
    list_id: str | None = None,
    workflows: str | None = None,
) -> Imported:
    mapping = columns.parse_columns(column_spec)
    workflow_map = read_workflow_map(workflows) if workflows else None
    grid = sheet.read_grid(path, sheet_name)
    layout = columns.find_layout(grid, mapping)
    task_rows, skipped = rows.task_rows(grid, layout)
    if not task_rows:
        raise ImportFailed(
            say(
                "{f} 工作表“{s}”的表头(第 {r} 行)下面没有任务行。",
                "sheet '{s}' of {f} has no task rows under its header (row {r}).",
                f=grid.file,
                s=grid.sheet,
                r=layout.last,
            )
        )
    found: list[Finding] = [*layout.findings, *skipped]
    title = layout.title_lines[0][0] if layout.title_lines else None
    year = year or _year(title, grid, layout, task_rows, found)
    if title is None:
        title = f"{os.path.splitext(grid.file)[0]}({year}年)"
        found.append(
            Finding(
                grid.ref(1, 1),
                say("表头上面没有标题,清单名称暂定为“{t}”。", "no title above the header; the list is named '{t}'.", t=title),
            )
        )
    list_id = list_id or default_id(grid.file, year)
    made = draft.build(grid, layout, task_rows, list_id=list_id, title=title, year=year, workflow_map=workflow_map)
    made.findings[:0] = found
    made.findings.sort(key=lambda f: _position(f.ref))
    text = writer.write_yaml(made, source=grid.file, sheet=grid.sheet, extra_lines=layout.title_lines)
    return Imported(text, list_id, grid.file, grid.sheet, made.findings, len(task_rows))


def _year(title: str | None, grid, layout, task_rows, found: list[Finding]) -> int:
    match = re.search(r"((?:19|20)\d{2})\s*年", title or "")
    if match:
        return int(match.group(1))
    due_col = layout.col_of("due")
    years = Counter()
    for row in task_rows:
        if "due" in row.cells:
            years.update(int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", sheet.as_text(row.cells["due"][0])))
    if years:
        chosen = years.most_common(1)[0][0]
        found.append(
            Finding(
                grid.ref(layout.first, due_col or 1),
                say(
                    "标题里没有年份,按完成时限里写的年份定为 {y} 年;不对的话请用 --year 指定。",
                    "no year in the title; took {y} from the time limits. Use --year if that is wrong.",
                    y=chosen,
                ),
            )
        )
        return chosen
    raise ImportFailed(
        say(
            "{f} 的标题里没有年份(如“…2019年…”),请用 --year 指定清单的年份,例如 --year 2019。",
            "the title of {f} names no year (such as …2019年…); give the list's year with --year, e.g. --year 2019.",
            f=grid.file,
        )
    )


def default_id(file: str, year: int) -> str:
    """``huangjin-town-2019.xlsx`` → ``huangjin-town-2019``; ``黄金镇清单.xlsx`` → ``list-2019-<4 hex of the name>``."""
    stem = os.path.splitext(os.path.basename(file))[0]
    ascii_part = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", stem.lower())).strip("-")
    if len(ascii_part) < 2 or not re.search(r"[a-z]", ascii_part):
        digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:4]
        ascii_part = f"list-{digest}" if not ascii_part else f"list-{ascii_part}-{digest}"
    return ascii_part if str(year) in ascii_part else f"{ascii_part}-{year}"


def _position(ref: str) -> tuple[int, int]:
    match = re.search(r"!([A-Z]+)(\d+)$", ref)
    if not match:
        return (0, 0)
    return (int(match.group(2)), sheet.column_number(match.group(1)))
