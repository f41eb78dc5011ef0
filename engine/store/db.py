"""Open the database: an embedded SQLite file by default, PostgreSQL by URL.

SQLite runs in WAL mode with a busy timeout, and write transactions start with ``BEGIN IMMEDIATE``:
the library notes measured that plain ``BEGIN`` loses updates or fails with "database is locked"
under several writer processes. Callers say ``store.write()`` or ``store.read()``; nothing else
here knows what the tables mean.

Connections are pooled on both databases. On SQLite a fresh connection per transaction (``NullPool``, as before)
cost about 2.6 ms of a 2.8 ms raw write (connect, four PRAGMAs, and the WAL checkpoint SQLite runs when the last
connection of a process closes); a pooled one costs nothing of that. pysqlite's own transaction handling stays off
(``isolation_level = None`` on every new connection) and the dialect's ``do_begin`` issues ``BEGIN IMMEDIATE`` or ``BEGIN``,
so a pooled connection behaves exactly as a fresh one did. A pool must never cross ``fork`` (SQLite's "how to
corrupt" list; a psycopg socket shared by two processes): before a fork every store's idle connections are closed,
and the child starts with an empty pool (``_before_fork``, ``_after_fork_in_child``), so gunicorn workers and the
crash tests' processes each open their own.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import weakref
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.pool import QueuePool

from engine.errors import StoreError
from engine.i18n import say


def data_home(environ=None) -> str:
    """``$QINGDAN_HOME``, else ``$XDG_DATA_HOME/qingdan`` (``~/.local/share/qingdan`` by default)."""
    environ = os.environ if environ is None else environ
    return environ.get("QINGDAN_HOME") or os.path.join(
        environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share"), "qingdan"
    )


def default_database_url(environ=None) -> str:
    """``QINGDAN_DATABASE_URL``, else ``$QINGDAN_HOME/qingdan.sqlite`` (``~/.local/share/qingdan`` by default)."""
    environ = os.environ if environ is None else environ
    if environ.get("QINGDAN_DATABASE_URL"):
        return environ["QINGDAN_DATABASE_URL"]
    return f"sqlite:///{os.path.join(data_home(environ), 'qingdan.sqlite')}"


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def write(self):
        """One write transaction: committed on success, rolled back on any exception."""
        with self.engine.connect() as conn:
            # on SQLite an _SQLiteConnection, marked so its begin takes the write lock at once (BEGIN IMMEDIATE)
            raw = conn.connection.dbapi_connection if self.engine.dialect.name == "sqlite" else None
            if raw is not None:
                raw.qingdan_write = True
            try:
                with conn.begin():
                    yield conn
            finally:
                if raw is not None:
                    raw.qingdan_write = False

    @contextlib.contextmanager
    def read(self):
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def peek(self):
        """One statement's read, for the questions every request asks (a token, a data version): a single statement
        is consistent by itself, so on PostgreSQL it runs outside a transaction (autocommit: no ``BEGIN`` and
        ``COMMIT`` round trips around it); SQLite, whose transactions cost no round trip, reads as ``read`` does."""
        if self.engine.dialect.name != "postgresql":
            with self.read() as conn:
                yield conn
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn

    def dispose(self):
        self.engine.dispose()


# Every engine this process opened, to keep pools from crossing a fork (see the module docstring).
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_engines_lock = threading.Lock()
_inherited: list = []  # pools a forked child must neither use nor close (connections checked out at the fork)


def _track(engine: Engine) -> Engine:
    with _engines_lock:
        _engines.add(engine)
    return engine


def _before_fork() -> None:
    """Close the idle pooled connections, so the child inherits no open database handle (checked-out ones stay)."""
    for engine in list(_engines):
        engine.dispose()


def _after_fork_in_child() -> None:
    """The child starts with empty pools; what it inherited is kept referenced, never closed (closing an SQLite
    handle another process opened may checkpoint or unlock under it) and never used."""
    for engine in list(_engines):
        _inherited.append(engine.pool)
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


#: a pooled PostgreSQL connection idle longer than this is pinged before it is handed out (seconds)
PING_AFTER_IDLE_S = 10.0


def _ping_when_idle(engine: Engine, after: float) -> None:
    """Check a pooled server connection before use only when it sat idle: a server restart or an idle timeout shows
    there, and the pool then opens a fresh connection. ``pool_pre_ping`` pinged before every transaction, one more
    round trip per fire (about 0.1 ms) while the connection had been in use a moment ago; a connection that breaks
    while in use is caught by SQLAlchemy's disconnect handling, which replaces the whole pool."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info["qingdan_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy):
        since = record.info.get("qingdan_idle_since")
        if since is None or time.monotonic() - since <= after:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as err:
            if engine.dialect.is_disconnect(err, dbapi_connection, None):
                raise DisconnectionError(str(err)) from err  # the pool discards it and opens another
            raise


