"""Open the database: an embedded SQLite file by default, PostgreSQL by URL.

SQLite runs in WAL mode with a busy timeout, and write transactions start with ``BEGIN IMMEDIATE``:
the library notes measured that plain ``BEGIN`` loses updates or fails with "database is locked"
under several writer processes. Callers say ``store.write()`` or ``store.read()``; nothing else
here knows what the tables mean.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

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
        with self.engine.connect().execution_options(qingdan_write=True) as conn:
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def read(self):
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    def dispose(self):
        self.engine.dispose()


def open_store(url: str | None = None, *, pool_size: int = 5) -> Store:
    url = url or default_database_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        if url.startswith("sqlite"):
            engine = _sqlite_engine(url)
        else:
            engine = create_engine(url, pool_size=pool_size, pool_pre_ping=True)
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


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # NullPool: every connection is a fresh file handle; cheap for SQLite and safe across fork.
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("qingdan_write") else "BEGIN")

    return engine


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url
