"""The append-only, hash-chained audit trail (处处留痕,透明可查).

Each checklist has its own chain (accounts and system events use the chain ``_system``). An event's
hash covers its fields and the previous event's hash, keyed with the audit key of the instance folder
(HMAC-SHA256, ``engine.runtime.audit_keys``; events older than the key keep a plain SHA-256); ``chain_heads`` remembers the last sequence
number and hash, so deleting the newest events is detected too. Appending locks the chain head row
(``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serializes writers), which is
what keeps two concurrent writers from forking a chain.

Time runs forward in a chain: ``chain_heads.at`` keeps the entry time of the newest event, and a person's event
entered earlier than that (by more than ``CLOCK_SKEW``, the leeway concurrent workers need) is refused
(``InputError``, nothing written); the sweep's own notice events are not, since scheduler processes interleave. What happened earlier is entered
now with its activity date (``engine.runtime.activity``), never with a back-dated entry time. Events
entered at an instant of a set clock (``--now``, ``QINGDAN_NOW``, the demo; ``engine.dates.clock.is_set``)
carry ``"clock": "set"`` in their data, so a simulation can never pass for the real record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import bindparam, func, insert, select, update

from engine.dates.clock import DEFAULT_ZONE, is_set, show
from engine.errors import InputError
from engine.i18n import say
from engine.runtime.audit_keys import Keyring, keyring
from engine.store.tables import chain_heads, events

GENESIS = "0" * 64
SYSTEM_CHAIN = "_system"


def canonical(data) -> str:
    return json.dumps(data if data is not None else {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _hashed_fields(row: dict) -> bytes:
    fields = [
        row["chain"],
        int(row["seq"]),
        _stamp(row["at"]),
        row["actor"],
        row["kind"],
        row.get("checklist_id"),
        row.get("task_key"),
        row.get("item_name"),
        row.get("trigger"),
        row.get("from_state"),
        row.get("to_state"),
        row.get("note"),
        row["data"],
        row["prev_hash"],
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_hash(row: dict) -> str:
    """The public, unkeyed hash of an event (events written before the audit key existed carry it)."""
    return hashlib.sha256(_hashed_fields(row)).hexdigest()


def event_mac(row: dict, ring: Keyring, key_id: str) -> str:
    """HMAC-SHA256 of the same fields with audit key ``key_id``: what every event written now carries as its hash."""
    return ring.mac(key_id, _hashed_fields(row))


def append(conn, *, chain: str, at: dt.datetime, actor: str, kind: str, **fields) -> dict:
    """Append one event; returns the stored row as a dict."""
    return append_many(conn, chain, [dict(at=at, actor=actor, kind=kind, **fields)])[-1]


_heads: dict[tuple, tuple[int, str, dt.datetime | None]] = {}  # (engine, chain) -> the head this process last wrote or read

# The append path's statements, built once.
_MOVE_HEAD = (
    update(chain_heads)
    .where(chain_heads.c.chain == bindparam("h_chain"), chain_heads.c.seq == bindparam("h_seq"), chain_heads.c.hash == bindparam("h_hash"))
    .values(seq=bindparam("n_seq"), hash=bindparam("n_hash"), at=bindparam("n_at"))
)
_SET_HEAD = (
    update(chain_heads)
    .where(chain_heads.c.chain == bindparam("h_chain"))
    .values(seq=bindparam("n_seq"), hash=bindparam("n_hash"), at=bindparam("n_at"))
)
_NEW_HEAD = insert(chain_heads)
_READ_HEAD = select(chain_heads.c.seq, chain_heads.c.hash, chain_heads.c.at).where(chain_heads.c.chain == bindparam("h_chain"))
_READ_HEAD_LOCKED = _READ_HEAD.with_for_update()
_INSERT_EVENTS = insert(events)
_EVENT_COLUMNS = [column for column in events.c if column.name != "id"]
# PostgreSQL, one event: the head's compare-and-set and the event's insert in one statement (one round trip); the
# event is inserted only when the head moved, so the rows it returns say whether the guess held (its row count does
# not: with a data-modifying CTE the driver reports -1).
_MOVED_HEAD = _MOVE_HEAD.returning(chain_heads.c.chain).cte("moved_head")
_MOVE_HEAD_AND_INSERT = (
    insert(events)
    .from_select(
        [column.name for column in _EVENT_COLUMNS],
        select(*[bindparam(f"e_{column.name}", type_=column.type) for column in _EVENT_COLUMNS]).select_from(_MOVED_HEAD),
    )
    .add_cte(_MOVED_HEAD)
    .returning(events.c.seq)
)


def append_many(conn, chain: str, entries: list[dict]) -> list[dict]:
    """Append events in order, moving the chain head with a compare-and-set.

    The head this process last saw is tried first (one UPDATE that also locks the row); when another
    process moved it meanwhile, the head is read under a lock and the events are chained after it.
    People's entries earlier than the head's entry time (beyond ``CLOCK_SKEW``) are refused before anything
    is written; the sweep's own events (actor ``system``) are not: two scheduler processes interleave.
    """
    if not entries:
        return []
    newest = _in_order(chain, entries)
    key = (id(conn.engine), chain)
    guess = _heads.get(key)
    if guess is not None and _fits(entries, guess[2]):
        rows = _chain(conn, chain, entries, guess[0], guess[1])
        at = _later(newest, guess[2])
        move = {"h_chain": chain, "h_seq": guess[0], "h_hash": guess[1], "n_seq": rows[-1]["seq"], "n_hash": rows[-1]["hash"], "n_at": at}
        if len(rows) == 1 and conn.dialect.name != "sqlite":
            params = {**move, **{f"e_{name}": value for name, value in rows[0].items()}}
            moved = len(conn.execute(_MOVE_HEAD_AND_INSERT, params).all())
        else:
            moved = conn.execute(_MOVE_HEAD, move).rowcount
            if moved == 1:
                conn.execute(_INSERT_EVENTS, rows)
        if moved == 1:
            _heads[key] = (rows[-1]["seq"], rows[-1]["hash"], at)
            return rows
    head = conn.execute(_READ_HEAD if conn.dialect.name == "sqlite" else _READ_HEAD_LOCKED, {"h_chain": chain}).first()
    head_at = head.at if head is not None else None
    for entry in entries:
        if head_at is not None and not _fits([entry], head_at):
            _refuse_earlier(chain, entry["at"], head_at)
    seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
    rows = _chain(conn, chain, entries, seq, prev)
    at = _later(newest, head_at)
    if head:
        conn.execute(_SET_HEAD, {"h_chain": chain, "n_seq": rows[-1]["seq"], "n_hash": rows[-1]["hash"], "n_at": at})
    else:
        conn.execute(_NEW_HEAD, {"chain": chain, "seq": rows[-1]["seq"], "hash": rows[-1]["hash"], "at": at})
    conn.execute(_INSERT_EVENTS, rows)
    _heads[key] = (rows[-1]["seq"], rows[-1]["hash"], at)
    return rows


#: how much earlier than the head a person's entry may be: concurrent requests on several workers read the clock
#: before they lock the chain head, and servers' clocks differ by seconds. Back-dating is refused beyond it.
CLOCK_SKEW = dt.timedelta(minutes=2)
SYSTEM_ACTOR = "system"


def _fits(entries: list[dict], head_at: dt.datetime | None) -> bool:
    """Whether every person's entry is no earlier than ``head_at`` (less the allowed skew)."""
    return head_at is None or all(e["actor"] == SYSTEM_ACTOR or e["at"] >= head_at - CLOCK_SKEW for e in entries)


