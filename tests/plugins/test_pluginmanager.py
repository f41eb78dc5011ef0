"""Start-up: what is loaded and listed, and every way a plugin can be broken, reported naming it (exit code 4)."""

from __future__ import annotations

import json
import os
import re

import pytest

from engine.hookspecs import hookimpl
from engine.pluginmanager import PluginError, describe, get_plugin_manager, step_types
from engine.steps import DataField, StepType, TaskExtension
from tests.plugins.conftest import installed_plugin

BROKEN = {
    "import_error": (
        "qingdan-broken-import",
        """
        import qingdan_no_such_module  # noqa: F401
        """,
        "ModuleNotFoundError",
    ),
    "unknown_hook": (
        "qingdan-typo",
        """
        from engine.hookspecs import hookimpl

        @hookimpl
        def qingdan_step_type():
            return []
        """,
        "qingdan_step_type",
    ),
    "wrong_arguments": (
        "qingdan-wrong-args",
        """
        from engine.hookspecs import hookimpl

        @hookimpl
        def qingdan_guard_transition(context, request):
            return None
        """,
        "request",
    ),
    "bad_step": (
        "qingdan-bad-step",
        """
        from engine.hookspecs import hookimpl
        from engine.steps import StepType

        class Survey(StepType):
            name = "survey"

            def guard(self):
                return None

        @hookimpl
        def qingdan_step_types():
            return [Survey()]
        """,
        "survey.guard",
    ),
}


def _install(tmp_path, case):
    dist, source, _ = BROKEN[case]
    return installed_plugin(tmp_path / case, dist, case, f"qingdan_{case}", source)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_plugin_is_reported_at_start_up_naming_it(tmp_path, on_path, case):
    on_path(_install(tmp_path, case))
    with pytest.raises(PluginError) as found:
        get_plugin_manager()
    assert case in str(found.value) and BROKEN[case][2] in str(found.value)
    assert found.value.exit_code == 4


