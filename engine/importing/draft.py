"""Task rows → a checklist mapping (the draft), with a comment for every value that is a guess.

Each row becomes one task. Its kind follows the cells: a recurring 完成时限 (每月, 长期坚持) or a target written
per period (每户每月不少于1次) → ``recurring``; a target with a number → ``target`` with ``deadlines: {done}``;
anything else → a workflow task of the default workflow ``simple`` (推进中 → 已完成). Units and people are
created as they are met. What the draft had to assume is both a ``Finding`` (cell and sentence, printed for the
clerk) and a comment at the value in the YAML (``comments``, keyed by the value's path). It never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.i18n import say
from engine.importing import notes
from engine.importing.columns import Layout
from engine.importing.findings import Finding
from engine.importing.kinds import TaskKinds, one_line
from engine.importing.registry import Registry, split_names
from engine.importing.rows import RowData
from engine.importing.sheet import Grid, as_text

SIMPLE_WORKFLOW = {
    "title": "一般任务",
    "initial": "doing",
    "states": {"doing": {"label": "推进中"}, "done": {"label": "已完成", "final": True}},
    "transitions": [{"trigger": "finish", "from": "doing", "to": "done", "by": ["responsible"], "label": "完成"}],
}
DEFAULTS = {"remind": ["5 workdays", "1 workday"], "escalate": [{"after": "1 workday", "to": "leader"}]}
NO_UNIT = "待定单位"
NO_LEADER = "待定(分管领导)"


@dataclass
class Draft:
    data: dict
    comments: dict[tuple, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def guess(self, path: tuple, ref: str | None, comment: str, message: str | None = None) -> None:
        """A guessed value: a comment at ``path`` and, with ``ref``, a line for the clerk."""
        self.comments[path] = "; ".join(filter(None, [self.comments.get(path), comment]))
        if ref is not None:
            self.findings.append(Finding(ref, message or comment))


def build(grid: Grid, layout: Layout, rows: list[RowData], *, list_id: str, title: str, year: int, workflow_map=None) -> Draft:
    draft = Draft({"checklist": {"id": list_id, "title": title, "year": year}})
    registry = Registry()
    builder = _Builder(grid, layout, draft, registry, year)
    builder.workflow_map = workflow_map
    tasks = [builder.task(row, index) for index, row in enumerate(rows)]
    draft.data["units"] = registry.units
    draft.data["people"] = registry.people
    workflows = {name: workflow_map.workflows[name] for name in sorted(builder.used_workflows)} if workflow_map else {}
    if any(task.get("workflow") == "simple" for task in tasks) and "simple" not in workflows:
        workflows["simple"] = SIMPLE_WORKFLOW
    if workflows:
        draft.data["workflows"] = workflows
    draft.data["defaults"] = DEFAULTS
    draft.data["tasks"] = tasks
    for pid, person in registry.people.items():
        if person["name"].startswith("待定"):
            draft.comments[("people", pid)] = say("猜测:占位人员,请改成真实姓名", "guess: a placeholder, put the real name here")
    return draft


class _Builder(TaskKinds):
    def __init__(self, grid: Grid, layout: Layout, draft: Draft, registry: Registry, year: int):
        self.grid, self.layout, self.draft, self.registry, self.year = grid, layout, draft, registry, year
        self.ids: set[str] = set()
        self.workflow_map = None
        self.used_workflows: set[str] = set()
        self.unit_staff: dict[str, str] = {}  # unit id → its first responsible person
        self.header_ref = grid.ref(layout.first, 1)
        self.said: set[str] = set()

    def ref(self, row: RowData, name: str) -> str:
        col = row.cells[name][1] if name in row.cells else self.layout.col_of(name)
        return self.grid.ref(row.row, col) if col else self.header_ref

    def once(self, key: str, ref: str, message: str) -> str | None:
        """``ref`` the first time ``key`` comes up (a missing column is said once), None after."""
        if key in self.said:
            return None
        self.said.add(key)
        self.draft.findings.append(Finding(ref, message))
        return None

    def task(self, row: RowData, index: int) -> dict:
        path = ("tasks", index)
        note = notes.NoteParts()
        cell = {name: as_text(value) for name, (value, _col) in row.cells.items()}
        task = {"id": self.task_id(cell.get("seq"), index), "title": one_line(cell["title"])}
        section = cell.get("section") or row.section
        if section:
            note.labelled[notes.SECTION] = one_line(section)
        self.owner(row, cell, task, note, path)
        self.kind(row, cell, task, note, path)
        if cell.get("partner"):
            note.labelled[notes.PARTNER] = "、".join(
                [*split_names(cell["partner"]), *note.labelled.pop(notes.PARTNER, "").split("、")]
            ).strip("、")
        for label, text, _col in row.extras:
            note.labelled[label] = one_line(text)
        if cell.get("remark"):
            note.remark = one_line(cell["remark"])
        if note.text():
            task["note"] = note.text()
        return task

    def task_id(self, seq: str | None, index: int) -> str:
        seq = (seq or "").strip()
        wanted = None
        if re.fullmatch(r"\d+", seq):
            wanted = f"T{int(seq)}"
        elif re.fullmatch(r"\d+([.\-]\d+)+", seq):
            wanted = "T" + re.sub(r"[.]", "-", seq)
        elif re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,30}", seq) and seq.lower() not in (
            "y",
            "n",
            "yes",
            "no",
            "on",
            "off",
            "true",
            "false",
            "null",
        ):
            wanted = seq
        number = index + 1
        while wanted is None or wanted in self.ids:
            wanted, number = f"T{number}", number + 1
        self.ids.add(wanted)
        return wanted

    def owner(self, row: RowData, cell: dict, task: dict, note: notes.NoteParts, path: tuple) -> None:
        names = split_names(cell.get("unit", ""))
        if not names:
            unit = self.registry.unit(NO_UNIT)
            if self.layout.col_of("unit") is None:
                self.once(
                    "unit",
                    self.header_ref,
                    say(
                        "表中没有“责任单位”列,所有任务暂定为“待定单位”。",
                        "the sheet has no 责任单位 column; every task got the unit '待定单位'.",
                    ),
                )
                self.draft.guess((*path, "unit"), None, say("猜测:表中没有责任单位列", "guess: the sheet has no unit column"))
            else:
                self.draft.guess(
                    (*path, "unit"),
                    self.ref(row, "unit"),
                    say("猜测:没有填责任单位", "guess: no unit given"),
                    say("没有填责任单位,暂定为“待定单位”,请补上。", "no unit given; took '待定单位', fill it in."),
                )
        else:
            unit = self.registry.unit(names[0])
            if len(names) > 1:
                note.labelled[notes.PARTNER] = "、".join(names[1:])
                self.draft.guess(
                    (*path, "unit"),
                    self.ref(row, "unit"),
                    say("猜测:单位格里有多个单位,取了第一个", "guess: several units in the cell; took the first"),
                    say(
                        "单位格里有多个单位“{c}”,“{u}”作为责任单位,其余写进了备注的“配合”。",
                        "several units in '{c}': '{u}' owns the task, the others went into the note as 配合.",
                        c=cell["unit"],
                        u=names[0],
                    ),
                )
        task["unit"] = unit
        self.responsible(row, cell, task, note, path, unit)
        self.leader(row, cell, task, path)

    def responsible(self, row: RowData, cell: dict, task: dict, note: notes.NoteParts, path: tuple, unit: str) -> None:
        names = split_names(cell.get("responsible", ""))
        if names:
            pid = self.registry.person(names[0], "staff", unit)
            self.unit_staff.setdefault(unit, pid)
            if len(names) > 1:
                note.labelled["其他责任人"] = "、".join(names[1:])
                self.draft.guess(
                    (*path, "responsible"),
                    self.ref(row, "responsible"),
                    say("猜测:有多个责任人,取了第一个", "guess: several people; took the first"),
                    say(
                        "责任人格里有多人“{c}”,“{p}”作为责任人,其余写进了备注。",
                        "several people in '{c}': '{p}' is responsible, the others went into the note.",
                        c=cell["responsible"],
                        p=names[0],
                    ),
                )
        else:
            pid = self.unit_staff.get(unit) or self.registry.person(f"待定({self.registry.units[unit]['name']}责任人)", "staff", unit)
            who = self.registry.people[pid]["name"]
            comment = say("猜测:没有填责任人,用了“{p}”", "guess: no responsible person given; took '{p}'", p=who)
            if self.layout.col_of("responsible") is None:
                self.once(
                    "responsible",
                    self.header_ref,
                    say(
                        "表中没有“责任人”列,每项任务的责任人暂定为本单位的第一位责任人或占位人员,请核对。",
                        "the sheet has no 责任人 column; each task got its unit's first person or a placeholder.",
                    ),
                )
                self.draft.guess((*path, "responsible"), None, comment)
            else:
                self.draft.guess(
                    (*path, "responsible"),
                    self.ref(row, "responsible"),
                    comment,
                    say("没有填责任人,暂定为“{p}”,请核对。", "no responsible person given; took '{p}', check it.", p=who),
                )
        task["responsible"] = pid

    def leader(self, row: RowData, cell: dict, task: dict, path: tuple) -> None:
        names = split_names(cell.get("leader", ""))
        if names:
            task["leader"] = self.registry.person(names[0], "leader")
            return
        task["leader"] = self.registry.person(NO_LEADER, "leader")
        if self.layout.col_of("leader") is None:
            self.once(
                "leader",
                self.header_ref,
                say(
                    "表中没有“分管领导”列,所有任务的分管领导暂定为“{p}”,请在 people 里改成真实姓名。",
                    "the sheet has no 分管领导 column; every task's leader is '{p}' for now: put the real name under people.",
                    p=NO_LEADER,
                ),
            )
            self.draft.guess((*path, "leader"), None, say("猜测:表中没有分管领导列", "guess: the sheet has no leader column"))
        else:
            self.draft.guess(
                (*path, "leader"),
                self.ref(row, "leader"),
                say("猜测:没有填分管领导", "guess: no leader given"),
                say("没有填分管领导,暂定为“{p}”,请补上。", "no leader given; took '{p}', fill it in.", p=NO_LEADER),
            )
