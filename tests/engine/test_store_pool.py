"""Pooled connections keep the store's transaction rules: on SQLite a reused connection still starts every write with
``BEGIN IMMEDIATE`` (two writers never interleave), from threads and after ``fork``; on both databases a forked process
starts with its own connections, and fires from threads and from a forked child keep one intact audit chain."""

from __future__ import annotations

import os
import sqlite3
import threading
import warnings

import pytest
from sqlalchemy import func, select

from engine.runtime.audit import verify
from engine.runtime.fire import fire
from engine.store import open_store
from engine.store.tables import events, items

WRITERS, ROUNDS = 4, 25


def sqlite_file(db_url: str) -> str:
    return db_url.split("///", 1)[1]


def in_child(work) -> int:
    """Run ``work()`` in a forked child; its exit status (0 when it returned, 1 when it raised)."""
    with warnings.catch_warnings():  # Python 3.12+ warns about forking a process that has threads: deliberate here
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        status = 1
        try:
            work()
            status = 0
        finally:
            os._exit(status)
    return pid


def wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def make_counter(store) -> None:
    with store.write() as conn:
        conn.exec_driver_sql("CREATE TABLE pool_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO pool_counter (id, n) VALUES (1, 0)")


def bump(store, rounds: int) -> None:
    """Read, then write what was read plus one: loses updates unless writers are serialized."""
    for _ in range(rounds):
        with store.write() as conn:
            n = conn.exec_driver_sql("SELECT n FROM pool_counter WHERE id = 1").scalar_one()
            conn.exec_driver_sql(f"UPDATE pool_counter SET n = {n + 1} WHERE id = 1")


def counted(store) -> int:
    with store.read() as conn:
        return conn.exec_driver_sql("SELECT n FROM pool_counter WHERE id = 1").scalar_one()


@pytest.fixture
def sqlite_store(tmp_path):
    opened = open_store(f"sqlite:///{tmp_path / 'pool.sqlite'}")
    yield opened
    opened.dispose()


def test_sqlite_connection_is_reused_and_still_writes_immediately(sqlite_store, tmp_path):
    with sqlite_store.read() as conn:
        first = conn.connection.driver_connection
    with sqlite_store.write() as conn:
        assert conn.connection.driver_connection is first  # pooled, not reopened
        assert first.isolation_level is None  # pysqlite's own transaction handling stays off
        other = sqlite3.connect(tmp_path / "pool.sqlite", timeout=0, isolation_level=None)
        try:
            # nothing written yet, but BEGIN IMMEDIATE already holds the write lock
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
    with sqlite_store.read() as conn:
        other = sqlite3.connect(tmp_path / "pool.sqlite", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # a read transaction leaves writers free
            other.execute("ROLLBACK")
        finally:
            other.close()


def test_sqlite_writers_in_threads_never_interleave(sqlite_store):
    make_counter(sqlite_store)
    failures = []

    def writer():
        try:
            bump(sqlite_store, ROUNDS)
        except Exception as err:  # reported below: a "database is locked" would be a failure of the store
            failures.append(err)

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert counted(sqlite_store) == WRITERS * ROUNDS


def test_sqlite_writers_across_fork_never_interleave(sqlite_store):
    make_counter(sqlite_store)
    bump(sqlite_store, 1)  # the parent's pool holds an idle connection when it forks

    def child():
        if sqlite_store.engine.pool.checkedin() != 0:  # the child must not reuse the parent's connection
            raise AssertionError("inherited pooled connection")
        bump(sqlite_store, ROUNDS)
        sqlite_store.dispose()

    pids = [in_child(child) for _ in range(2)]
    bump(sqlite_store, ROUNDS)
    assert [wait(pid) for pid in pids] == [0, 0]
    assert counted(sqlite_store) == 1 + 3 * ROUNDS
    with sqlite_store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_fires_from_threads_and_a_forked_child_keep_one_chain(store, yanting, clock, plugins):
    names = list(yanting.task_by_id["T1"].items[:9])
    fire(store, task="T1", item=names[0], trigger="approve_plan", actor="li", clock=clock, plugins=plugins)  # warm pool

    def fire_all(chosen):
        for name in chosen:
            fire(store, task="T1", item=name, trigger="approve_plan", actor="li", clock=clock, plugins=plugins)

    def child():
        fire_all(names[1:3])
        store.dispose()

    pid = in_child(child)
    failures = []

    def worker(chosen):
        try:
            fire_all(chosen)
        except Exception as err:  # a Conflict on the chain head or a lock error would land here
            failures.append(err)

    threads = [threading.Thread(target=worker, args=(chosen,)) for chosen in (names[3:6], names[6:9])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wait(pid) == 0
    assert failures == []
    with store.read() as conn:
        moved = conn.execute(select(func.count()).select_from(items).where(items.c.name.in_(names), items.c.state == "plan_approved"))
        assert moved.scalar_one() == len(names)
        fired = conn.execute(select(func.count()).select_from(events).where(events.c.kind == "transition")).scalar_one()
        assert fired == len(names)
        seqs = [r.seq for r in conn.execute(select(events.c.seq).where(events.c.chain == yanting.id).order_by(events.c.seq))]
        assert seqs == list(range(1, len(seqs) + 1))
        assert verify(conn).ok


def test_a_server_connection_dropped_while_idle_is_replaced(db_url):
    """PostgreSQL: a pooled connection the server closed while it sat idle is pinged, found dead and replaced, so the
    next transaction works. (SQLite has no server: its pooled connections are files of this process.)"""
    if not db_url.startswith("postgresql"):
        opened = open_store(db_url, ping_after_idle=0)
        with opened.write() as conn:  # nothing to drop; the option is accepted and harmless
            assert conn.exec_driver_sql("SELECT 1").scalar_one() == 1
        opened.dispose()
        return
    opened = open_store(db_url, ping_after_idle=0)
    killer = open_store(db_url)
    try:
        with opened.read() as conn:
            backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with killer.write() as conn:
            assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(backend)})").scalar_one() is True
        with opened.write() as conn:
            replaced = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        assert replaced != backend
    finally:
        killer.dispose()
        opened.dispose()
