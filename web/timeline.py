"""The board's milestone timeline: the SVG geometry of a Gantt-style chart of the year, a bar per task and a mark
per milestone coloured by the engine's verdict, with a line at today. Pure: no database, no Flask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.definition.definitions import ChecklistDef
from engine.i18n import say
from web.presenters import TaskRow


@dataclass
class Timeline:
    width: int
    height: int
    left: int
    months: list[tuple[float, str]]
    today_x: float | None
    rows: list[dict]
    hidden: int


def timeline(definition: ChecklistDef, rows: list[TaskRow], today: dt.date, *, limit: int = 60, width: int = 900) -> Timeline:
    """A Gantt-style chart of the year: per task a bar from the first to the last milestone, a mark per milestone
    (met, missed, open) and a line at today."""
    left, row_height, top = 170, 22, 26
    start = dt.date(definition.year, 1, 1)
    end = dt.date(definition.year, 12, 31)
    dated = [r for r in rows if r.milestones]
    first = min([m.due for r in dated for m in r.milestones] + [start])
    last = max([m.due for r in dated for m in r.milestones] + [end])
    span = max(1, (last - first).days + 1)
    scale = (width - left - 10) / span

    def x(day: dt.date) -> float:
        return round(left + (day - first).days * scale, 1)

    months = []
    cursor = dt.date(first.year, first.month, 1)
    while cursor <= last:
        if cursor >= first:
            months.append(
                (x(cursor), f"{cursor.month}" + say("月", "") if cursor.year == definition.year else f"{cursor.year}-{cursor.month:02d}")
            )
        cursor = dt.date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    shown = dated[:limit]
    drawn = []
    for index, row in enumerate(shown):
        y = top + index * row_height
        marks = [{"x": x(m.due), "label": m.label, "date": m.due.isoformat(), "state": m.state, "text": m.text} for m in row.milestones]
        drawn.append(
            {"id": row.id, "title": row.title, "y": y, "light": row.light, "x1": marks[0]["x"], "x2": marks[-1]["x"], "marks": marks}
        )
    today_x = x(today) if first <= today <= last else None
    return Timeline(width, top + len(shown) * row_height + 8, left, months, today_x, drawn, len(dated) - len(shown))
