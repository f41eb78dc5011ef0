"""Bring a database's schema to the version this code expects, through Alembic.

An empty database is created at the newest revision; a database at an older revision must be
upgraded on purpose (``qingdan db upgrade``), because several web workers must not race to alter
tables; a database made by a newer qingdan is refused rather than misread.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine.errors import StoreError
from engine.i18n import say
from engine.store.db import Store

#: the newest migration; a test checks it against Alembic's head. Kept here so that every command
#: can check the schema with one query instead of importing Alembic (a fifth of a second).
SCHEMA_REVISION = "0007"

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _config(store: Store, connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(store: Store) -> str | None:
    try:
        with store.engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no alembic_version table yet: an empty database
        return None


def upgrade(store: Store, revision: str = "head") -> None:
    from alembic import command

    with store.engine.begin() as conn:
        command.upgrade(_config(store, conn), revision)


def ensure_schema(store: Store) -> None:
    """Create the schema in an empty database; refuse to work on an outdated or newer one."""
    current = current_revision(store)
    if current == SCHEMA_REVISION:
        return
    if current is None:
        upgrade(store)
        return
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if current not in known:
        raise StoreError(
            say(
                "数据库由更新版本的 qingdan 创建(结构版本 {c}),请升级 qingdan。",
                "the database was made by a newer qingdan (schema {c}); upgrade qingdan.",
                c=current,
            )
        )
    raise StoreError(
        say(
            "数据库结构是旧版本({c}),请先运行 qingdan db upgrade(建议先备份)。",
            "the database schema is older ({c}); run 'qingdan db upgrade' first (back up before).",
            c=current,
        )
    )
