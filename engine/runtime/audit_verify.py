"""``qingdan audit verify``: walk every chain, check each event's MAC (or, before the key existed, its hash), the
links and the heads, compare with the newest signed checkpoint, and replay the trail against the state tables
(``engine.runtime.audit_replay``). Read-only: it writes nothing, not even a checkpoint.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from engine.i18n import say
from engine.runtime.audit import GENESIS, event_hash, event_mac
from engine.runtime.audit_keys import Keyring, checkpoints_path, database_label, key_path, keyring, latest_checkpoint
from engine.runtime.audit_replay import Replay
from engine.store.tables import chain_heads, events


@dataclass(frozen=True)
class Finding:
    chain: str
    seq: int
    event_id: int | None
    what: str  # "edited" | "deleted" | "inserted" | "unkeyed"
    message: str


@dataclass(frozen=True)
class Verification:
    chains: int
    events: int
    finding: Finding | None  # the first break of a chain
    differences: tuple[str, ...] = ()  # state that differs from the trail; checkpoints that do not hold
    notes: tuple[str, ...] = ()  # where MACs begin, which checkpoint was used
    unchecked: tuple[str, ...] = ()  # what could not be checked, and why
    marks: dict = field(default_factory=dict)  # chain -> {"seq", "hash", "mac_from"}: what a checkpoint records

    @property
    def ok(self) -> bool:
        return self.finding is None and not self.differences

    @property
    def problems(self) -> list[str]:
        return ([self.finding.message] if self.finding else []) + list(self.differences)


@dataclass
class _Chain:
    name: str
    expected: int = 1
    prev: str = GENESIS
    mac_from: int | None = None  # the first event carrying a MAC
    keys: list[str] = field(default_factory=list)
    plan: dict | None = None  # this chain in the newest checkpoint
    checkpoint_seq: int | None = None
    checkpoint_hash_seen: str | None = None


_DEFAULT = object()


def verify(conn, *, ring: Keyring | None = _DEFAULT, checkpoints: Path | None = None, replay: bool = True) -> Verification:  # type: ignore[assignment]
    """Walk every chain and report the first edited, inserted or deleted event; then the checkpoint and the replay."""
    if ring is _DEFAULT:
        ring = keyring(create=False)
    database = database_label(conn.engine.url)
    checkpoint = latest_checkpoint(ring, database, checkpoints)
    planned = (checkpoint.record or {}).get("chains", {})
    heads = {row.chain: (row.seq, row.hash) for row in conn.execute(select(chain_heads))}
    total, seen, finding = 0, {}, None
    replayer = Replay() if replay else None
    state: _Chain | None = None
    result = conn.execution_options(yield_per=2000).execute(select(events).order_by(events.c.chain, events.c.seq))
    for row in result.mappings():
        total += 1
        if replayer is not None:
            replayer.add(row)
        if finding is not None:
            continue  # keep replaying; the first break is what the chain check reports
        if state is None or row["chain"] != state.name:
            if state is not None:
                finding = _check_tail(state, heads)
                if finding:
                    continue
            state = seen[row["chain"]] = _Chain(row["chain"])
            plan = planned.get(state.name)
            if plan:
                state.plan, state.checkpoint_seq = plan, plan.get("seq")
        finding = _check_row(row, state, ring)
        if finding is None:
            state.expected, state.prev = row["seq"] + 1, row["hash"]
            if row["seq"] == state.checkpoint_seq:
                state.checkpoint_hash_seen = row["hash"]
    result.close()
    if finding is None and state is not None:
        finding = _check_tail(state, heads)
    if finding is None:
        for chain in sorted(set(heads) - set(seen)):
            finding = Finding(
                chain,
                1,
                None,
                "deleted",
                say("链 {c} 的全部 {n} 条记录被删除。", "all {n} events of chain {c} were deleted.", c=chain, n=heads[chain][0]),
            )
            break
    differences = list(checkpoint.problems)
    if finding is None:
        finding = _against_checkpoint(checkpoint.record, seen)
    differences_, unchecked = replayer.compare(conn) if replayer is not None else ([], [])
    differences += differences_
    notes = _mac_notes(seen, ring)
    if checkpoint.record is not None:
        notes.append(
            say(
                "已与 {w} 的检查点核对({n} 条链)。",
                "compared with the checkpoint of {w} ({n} chains).",
                w=checkpoint.record.get("written"),
                n=len(planned),
            )
        )
    else:
        unchecked.append(
            say(
                "没有这个数据库的检查点({p}):整条被删除的链(连同其链头)、从第一条密钥记录起被改回无密钥的链无法发现;请定期运行 qingdan audit checkpoint 并把检查点文件另存他处。",
                "no checkpoint of this database ({p}): a chain deleted whole (with its head), or stripped of its MACs from the first "
                "keyed event on, cannot be detected; run qingdan audit checkpoint regularly and ship the file elsewhere.",
                p=checkpoints or checkpoints_path(),
            )
        )
    if ring is None:
        unchecked.append(
            say(
                "没有审计密钥文件({p}):只核对了公开的哈希链,它可以被任何能改数据库的人重算。",
                "no audit key file ({p}): only the public hash chain was checked, which anyone who can write the database can recompute.",
                p=key_path(),
            )
        )
    marks = {name: {"seq": s.expected - 1, "hash": s.prev, "mac_from": s.mac_from} for name, s in seen.items()}
    return Verification(len(heads.keys() | seen.keys()), total, finding, tuple(differences), tuple(notes), tuple(unchecked), marks)


def _check_row(row, state: _Chain, ring: Keyring | None) -> Finding | None:
    chain, seq = row["chain"], row["seq"]
    key_id = _key_of(dict(row), ring, state.keys[-1] if state.keys else None)
    if key_id is False:
        return Finding(
            chain,
            seq,
            row["id"],
            "edited",
            say("链 {c} 第 {s} 条记录(id {i})的内容被改动过。", "event {s} (id {i}) of chain {c} was edited.", c=chain, s=seq, i=row["id"]),
        )
    if key_id is None and ring is not None and (state.mac_from is not None or not _may_be_plain(state, seq)):
        return Finding(
            chain,
            seq,
            row["id"],
            "unkeyed",
            say(
                "链 {c} 第 {s} 条记录(id {i})没有密钥校验码,而审计密钥建立后的记录都应有(早于密钥的记录,检查点认到第 {m} 条):"
                "记录是用公开算法重算或伪造的。",
                "event {s} (id {i}) of chain {c} carries no MAC, although every event since the audit key must (the checkpoint "
                "accepts events up to {m} as older than the key): it was recomputed or forged with the public algorithm.",
                c=chain,
                s=seq,
                i=row["id"],
                m=_plain_until(state),
            ),
        )
    if seq > state.expected:
        return Finding(
            chain,
            state.expected,
            row["id"],
            "deleted",
            say(
                "链 {c} 缺少第 {a}–{b} 条记录(被删除)。",
                "events {a}–{b} of chain {c} are missing (deleted).",
                c=chain,
                a=state.expected,
                b=seq - 1,
            ),
        )
    if row["prev_hash"] != state.prev:
        return Finding(
            chain,
            seq,
            row["id"],
            "inserted",
            say(
                "链 {c} 第 {s} 条记录(id {i})与前一条接不上:记录被插入或替换。",
                "event {s} (id {i}) of chain {c} does not follow the one before: an event was inserted or replaced.",
                c=chain,
                s=seq,
                i=row["id"],
            ),
        )
    if key_id is not None:
        if state.mac_from is None:
            state.mac_from = seq
        if key_id not in state.keys:
            state.keys.append(key_id)
    return None


def _plain_until(state: _Chain) -> int:
    """The last sequence number of the chain the checkpoint accepts as written before the audit key."""
    plan = state.plan or {}
    if plan.get("mac_from") is not None:
        return min(plan["mac_from"] - 1, state.mac_from - 1 if state.mac_from else plan["mac_from"] - 1)
    return plan.get("seq", 0) if state.mac_from is None else min(plan.get("seq", 0), state.mac_from - 1)


def _may_be_plain(state: _Chain, seq: int) -> bool:
    return seq <= _plain_until(state)


def _key_of(row: dict, ring: Keyring | None, last: str | None):
    """The key id whose MAC the event carries; ``None`` for the plain hash; ``False`` when neither matches."""
    if ring is not None:
        for key_id in ([last] if last in ring.keys else []) + [k for k in reversed(ring.keys) if k != last]:
            if hmac.compare_digest(event_mac(row, ring, key_id), row["hash"]):
                return key_id
    return None if event_hash(row) == row["hash"] else False


def _check_tail(state: _Chain, heads: dict) -> Finding | None:
    chain, last_seq, last_hash = state.name, state.expected - 1, state.prev
    head = heads.get(chain)
    if head is None:
        return Finding(
            chain,
            last_seq,
            None,
            "inserted",
            say("链 {c} 没有链头记录:整条链是后插入的。", "chain {c} has no head record: it was inserted.", c=chain),
        )
    seq, digest = head
    if seq > last_seq:
        return Finding(
            chain,
            last_seq + 1,
            None,
            "deleted",
            say(
                "链 {c} 最后的第 {a}–{b} 条记录被删除。",
                "the last events {a}–{b} of chain {c} were deleted.",
                c=chain,
                a=last_seq + 1,
                b=seq,
            ),
        )
    if seq < last_seq or digest != last_hash:
        return Finding(
            chain,
            seq + 1,
            None,
            "inserted",
            say("链 {c} 在第 {s} 条之后有后插入的记录。", "events were inserted in chain {c} after event {s}.", c=chain, s=seq),
        )
    return None


def _against_checkpoint(record: dict | None, seen: dict[str, _Chain]) -> Finding | None:
    if record is None:
        return None
    when = record.get("written")
    for chain, plan in sorted(record.get("chains", {}).items()):
        state = seen.get(chain)
        if state is None:
            return Finding(
                chain,
                1,
                None,
                "deleted",
                say(
                    "检查点({w})记下链 {c} 有 {n} 条记录,现在整条链连同链头都不见了:被删除。",
                    "the checkpoint of {w} recorded {n} events in chain {c}; the whole chain and its head are gone: deleted.",
                    w=when,
                    c=chain,
                    n=plan.get("seq"),
                ),
            )
        if state.expected - 1 < plan.get("seq", 0):
            return Finding(
                chain,
                state.expected,
                None,
                "deleted",
                say(
                    "检查点({w})记下链 {c} 有 {n} 条记录,现在只有 {m} 条:后面的记录连同链头被删除或改写。",
                    "the checkpoint of {w} recorded {n} events in chain {c}; only {m} remain: the later ones were deleted with the head.",
                    w=when,
                    c=chain,
                    n=plan.get("seq"),
                    m=state.expected - 1,
                ),
            )
        if state.checkpoint_hash_seen != plan.get("hash"):
            return Finding(
                chain,
                plan.get("seq", 0),
                None,
                "edited",
                say(
                    "链 {c} 第 {s} 条记录与检查点({w})记下的不同:这条链在那之前的部分被重写过。",
                    "event {s} of chain {c} differs from the checkpoint of {w}: the chain up to there was rewritten.",
                    c=chain,
                    s=plan.get("seq"),
                    w=when,
                ),
            )
    return None


def _mac_notes(seen: dict[str, _Chain], ring: Keyring | None) -> list[str]:
    notes = []
    for name, state in sorted(seen.items()):
        last = state.expected - 1
        if state.mac_from is None:
            if ring is not None:
                notes.append(
                    say(
                        "链 {c}:全部 {n} 条记录早于审计密钥,只有公开的哈希链保护。",
                        "chain {c}: all {n} events predate the audit key and are protected by the public hash chain only.",
                        c=name,
                        n=last,
                    )
                )
        elif state.mac_from > 1:
            notes.append(
                say(
                    "链 {c}:第 1–{a} 条记录早于审计密钥(由第 {m} 条的密钥校验连带保护),第 {m} 条起有密钥校验(密钥 {k})。",
                    "chain {c}: events 1–{a} predate the audit key (protected through the MAC of event {m}); MACs from event {m} on (key {k}).",
                    c=name,
                    a=state.mac_from - 1,
                    m=state.mac_from,
                    k=", ".join(state.keys),
                )
            )
        elif len(state.keys) > 1:
            notes.append(say("链 {c}:用过的审计密钥 {k}。", "chain {c}: audit keys used {k}.", c=name, k=", ".join(state.keys)))
    return notes
