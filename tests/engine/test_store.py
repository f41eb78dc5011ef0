"""The store: schema through Alembic, refusal of unknown schema versions, UTC timestamps."""

import datetime as dt

import pytest
from sqlalchemy import select, text

from engine.errors import StoreError
from engine.store import default_database_url, open_store
from engine.store.migrate import current_revision, ensure_schema, head_revision
from engine.store.tables import checklists


def test_fresh_database_gets_the_newest_schema(store):
    from engine.store.migrate import SCHEMA_REVISION

    assert current_revision(store) == head_revision() == SCHEMA_REVISION


def test_older_schema_must_be_upgraded_on_purpose(db_url):
    from engine.store.migrate import upgrade

    opened = open_store(db_url)
    upgrade(opened, "0001")
    with pytest.raises(StoreError, match="qingdan db upgrade"):
        ensure_schema(opened)
    upgrade(opened)
    ensure_schema(opened)
    assert current_revision(opened) == head_revision()
    opened.dispose()


def test_database_from_a_newer_version_is_refused(store):
    with store.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="更新版本"):
        ensure_schema(store)


def test_timestamps_come_back_aware_in_utc(store, yanting):
    with store.read() as conn:
        loaded_at = conn.execute(select(checklists.c.loaded_at)).scalar_one()
    assert loaded_at.tzinfo is not None
    assert loaded_at == dt.datetime(2017, 3, 1, 1, 30, tzinfo=dt.UTC)


def test_each_instant_is_stored_as_itself_though_conversions_are_remembered(store, yanting):
    """``UTCDateTime`` remembers the conversion of each timestamp it binds: the same instant in another zone, and two
    wall times of a zone with summer time that differ only in ``fold`` (equal to Python, an hour apart), must still
    be stored as what they are; a naive timestamp is refused every time."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import update

    york = ZoneInfo("America/New_York")
    first, second = dt.datetime(2017, 11, 5, 1, 30, tzinfo=york), dt.datetime(2017, 11, 5, 1, 30, fold=1, tzinfo=york)
    assert first == second and first.astimezone(dt.UTC) != second.astimezone(dt.UTC)
    beijing = dt.datetime(2017, 11, 5, 13, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # 05:30 UTC, as first is
    for written in (first, second, first, beijing, second):
        with store.write() as conn:
            conn.execute(update(checklists).values(loaded_at=written))
        with store.read() as conn:
            assert conn.execute(select(checklists.c.loaded_at)).scalar_one() == written.astimezone(dt.UTC)
    for _ in range(2):
        with pytest.raises(Exception, match="naive datetime"):
            with store.write() as conn:
                conn.execute(update(checklists).values(loaded_at=dt.datetime(2017, 1, 1)))


def test_sqlite_runs_in_wal_mode(tmp_path):
    opened = open_store(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with opened.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    opened.dispose()


def test_default_location_is_documented_place():
    assert default_database_url({"QINGDAN_HOME": "/srv/q"}) == "sqlite:////srv/q/qingdan.sqlite"
    assert default_database_url({"QINGDAN_DATABASE_URL": "postgresql://x/y"}) == "postgresql://x/y"
    assert default_database_url({"HOME": "/h", "XDG_DATA_HOME": "/d"}) == "sqlite:////d/qingdan/qingdan.sqlite"


def test_unreachable_database_is_a_clear_error():
    with pytest.raises(StoreError, match="无法连接数据库"):
        open_store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")


def test_the_migrations_build_exactly_the_tables_the_code_reads(store):
    """Every migration together gives the schema ``engine.store.tables`` declares: no column, table or index that
    one has and the other lacks (several migrations are written in parallel; this catches a forgotten one)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from engine.store.tables import metadata

    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    assert differences == []