def _later(at: dt.datetime, head_at: dt.datetime | None) -> dt.datetime:
    return at if head_at is None or at > head_at else head_at


def _in_order(chain: str, entries: list[dict]) -> dt.datetime:
    """The newest entry time of ``entries``, which must not go back in time among themselves."""
    newest = entries[0]["at"]
    for entry in entries[1:]:
        _refuse_earlier(chain, entry["at"], newest)
        newest = max(newest, entry["at"])
    return newest


def _refuse_earlier(chain: str, at: dt.datetime, head: dt.datetime) -> None:
    if at < head:
        shown_head, shown_at = show(head), show(at)
        if shown_head == shown_at:  # within the same second: show the fraction that differs
            shown_head, shown_at = (value.astimezone(DEFAULT_ZONE).isoformat(timespec="microseconds") for value in (head, at))
        raise InputError(
            say(
                "审计链 {c} 的最新记录登记于 {h},不能再登记时间更早({a})的记录:留痕的时间只能向前。"
                "补登过去发生的事,请按现在的时间登记并写明发生日期;若是时钟设错了,请改正后重试。",
                "the newest event of audit chain {c} was entered at {h}; an event entered earlier ({a}) cannot follow it: "
                "the record only moves forward in time. To enter something that happened earlier, enter it now with its "
                "activity date; if the clock is set wrong, fix it and retry.",
                c=chain,
                h=shown_head,
                a=shown_at,
            ),
            field="clock",
        )


