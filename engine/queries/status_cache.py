"""Status computed once per change: each list's status kept in memory, keyed by what it depends on.

A list's status depends on its stored definition and state, the local date and the plugins. Every write that
changes a list's state or definition (load, fire, report, correction, step data, inspection, funds entry, the
sweep's notices) appends an event to the list's audit chain in the same transaction, so ``chain_heads.seq`` of
the list's chain is a data version bumped atomically with the change. A read looks it up with one primary-key
query and serves the cached status while the version, the local date and the language are unchanged; otherwise
it computes it again with ``engine.queries.status.checklist_status`` (never a second set of rules). Worker
processes share nothing but the database: a write in one is seen by the next read in any other, because the
version is read from the database on every call.

A list that rolls up child lists (``assign:``) depends on their data too, and a child's status names its parents:
the version of such a list is the sum of the sequence numbers of its family's chains (itself, its descendants,
its parents). Sequence numbers only grow, so the sum changes whenever any of them does, and a list arriving
later (0 before) changes it as well. The family is read from the definitions on a miss and kept with the entry.
A county takes its children's statuses from the same cache (``statuses``): their versions are checked with one
query and the stale ones computed together (``engine.queries.status.checklist_statuses``).

A write that bypasses the engine (SQL typed into the database) is not seen until the next change or day: the
audit verification names such a change (docs/security.md).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select

from engine.dates.clock import local_date
from engine.i18n import language
from engine.store.tables import chain_heads

# The two version statements, built once: a list on its own asks by equality (an expanding IN is rendered again on
# every execution), a family by the sum over its chains. Their scalar subqueries are the same questions as columns
# another statement can carry (the API asks one with the token: one round trip).
_OWN_VERSION = select(func.coalesce(func.max(chain_heads.c.seq), 0)).where(chain_heads.c.chain == bindparam("qingdan_list"))
_FAMILY_VERSION = select(func.coalesce(func.sum(chain_heads.c.seq), 0)).where(
    chain_heads.c.chain.in_(bindparam("qingdan_family", expanding=True))
)
_OWN_VERSION_COLUMN = _OWN_VERSION.scalar_subquery()
_FAMILY_VERSION_COLUMN = _FAMILY_VERSION.scalar_subquery()


@dataclass(frozen=True)
class CachedStatus:
    status: object  # engine.queries.status.ChecklistStatus
    version: int
    key: str  # the version, the date and the language, as one string: the API's ETag is built on it
    payloads: dict = field(default_factory=dict, compare=False)  # forms the faces keep with it (``kept``)
    family: tuple[str, ...] = ()  # the lists whose chains make up the version (itself first)

    def kept(self, name: str, build):
        """A form of this status a face presents it in (the API's JSON bytes, the board's rows), built by ``build()``
        once per entry: the entry's key holds the version, the day and the language, so the form is never stale.
        What is kept must not be changed by its users. Two threads may both build it once; either result is the same."""
        found = self.payloads.get(name)
        if found is None:
            found = self.payloads[name] = build()
        return found


def data_version(conn, checklist_id: str) -> int:
    """The list's data version: the sequence number of the last event of its audit chain (0 before any)."""
    return int(conn.execute(_OWN_VERSION, {"qingdan_list": checklist_id}).scalar())


def family_version(conn, family: tuple[str, ...]) -> int:
    """The data version of a list and the lists it rolls up or names (``family_of``): the sum of their versions."""
    if len(family) == 1:
        return data_version(conn, family[0])
    return int(conn.execute(_FAMILY_VERSION, {"qingdan_family": list(family)}).scalar())


def _question(family: tuple[str, ...]):
    """``family_version`` as ``(column, params)`` for another statement to carry."""
    if len(family) == 1:
        return _OWN_VERSION_COLUMN, {"qingdan_list": family[0]}
    return _FAMILY_VERSION_COLUMN, {"qingdan_family": list(family)}


