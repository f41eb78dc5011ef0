"""The documents qingdan writes, by name, for every front end: the command line and the board's downloads write
the same file from the same facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from engine.i18n import say


@dataclass(frozen=True)
class DocumentKind:
    name: str  # ledger, dispatch, circular, report
    title_zh: str
    title_en: str
    suffix: str  # xlsx or docx
    periods: tuple[str, ...]  # the periods a reader may choose; the first is the default
    fixed_period: str | None = None  # the period gathered when the reader chooses none (the ledger's dispatch sheet)

    @property
    def title(self) -> str:
        return say(self.title_zh, self.title_en)

    def file_name(self, checklist_title: str, as_of: dt.date, period: str | None = None) -> str:
        return f"{self.title_zh}-{checklist_title}-{as_of.isoformat()}.{self.suffix}"


KINDS = {
    "ledger": DocumentKind("ledger", "台账", "ledger", "xlsx", (), fixed_period="month"),
    "dispatch": DocumentKind("dispatch", "调度表", "dispatch table", "xlsx", ("month", "week")),
    "circular": DocumentKind("circular", "通报", "circular", "docx", ()),
    "report": DocumentKind("report", "工作汇报", "progress report", "docx", ("half", "year", "month")),
}


def write_document(kind: str, store, checklist_id: str, clock, plugins, *, as_of: dt.date, period: str | None, path: Path) -> Path:
    """Gather the facts of ``checklist_id`` as of ``as_of`` and write document ``kind`` to ``path``."""
    from engine.documents.facts import gather

    found = KINDS[kind]
    chosen = period if period in found.periods else (found.periods[0] if found.periods else found.fixed_period)
    facts = gather(store, checklist_id, clock, plugins, as_of=as_of, period=chosen)
    if kind == "ledger":
        from engine.documents.ledger import write_ledger

        write_ledger(facts, path)
    elif kind == "dispatch":
        from engine.documents.dispatch import write_dispatch

        write_dispatch(facts, path)
    else:
        from engine.documents import circular, work_report
        from engine.documents.templates import find_template

        module = circular if kind == "circular" else work_report
        module.write(facts, Path(path), find_template(kind))
    return Path(path)