def open_store(url: str | None = None, *, pool_size: int = 5, ping_after_idle: float = PING_AFTER_IDLE_S) -> Store:
    url = url or default_database_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        if url.startswith("sqlite"):
            engine = _sqlite_engine(url, pool_size)
        else:
            engine = create_engine(url, pool_size=pool_size)
            _ping_when_idle(engine, ping_after_idle)
        _track(engine)
    except Exception as err:  # a malformed URL or a missing driver: say which
        raise StoreError(say("数据库地址不可用:{u}({e})", "cannot use the database URL {u} ({e})", u=_safe(url), e=err)) from None
    store = Store(engine)
    try:
        with engine.connect():
            pass
    except OperationalError as err:
        raise StoreError(
            say(
                "无法连接数据库 {u}:{e}",
                "cannot connect to the database {u}: {e}",
                u=_safe(url),
                e=str(err.orig).strip().splitlines()[0] if err.orig else err,
            )
        ) from None
    return store


def _sqlite_engine(url: str, pool_size: int) -> Engine:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # Pooled: a connection serves one transaction at a time, in any thread (hence check_same_thread off);
        # SQLite itself serializes the writers (BEGIN IMMEDIATE + busy_timeout), the pool only saves reopening.
        engine = create_engine(
            url,
            poolclass=QueuePool,
            pool_size=pool_size,
            max_overflow=10,
            connect_args={**SQLITE_CONNECT_ARGS, "check_same_thread": False},
        )
    else:  # in memory: SQLAlchemy's own choice (one connection per thread), since every connection is a new database
        engine = create_engine(url, connect_args=SQLITE_CONNECT_ARGS)
    return sqlite_transactions(engine)


class _SQLiteConnection(sqlite3.Connection):
    """The store's SQLite connections (``factory=``): one that can carry whether its next transaction writes."""

    qingdan_write = False


#: how the store's SQLite connections are opened (``factory`` makes them ``_SQLiteConnection``)
SQLITE_CONNECT_ARGS = {"timeout": 30, "factory": _SQLiteConnection}

SQLITE_PRAGMAS = ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON", "synchronous=NORMAL")


def sqlite_transactions(engine: Engine) -> Engine:
    """The store's SQLite connection set-up and transaction start on ``engine``, whose connections are opened with
    ``SQLITE_CONNECT_ARGS`` (``bench.core`` puts them on a ``NullPool`` engine too, to show what a connection per
    transaction costs).

    The transaction starts in the dialect's ``do_begin``, not in a ``begin`` event listener as SQLAlchemy's recipe
    has it: any connection event on an engine makes every statement of every connection dispatch its before- and
    after-execute events, a tenth of a fire. ``Store.write`` marks its connection (``qingdan_write``) so that its
    ``BEGIN IMMEDIATE`` takes the write lock at once; every other transaction (``Store.read``, Alembic's) is a plain
    ``BEGIN``."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    def _begin(dbapi_connection):
        dbapi_connection.execute("BEGIN IMMEDIATE" if dbapi_connection.qingdan_write else "BEGIN")

    engine.dialect.do_begin = _begin
    return engine


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url
