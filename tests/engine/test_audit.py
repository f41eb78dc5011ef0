"""The hash-chained audit trail finds the first edited, inserted or deleted event."""

import pytest
from sqlalchemy import delete, insert, select, update

from engine.runtime.audit import verify
from engine.runtime.fire import fire
from engine.store.tables import events


@pytest.fixture
def busy(store, yanting, clock, plugins):
    for name in yanting.task_by_id["T1"].items[:5]:
        fire(store, task="T1", item=name, trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    return store


def check(store):
    with store.read() as conn:
        return verify(conn)


def test_intact_chain_verifies(busy):
    result = check(busy)
    assert result.ok and result.events == 6 and result.chains == 1


def test_edited_event_is_found(busy):
    with busy.write() as conn:
        conn.execute(update(events).where(events.c.seq == 3).values(actor="wang"))
    result = check(busy)
    assert (result.finding.what, result.finding.seq) == ("edited", 3)
    assert "第 3 条记录" in result.finding.message


def test_deleted_event_in_the_middle(busy):
    with busy.write() as conn:
        conn.execute(delete(events).where(events.c.seq == 4))
    result = check(busy)
    assert (result.finding.what, result.finding.seq) == ("deleted", 4)


def test_deleted_newest_event(busy):
    with busy.write() as conn:
        conn.execute(delete(events).where(events.c.seq == 6))
    assert check(busy).finding.what == "deleted"


def _mac(row):
    from engine.runtime.audit import event_mac
    from engine.runtime.audit_keys import keyring

    ring = keyring()
    return event_mac(row, ring, ring.current)


def test_inserted_event_with_a_rebuilt_chain_is_found_at_the_head(busy):
    """A forger who inserts an event and re-MACs everything after it (holding the key, even) is still caught by the
    chain head; one without the key is caught at the first event carrying no MAC (tests/engine/test_audit_proof.py)."""
    event_hash = _mac

    with busy.write() as conn:
        old = dict(conn.execute(select(events).where(events.c.seq == 6)).mappings().one())
        fifth = conn.execute(select(events.c.hash).where(events.c.seq == 5)).scalar_one()
        forged = {k: v for k, v in old.items() if k != "id"}
        forged.update(seq=6, note="补记", prev_hash=fifth)
        forged["hash"] = event_hash(forged)
        moved = dict(old, seq=7, prev_hash=forged["hash"])
        moved["hash"] = event_hash(moved)
        conn.execute(update(events).where(events.c.id == old["id"]).values(seq=7, prev_hash=moved["prev_hash"], hash=moved["hash"]))
        conn.execute(insert(events).values(**forged))
    result = check(busy)
    assert (result.finding.what, result.finding.seq) == ("inserted", 7)


def test_replaced_event_breaks_the_link(busy):
    event_hash = _mac

    with busy.write() as conn:
        row = dict(conn.execute(select(events).where(events.c.seq == 4)).mappings().one())
        row.update(note="篡改", prev_hash="f" * 64)
        row["hash"] = event_hash(row)
        conn.execute(update(events).where(events.c.id == row["id"]).values(note=row["note"], prev_hash=row["prev_hash"], hash=row["hash"]))
    result = check(busy)
    assert (result.finding.what, result.finding.seq) == ("inserted", 4)
