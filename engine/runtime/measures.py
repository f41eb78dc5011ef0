"""Measured indicators: the value of a target whose reports are readings, not increments (one home for the rule).

A target's ``measure`` says how its reports make its value (docs/checklist-format.md, "Measured indicators"):

- ``sum`` (the default): every report adds to a running total (放映 2854 场);
- ``latest``: the reading with the latest activity date is the value (外出务工 882 人, 通响率 95%): it may go down;
- ``max`` / ``min``: the highest / lowest reading so far is the value.

A reading is the value at its activity date. A correction (冲销) withdraws the reading it reverses: the value
is then computed from the readings left, as if the withdrawn one had never been made (a correction carries its
original's activity date, so a restatement as of an earlier date drops both or neither). Targets are always
"reach at least": the task is done while the measured value is at or above the target, whatever the measure.

Status, the milestones' ``done`` verdict, the report's result and the documents all call ``measured`` or
``value_by_day`` here, so they cannot disagree. Must not: write, or judge deadlines itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from engine.amounts import usable
from engine.i18n import say
from engine.numbers import plain
from engine.store.tables import progress

SUM = "sum"
MEASURES = (SUM, "latest", "max", "min")


_WORDS = {
    "latest": ("最新读数", "latest reading"),
    "max": ("最高读数", "highest reading"),
    "min": ("最低读数", "lowest reading"),
}


def value_word(measure: str, *, chinese: bool = False) -> str:
    """What a measured target's value is called on pages and in documents (最新读数); 累计完成 for a sum.
    ``chinese``: always the Chinese word (the documents are written in Chinese whatever the page's language)."""
    zh, en = _WORDS.get(measure, ("累计完成", "done so far"))
    return zh if chinese else say(zh, en)


def is_measured(task) -> bool:
    """Whether a task's reports are readings (``latest``, ``max``, ``min``) rather than increments."""
    return getattr(task, "measure", SUM) != SUM


@dataclass(frozen=True)
class Reading:
    """One report of a measured target: its entry number, activity date and value."""

    entry: int
    on: dt.date
    value: Decimal


@dataclass(frozen=True)
class Measured:
    """A measured target's value and the reading it comes from (``None`` before any reading)."""

    value: Decimal
    reading: Reading | None

    @property
    def on(self) -> dt.date | None:
        return self.reading.on if self.reading is not None else None


def kept(entries) -> list[Reading]:
    """The readings still standing among ``entries`` (rows with id, on_date, amount, reverses): corrections and the
    readings they withdraw are left out. Oldest first, by activity date then entry number."""
    rows = list(entries)
    withdrawn = {row.reverses for row in rows if row.reverses is not None}
    found = [Reading(row.id, row.on_date, Decimal(row.amount)) for row in rows if row.reverses is None and row.id not in withdrawn]
    return sorted(found, key=lambda r: (r.on, r.entry))


def measured(measure: str, readings: list[Reading]) -> Measured:
    """The value of a measured target from its standing readings (``kept``): the latest, the highest or the lowest.
    For ``max`` and ``min`` the reading named is the latest one holding that value."""
    if not readings:
        return Measured(Decimal(0), None)
    ordered = sorted(readings, key=lambda r: (r.on, r.entry))
    if measure == "latest":
        chosen = ordered[-1]
    elif measure == "max":
        best = max(r.value for r in ordered)
        chosen = [r for r in ordered if r.value == best][-1]
    elif measure == "min":
        best = min(r.value for r in ordered)
        chosen = [r for r in ordered if r.value == best][-1]
    else:
        raise ValueError(f"not a measured target: {measure}")
    return Measured(chosen.value, chosen)


def value_by_day(measure: str, readings: list[Reading]) -> dict[dt.date, Decimal]:
    """The value after each activity day with a reading, for the day a target was reached (``milestones``)."""
    found: dict[dt.date, Decimal] = {}
    so_far: list[Reading] = []
    for reading in sorted(readings, key=lambda r: (r.on, r.entry)):
        so_far.append(reading)
        found[reading.on] = measured(measure, so_far).value
    return found


def day_reached(measure: str, readings: list[Reading], target) -> dt.date | None:
    """The activity day from which the measured value stays at or above ``target`` (a later reading below it undoes it)."""
    if target is None or target <= 0:
        return None
    since = None
    for day, value in sorted(value_by_day(measure, readings).items()):
        if value >= target:
            since = since or day
        else:
            since = None
    return since


def readings_of(conn, task_row_ids, until: dt.date | None = None) -> dict[int, list[Reading]]:
    """task row → its standing readings with activity dates up to ``until`` (all when ``None``); one query."""
    ids = list(task_row_ids)
    if not ids:
        return {}
    query = select(progress.c.id, progress.c.task_id, progress.c.on_date, progress.c.amount, progress.c.reverses).where(
        progress.c.task_id.in_(ids), usable(progress.c.amount)
    )
    if until is not None:
        query = query.where(progress.c.on_date <= until)
    rows: dict[int, list] = {}
    for row in conn.execute(query):
        rows.setdefault(row.task_id, []).append(row)
    return {task_id: kept(found) for task_id, found in rows.items()}


def reading_recorded(result) -> str:
    """What the CLI and the web say after a reading (a ``ReportResult`` of a measured target): the reading and the
    value it leaves, which for ``max`` / ``min`` may be another reading's."""
    target = f"/{plain(result.target)}" if result.target is not None else ""
    return say(
        "已记录读数(报送编号 {e}):{t} 读数 {a}({d}),{w} {s}{g}",
        "reading recorded (entry {e}): {t} reads {a} ({d}); {w} {s}{g}",
        e=result.entry,
        t=result.task,
        a=plain(result.amount),
        d=result.on.isoformat() if result.on else "",
        w=value_word(result.measure),
        s=plain(result.total),
        g=target,
    )


def reading_withdrawn(entry, result) -> str:
    """What the CLI and the web say after a reading was withdrawn (冲销): the value of the readings left."""
    return say(
        "已冲销读数 {o}(更正编号 {e}),{w} {s}。",
        "reading {o} withdrawn (entry {e}); {w} {s}.",
        o=entry,
        e=result.entry,
        w=value_word(result.measure),
        s=plain(result.total),
    )
