"""What was recorded about a task's items, for people to see: the step data (tender winner, amount, dates) with the
step types' field labels, the evidence files each record carries, and the inspection rounds with their values.

Also the one rule the evidence download follows: a file may be fetched through a task only when a record of that
task (one of its events, or an inspection round of one of its items) names the file's hash, so nobody can fetch a
file by knowing (or guessing) its hash alone. Reads only; three queries per task whatever its size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select

from engine.store.tables import events, inspections, items, step_records, tasks


@dataclass(frozen=True)
class StepValue:
    step: str  # the step type's title (招投标)
    key: str
    label: str  # the field's label in the user's language (中标单位)
    value: str
    kind: str = "text"


@dataclass(frozen=True)
class Attachment:
    name: str
    sha256: str
    size: int
    at: str  # ISO time of the record
    source: str  # "event" | "inspection"
    trigger: str | None = None  # the transition that carried it, for events
    kind: str | None = None  # the event's kind (transition, report, step_data, supervision_reply …), for events


#: the key of ``task_records`` for what no single item carries: a target's report on the whole task
WHOLE_TASK = ""


@dataclass
class ItemRecords:
    values: list = field(default_factory=list)  # StepValue
    files: list = field(default_factory=list)  # Attachment, oldest first
    rounds: list = field(default_factory=list)  # {round, at, inspector, passed, results, evidence, note}


def _files_in(data, found: list | None = None) -> list[dict]:
    """Every ``{name, sha256, size}`` in a record's JSON, at any depth (a transition's ``evidence``, a reply's files)."""
    found = [] if found is None else found
    if isinstance(data, dict):
        if isinstance(data.get("sha256"), str) and "name" in data:
            found.append(data)
        for inner in data.values():
            _files_in(inner, found)
    elif isinstance(data, list):
        for inner in data:
            _files_in(inner, found)
    return found


def _attach(records: ItemRecords, attachment: Attachment) -> None:
    if all(f.sha256 != attachment.sha256 for f in records.files):  # one file shown once, where it first came
        records.files.append(attachment)


def task_records(conn, checklist_id: str, task_key: str, steps: dict) -> dict[str, ItemRecords]:
    """Item name → what was recorded about it, and ``WHOLE_TASK`` → the files of records about no single item (a
    report on a target). ``steps`` is ``engine.pluginmanager.step_types(plugins)`` (labels of the data fields; a key no
    step declares any more is shown under its key)."""
    ids = {
        r.id: r.name
        for r in conn.execute(
            select(items.c.id, items.c.name)
            .join(tasks, tasks.c.id == items.c.task_id)
            .where(tasks.c.checklist_id == checklist_id, tasks.c.key == task_key, items.c.removed.is_(False))
        )
    }
    found: dict[str, ItemRecords] = {name: ItemRecords() for name in ids.values()}
    found[WHOLE_TASK] = ItemRecords()
    if not ids:
        return found
    for r in conn.execute(
        select(step_records.c.item_id, step_records.c.step, step_records.c.key, step_records.c.value)
        .where(step_records.c.item_id.in_(list(ids)))
        .order_by(step_records.c.item_id, step_records.c.id)
    ):
        step = steps.get(r.step)
        declared = step.field(r.key) if step is not None else None
        order = [f.key for f in step.data_fields] if step is not None else []
        found[ids[r.item_id]].values.append(
            StepValue(
                step.display_title() if step is not None else r.step,
                r.key,
                declared.title() if declared is not None else r.key,
                r.value,
                declared.kind if declared is not None else "text",
            )
        )
        found[ids[r.item_id]].values.sort(key=lambda v, order=order: order.index(v.key) if v.key in order else len(order))
    for r in conn.execute(
        select(events.c.item_name, events.c.at, events.c.trigger, events.c.kind, events.c.data)
        .where(events.c.checklist_id == checklist_id, events.c.task_key == task_key, events.c.data.like('%"sha256"%'))
        .order_by(events.c.seq)
    ):
        # a record about no item: a report on a whole target (a supervision thread shows its own files itself)
        where = (WHOLE_TASK if r.kind == "report" else None) if r.item_name is None else r.item_name
        if where not in found or r.data is None:
            continue
        for e in _files_in(json.loads(r.data)):
            _attach(
                found[where],
                Attachment(
                    str(e.get("name") or "evidence"), e["sha256"], int(e.get("size") or 0), r.at.isoformat(), "event", r.trigger, r.kind
                ),
            )
    for r in conn.execute(
        select(inspections).where(inspections.c.item_id.in_(list(ids))).order_by(inspections.c.item_id, inspections.c.round)
    ).mappings():
        evidence = json.loads(r["evidence"])
        found[ids[r["item_id"]]].rounds.append(
            {
                "round": r["round"],
                "at": r["at"],
                "inspector": r["inspector"],
                "passed": r["passed"],
                "results": json.loads(r["results"]),
                "evidence": evidence,
                "note": r["note"],
            }
        )
        for e in _files_in(evidence):
            _attach(
                found[ids[r["item_id"]]],
                Attachment(str(e.get("name") or "evidence"), e["sha256"], int(e.get("size") or 0), r["at"].isoformat(), "inspection"),
            )
    return found


def task_file(conn, checklist_id: str, task_key: str, sha256: str) -> dict | None:
    """``{name, sha256, size}`` of the file with this hash as a record of the task names it, or None when no record
    of the task does (the download route then answers 404, whoever asks)."""
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        return None
    pattern = f'%"{sha256}"%'
    for (data,) in conn.execute(
        select(events.c.data)
        .where(events.c.checklist_id == checklist_id, events.c.task_key == task_key, events.c.data.like(pattern))
        .limit(20)
    ):
        for e in _files_in(json.loads(data)):
            if e["sha256"] == sha256:
                return {"name": str(e.get("name") or "evidence"), "sha256": sha256, "size": int(e.get("size") or 0)}
    rows = conn.execute(
        select(inspections.c.evidence)
        .join(items, items.c.id == inspections.c.item_id)
        .join(tasks, tasks.c.id == items.c.task_id)
        .where(tasks.c.checklist_id == checklist_id, tasks.c.key == task_key, inspections.c.evidence.like(pattern))
        .limit(20)
    )
    for (evidence,) in rows:
        for e in _files_in(json.loads(evidence)):
            if e["sha256"] == sha256:
                return {"name": str(e.get("name") or "evidence"), "sha256": sha256, "size": int(e.get("size") or 0)}
    return None
