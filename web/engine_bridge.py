"""Going away: what ``web/board.py`` still imports from here, each one call of the engine's public API.

Every other page calls ``engine`` (and ``web.services``) directly; delete this module once ``web/board.py`` does too:
``checklist_ids`` → ``services.get().definitions()``, ``status`` → ``services.get().status(checklist_id)``,
``light_of`` → ``TaskStatus.light``, ``definition`` → ``services.get().definition(checklist_id)``, ``items_of`` →
``engine.items_of``, ``history`` → ``engine.task_history``. Nothing else may be added here.
"""
from __future__ import annotations

import engine


def checklist_ids(store) -> list[str]:
    with store.read() as conn:
        return engine.checklist_ids(conn)


def definition(store, checklist_id: str):
    with store.read() as conn:
        return engine.get_checklist(conn, checklist_id)


def status(store, checklist_id: str, clock, plugins):
    return engine.checklist_status(store, checklist_id, clock, plugins)


def light_of(task_status) -> str:
    return task_status.light


def items_of(store, checklist_id: str, task_keys: list[str] | None = None):
    return engine.items_of(store, checklist_id, task_keys)


def history(store, checklist_id: str, task: str, item: str | None = None) -> list[dict]:
    return engine.task_history(store, task, item, checklist_id)
