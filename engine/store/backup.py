"""An online copy of the embedded SQLite database (``qingdan db backup FILE``), safe while the web app and the
scheduler write to it.

It uses SQLite's backup API (``sqlite3.Connection.backup``): the copy is one consistent snapshot (WAL readers do not
block writers), checked with ``PRAGMA integrity_check`` and moved into place only when whole, so a failed or killed
backup never leaves a half-written ``FILE``. It copies the database only: the instance folder ``$QINGDAN_HOME`` (the
audit key and checkpoints, the evidence files, ``web-instance/``) is backed up beside it (docs/deploy.md). PostgreSQL
is backed up with ``pg_dump``. Must not: change the source database.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from engine.errors import InputError, StoreError
from engine.i18n import say


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///`` URL (``InputError`` for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise InputError(
            say(
                "qingdan db backup 只用于内嵌 SQLite 数据库;PostgreSQL 请用 pg_dump -Fc 备份(见 docs/deploy.md “Back-up and restore”)。",
                "qingdan db backup is for the embedded SQLite database; back up PostgreSQL with pg_dump -Fc "
                "(docs/deploy.md, 'Back-up and restore').",
            )
        )
    if not parsed.database or parsed.database == ":memory:":
        raise InputError(say("内存数据库无法备份。", "an in-memory database cannot be backed up."))
    return Path(parsed.database).expanduser()


def backup_sqlite(url: str, target: str | os.PathLike) -> int:
    """Copy the SQLite database of ``url`` to ``target`` (which must not exist); returns the copy's size in bytes."""
    source_path = sqlite_path(url)
    target = Path(target)
    if not source_path.is_file():
        raise InputError(say("找不到数据库文件 {p}。", "cannot find the database file {p}.", p=source_path))
    if target.exists():
        raise InputError(say("{p} 已存在;备份不会覆盖已有文件。", "{p} exists; a backup never overwrites a file.", p=target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    try:
        source = sqlite3.connect(source_path, timeout=30)  # only read: the backup takes a read snapshot
        try:
            copy = sqlite3.connect(temporary)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                copy.close()
        finally:
            source.close()
        if verdict != "ok":
            raise StoreError(say("备份副本完整性检查未通过:{v}", "the backup copy failed its integrity check: {v}", v=verdict))
        os.replace(temporary, target)
    except sqlite3.Error as err:
        raise StoreError(say("备份失败:{e}", "the backup failed: {e}", e=err)) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target.stat().st_size
