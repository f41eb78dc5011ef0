"""Which row is the header and what each column means: header words → fields, and the ``--columns`` mapping.

Fields: ``seq`` 序号, ``section`` 类别, ``title`` 工作任务, ``target`` 目标任务, ``unit`` 牵头/责任单位,
``partner`` 配合单位, ``responsible`` 责任人, ``leader`` 分管领导, ``due`` 完成时限, ``remark`` 备注, and
``skip`` (a column to leave out). The header is the first of the top rows that names a task column and at least
one other known column; it spans two rows when a header cell is merged across columns (责任单位 over 牵头 and
配合) and the row below names the parts. Rows above it are the title rows. A column whose header is not known
keeps its words in the task's note, and the clerk is told. docs/import.md lists the words; keep them in step.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field

from engine.i18n import say
from engine.importing.findings import Finding, ImportFailed
from engine.importing.phrases import normalize
from engine.importing.sheet import Grid, column_letter

FIELDS = ("seq", "section", "title", "target", "unit", "partner", "responsible", "leader", "due", "remark", "skip")
FIELD_LABELS = {
    "seq": "序号",
    "section": "类别",
    "title": "工作任务",
    "target": "目标任务",
    "unit": "责任单位",
    "partner": "配合单位",
    "responsible": "责任人",
    "leader": "分管领导",
    "due": "完成时限",
    "remark": "备注",
    "skip": "不导入",
}
HEADER_WORDS = {
    "seq": "序号 编号 项次",
    "section": "类别 分类 类型 项目类别 任务类别 板块 领域 工作类别 大类 专项 类别名称",
    "title": "工作任务 重点任务 重点工作 任务 任务名称 工作内容 任务内容 工作事项 事项 项目名称 项目 工作项目 主要任务 具体任务 任务事项",
    "target": "目标任务 具体内容 目标要求 工作目标 任务目标 具体目标 目标 目标内容 完成标准 工作要求 任务要求 主要内容 工作标准 年度目标 工作措施 具体措施",
    "unit": "牵头单位 责任单位 责任部门 承办单位 主责单位 牵头部门 责任股室 责任科室 主办单位 责任主体 实施单位 单位",
    "partner": "配合单位 协办单位 配合部门 协助单位 参与单位 配合 协办 协助",
    "responsible": "责任人 具体责任人 直接责任人 经办人 负责人 联系人 承办人 具体负责人 责任股长",
    "leader": "分管领导 责任领导 牵头领导 包联领导 分管负责人 分管县领导 联系领导 领导",
    "due": "完成时限 时限 完成时间 时间节点 时间要求 截止时间 完成期限 完成时限要求 办结时限 进度安排 时间",
    "remark": "备注 说明 附注 其他",
}
WORDS = {normalize(word): name for name, words in HEADER_WORDS.items() for word in words.split()}
BY_LENGTH = sorted(WORDS, key=len, reverse=True)
LEAD_SUBWORDS = ("牵头", "主责", "主办", "牵头单位", "责任单位", "主责单位", "牵头部门")
PARTNER_SUBWORDS = ("配合", "协助", "协办", "参与", "配合单位", "协办单位", "配合部门")


@dataclass
class Column:
    col: int
    label: str  # as the header says it, two rows joined with "/"
    field: str | None  # None: unknown, its text goes to the note
    ref: str


@dataclass
class Layout:
    first: int  # the header's first row
    last: int  # its last row (first + 1 for a two-row header)
    columns: dict[int, Column]
    title_lines: list[tuple[str, str]] = field(default_factory=list)  # (text, ref) above the header
    findings: list[Finding] = field(default_factory=list)

    def col_of(self, name: str) -> int | None:
        return next((c.col for c in self.columns.values() if c.field == name), None)


def field_of(label: str) -> str | None:
    """The field a header label names: an exact header word first, else the longest header word it contains."""
    text = re.sub(r"[((].*?[))]", "", normalize(label)) or normalize(label)
    text = re.sub(r"^[*]+|[:*]+$", "", text)
    if text in WORDS:
        return WORDS[text]
    for word in BY_LENGTH:
        if len(word) >= 2 and word in text:
            return WORDS[word]
    return None


def parse_columns(spec: str | None) -> dict[str, str]:
    """``"工作内容=title,时间节点=due"``, or a JSON/YAML file holding such a mapping → {header or letter: field}."""
    if not spec:
        return {}
    if os.path.isfile(spec):
        raw = _read_mapping_file(spec)
    else:
        raw = {}
        for pair in re.split(r"[,,;;\n]", spec):
            if not pair.strip():
                continue
            key, sep, value = pair.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise ImportFailed(
                    say(
                        "--columns 里的 “{p}” 应写成 表头=字段,例如 “工作内容=title”。",
                        "'{p}' in --columns should read header=field, e.g. '工作内容=title'.",
                        p=pair.strip(),
                    )
                )
            raw[key.strip()] = value.strip()
    mapping = {}
    for key, value in raw.items():
        name = value if value in FIELDS else WORDS.get(normalize(value)) or {v: k for k, v in FIELD_LABELS.items()}.get(value)
        if name is None:
            raise ImportFailed(
                say(
                    "--columns 里的字段 “{v}” 不认识;可用:{k}。",
                    "unknown field '{v}' in --columns; use one of: {k}.",
                    v=value,
                    k=", ".join(f"{f}({FIELD_LABELS[f]})" for f in FIELDS),
                )
            )
        key = normalize(str(key))
        mapping[key.upper() if re.fullmatch(r"[A-Za-z]{1,2}", key) else key] = name  # a column letter: f=partner
    return mapping


def _read_mapping_file(path: str) -> dict:
    import yaml

    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle) if path.lower().endswith(".json") else yaml.safe_load(handle)
    except (OSError, ValueError, yaml.YAMLError) as err:
        raise ImportFailed(say("读不了列映射文件 {f}:{e}", "cannot read the column mapping file {f}: {e}", f=path, e=err)) from None
    if not isinstance(data, dict) or not all(isinstance(k, str | int) and isinstance(v, str) for k, v in data.items()):
        raise ImportFailed(
            say("列映射文件 {f} 应是 “表头: 字段” 的映射。", "the column mapping file {f} should map header: field.", f=path)
        )
    return {str(k): v for k, v in data.items()}


def find_layout(grid: Grid, mapping: dict[str, str]) -> Layout:
    """The header rows and each column's field; raises ``ImportFailed`` when no header row is found."""
    for row in range(1, min(grid.max_row, 20) + 1):
        fields = [_field(grid.text(row, c), c, mapping) for c in range(1, grid.max_col + 1)]
        known = [f for f in fields if f and f != "skip"]
        if ("title" in known or "target" in known) and len(set(known)) >= 2:
            return _layout(grid, row, mapping)
    raise ImportFailed(
        say(
            "{f} 工作表“{s}”的前 20 行里找不到表头(应有“工作任务”“责任单位”“完成时限”这样的列名)。"
            '如果列名不同,请用 --columns 指明,例如 --columns "工作内容=title,时间节点=due"。',
            "no header row in the first 20 rows of sheet '{s}' of {f} (columns such as 工作任务, 责任单位, 完成时限). "
            'If the columns are named differently, map them with --columns, e.g. --columns "工作内容=title,时间节点=due".',
            f=grid.file,
            s=grid.sheet,
        )
    )


