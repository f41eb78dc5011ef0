"""A task's ``note`` as the import writes it and the export reads it back: labelled parts, then the 备注.

The checklist format has one free-text ``note`` per task, so what the sheet says beyond the fields a task has
is kept there, each part labelled: ``类别:就业扶贫;目标:新增贷款80万元,到期贷款按时收回;配合:各村;其中护林员199个``.
The order is fixed (类别, 目标, 时限, 配合, other columns, then the 备注 as written), so an exported and
re-imported list gives the same note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SECTION, TARGET, TIME_LIMIT, PARTNER = "类别", "目标", "时限", "配合"
LABELS = (SECTION, TARGET, TIME_LIMIT, PARTNER)
SEPARATOR = ";"


@dataclass
class NoteParts:
    labelled: dict[str, str] = field(default_factory=dict)  # 类别, 目标, 时限, 配合 and unknown columns' headers
    remark: str | None = None  # the 备注 as written

    def text(self) -> str | None:
        ordered = [label for label in LABELS if label in self.labelled] + [k for k in self.labelled if k not in LABELS]
        parts = [f"{label}:{self.labelled[label]}" for label in ordered]
        if self.remark:
            parts.append(self.remark)
        return SEPARATOR.join(parts) or None


def read_note(note: str | None) -> NoteParts:
    """The parts of a note the import wrote; any other note is all 备注."""
    parts = NoteParts()
    if not note:
        return parts
    pieces = note.split(SEPARATOR)
    taken = 0
    for piece in pieces:
        label, sep, value = piece.partition(":")
        if not sep or label not in (SECTION, TARGET, TIME_LIMIT) or label in parts.labelled:
            break
        parts.labelled[label] = value
        taken += 1
    parts.remark = SEPARATOR.join(pieces[taken:]) or None
    return parts
