"""The extension path: a plugin packaged on its own (``thirdparty_plugin/``) is installed with pip, found through
its ``qingdan.plugins`` entry point, and a checklist using its step type validates, loads and runs, through
the real command and in-process. Nothing is installed into the shared virtual environment: pip installs
into a directory of this test run (``--target``), which is put on the path of the commands that should
see it."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import at

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "thirdparty_plugin"
CHECKLIST = PACKAGE / "survey-2019.yaml"
ITEM = "青龙村段"


def _can_build_offline() -> bool:
    """setuptools ≥ 70.1 builds wheels by itself; older ones need the ``wheel`` package beside them."""
    if importlib.util.find_spec("wheel") is not None:
        return True
    from importlib.metadata import version

    major, minor = (int(part) for part in version("setuptools").split(".")[:2])
    return (major, minor) >= (70, 1)


@pytest.fixture(scope="module")
def sample_plugin(tmp_path_factory):
    """``pip install`` the sample plugin into a fresh directory; returns that directory."""
    source = tmp_path_factory.mktemp("src") / "thirdparty_plugin"
    shutil.copytree(PACKAGE, source)  # the build writes into its source tree: keep the repository clean
    target = tmp_path_factory.mktemp("site")
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-compile",
        "--disable-pip-version-check",
        "--target",
        str(target),
        str(source),
    ]
    if _can_build_offline():
        command.insert(4, "--no-build-isolation")
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"pip could not install the sample plugin:\n{done.stdout}\n{done.stderr}"
    assert list(target.glob("qingdan_sample_plugin-0.1.0.dist-info/entry_points.txt"))
    return target


def _env(target: Path) -> dict:
    return {"PYTHONPATH": os.pathsep.join(p for p in (str(target), os.environ.get("PYTHONPATH", "")) if p)}


def test_installed_plugin_through_the_command(qingdan, sample_plugin):
    env = _env(sample_plugin)
    listed = qingdan("plugins", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "sample  [已安装:qingdan-sample-plugin 0.1.0]" in listed.stdout
    assert "步骤类型 site_survey (现场踏勘)" in listed.stdout
    assert "--data surveyors  踏勘人员 [text]  (离开时需要)" in listed.stdout

    without = qingdan("validate", CHECKLIST)
    assert without.returncode == 1 and "已知的步骤类型:acceptance, tendering" in without.stderr
    checked = qingdan("validate", CHECKLIST, env=env)
    assert checked.returncode == 0, checked.stderr
    assert qingdan("load", CHECKLIST, now="2019-03-01", env=env).returncode == 0
    assert qingdan("fire", "S1", ITEM, "start_survey", "--as", "sun", now="2019-04-01", env=env).returncode == 0

    refused = qingdan("fire", "S1", ITEM, "survey_done", "--as", "sun", "--data", "surveyed_on=2019-04-02", now="2019-04-03", env=env)
    assert refused.returncode == 1 and "踏勘人员(surveyors)" in refused.stderr
    refused = qingdan(
        "fire",
        "S1",
        ITEM,
        "survey_done",
        "--as",
        "sun",
        "--data",
        "surveyed_on=2019-04-02",
        "--data",
        "surveyors=孙磊",
        now="2019-04-03",
        env=env,
    )
    assert refused.returncode == 1 and "至少需要 2 人" in refused.stderr
    assert qingdan("record", "S1", ITEM, "--as", "sun", "--data", "surveyed_on=2019-04-06", now="2019-04-08", env=env).returncode == 0
    moved = qingdan("fire", "S1", ITEM, "survey_done", "--as", "sun", "--data", "surveyors=孙磊、宋敏", now="2019-04-08", env=env)
    assert moved.returncode == 0, moved.stderr
    assert "surveying → designing" in moved.stdout and "2019-04-06 不是工作日" in moved.stderr
    shown = qingdan("record", "S1", ITEM, env=env).stdout
    assert "提交踏勘报告(survey_report):2019-04-12" in shown  # 5 working days after Saturday 04-06
    assert qingdan("record", "S1", ITEM, "--as", "sun", "--data", "report_filed=2019-04-10", now="2019-04-10", env=env).returncode == 0
    history = json.loads(qingdan("history", "S1", ITEM, "--json", env=env).stdout)
    assert [e["kind"] for e in history] == ["transition", "step_data", "transition", "deadline", "step_data", "deadline_met"]

    # without the plugin, a loaded list's step is not silently skipped: firing into or out of it is refused
    refused = qingdan("fire", "S1", "柳湾村段", "start_survey", "--as", "sun", now="2019-04-10")
    assert refused.returncode == 1 and "步骤类型 “site_survey” 现在没有插件提供" in refused.stderr


def test_installed_plugin_in_process(store, sample_plugin, on_path):
    from engine.dates.clock import FixedClock
    from engine.definition.validation import validate_file
    from engine.errors import GuardRefused
    from engine.pluginmanager import describe, get_plugin_manager, step_types
    from engine.runtime.fire import fire
    from engine.runtime.loader import load

    on_path(sample_plugin)
    plugins = get_plugin_manager()
    steps = step_types(plugins)
    assert steps.owners["site_survey"] == "sample"
    assert {i.name: i.source for i in describe(plugins)}["sample"] == "entry point qingdan-sample-plugin 0.1.0"
    result = validate_file(str(CHECKLIST), steps)
    assert result.ok, [p.format() for p in result.errors]
    clock = FixedClock(at("2019-03-01"))
    load(store, [result.definition], clock=clock)
    fire(store, task="S1", item=ITEM, trigger="start_survey", actor="sun", clock=clock, plugins=plugins)
    with pytest.raises(GuardRefused, match="至少需要 2 人"):
        fire(
            store,
            task="S1",
            item=ITEM,
            trigger="survey_done",
            actor="sun",
            clock=clock,
            plugins=plugins,
            data={"surveyed_on": "2019-02-28", "surveyors": "孙磊"},
        )
    done = fire(
        store,
        task="S1",
        item=ITEM,
        trigger="survey_done",
        actor="sun",
        clock=clock,
        plugins=plugins,
        data={"surveyed_on": "2019-02-28", "surveyors": "孙磊, 宋敏"},
    )
    assert (done.to_state, done.warnings) == ("designing", ())
    bad = CHECKLIST.read_text(encoding="utf-8").replace("min_people: 2", "min_people: 12")
    from engine.definition.validation import validate_text

    errors = [p.format() for p in validate_text(bad, "s.yaml", steps).errors]
    assert errors == ["s.yaml:47:31: 踏勘人数 12 不现实(最多 10 人)。"]
