"""What every command shares: the database URL, the clock and the plugins, opened lazily.

Every command takes ``--db`` (env ``QINGDAN_DATABASE_URL``) and ``--now`` (env ``QINGDAN_NOW``).
"""
from __future__ import annotations

import functools
import os

import click

from engine.dates.clock import Clock, clock_from


class AppContext:
    def __init__(self):
        self.db_url: str | None = None
        self.now: str | None = None
        self._store = None
        self._plugins = None
        self._clock = None

    @property
    def clock(self) -> Clock:
        if self._clock is None:
            self._clock = clock_from(self.now or os.environ.get("QINGDAN_NOW") or None)
        return self._clock

    @property
    def store(self):
        if self._store is None:
            from engine.store import open_store
            from engine.store.migrate import ensure_schema

            self._store = open_store(self.db_url)
            ensure_schema(self._store)
        return self._store

    @property
    def plugins(self):
        if self._plugins is None:
            from engine.pluginmanager import get_plugin_manager

            self._plugins = get_plugin_manager()
        return self._plugins

    def close(self):
        if self._store is not None:
            self._store.dispose()


def _remember(name):
    def callback(ctx, _param, value):
        if value is not None:
            setattr(ctx.ensure_object(AppContext), name, value)
        return value
    return callback


def common_options(command):
    """``--db`` and ``--now``, accepted after any command name."""
    command = click.option("--db", "db", envvar="QINGDAN_DATABASE_URL", expose_value=False, callback=_remember("db_url"),
                           is_eager=True, help="数据库地址 (SQLAlchemy URL); 默认内嵌 SQLite / database URL")(command)
    command = click.option("--now", "now", envvar="QINGDAN_NOW", expose_value=False, callback=_remember("now"),
                           is_eager=True, help="把引擎时钟设为此时刻 (ISO-8601) / set the engine clock")(command)
    return command


def pass_app(function):
    @click.pass_context
    @functools.wraps(function)
    def wrapper(ctx, *args, **kwargs):
        return function(ctx.ensure_object(AppContext), *args, **kwargs)
    return wrapper