def _field(label: str, col: int, mapping: dict[str, str]) -> str | None:
    if not label and column_letter(col) not in mapping:
        return None
    for key in (normalize(label), column_letter(col)):
        if key and key in mapping:
            return mapping[key]
    return field_of(label) if label else None


def _layout(grid: Grid, first: int, mapping: dict[str, str]) -> Layout:
    last = first + 1 if _two_rows(grid, first) else first
    layout = Layout(first, last, {})
    for row in range(1, first):
        text = " ".join(dict.fromkeys(grid.text(row, c) for c in range(1, grid.max_col + 1) if grid.text(row, c)))
        if text:
            layout.title_lines.append((text, grid.ref(row, 1)))
    for col in range(1, grid.max_col + 1):
        top, sub = grid.text(first, col), grid.text(last, col) if last > first else ""
        label = top if not sub or sub == top else (f"{top}/{sub}" if top else sub)
        name = _field_two(top, sub, col, mapping) if sub and sub != top else _field(top, col, mapping)
        has_data = any(grid.text(r, col) for r in range(last + 1, grid.max_row + 1))
        if not label and not has_data:
            continue
        layout.columns[col] = Column(col, label, name, grid.ref(last if sub and sub != top or not top else first, col))
    _report_columns(layout)
    return layout


def _two_rows(grid: Grid, first: int) -> bool:
    """A header cell merged across columns with words under it, or a second row of header words only."""
    below = [c for c in range(1, grid.max_col + 1) if grid.text(first + 1, c) and grid.span(first + 1, c)[0] == first + 1]
    if not below:
        return False
    for col in below:
        r1, c1, r2, c2 = grid.span(first, col)
        if r1 == first and r2 == first and c2 > c1:
            return True
    return all(field_of(grid.text(first + 1, c)) or normalize(grid.text(first + 1, c)) in LEAD_SUBWORDS + PARTNER_SUBWORDS for c in below)


def _field_two(top: str, sub: str, col: int, mapping: dict[str, str]) -> str | None:
    joined = normalize(f"{top}/{sub}")
    if joined in mapping:
        return mapping[joined]
    for key in (normalize(sub), None):
        if key and key in mapping:
            return mapping[key]
    plain_sub = normalize(sub)
    if plain_sub in PARTNER_SUBWORDS:
        return "partner"
    if plain_sub in LEAD_SUBWORDS:
        return "unit"
    return field_of(sub) or _field(top, col, mapping)


def _report_columns(layout: Layout) -> None:
    seen: dict[str, Column] = {}
    for column in layout.columns.values():
        if column.field is None:
            layout.findings.append(
                Finding(
                    column.ref,
                    say(
                        "不认识的列名“{l}”,这一列的内容写进了任务备注(note);如果它是某个字段,请用 --columns 指明。",
                        "unknown column '{l}'; its cells went into the tasks' notes. Map it with --columns if it is a field.",
                        l=column.label or "(空)",
                    ),
                )
            )
        elif column.field != "skip" and column.field in seen:
            first = seen[column.field]
            layout.findings.append(
                Finding(
                    column.ref,
                    say(
                        "“{l}”和“{f}”({r})都像是“{n}”列,用了前一列,这一列的内容写进了任务备注。",
                        "'{l}' and '{f}' ({r}) both look like the '{n}' column; the first is used, this one went into the notes.",
                        l=column.label,
                        f=first.label,
                        r=first.ref,
                        n=FIELD_LABELS[column.field],
                    ),
                )
            )
            column.field = None
        elif column.field != "skip":
            seen[column.field] = column
    if "title" not in seen:
        raise ImportFailed(
            say(
                '表头(第 {r} 行)里没有任务名称列(如“工作任务”“重点任务”);请用 --columns 指明,例如 --columns "事项=title"。',
                'the header (row {r}) has no task column (such as 工作任务, 重点任务); map one with --columns, e.g. --columns "事项=title".',
                r=layout.first,
            )
        )
