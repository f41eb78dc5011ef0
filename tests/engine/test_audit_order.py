"""The audit chain refuses time travel: an event entered earlier than the newest one of its chain is refused with
nothing written, ``chain_heads.at`` follows every append, and events entered under a set clock say so."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, update

from engine.dates.clock import FixedClock, OffsetClock, SystemClock, is_set
from engine.errors import InputError
from engine.runtime import audit
from engine.runtime.fire import fire
from engine.runtime.progress import report
from engine.store.tables import chain_heads, events
from tests.conftest import YANTING, at

CHAIN = "yanting-wenguang-2017"


def head(store, chain=CHAIN):
    with store.read() as conn:
        return conn.execute(select(chain_heads.c.seq, chain_heads.c.hash, chain_heads.c.at).where(chain_heads.c.chain == chain)).one()


def count(store):
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(events)).scalar_one()


def test_the_head_keeps_the_entry_time_of_the_newest_event(store, yanting, clock, plugins):
    assert head(store).at == at("2017-03-01T09:30")
    clock.advance(hours=1)
    fire(store, task="T1", item="1", trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    assert head(store).at == at("2017-03-01T10:30")
    clock.advance(days=1)
    report(store, task="T5", amount="1", actor="zhang", clock=clock)  # the cached head: the compare-and-set path
    assert head(store).at == at("2017-03-02T10:30")


def test_an_earlier_entry_is_refused_and_nothing_is_written(store, yanting, clock, plugins):
    clock.advance(days=1)
    report(store, task="T5", amount="1", actor="zhang", clock=clock)
    before, events_before = head(store), count(store)
    earlier = FixedClock(at("2017-03-01T12:00"))
    with pytest.raises(InputError) as refused:
        fire(store, task="T1", item="1", trigger="approve_plan", actor="li", clock=earlier, plugins=plugins)
    message = str(refused.value)
    assert "审计链 yanting-wenguang-2017 的最新记录登记于 2017-03-02T09:30:00+08:00" in message
    assert "不能再登记时间更早(2017-03-01T12:00:00+08:00)的记录" in message and "写明发生日期" in message
    assert refused.value.field == "clock" and "--on" not in message  # the CLI adds its flags (engine/cli/hints.py)
    with pytest.raises(InputError, match="只能向前"):
        report(store, task="T5", amount="1", actor="zhang", clock=earlier)
    assert (head(store), count(store)) == (before, events_before)
    with store.read() as conn:
        assert audit.verify(conn).ok
    fire(store, task="T1", item="1", trigger="approve_plan", actor="li", clock=clock, plugins=plugins)  # the same instant is fine


def test_refused_with_a_stale_cache_of_another_process(store, yanting, clock, db_url):
    """A second process (its own engine, its own cached head) is refused on what the database says."""
    from engine.store import open_store

    other = open_store(db_url)
    try:
        report(other, task="T5", amount="1", actor="zhang", clock=FixedClock(at("2017-03-01T10:00")))
        report(store, task="T5", amount="1", actor="zhang", clock=FixedClock(at("2017-03-01T11:00")))
        with pytest.raises(InputError, match="只能向前"):
            report(other, task="T5", amount="1", actor="zhang", clock=FixedClock(at("2017-03-01T10:30")))
        report(other, task="T5", amount="1", actor="zhang", clock=FixedClock(at("2017-03-01T11:30")))
    finally:
        other.dispose()
    assert head(store).at == at("2017-03-01T11:30")


def test_a_rolled_back_append_does_not_hold_back_what_follows(store, yanting):
    """The process's cached head may be ahead of the database after a rollback: it must not refuse what the
    database would take."""
    with pytest.raises(RuntimeError):
        with store.write() as conn:
            audit.append(conn, chain=CHAIN, at=at("2017-03-05T09:00"), actor="wang", kind="test")
            raise RuntimeError("rolled back")
    with store.write() as conn:
        audit.append(conn, chain=CHAIN, at=at("2017-03-02T09:00"), actor="wang", kind="test")
    assert head(store).at == at("2017-03-02T09:00")
    with store.read() as conn:
        assert audit.verify(conn).ok


def test_a_batch_must_be_in_order_too(store, yanting):
    entries = [dict(at=at("2017-03-03"), actor="wang", kind="test"), dict(at=at("2017-03-02"), actor="wang", kind="test")]
    with pytest.raises(InputError, match="只能向前"):
        with store.write() as conn:
            audit.append_many(conn, CHAIN, entries)
    with store.write() as conn:
        audit.append_many(conn, CHAIN, entries[::-1])
    assert head(store).at == at("2017-03-03")


def test_a_head_from_before_the_entry_times_were_kept_takes_anything(store, yanting):
    with store.write() as conn:
        conn.execute(update(chain_heads).values(at=None))
    audit.forget_heads()
    with store.write() as conn:
        audit.append(conn, chain=CHAIN, at=at("2017-01-01"), actor="wang", kind="test")
    assert head(store).at == at("2017-01-01")


def test_events_entered_under_a_set_clock_say_so(store, yanting, clock):
    assert is_set(FixedClock(at("2017-03-01")).now()) and is_set(OffsetClock(at("2017-03-01")).now())
    assert not is_set(SystemClock().now())
    real = dt.datetime.now(dt.UTC)
    with store.write() as conn:
        simulated = audit.append(conn, chain=CHAIN, at=clock.now(), actor="wang", kind="test", data={"x": 1})
        entered = audit.append(conn, chain=CHAIN, at=real, actor="wang", kind="test", data={"x": 2})
        system = audit.append(conn, chain=audit.SYSTEM_CHAIN, at=SystemClock().now(), actor="admin", kind="test")
    assert json.loads(simulated["data"]) == {"x": 1, "clock": "set"}
    assert json.loads(entered["data"]) == {"x": 2} and json.loads(system["data"]) == {}
    with store.read() as conn:
        loaded = json.loads(conn.execute(select(events.c.data).where(events.c.kind == "load")).scalar_one())
        assert loaded["clock"] == "set"  # the yanting fixture loads under a FixedClock
        assert audit.verify(conn).ok


def test_a_simulated_year_on_a_fresh_database_passes_and_verifies(qingdan):
    steps = [
        ("2017-03-01T09:00", ("load", YANTING)),
        ("2017-04-20T10:00", ("fire", "T1", "1", "approve_plan", "--as", "li")),
        ("2017-05-31T16:00", ("report", "T5", "2", "--as", "zhang")),
        ("2017-06-30T17:00", ("report", "T4", "163", "--part", "poor", "--as", "chen")),
        ("2017-09-01T09:00", ("tick", "--no-deliver")),
        ("2017-12-20T09:00", ("report", "T5", "23", "--as", "zhang")),
    ]
    for now, args in steps:
        result = qingdan(*args, now=now)
        assert result.returncode == 0, (args, result.stderr)
    history = json.loads(qingdan("history", "T5", "--json", now="2017-12-21").stdout)
    assert history and all(e["data"].get("clock") == "set" for e in history)
    back = qingdan("report", "T4", "1", "--as", "chen", now="2017-07-01T09:00")
    assert back.returncode == 1 and back.stderr.count("\n") == 1 and "Traceback" not in back.stderr
    assert back.stderr.startswith("错误:审计链 yanting-wenguang-2017 的最新记录登记于 2017-12-20T09:00:00+08:00")
    verified = qingdan("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_concurrent_workers_and_scheduler_processes_are_not_time_travel(store, yanting, clock, plugins):
    """Two web workers read the clock before they lock the chain head, so the later to commit may be a moment
    earlier: within ``CLOCK_SKEW`` that is accepted. The sweep's own notice events (actor ``system``) are never
    refused: scheduler processes interleave. The head keeps the newest entry time either way."""
    clock.advance(days=1)
    report(store, task="T5", amount="1", actor="zhang", clock=clock)
    newest = clock.now()
    moment_earlier = FixedClock(newest - dt.timedelta(seconds=30))
    report(store, task="T5", amount="1", actor="zhang", clock=moment_earlier)
    with store.write() as conn:
        audit.append(conn, chain="yanting-wenguang-2017", at=newest - dt.timedelta(days=3), actor="system", kind="notice", data={})
    with store.read() as conn:
        head_at = conn.execute(select(chain_heads.c.at).where(chain_heads.c.chain == "yanting-wenguang-2017")).scalar_one()
        assert head_at == newest
        assert audit.verify(conn).ok
    with pytest.raises(InputError, match="只能向前"):
        report(store, task="T5", amount="1", actor="zhang", clock=FixedClock(newest - audit.CLOCK_SKEW - dt.timedelta(seconds=1)))
