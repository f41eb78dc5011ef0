"""Load validated checklists into the database: all files or none, idempotent, history-preserving.

A first load creates the checklist, its tasks and one row per item in the workflow's initial state.
Loading the same definition again changes nothing. An edited definition is applied in place:
moved deadlines, new labels, new tasks and items; every item keeps its state and history. An edit
that would strand data (an item in a state that no longer exists, an item or task with history that
disappeared, a task with history that changed kind) is refused with everything in the way listed,
unless ``force``: then vanished items and tasks are archived (hidden, history kept) and items in
vanished states return to the initial state, each recorded in the audit trail.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, update

from engine.dates.clock import Clock
from engine.definition.definitions import ChecklistDef, TaskDef, rebuild_checklist
from engine.errors import Stranded, StrandedData
from engine.i18n import say
from engine.runtime import audit
from engine.runtime.closing import check_open
from engine.runtime.deadlines import replan_checklist
from engine.runtime.event_notices import tell_handovers
from engine.runtime.item_owners import apply_reload, own_columns, plan_dues
from engine.runtime.lineage import check_family
from engine.runtime.people_directory import check_people
from engine.runtime.reaching import forget_reached, record_initial
from engine.store import Store
from engine.store.tables import checklists, events, items, tasks

FORMAT_VERSION = 1
SETUP_KINDS = ("load", "reload", "forced_reload")


@dataclass
class LoadReport:
    checklist: str
    action: str  # "created" | "updated" | "unchanged"
    revision: int
    tasks_added: int = 0
    items_added: int = 0
    archived: list[str] = field(default_factory=list)
    reset: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # a parent or child list not loaded yet (engine.runtime.lineage)


def digest(definition: ChecklistDef) -> str:
    return hashlib.sha256(definition.source_json.encode("utf-8")).hexdigest()


def load(
    store: Store, definitions: list[ChecklistDef], *, clock: Clock, actor: str = "admin", force: bool = False, progress=None
) -> list[LoadReport]:
    """Load every definition in ONE transaction; any refusal leaves the database untouched."""
    now = clock.now()
    reports = []
    with store.write() as conn:
        check_people(conn, definitions)  # person ids are global: one id, one name, in every list
        warnings = check_family(conn, definitions)  # refuses disagreeing lists before anything is written
        for definition in definitions:
            row = conn.execute(select(checklists).where(checklists.c.id == definition.id)).mappings().first()
            if row is None:
                reports.append(_create(conn, definition, now, actor, progress))
            elif row["source_sha256"] == digest(definition):
                reports.append(LoadReport(definition.id, "unchanged", row["revision"]))
            else:
                check_open(conn, definition.id)  # a list closed at year end is not reloaded: copy it to next year's
                reports.append(_update(conn, definition, row, now, actor, force, progress))
            reports[-1].warnings = warnings.get(definition.id, [])
    return reports


def _create(conn, definition: ChecklistDef, now, actor, progress) -> LoadReport:
    conn.execute(
        insert(checklists).values(
            id=definition.id,
            title=definition.title,
            year=definition.year,
            revision=1,
            source_sha256=digest(definition),
            definition=definition.source_json,
            format_version=FORMAT_VERSION,
            loaded_at=now,
        )
    )
    report = LoadReport(definition.id, "created", 1)
    _add_tasks(conn, definition, definition.tasks, {t.id: i for i, t in enumerate(definition.tasks)}, now, report, progress)
    audit.append(
        conn,
        chain=definition.id,
        at=now,
        actor=actor,
        kind="load",
        checklist_id=definition.id,
        data={"revision": 1, "sha256": digest(definition), "tasks": report.tasks_added, "items": report.items_added},
    )
    record_initial(conn, definition, now)
    replan_checklist(conn, definition, now)
    plan_dues(conn, definition, now)  # items' own due dates
    return report


def _add_tasks(conn, definition, new_tasks, positions, now, report, progress):
    if not new_tasks:
        return
    conn.execute(
        insert(tasks),
        [{"checklist_id": definition.id, "key": t.id, "kind": t.kind, "position": positions[t.id], "removed": False} for t in new_tasks],
    )
    wanted = {t.id for t in new_tasks}
    ids = {
        r.key: r.id for r in conn.execute(select(tasks.c.key, tasks.c.id).where(tasks.c.checklist_id == definition.id)) if r.key in wanted
    }
    total = sum(len(t.items) for t in new_tasks)
    batch, done = [], 0
    for task in new_tasks:
        initial = _initial(definition, task)
        for position, name in enumerate(task.items):
            batch.append(
                {
                    "task_id": ids[task.id],
                    "name": name,
                    "position": position,
                    "state": initial,
                    "version": 1,
                    "state_since": now,
                    "removed": False,
                    **own_columns(task.item(name)),
                }
            )
        if len(batch) >= 5000:
            conn.execute(insert(items), batch)
            done += len(batch)
            batch = []
            if progress:
                progress(done, total)
    if batch:
        conn.execute(insert(items), batch)
        done += len(batch)
        if progress:
            progress(done, total)
    report.tasks_added += len(new_tasks)
    report.items_added += total


def _initial(definition: ChecklistDef, task: TaskDef) -> str | None:
    return definition.workflows[task.workflow].initial if task.kind == "workflow" else None


def _update(conn, definition: ChecklistDef, row, now, actor, force, progress) -> LoadReport:
    old = rebuild_checklist(row["definition"])
    revision = row["revision"] + 1
    report = LoadReport(definition.id, "updated", revision)
    task_rows = {r.key: r for r in conn.execute(select(tasks).where(tasks.c.checklist_id == definition.id))}
    item_rows: dict[int, dict] = {}
    for r in conn.execute(
        select(items.c.id, items.c.task_id, items.c.name, items.c.state, items.c.removed)
        .join(tasks, tasks.c.id == items.c.task_id)
        .where(tasks.c.checklist_id == definition.id)
    ):
        item_rows.setdefault(r.task_id, {})[r.name] = r
    history = _history(conn, definition.id)
    blockers: list[str] = []
    stranded: list[Stranded] = []  # the same as ``blockers``, for a page to word with titles and labels
    archive_tasks, archive_items, reset_items, restore_items, start_items = [], [], [], [], []
    new_ids = {t.id for t in definition.tasks}

    for key, trow in task_rows.items():
        if key not in new_ids and not trow.removed:
            if history["tasks"].get(key):
                stranded.append(Stranded("task_removed", key, count=history["tasks"][key]))
                blockers.append(
                    say(
                        "任务 {t} 已有 {n} 条记录,不能从清单中删除",
                        "task {t} has {n} recorded events and cannot be removed",
                        t=key,
                        n=history["tasks"][key],
                    )
                )
            archive_tasks.append(trow)

    added_tasks = [t for t in definition.tasks if t.id not in task_rows]
    for task in definition.tasks:
        trow = task_rows.get(task.id)
        if trow is None:
            continue
        existing = item_rows.get(trow.id, {})
        if trow.kind != task.kind and history["tasks"].get(task.id):
            stranded.append(Stranded("kind_changed", task.id, old=trow.kind, new=task.kind))
            blockers.append(
                say(
                    "任务 {t} 已有记录,不能从{a}改为{b}类任务",
                    "task {t} has history and cannot change from {a} to {b}",
                    t=task.id,
                    a=trow.kind,
                    b=task.kind,
                )
            )
        wanted = set(task.items)
        for name, irow in existing.items():
            if name not in wanted and not irow.removed:
                if history["items"].get((task.id, name)):
                    stranded.append(Stranded("item_removed", task.id, item=name, count=history["items"][(task.id, name)]))
                    blockers.append(
                        say(
                            "任务 {t} 的子项 “{i}” 已有记录,不能删除",
                            "item '{i}' of task {t} has history and cannot be removed",
                            t=task.id,
                            i=name,
                        )
                    )
                archive_items.append(irow)
        if task.kind == "workflow":
            workflow = definition.workflows[task.workflow]
            lost: dict[str, int] = {}
            for name, irow in existing.items():
                if name in wanted and irow.state is None:
                    start_items.append((irow, workflow.initial))  # was a target or duty: starts the workflow afresh
                elif name in wanted and irow.state not in workflow.states:
                    lost[irow.state] = lost.get(irow.state, 0) + 1
                    reset_items.append((task, irow, workflow.initial))
            for state, count in lost.items():
                stranded.append(Stranded("state_removed", task.id, count=count, state=state, new=workflow.initial))
                blockers.append(
                    say(
                        "任务 {t} 有 {n} 个子项处于状态 “{s}”,而新流程没有这个状态",
                        "task {t} has {n} items in state '{s}', which the new workflow lacks",
                        t=task.id,
                        n=count,
                        s=state,
                    )
                )
        elif trow.kind == "workflow":
            for name, irow in existing.items():
                if name in wanted and irow.state is not None:
                    reset_items.append((task, irow, None))
        for name in wanted:
            irow = existing.get(name)
            if irow is not None and irow.removed:
                restore_items.append(irow)

    if blockers and not force:
        raise StrandedData(
            say(
                "清单 {c} 的修改会丢失已有数据,未载入任何内容:\n  - {b}\n确需如此,可加 --force:被删的任务和子项归档(保留历史),处于已删状态的子项退回初始状态,全部记入审计。",
                "changing checklist {c} would strand existing data; nothing was loaded:\n  - {b}\nIf this is intended, add --force: removed tasks and items are archived (history kept), items in removed states return to the initial state, all audited.",
                c=definition.id,
                b="\n  - ".join(blockers),
            ),
            stranded=stranded,
        )

    # apply
    conn.execute(
        update(checklists)
        .where(checklists.c.id == definition.id)
        .values(
            title=definition.title,
            year=definition.year,
            revision=revision,
            source_sha256=digest(definition),
            definition=definition.source_json,
            format_version=FORMAT_VERSION,
            loaded_at=now,
        )
    )
    positions = {t.id: i for i, t in enumerate(definition.tasks)}
    for task in definition.tasks:
        trow = task_rows.get(task.id)
        if trow is not None and (trow.removed or trow.kind != task.kind or trow.position != positions[task.id]):
            conn.execute(update(tasks).where(tasks.c.id == trow.id).values(removed=False, kind=task.kind, position=positions[task.id]))
    for trow in archive_tasks:
        conn.execute(update(tasks).where(tasks.c.id == trow.id).values(removed=True))
        report.archived.append(trow.key)
    for irow in archive_items:
        conn.execute(update(items).where(items.c.id == irow.id).values(removed=True))
    for irow in restore_items:
        conn.execute(update(items).where(items.c.id == irow.id).values(removed=False))
    for irow, state in start_items:
        conn.execute(update(items).where(items.c.id == irow.id).values(state=state, version=items.c.version + 1, state_since=now))
    forget_reached(conn, [irow.id for irow, _ in start_items] + [irow.id for _, irow, _ in reset_items])
    reset_events = []
    for task, irow, state in reset_items:
        conn.execute(update(items).where(items.c.id == irow.id).values(state=state, version=items.c.version + 1, state_since=now))
        report.reset.append(f"{task.id}/{irow.name}")
        reset_events.append(
            {
                "at": now,
                "actor": actor,
                "kind": "forced_state",
                "checklist_id": definition.id,
                "task_key": task.id,
                "item_name": irow.name,
                "from_state": irow.state,
                "to_state": state,
                "note": say("重新载入时强制退回", "reset by a forced reload"),
            }
        )
    _add_tasks(conn, definition, added_tasks, positions, now, report, progress)
    for task in definition.tasks:
        trow = task_rows.get(task.id)
        if trow is None:
            continue
        existing = item_rows.get(trow.id, {})
        fresh = [name for name in task.items if name not in existing]
        if fresh:
            initial = _initial(definition, task)
            conn.execute(
                insert(items),
                [
                    {
                        "task_id": trow.id,
                        "name": name,
                        "position": task.items.index(name),
                        "state": initial,
                        "version": 1,
                        "state_since": now,
                        "removed": False,
                        **own_columns(task.item(name)),
                    }
                    for name in fresh
                ],
            )
            report.items_added += len(fresh)
    report.changes = _describe_changes(old, definition)
    archived_items = [f"{irow.task_id}/{irow.name}" for irow in archive_items]
    data = {
        "revision": revision,
        "sha256": digest(definition),
        "tasks_added": report.tasks_added,
        "items_added": report.items_added,
        "archived_tasks": report.archived,
        "archived_items": len(archived_items),
        "changes": report.changes,
    }
    kind = "forced_reload" if blockers else "reload"
    entries = [
        {
            "at": now,
            "actor": actor,
            "kind": kind,
            "checklist_id": definition.id,
            "data": data,
            "note": "; ".join(blockers) if blockers else None,
        }
    ] + reset_events
    entries += apply_reload(conn, old, definition, revision=revision, actor=actor, now=now)  # owners, due dates, shares, notes
    audit.append_many(conn, definition.id, entries)
    record_initial(conn, definition, now)
    replan_checklist(conn, definition, now)
    plan_dues(conn, definition, now)  # items' own due dates
    tell_handovers(conn, old, definition, revision=revision, actor=actor, now=now)  # 交办: tasks that changed hands
    return report


def _history(conn, checklist_id: str) -> dict:
    per_item: dict = {}
    per_task: dict = {}
    query = (
        select(events.c.task_key, events.c.item_name, func.count())
        .where(events.c.checklist_id == checklist_id, events.c.task_key.is_not(None), events.c.kind.not_in(SETUP_KINDS))
        .group_by(events.c.task_key, events.c.item_name)
    )
    for task_key, item_name, count in conn.execute(query):
        per_task[task_key] = per_task.get(task_key, 0) + count
        if item_name is not None:
            per_item[(task_key, item_name)] = count
    return {"tasks": per_task, "items": per_item}


def _describe_changes(old: ChecklistDef, new: ChecklistDef) -> list[str]:
    changes = []
    old_tasks = old.task_by_id
    for task in new.tasks:
        before = old_tasks.get(task.id)
        if before is None:
            changes.append(f"+task {task.id}")
            continue
        for state in sorted(set(before.deadlines) | set(task.deadlines)):
            a, b = before.deadlines.get(state), task.deadlines.get(state)
            if a != b:
                changes.append(f"{task.id} deadline {state}: {a} -> {b}")
        added = [n for n in task.items if n not in set(before.items)]
        removed = [n for n in before.items if n not in set(task.items)]
        if added:
            changes.append(f"{task.id} +{len(added)} items")
        if removed:
            changes.append(f"{task.id} -{len(removed)} items")
        if before.title != task.title:
            changes.append(f"{task.id} title")
        if before.target != task.target:
            changes.append(f"{task.id} target: {before.target} -> {task.target}")
    for task_id in old_tasks:
        if task_id not in new.task_by_id:
            changes.append(f"-task {task_id}")
    for key, wf in new.workflows.items():
        if old.workflows.get(key) != wf:
            changes.append(f"workflow {key}")
    if old.people != new.people:
        changes.append("people")
    return changes[:200]
