"""Back-up and restore as docs/deploy.md describes them, on each database: ``qingdan db backup FILE`` (SQLite's online
backup API, taken while another connection holds a write transaction) and ``pg_dump -Fc`` / ``pg_restore`` of a
schema into another schema. The restored copy, with a copy of the instance folder (audit key, checkpoints, evidence),
passes ``qingdan audit verify`` and gives the same ``qingdan status --json`` as the original."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import create_engine, text, update

from engine.store.tables import items
from tests.conftest import PG_URL, YANTING

NOW = "2017-07-24T10:00"


def environ(db_url: str, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    env.update(QINGDAN_DATABASE_URL=db_url, QINGDAN_HOME=str(home), QINGDAN_NOW=NOW)
    return env


def run(qingdan, env, *args, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([qingdan.executable, *map(str, args)], env=env, capture_output=True, text=True, timeout=120)
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def some_history(qingdan, env) -> None:
    """A list with fires, a report and the notices of a sweep: every table the audit trail and status read."""
    run(qingdan, env, "load", YANTING)
    for trigger, actor in (("approve_plan", "li"), ("open_tender", "zhang")):
        run(qingdan, env, "fire", "T1", "林农镇玉城村", trigger, "--as", actor)
    run(qingdan, env, "users", "add", "li", "--role", "leader", "--person", "li")
    run(qingdan, env, "tick", "--no-deliver")
    assert "intact" in run(qingdan, {**env, "QINGDAN_LANG": "en"}, "audit", "verify").stdout


def copy_instance(home: Path, restored_home: Path) -> None:
    """The instance folder goes with the backup: audit key and checkpoints, evidence files, web-instance/."""
    shutil.copytree(home, restored_home, ignore=shutil.ignore_patterns("*.sqlite", "*.sqlite-*"))


def assert_same(qingdan, env, restored_env) -> None:
    verified = run(qingdan, {**restored_env, "QINGDAN_LANG": "en"}, "audit", "verify")
    assert "intact" in verified.stdout
    original = run(qingdan, env, "status", "--json").stdout
    assert run(qingdan, restored_env, "status", "--json").stdout == original
    assert '"T1"' in original


def test_backup_and_restore(db_url, store, qingdan, tmp_path):
    home, restored_home = tmp_path / "home", tmp_path / "restored-home"
    home.mkdir()
    env = environ(db_url, home)
    some_history(qingdan, env)
    if db_url.startswith("sqlite"):
        restore_sqlite(db_url, store, qingdan, env, home, restored_home, tmp_path)
    else:
        restore_postgresql(db_url, qingdan, env, home, restored_home, tmp_path)


def restore_sqlite(db_url, store, qingdan, env, home, restored_home, tmp_path):
    backup = tmp_path / "backups" / "qingdan-2017-07-24.sqlite"
    # online: another connection holds an open write transaction (as the web app does while firing)
    try:
        with store.write() as conn:
            conn.execute(update(items).values(state="accepted"))
            taken = run(qingdan, env, "db", "backup", backup)
            raise _RollBack
    except _RollBack:
        pass
    assert "instance folder" in taken.stderr or "实例目录" in taken.stderr
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name]  # one self-contained file, no leftovers
    # it never overwrites, and PostgreSQL is pointed to pg_dump
    again = run(qingdan, env, "db", "backup", backup, ok=False)
    assert again.returncode != 0 and "已存在" in again.stderr
    elsewhere = run(
        qingdan, {**env, "QINGDAN_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}, "db", "backup", tmp_path / "x", ok=False
    )
    assert elsewhere.returncode != 0 and "pg_dump" in elsewhere.stderr
    # restore: the copy in place of the database file, the instance folder beside it
    copy_instance(home, restored_home)
    shutil.copyfile(backup, restored_home / "qingdan.sqlite")
    restored_url = f"sqlite:///{restored_home / 'qingdan.sqlite'}"
    assert_same(qingdan, env, environ(restored_url, restored_home))


class _RollBack(Exception):
    pass


def restore_postgresql(db_url, qingdan, env, home, restored_home, tmp_path):
    schema = parse_qs(urlsplit(db_url).query)["options"][0].split("search_path=", 1)[1]
    libpq = PG_URL.replace("+psycopg", "").split("?", 1)[0]
    dump = tmp_path / "qingdan.dump"
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-n", schema, "-f", dump, libpq], check=True, capture_output=True, timeout=120)
    target = f"qt_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    try:
        # pg_restore writes the dump as SQL; the test renames its (random, unique) schema to restore it beside the original
        script = subprocess.run(
            ["pg_restore", "--no-owner", "-f", "-", dump], check=True, capture_output=True, text=True, timeout=120
        ).stdout
        assert f"CREATE SCHEMA {schema};" in script
        restore = subprocess.run(
            ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-d", libpq],
            input=script.replace(schema, target),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert restore.returncode == 0, restore.stderr
        copy_instance(home, restored_home)
        separator = "&" if "?" in PG_URL else "?"
        restored_url = f"{PG_URL}{separator}options=-csearch_path%3D{target}"
        assert_same(qingdan, env, environ(restored_url, restored_home))
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{target}" CASCADE'))
        admin.dispose()