@pytest.mark.parametrize("case", ["import_error", "unknown_hook"])
def test_the_command_exits_4_naming_the_plugin(qingdan, tmp_path, case):
    root = _install(tmp_path, case)
    env = {"PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    for args in (("plugins",), ("validate", "x.yaml")):
        result = qingdan(*args, env=env)
        assert result.returncode == 4, result.stderr
        assert result.stderr.count("\n") == 1 and case in result.stderr and BROKEN[case][2] in result.stderr
        assert "Traceback" not in result.stderr


def test_the_plugins_command_lists_plugins_and_their_step_types(qingdan):
    text = qingdan("plugins")
    assert text.returncode == 0
    assert "plugins.tendering  [内置]" in text.stdout and "步骤类型 tendering (招投标)" in text.stdout
    assert "--data award_notice  中标通知书发出日期 [date]  (离开时需要)" in text.stdout
    assert "期限 contract:" in text.stdout and "期限 rectify:" in text.stdout
    assert "任务扩展 funds (资金): 任务键 funds" in text.stdout
    assert "命令: qingdan inspect" in text.stdout and "命令: qingdan funds" in text.stdout
    listed = {p["name"]: p for p in json.loads(qingdan("plugins", "--json").stdout)}
    assert list(listed)[:4] == ["plugins.acceptance", "plugins.channels", "plugins.funds", "plugins.tendering"]
    [tendering] = listed["plugins.tendering"]["step_types"]
    assert tendering["leave_requires"] == ["announced", "bid_deadline", "winner", "amount", "award_notice"]
    assert listed["plugins.funds"]["hooks"] == [
        "qingdan_checklist_status",
        "qingdan_register_blueprints",
        "qingdan_register_commands",
        "qingdan_task_extensions",
    ]
    assert (listed["plugins.funds"]["commands"], listed["plugins.acceptance"]["commands"]) == (["funds"], ["inspect"])
    english = qingdan("plugins", lang="en").stdout
    assert "step type acceptance (acceptance inspection)" in english and "[built-in]" in english


class _Provides:
    def __init__(self, *found, hook="qingdan_step_types"):
        self.found = found
        if hook == "qingdan_task_extensions":
            self.qingdan_task_extensions = hookimpl(specname="qingdan_task_extensions")(lambda: list(self.found))
        else:
            self.qingdan_step_types = hookimpl(specname="qingdan_step_types")(lambda: list(self.found))


def _step(name="survey", **attributes):
    return type("Custom", (StepType,), {"name": name, **attributes})()


@pytest.mark.parametrize(
    "provided,message",
    [
        ((object(),), "插件 _Provides 有问题:qingdan_step_types 返回了"),
        ((_step("Survey"),), "名称 'Survey' 无效"),
        ((_step("tendering"),), "步骤类型 tendering 同时由 plugins.tendering 和 _Provides 提供"),
        ((_step(task_options={"deadlines": dict}),), "任务键 deadlines 与清单格式自带的键重名"),
        ((_step(task_options={"tendering": dict}),), "任务键 tendering 同时由 plugins.tendering 和"),
        ((_step(data_fields=(DataField("a", "甲", "a"), DataField("a", "甲", "a"))),), "数据键重复"),
        ((_step(data_fields=(DataField("a", "甲", "a", "colour"),)),), "类型 colour 无效"),
        ((_step(leave_requires=("winner",)),), "要求的数据 winner 没有在 data_fields 中声明"),
        ((_step(check_record=lambda self: None),), "survey.check_record 的参数应是 (record)"),
    ],
)
def test_step_types_are_checked_when_the_manager_is_built(provided, message):
    with pytest.raises(PluginError, match=re.escape(message)):
        get_plugin_manager(third_party=False, extra=[_Provides(*provided)])


def test_extensions_are_checked_too_and_a_step_is_not_an_extension():
    with pytest.raises(PluginError, match="engine.steps.TaskExtension"):
        get_plugin_manager(third_party=False, extra=[_Provides(_step(), hook="qingdan_task_extensions")])
    extension = type("Colour", (TaskExtension,), {"name": "colour", "task_options": {"colour": str}})()
    manager = get_plugin_manager(third_party=False, extra=[_Provides(extension, hook="qingdan_task_extensions")])
    assert step_types(manager).extensions["colour"] is extension
    assert "colour" not in step_types(manager)  # not a step type: no state may name it


def test_a_hook_that_raises_is_reported_naming_the_plugin():
    class Raises:
        @hookimpl
        def qingdan_step_types(self):
            raise RuntimeError("boom")

    with pytest.raises(PluginError, match="qingdan_step_types 出错:RuntimeError: boom"):
        get_plugin_manager(third_party=False, extra=[Raises()])


def test_describe_names_sources_hooks_and_steps(plugins):
    found = {info.name: info for info in describe(plugins)}
    assert found["plugins.acceptance"].source == "builtin"
    assert [s.name for s in found["plugins.acceptance"].steps] == ["acceptance"]
    assert [e.name for e in found["plugins.funds"].extensions] == ["funds"]
    assert found["plugins.channels"].hooks == ("qingdan_channels",)


def test_a_step_type_nobody_provides_fails_validation_with_the_known_ones(tmp_path, qingdan):
    from tests.conftest import YANTING

    text = YANTING.read_text(encoding="utf-8").replace("step: tendering}", "step: site_survey}")
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    result = qingdan("validate", path)
    assert result.returncode == 1
    assert "没有插件提供步骤类型 “site_survey”;已知的步骤类型:acceptance, tendering。" in result.stderr


def test_the_built_in_plugins_are_registered_through_qingdans_own_entry_points():
    """Exactly like a third-party plugin: pyproject.toml declares them in the group ``qingdan.plugins``."""
    from importlib.metadata import entry_points

    own = {e.name: e.value for e in entry_points(group="qingdan.plugins") if e.dist is not None and e.dist.name == "qingdan"}
    assert own == {f"plugins.{name}": f"plugins.{name}" for name in ("acceptance", "channels", "funds", "tendering")}
    found = {info.name: info.source for info in describe(get_plugin_manager(third_party=False))}
    assert found == {name: "builtin" for name in own}


def test_third_party_false_leaves_installed_plugins_out(tmp_path, on_path):
    on_path(installed_plugin(tmp_path / "hello", "qingdan-hello", "hello", "qingdan_hello", HELLO))
    assert "hello" in {info.name for info in describe(get_plugin_manager())}
    assert "hello" not in {info.name for info in describe(get_plugin_manager(third_party=False))}
    assert "hello" not in {info.name for info in describe(get_plugin_manager(load_entry_points=False))}  # the older name


HELLO = """
    import click

    from engine.plugin import common_options, hookimpl, pass_app


    @click.command()
    @click.argument("name")
    @common_options
    @pass_app
    def hello(app, name):
        \"\"\"say hello\"\"\"
        click.echo(f"你好,{name}(今天是 {app.clock.now().date()})")


    @hookimpl
    def qingdan_register_commands(cli):
        cli.add_command(hello)
    """


def test_a_plugin_adds_a_command(qingdan, tmp_path):
    root = installed_plugin(tmp_path / "hello", "qingdan-hello", "hello", "qingdan_hello", HELLO)
    env = {"PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    said = qingdan("hello", "孙磊", now="2019-04-08", env=env)
    assert (said.returncode, said.stdout) == (0, "你好,孙磊(今天是 2019-04-08)\n"), said.stderr
    assert "hello" in qingdan("--help", env=env).stdout
    assert "命令: qingdan hello" in qingdan("plugins", env=env).stdout
    unknown = qingdan("hello", "孙磊")  # not installed: click's own refusal
    assert unknown.returncode == 2 and "hello" in unknown.stderr


@pytest.mark.parametrize(
    "source,message",
    [
        (HELLO.replace("@click.command()", '@click.command("fire")'), "插件 clash 添加的命令 fire 与qingdan 自己的命令重名"),
        (
            HELLO.replace("cli.add_command(hello)", "raise RuntimeError('no commands today')"),
            "插件 clash 的 qingdan_register_commands 出错:RuntimeError: no commands today",
        ),
    ],
)
def test_a_broken_plugin_command_exits_4_naming_the_plugin(qingdan, tmp_path, source, message):
    root = installed_plugin(tmp_path / "clash", "qingdan-clash", "clash", "qingdan_clash", source)
    env = {"PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    for args in (("plugins",), ("--help",), ("inspect", "T1")):
        result = qingdan(*args, env=env)
        assert result.returncode == 4, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr
