"""The engine objects one app uses: the store, the clock and the plugin manager, built once per app (per worker),
and the few reads every page needs, each one call of the engine's public API (``engine``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

import engine
from engine import Clock, FixedClock, OffsetClock, SystemClock, parse_instant
from engine.queries.status_cache import StatusCache


@dataclass
class Services:
    store: object
    clock: Clock
    plugins: object
    cache: StatusCache = field(default_factory=StatusCache)

    def definitions(self) -> dict:
        """Every loaded checklist's definition, by id."""
        with self.store.read() as conn:
            return {cid: engine.get_checklist(conn, cid) for cid in engine.checklist_ids(conn)}

    def definition(self, checklist_id: str):
        with self.store.read() as conn:
            return engine.get_checklist(conn, checklist_id)

    def status(self, checklist_id: str):
        """The status board of one checklist, with the plugins' fields and lights (``engine.checklist_status``),
        computed once per change of the list (``engine.queries.status_cache``)."""
        return self.cache.status(self.store, checklist_id, self.clock, self.plugins).status

    def status_entry(self, checklist_id: str, *, seen=None):
        """The cached status with the key the API's ETag is built on (``seen``: ``StatusCache.status``)."""
        return self.cache.status(self.store, checklist_id, self.clock, self.plugins, seen=seen)

    def people(self, account, definitions: dict | None = None) -> list[tuple[str, str]]:
        """``(checklist id, person)`` for every checklist the account acts in (``Account.person_in``)."""
        found = definitions if definitions is not None else self.definitions()
        return [(cid, person) for cid, definition in found.items() if (person := account.person_in(definition)) is not None]

    def unread(self, people: list[tuple[str, str]]) -> int:
        """Unread notices over the ``(checklist, person)`` pairs an account acts as."""
        return sum(engine.unread_count(self.store, person, checklist) for checklist, person in people)


def _clock(config) -> Clock:
    if config.get("CLOCK") is not None:
        return config["CLOCK"]
    if config.get("NOW"):
        start = parse_instant(str(config["NOW"]))
        return OffsetClock(start) if config.get("NOW_RUNS") else FixedClock(start)
    return SystemClock()


def init_app(app) -> None:
    store = app.config.get("STORE")
    if store is None:
        store = engine.open_store(app.config.get("DATABASE_URL"))
        engine.ensure_schema(store)
    app.extensions["qingdan"] = Services(store, _clock(app.config), app.config.get("PLUGINS") or engine.get_plugin_manager())


def get() -> Services:
    return current_app.extensions["qingdan"]