def family_versions(conn, families: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """``family_version`` of several lists with one query (a county's children): each family's sum of its chains'
    sequence numbers, as the single-list statements add them."""
    chains = sorted({chain for family in families.values() for chain in family})
    seqs = dict(conn.execute(select(chain_heads.c.chain, chain_heads.c.seq).where(chain_heads.c.chain.in_(chains))).all())
    return {cid: sum(int(seqs.get(chain) or 0) for chain in family) for cid, family in families.items()}


def family_of(conn, checklist_id: str) -> tuple[str, ...]:
    """The list, every list below it (children, their children …) and its parents, as the definitions say."""
    return families_of(conn, [checklist_id])[checklist_id]


def families_of(conn, checklist_ids: list[str]) -> dict[str, tuple[str, ...]]:
    """``family_of`` each list, the definitions below them read level by level (one query per level, not per list)."""
    from engine.runtime.lineage import loaded_many

    known = loaded_many(conn, checklist_ids)  # a family's parents are named, never read: only the lists below are
    level = [definition for definition in known.values() if definition is not None]
    while level:
        fresh = loaded_many(conn, [child for definition in level for child in definition.child_ids if child not in known])
        known.update(fresh)
        level = [definition for definition in fresh.values() if definition is not None]
    return {cid: _family(known, cid) for cid in checklist_ids}


def _family(known: dict, checklist_id: str) -> tuple[str, ...]:
    found = {checklist_id: None}
    frontier = [checklist_id]
    first = True
    while frontier:
        current = frontier.pop()
        definition = known.get(current)
        if definition is None:
            continue
        below = list(definition.child_ids) + (list(definition.parent_ids) if first else [])
        first = False
        for other in below:
            if other not in found:
                found[other] = None
                if other in definition.child_ids:
                    frontier.append(other)
    return tuple(found)


class StatusCache:
    """Statuses of the lists one process serves, least recently used dropped beyond ``size``."""

    def __init__(self, size: int = 256):
        self.size = size
        self._entries: OrderedDict[str, CachedStatus] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def version_question(self, checklist_id: str):
        """The data-version question of a cached list as ``(column, params)`` for a caller's own statement (None when
        the list is not cached); its answer goes back to ``status`` as ``seen=(question, answer)``."""
        with self._lock:
            found = self._entries.get(checklist_id)
        return _question(found.family) if found is not None else None

    def status(self, store, checklist_id: str, clock, plugins=None, *, seen=None) -> CachedStatus:
        """The list's status, from the cache while its version, date and language hold. ``seen``: ``(question,
        answer)`` from ``version_question`` asked by the caller just now: no query of its own when it still fits."""
        from engine.queries.status import checklist_status

        lang = language()
        with self._lock:
            found = self._entries.get(checklist_id)
        if found is not None:
            version = _answered(seen, found.family)
            if version is None:
                with store.peek() as conn:  # the one indexed query of a hit, outside a transaction on PostgreSQL
                    version = family_version(conn, found.family)
            if found.version == version:
                today = local_date(clock.now(), found.status.checklist.timezone)
                if found.key == _key(version, today, lang):
                    with self._lock:
                        self._entries.move_to_end(checklist_id)
                        self.hits += 1
                    return found
        with store.read() as conn:
            family = family_of(conn, checklist_id)
            version = family_version(conn, family)
        status = checklist_status(store, checklist_id, clock, plugins, _cache=self)
        # the version read before computing: a write landing in between makes the next read compute again
        entry = CachedStatus(status, version, _key(version, status.today, lang), family=family)
        with self._lock:
            self.misses += 1
            self._entries[checklist_id] = entry
            self._entries.move_to_end(checklist_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry

    def statuses(self, store, checklist_ids: list[str], clock, plugins=None) -> dict[str, CachedStatus]:
        """``status`` of several lists (a county's children): the cached ones checked with one query, the others
        computed together (``engine.queries.status.checklist_statuses``), each kept under the version read before."""
        from engine.queries.status import checklist_statuses

        lang = language()
        with self._lock:
            cached = {cid: self._entries.get(cid) for cid in checklist_ids}
        cached = {cid: entry for cid, entry in cached.items() if entry is not None}
        found: dict[str, CachedStatus] = {}
        if cached:
            with store.peek() as conn:
                versions = family_versions(conn, {cid: entry.family for cid, entry in cached.items()})
            for cid, entry in cached.items():
                today = local_date(clock.now(), entry.status.checklist.timezone)
                if entry.version == versions[cid] and entry.key == _key(versions[cid], today, lang):
                    found[cid] = entry
        stale = [cid for cid in checklist_ids if cid not in found]
        if stale:
            with store.read() as conn:
                families = families_of(conn, stale)
                versions = family_versions(conn, families)
            computed = checklist_statuses(store, stale, clock, plugins, _cache=self)
            for cid in stale:
                found[cid] = CachedStatus(
                    computed[cid], versions[cid], _key(versions[cid], computed[cid].today, lang), family=families[cid]
                )
        with self._lock:
            self.hits += len(checklist_ids) - len(stale)
            self.misses += len(stale)
            for cid in checklist_ids:
                self._entries[cid] = found[cid]
                self._entries.move_to_end(cid)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _answered(seen, family: tuple[str, ...]) -> int | None:
    """The version a caller asked with ``version_question``, when it asked about this family (the entry may have been
    replaced by another list's family since)."""
    if seen is None:
        return None
    question, answer = seen
    if answer is None or question != _question(family):
        return None
    return int(answer)


def _key(version: int, today, lang: str) -> str:
    return f"{version}-{today.isoformat()}-{lang}"