def _first_key(conn) -> Keyring:
    """Create the audit key, and record in a signed checkpoint which chains of this database are older than it:
    their events keep plain hashes, every later event must carry a MAC (``audit_verify``)."""
    from engine.runtime.audit_keys import database_label, write_checkpoint

    ring = keyring()
    older = {row.chain: {"seq": row.seq, "hash": row.hash, "mac_from": None} for row in conn.execute(select(chain_heads))}
    write_checkpoint(ring, database_label(conn.engine.url), older, reason="key-created")
    return ring


def newest_entry(conn) -> dt.datetime | None:
    """The entry time of the newest event of any chain (``None`` on an empty database): a set clock that
    restarts (the demo) continues from here rather than going back in time."""
    return conn.execute(select(func.max(chain_heads.c.at))).scalar()


def forget_heads() -> None:
    """Drop the cached heads (after a rolled-back transaction the cache may be ahead of the database;
    the compare-and-set catches that anyway, this only saves the retry)."""
    _heads.clear()


def _chain(conn, chain: str, entries: list[dict], seq: int, prev: str) -> list[dict]:
    ring = keyring(create=False) or _first_key(conn)
    rows = []
    for entry in entries:
        seq += 1
        row = {
            "chain": chain,
            "seq": seq,
            "prev_hash": prev,
            "note": None,
            "checklist_id": None,
            "task_key": None,
            "item_name": None,
            "trigger": None,
            "from_state": None,
            "to_state": None,
            **entry,
        }
        data = entry.get("data")
        if is_set(entry["at"]):
            data = {**(data or {}), "clock": "set"}
        row["data"] = canonical(data)
        row["hash"] = prev = event_mac(row, ring, ring.current)
        rows.append(row)
    return rows


def verify(conn, **options):
    """Walk every chain and replay the trail against the state tables (``engine.runtime.audit_verify.verify``)."""
    from engine.runtime.audit_verify import verify as walk

    return walk(conn, **options)


def recent(conn, *, limit: int = 100, before: int | None = None, chain: str | None = None) -> list[dict]:
    """The newest events (of all chains, or of ``chain``), newest first: at most ``limit``, with ids below
    ``before`` when given (the next page). Each a dict of id, chain, seq, at, actor, kind, task_key,
    item_name, trigger, from_state, to_state, note and data (canonical JSON text)."""
    query = select(
        events.c.id,
        events.c.chain,
        events.c.seq,
        events.c.at,
        events.c.actor,
        events.c.kind,
        events.c.task_key,
        events.c.item_name,
        events.c.trigger,
        events.c.from_state,
        events.c.to_state,
        events.c.note,
        events.c.data,
    )
    if before is not None:
        query = query.where(events.c.id < before)
    if chain:
        query = query.where(events.c.chain == chain)
    return [dict(row) for row in conn.execute(query.order_by(events.c.id.desc()).limit(limit)).mappings().all()]
