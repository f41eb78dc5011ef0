"""Find loaded checklists, tasks and items by the names people type.

Definitions are rebuilt from their stored JSON once per revision and cached (they are immutable).
A task may be named ``T1`` when only one loaded checklist has a task T1, else ``CHECKLIST:T1``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import select

from engine.definition.definitions import ChecklistDef, TaskDef, rebuild_checklist
from engine.errors import NotFound
from engine.i18n import say
from engine.store.tables import checklists, items, tasks

_cache: dict[tuple, ChecklistDef] = {}
_lock = threading.Lock()


def get_checklist(conn, checklist_id: str, *, known: tuple | None = None) -> ChecklistDef:
    """The checklist's definition; ``known`` = (revision, sha256) when the caller already read them."""
    if known is not None:
        found = _cache.get((checklist_id, *known))
        if found is not None:
            return found
    row = conn.execute(
        select(checklists.c.id, checklists.c.revision, checklists.c.source_sha256).where(checklists.c.id == checklist_id)
    ).first()
    if row is None:
        known = [r.id for r in conn.execute(select(checklists.c.id).order_by(checklists.c.id))]
        raise NotFound(
            say(
                "没有清单 “{c}”;已载入:{k}。",
                "no checklist '{c}'; loaded: {k}.",
                c=checklist_id,
                k=", ".join(known) or say("无,请先载入清单", "none; load a checklist first"),
            ),
            field="load" if not known else None,
        )
    key = (row.id, row.revision, row.source_sha256)
    found = _cache.get(key)
    if found is None:
        found = _compiled(row.source_sha256)
        if found is None or found.id != checklist_id:
            text = conn.execute(select(checklists.c.definition).where(checklists.c.id == checklist_id)).scalar_one()
            found = rebuild_checklist(text)
            _keep_compiled(row.source_sha256, found)
        with _lock:
            if len(_cache) > 64:
                _cache.clear()
            _cache[key] = found
    return found


def _compiled_path(sha256: str) -> str:
    import os

    from engine.store.db import data_home

    return os.path.join(data_home(), "cache", "definitions", f"{sha256}.json")


def _compiled(sha256: str) -> ChecklistDef | None:
    """The definition a process rebuilt earlier, from the instance folder (``engine.definition.compiled``): a new
    command starts without importing the format's models. None when there is none or it cannot be read."""
    from engine.definition.compiled import Damaged, loads

    try:
        with open(_compiled_path(sha256), encoding="utf-8") as handle:
            found = loads(handle.read())
    except (OSError, Damaged):
        return None
    return found if found.source_json and _sha256(found.source_json) == sha256 else None


def _keep_compiled(sha256: str, definition: ChecklistDef) -> None:
    """Write the rebuilt definition for the next process, whole or not at all; a read-only instance folder only
    means the next process rebuilds it too."""
    import os
    import tempfile

    from engine.definition.compiled import dumps

    path = _compiled_path(sha256)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".definition-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(dumps(definition))
        os.replace(temporary, path)
    except OSError:
        return


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def checklist_ids(conn) -> list[str]:
    return [r.id for r in conn.execute(select(checklists.c.id).order_by(checklists.c.id))]


@dataclass(frozen=True)
class TaskRef:
    checklist: ChecklistDef
    task: TaskDef
    task_row_id: int


def find_task(conn, name: str, checklist_id: str | None = None) -> TaskRef:
    if checklist_id is None and ":" in name:
        checklist_id, name = name.split(":", 1)
    # one query for the task and its checklist's revision: the hot path of every fire and report
    query = (
        select(tasks.c.id, tasks.c.checklist_id, checklists.c.revision, checklists.c.source_sha256)
        .join(checklists, checklists.c.id == tasks.c.checklist_id)
        .where(tasks.c.key == name, tasks.c.removed.is_(False))
    )
    if checklist_id:
        query = query.where(tasks.c.checklist_id == checklist_id)
    rows = conn.execute(query).all()
    if not rows:
        where = say("清单 {c} 中", "in checklist {c} ", c=checklist_id) if checklist_id else ""
        raise NotFound(
            say(
                "{w}没有任务 “{t}”。",
                "no task '{t}' {w}.",
                w=where,
                t=name,
            ),
            field="status",
        )
    if len(rows) > 1:
        raise NotFound(
            say(
                "多个清单都有任务 “{t}”({c});请写成 清单编号:{t}。",
                "several checklists have a task '{t}' ({c}); write CHECKLIST:{t}.",
                t=name,
                c=", ".join(r.checklist_id for r in rows),
            )
        )
    row = rows[0]
    definition = get_checklist(conn, row.checklist_id, known=(row.revision, row.source_sha256))
    return TaskRef(definition, definition.task_by_id[name], row.id)


def resolve_item(conn, ref: TaskRef, item: str | None):
    """The item row (id, name, state, version, owner); the only item when ``item`` is None and there is one."""
    query = select(items.c.id, items.c.name, items.c.state, items.c.version, items.c.owner).where(
        items.c.task_id == ref.task_row_id, items.c.removed.is_(False)
    )
    if item is not None:
        row = conn.execute(query.where(items.c.name == item)).first()
        if row is None and item.isdigit():
            # people often type the item's number in the list (1-based) rather than its name
            index = int(item)
            names = ref.task.items
            if 1 <= index <= len(names):
                row = conn.execute(query.where(items.c.name == names[index - 1])).first()
        if row is None:
            raise NotFound(
                say(
                    "任务 {t} 没有子项 “{i}”;子项有:{k}。",
                    "task {t} has no item '{i}'; its items: {k}.",
                    t=ref.task.id,
                    i=item,
                    k=_listing(ref.task.items),
                )
            )
        return row
    rows = conn.execute(query.limit(2)).all()
    if len(rows) == 1:
        return rows[0]
    raise NotFound(
        say(
            "任务 {t} 有多个子项,请指明是哪一个:{k}。",
            "task {t} has several items; say which: {k}.",
            t=ref.task.id,
            k=_listing(ref.task.items),
        )
    )


def _listing(names) -> str:
    shown = list(names[:10])
    more = len(names) - len(shown)
    return "、".join(shown) + (say(" 等 {n} 个", " and {n} more", n=more) if more > 0 else "")
