"""What every command shares: the database URL, the clock and the plugins, opened lazily; and the small helpers
commands (qingdan's and plugins', through ``engine.plugin``) use to read words and print warnings.

Every command takes ``--db`` (env ``QINGDAN_DATABASE_URL``) and ``--now`` (env ``QINGDAN_NOW``).
"""

from __future__ import annotations

import functools
import os

import click

from engine.dates.clock import Clock, clock_from
from engine.errors import InputError
from engine.i18n import say


class AppContext:
    def __init__(self):
        self.db_url: str | None = None
        self.now: str | None = None
        self._store = None
        self._plugins = None
        self._clock = None
        self._plugin_commands = None

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
    command = click.option(
        "--db",
        "db",
        envvar="QINGDAN_DATABASE_URL",
        expose_value=False,
        callback=_remember("db_url"),
        is_eager=True,
        help="数据库地址 (SQLAlchemy URL); 默认内嵌 SQLite / database URL",
    )(command)
    command = click.option(
        "--now",
        "now",
        envvar="QINGDAN_NOW",
        expose_value=False,
        callback=_remember("now"),
        is_eager=True,
        help="把引擎时钟设为此时刻 (ISO-8601) / set the engine clock",
    )(command)
    return command


def pass_app(function):
    @click.pass_context
    @functools.wraps(function)
    def wrapper(ctx, *args, **kwargs):
        return function(ctx.ensure_object(AppContext), *args, **kwargs)

    return wrapper


def echo_warnings(warnings) -> None:
    """Print each warning of a result on stderr, one line each."""
    for warning in warnings:
        click.echo(say("警告:{w}", "warning: {w}", w=warning), err=True)


def split_task_item(words, usage_zh: str, usage_en: str) -> tuple[str, str | None]:
    """``TASK [ITEM]`` as typed: one or two words, else the usage line as an ``InputError``."""
    if len(words) == 1:
        return words[0], None
    if len(words) == 2:
        return words[0], words[1]
    raise InputError(say("用法:", "usage: ") + say(usage_zh, usage_en))
