"""The engine objects one app uses: the store, the clock and the plugin manager, built once per app (per worker)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from engine.dates.clock import Clock, FixedClock, OffsetClock, SystemClock, parse_instant


@dataclass
class Services:
    store: object
    clock: Clock
    plugins: object


def _clock(config) -> Clock:
    if config.get("CLOCK") is not None:
        return config["CLOCK"]
    if config.get("NOW"):
        start = parse_instant(str(config["NOW"]))
        return OffsetClock(start) if config.get("NOW_RUNS") else FixedClock(start)
    return SystemClock()


def init_app(app) -> None:
    from engine.pluginmanager import get_plugin_manager
    from engine.store import open_store
    from engine.store.migrate import ensure_schema

    store = app.config.get("STORE")
    if store is None:
        store = open_store(app.config.get("DATABASE_URL"))
        ensure_schema(store)
    app.extensions["qingdan"] = Services(store, _clock(app.config), app.config.get("PLUGINS") or get_plugin_manager())


def get() -> Services:
    return current_app.extensions["qingdan"]
