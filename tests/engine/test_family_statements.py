"""A county's status costs the same queries whatever the number of its child lists (issue 9's scale, issue 13's
cache): the children's facts are read together (``engine.queries.status_facts``), their cache entries checked and
filled together (``StatusCache.statuses``), and the figures equal those of each list computed alone. Two families of
the bench's generator, with 2 and 5 towns, each in a database of its own; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from bench.family_lists import COUNTY_ID, family
from engine.dates.clock import FixedClock
from tests.conftest import empty_database

NOW = "2017-06-01T10:00"


@pytest.fixture
def second_url(db_url, tmp_path):
    """Another empty database beside the test's own (a file, or a schema of its own on PostgreSQL)."""
    with empty_database("sqlite" if db_url.startswith("sqlite") else "postgresql", tmp_path, "second") as url:
        yield url


def _family_store(url: str, towns: int, plugins):
    from bench.family import setup
    from engine.store import open_store
    from engine.store.migrate import ensure_schema

    store = open_store(url)
    ensure_schema(store)
    fam = family(towns, 20)
    setup(store, fam, plugins)
    return store, fam


def _statements(store, function, *args, **kwargs) -> tuple[int, object]:
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        result = function(*args, **kwargs)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return len(seen), result


def test_a_countys_status_costs_the_same_queries_for_2_and_5_towns(db_url, second_url, plugins):
    from engine.queries.status import checklist_status, checklist_statuses
    from engine.queries.status_cache import StatusCache
    from tests.conftest import at

    clock = FixedClock(at(NOW))
    counted = {}
    for towns, url in ((2, db_url), (5, second_url)):
        store, fam = _family_store(url, towns, plugins)
        try:
            checklist_status(store, COUNTY_ID, clock, plugins)  # definitions into the catalog's cache
            plain, county = _statements(store, checklist_status, store, COUNTY_ID, clock, plugins)
            cold, entry = _statements(store, StatusCache().status, store, COUNTY_ID, clock, plugins)
            counted[towns] = (plain, cold)
            assert entry.status.as_json() == county.as_json()
            # each child as computed with the others equals the child computed alone
            ids = [child.id for child in fam.children]
            together = checklist_statuses(store, ids, clock, plugins)
            for cid in ids:
                assert together[cid].as_json() == checklist_status(store, cid, clock, plugins).as_json()
            # a warm cache checks every child with one statement more than the county's own
            cache = StatusCache()
            cache.status(store, COUNTY_ID, clock, plugins)
            cache.clear()
            cache.statuses(store, ids, clock, plugins)
            checked, found = _statements(store, cache.statuses, store, ids, clock, plugins)
            assert checked == 1 and set(found) == set(ids)
        finally:
            store.dispose()
    assert counted[2] == counted[5], counted
