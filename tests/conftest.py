"""Shared fixtures: a real database per test (SQLite file always; PostgreSQL when
``QINGDAN_TEST_DATABASE_URL`` is set, each test in its own schema), a settable clock, a fresh
plugin manager, and a runner for the real ``qingdan`` command in a subprocess."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
CHECKLISTS = ROOT / "checklists"
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"
YANTING = CHECKLISTS / "yanting-wenguang-2017.yaml"
HUANGJIN = CHECKLISTS / "huangjin-village-2019.yaml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PG_URL = os.environ.get("QINGDAN_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])


def at(text_value: str) -> dt.datetime:
    """An instant in Asia/Shanghai from 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM'."""
    from engine.dates.clock import parse_instant

    return parse_instant(text_value)


@pytest.fixture(autouse=True)
def _instance_home(tmp_path_factory, monkeypatch):
    """Each test has its own instance folder (``QINGDAN_HOME``: the audit key and checkpoints, evidence files), so
    no test reads or writes the machine's ``~/.local/share/qingdan``; commands run by ``Runner`` get it too."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("QINGDAN_HOME", str(home))
    return home


@contextlib.contextmanager
def empty_database(kind: str, folder: Path, name: str = "qingdan"):
    """The URL of an empty database of ``kind``: a SQLite file ``name`` in ``folder``, or a PostgreSQL schema of its
    own on the test server, dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'{name}.sqlite'}"
        return
    schema = f"qt_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in PG_URL else "?"
        yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(params=DATABASES)
def db_url(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url):
    from engine.store import open_store
    from engine.store.migrate import ensure_schema

    opened = open_store(db_url)
    ensure_schema(opened)
    yield opened
    opened.dispose()


@pytest.fixture
def clock():
    from engine.dates.clock import FixedClock

    return FixedClock(at("2017-03-01T09:30"))


@pytest.fixture
def plugins():
    from engine.pluginmanager import get_plugin_manager

    return get_plugin_manager()


@pytest.fixture
def steps(plugins):
    from engine.pluginmanager import step_types

    return step_types(plugins)


def definition_of(path: Path, steps=None):
    from engine.definition.validation import validate_file
    from engine.pluginmanager import get_plugin_manager, step_types

    steps = steps if steps is not None else step_types(get_plugin_manager())
    result = validate_file(str(path), steps)
    assert result.ok, [p.format() for p in result.errors]
    return result.definition


@pytest.fixture
def yanting(store, clock, steps):
    """The Yanting 2017 list, loaded."""
    from engine.runtime.loader import load

    definition = definition_of(YANTING, steps)
    load(store, [definition], clock=clock)
    return definition


class Runner:
    """Runs the installed ``qingdan`` command against the test's database."""

    def __init__(self, db_url: str, cwd: Path):
        self.db_url = db_url
        self.cwd = cwd
        self.executable = shutil.which("qingdan", path=str(Path(sys.executable).parent)) or "qingdan"

    def __call__(self, *args, now: str | None = None, input: str | None = None, lang: str | None = None, env=None):
        environ = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_") or k == "QINGDAN_HOME"}
        environ["QINGDAN_DATABASE_URL"] = self.db_url
        if now:
            environ["QINGDAN_NOW"] = now
        if lang:
            environ["QINGDAN_LANG"] = lang
        environ.update(env or {})
        return subprocess.run(
            [self.executable, *map(str, args)], capture_output=True, text=True, cwd=self.cwd, env=environ, input=input, timeout=120
        )


@pytest.fixture
def qingdan(db_url, tmp_path):
    return Runner(db_url, tmp_path)
