"""A compiled definition read back from the instance folder equals the one rebuilt through the format's models, for
every shipped list and example; a damaged or foreign file is never used; a short command imports no pydantic."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from engine.definition import schema
from engine.definition.compiled import Damaged, dumps, loads
from engine.definition.definitions import CORE_TASK_KEYS, rebuild_checklist
from tests.conftest import CHECKLISTS, SHARED_EXAMPLES, definition_of

LISTS = sorted(CHECKLISTS.glob("*.yaml")) + sorted(SHARED_EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("path", LISTS, ids=lambda p: p.name)
def test_a_compiled_definition_reads_back_equal(path, steps):
    rebuilt = rebuild_checklist(definition_of(path, steps).source_json)
    assert loads(dumps(rebuilt)) == rebuilt


def test_a_damaged_or_foreign_file_is_refused(steps):
    text = dumps(rebuild_checklist(definition_of(LISTS[0], steps).source_json))
    for bad in (
        text[:-10],
        text.replace('"~":"PersonDef"', '"~":"Popen"', 1),
        json.dumps({"format": 0, "definition": {}}),
        json.dumps({"format": 1, "definition": {"~": "ChecklistDef", "title": {"unmarked": 1}}}),
    ):
        with pytest.raises(Damaged):
            loads(bad)


def test_the_core_task_keys_are_the_formats():
    assert CORE_TASK_KEYS == schema.CORE_TASK_KEYS


def test_status_starts_without_the_formats_models(qingdan, tmp_path):
    """The second ``qingdan status`` of a list reads its compiled definition: neither pydantic nor the format's models
    (nor the channels' HTTP modules) are imported."""
    assert qingdan("load", CHECKLISTS / "yanting-wenguang-2017.yaml").returncode == 0
    assert qingdan("status", "yanting-wenguang-2017").returncode == 0
    probe = (
        "import sys\n"
        "from engine.cli.main import main\n"
        "try:\n    main(['status', 'yanting-wenguang-2017'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pydantic', 'engine.definition.schema', 'urllib.request', 'smtplib') if m in sys.modules),"
        " file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_") or k == "QINGDAN_HOME"}
    env["QINGDAN_DATABASE_URL"] = qingdan.db_url
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
