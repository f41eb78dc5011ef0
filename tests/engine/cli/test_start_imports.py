"""The command starts without the heavy packages it does not use: ``qingdan status`` imports no web framework, no
Alembic, no scheduler, no YAML reader and no document writer, and listing the ``export`` group imports no
openpyxl or python-docx. Each command runs in a fresh interpreter (``main([...])`` called in a subprocess), so
what the test process has imported does not count; the test checks the imports, never the time they take."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import YANTING

#: packages the reading commands must not import: the web (Flask and its parts, qingdan's own ``web``), Alembic
#: (only ``qingdan db upgrade`` and a schema that needs migrating), APScheduler (only ``qingdan scheduler``), YAML
#: (only validate, load, import), and the document writers (only the ``export`` commands that write them)
HEAVY = (
    "flask",
    "flask_login",
    "flask_wtf",
    "werkzeug",
    "jinja2",
    "web",
    "alembic",
    "apscheduler",
    "yaml",
    "openpyxl",
    "docx",
    "docxtpl",
)

#: run one command through ``engine.cli.main.main`` in this interpreter, then report its exit code and which of
#: HEAVY it left in ``sys.modules``
PROBE = """
import json, sys
from engine.cli.main import main
heavy = json.loads(sys.argv[1])
try:
    main(json.loads(sys.argv[2]))
    code = 0
except SystemExit as stop:
    code = stop.code or 0
loaded = sorted(name for name in sys.modules if name.split(".")[0] in heavy)
print("\\n" + json.dumps({"code": code, "loaded": loaded}))
"""


def _run(db_url: str, cwd, *args: str) -> tuple[int, list[str], str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_") or k == "QINGDAN_HOME"}
    environ.update({"QINGDAN_DATABASE_URL": db_url, "QINGDAN_NOW": "2017-07-21T10:00"})
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY), json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.rstrip().rsplit("\n", 1)[-1])
    return report["code"], report["loaded"], done.stdout


@pytest.fixture
def loaded(qingdan):
    result = qingdan("load", YANTING, now="2017-03-01T09:00")
    assert result.returncode == 0, result.stderr
    return qingdan


def test_status_imports_nothing_heavy(loaded, db_url, tmp_path):
    code, heavy, out = _run(db_url, tmp_path, "status", "yanting-wenguang-2017", "--json")
    assert code == 0, out
    assert json.loads(out[: out.rstrip().rfind("\n")])["checklist"]["id"] == "yanting-wenguang-2017"
    assert heavy == []


def test_the_text_board_imports_nothing_heavy(loaded, db_url, tmp_path):
    code, heavy, out = _run(db_url, tmp_path, "status")
    assert code == 0 and "T8" in out
    assert heavy == []


def test_listing_the_export_group_imports_no_document_writer(db_url, tmp_path):
    code, heavy, out = _run(db_url, tmp_path, "export", "--help")
    assert code == 0 and "ledger" in out
    assert heavy == []


def test_the_probe_sees_a_heavy_import(loaded, db_url, tmp_path):
    """The same probe on ``validate``, which reads YAML: the check above would notice an import."""
    code, heavy, out = _run(db_url, tmp_path, "validate", str(YANTING))
    assert code == 0, out
    assert "yaml" in heavy


def test_entry_points_are_scanned_once_per_path_and_see_a_new_directory(tmp_path, monkeypatch):
    """Every command and plugin manager of a process shares one scan of the installed entry points while
    ``sys.path`` stays the same; a directory put on the path (``pip install --target``) is seen at once."""
    from importlib.metadata import entry_points

    from engine import pluginmanager
    from engine.pluginmanager import ENTRY_POINT_GROUP, installed_entry_points
    from tests.plugins.conftest import installed_plugin

    installed_entry_points(ENTRY_POINT_GROUP)
    scan = pluginmanager._scanned
    for group in (ENTRY_POINT_GROUP, "qingdan.commands"):
        assert list(installed_entry_points(group)) == list(entry_points(group=group))
    assert pluginmanager._scanned is scan  # both groups, several calls: the one scan
    root = installed_plugin(tmp_path / "site", "qingdan-probe", "probe", "qingdan_probe", "VALUE = 1\n")
    monkeypatch.syspath_prepend(str(root))
    assert "probe" in installed_entry_points(ENTRY_POINT_GROUP).names
    monkeypatch.undo()
    assert "probe" not in installed_entry_points(ENTRY_POINT_GROUP).names
