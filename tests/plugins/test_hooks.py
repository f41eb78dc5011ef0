"""One test per hook of ``engine/hookspecs.py``, through a small plugin of the test's own; the last test
checks that every hook declared there is covered here."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select

from engine import hookspecs
from engine.errors import GuardRefused
from engine.hookspecs import hookimpl
from engine.pluginmanager import get_plugin_manager, step_types
from engine.runtime.fire import fire
from engine.steps import StepType, TaskExtension
from engine.store.tables import item_deadlines, step_records
from tests.conftest import YANTING
from tests.plugins.conftest import AWARD, ITEM, move

COVERED = set()


def covers(*hooks):
    COVERED.update(hooks)
    return lambda function: function


class Review(StepType):
    name = "review"
    title = "评审"
    task_options = {"review": dict[str, int]}


class Colour(TaskExtension):
    name = "colour"
    title = "颜色"
    task_options = {"colour": str}


class ProvidesBoth:
    @hookimpl
    def qingdan_step_types(self):
        return [Review()]

    @hookimpl
    def qingdan_task_extensions(self):
        return [Colour()]


@covers("qingdan_step_types", "qingdan_task_extensions")
def test_step_types_and_task_extensions_reach_validation():
    from engine.definition.validation import validate_text

    manager = get_plugin_manager(third_party=False, extra=[ProvidesBoth()])
    steps = step_types(manager)
    text = (
        YANTING.read_text(encoding="utf-8")
        .replace("step: tendering}", "step: review}")
        .replace(
            "    tendering: {mandatory: true}\n    acceptance:\n      - {check: 文化广场面积",
            "    review: {rounds: 2}\n    colour: 红\n    acceptance:\n      - {check: 文化广场面积",
        )
    )
    result = validate_text(text, "r.yaml", steps)
    assert [p.format() for p in result.errors] == []
    t1 = result.definition.task_by_id["T1"]
    assert (t1.options["review"], t1.options["colour"]) == ({"rounds": 2}, "红")
    broken = text.replace("review: {rounds: 2}", "review: {rounds: two}")
    assert [p.line for p in validate_text(broken, "r.yaml", steps).errors] == [82]


class Watchful:
    @hookimpl
    def qingdan_guard_transition(self, context):
        if context.trigger == "open_tender":
            context.warn("招标文件请报县公共资源交易中心备案。")
        if context.trigger == "approve_plan" and context.note is None:
            return "审定方案须写明审定意见(--note)。"
        return None


@covers("qingdan_guard_transition")
def test_guard_refuses_or_warns(store, yanting, clock):
    plugins = get_plugin_manager(extra=[Watchful()])
    with pytest.raises(GuardRefused, match="须写明审定意见"):
        move(store, clock, plugins, ("approve_plan", "li", "2017-04-10"))
    approved = fire(store, task="T1", item=ITEM, trigger="approve_plan", actor="li", clock=clock, plugins=plugins, note="同意")
    assert approved.warnings == ()
    opened = move(store, clock, plugins, ("open_tender", "zhang", "2017-05-02"))
    assert opened.warnings == ("招标文件请报县公共资源交易中心备案。",)


class Recorder:
    @hookimpl
    def qingdan_after_transition(self, context):
        if context.trigger == "approve_plan":
            context.connection.execute(
                insert(step_records).values(
                    item_id=context.item_id, step="recorder", key="approved_by", value=context.actor, actor=context.actor, at=context.now
                )
            )
            context.start_deadline("tender_open", "发布招标公告", context.today + dt.timedelta(days=10))
        if context.trigger == "open_tender":
            context.meet_deadline("tender_open")


@covers("qingdan_after_transition")
def test_after_transition_writes_and_starts_deadlines_in_the_same_transaction(store, yanting, clock):
    from engine.queries.history import task_history

    plugins = get_plugin_manager(extra=[Recorder()])
    move(store, clock, plugins, ("approve_plan", "li", "2017-04-10"))
    with store.read() as conn:
        assert conn.execute(select(step_records.c.value).where(step_records.c.step == "recorder")).scalars().all() == ["li"]
        assert [(r.key, str(r.due_date), r.cleared_at) for r in conn.execute(select(item_deadlines))] == [
            ("tender_open", "2017-04-20", None)
        ]
    move(store, clock, plugins, ("open_tender", "zhang", "2017-04-12"))
    kinds = [(e["kind"], e["data"].get("key")) for e in task_history(store, "T1", ITEM)]
    assert kinds == [("transition", None), ("deadline", "tender_open"), ("transition", None), ("deadline_met", "tender_open")]


class Herald:
    @hookimpl
    def qingdan_event_notices(self, context):
        from engine.plugin import EventNotice

        if context.trigger == "open_tender":
            return [EventNotice("tender_opened", ("wang", "nobody"), "【开标】T1", "已开标。", state=context.to_state)]
        return None


@covers("qingdan_event_notices")
def test_event_notices_reach_the_inbox_once_and_are_handled_by_state(store, yanting, clock):
    from engine.reminders.notices import inbox

    plugins = get_plugin_manager(extra=[Herald()])
    move(store, clock, plugins, ("approve_plan", "li", "2017-04-10"), ("open_tender", "zhang", "2017-05-02"))
    (told,) = [n for n in inbox(store, "wang") if n["kind"] == "tender_opened"]  # an unknown person is skipped
    assert (told["subject"], told["text"], told["state"], told["handled"]) == ("【开标】T1", "已开标。", "tendering", False)
    move(store, clock, plugins, ("award", "zhang", "2017-06-20", AWARD))
    assert [n["handled"] for n in inbox(store, "wang") if n["kind"] == "tender_opened"] == [True]


class Flags:
    @hookimpl
    def qingdan_checklist_status(self, checklist, connection, today):
        return {"T6": {"fields": {"script_pages": 12}, "light": "yellow", "reason": "剧本尚未送审"}}


@covers("qingdan_checklist_status")
def test_status_fields_and_light(store, yanting, clock):
    from engine.queries.status import checklist_status

    plugins = get_plugin_manager(extra=[Flags()])
    board = {t.id: t for t in checklist_status(store, yanting.id, clock, plugins).tasks}
    assert board["T6"].extra == {"script_pages": 12}
    assert (board["T6"].light, board["T6"].reason) == ("yellow", "剧本尚未送审")
    assert board["T6"].as_json()["extra"] == {"script_pages": 12}


class Pigeon:
    name = "pigeon"


class PigeonPost:
    @hookimpl
    def qingdan_channels(self, settings):
        return [Pigeon()]


@covers("qingdan_channels")
def test_channels_come_from_plugins():
    from engine.reminders.scheduler import channels_from_environment

    found = channels_from_environment(get_plugin_manager(extra=[PigeonPost()]), {})
    assert sorted(type(c).__name__ for c in found) == ["DingTalkChannel", "EmailChannel", "Pigeon", "WeComChannel"]


class Greeter:
    @hookimpl
    def qingdan_register_commands(self, cli):
        import click

        from engine.plugin import common_options, pass_app

        @cli.command()
        @click.argument("name")
        @common_options
        @pass_app
        def greet(app, name):
            """问好 / say hello."""
            click.echo(f"你好,{name}:{app.clock.now().date()}")


@covers("qingdan_register_commands")
def test_plugin_commands_join_the_qingdan_command():
    from click.testing import CliRunner

    from engine.cli.context import AppContext
    from engine.cli.main import cli

    def run(*args):
        app = AppContext()
        app._plugins = get_plugin_manager(extra=[Greeter()])
        return CliRunner().invoke(cli, list(args), obj=app)

    greeted = run("greet", "孙磊", "--now", "2019-04-08")
    assert (greeted.exit_code, greeted.output) == (0, "你好,孙磊:2019-04-08\n")
    listing = run("--help").output
    assert all(f"  {name} " in listing for name in ("greet", "inspect", "funds", "fire"))  # the built-ins' commands too


class SurveyPages:
    @hookimpl
    def qingdan_register_blueprints(self, app, pages):
        from flask import Blueprint, request

        from web import roles

        bp = Blueprint("survey", __name__, url_prefix="/survey")

        @bp.route("/")
        @roles("staff")
        def index():
            return f"踏勘 {request.args.get('item', '')}"

        app.register_blueprint(bp)
        pages.nav_link("survey.index", "踏勘", "Surveys", roles=("staff",))
        pages.step_page("tendering", "survey.index", "去踏勘", "Survey", roles=("staff",))


@covers("qingdan_register_blueprints")
def test_blueprints_nav_links_and_step_pages(store, yanting, clock, tmp_path, monkeypatch):
    import engine.accounts
    from engine.errors import QingdanError
    from engine.pluginmanager import PluginError
    from web import create_app

    monkeypatch.setattr(engine.accounts, "PASSWORD_METHOD", "scrypt:1024:8:1")
    engine.accounts.create_account(store, "zhang", "staff", clock=clock, password="correct-horse-1", people=[(yanting.id, "zhang")])
    move(store, clock, get_plugin_manager(), ("approve_plan", "li", "2017-04-10"), ("open_tender", "zhang", "2017-05-02"))
    config = {
        "TESTING": True,
        "STORE": store,
        "CLOCK": clock,
        "SECRET_KEY": "s",
        "INSTANCE_PATH": str(tmp_path / "i"),
        "WTF_CSRF_ENABLED": False,
    }
    app = create_app({**config, "PLUGINS": get_plugin_manager(extra=[SurveyPages()])})
    client = app.test_client()
    client.post("/login", data={"account": "zhang", "password": "correct-horse-1"})
    assert client.get("/survey/", query_string={"item": ITEM}).get_data(as_text=True) == f"踏勘 {ITEM}"
    page = client.get("/my/").get_data(as_text=True)
    assert '<a href="/survey/">踏勘</a>' in page  # in the navigation bar, for a staff account
    assert f"/survey/?checklist_id={yanting.id}&amp;task_id=T1&amp;item=" in page and "去踏勘" in page
    assert 'data-trigger="award"' not in page  # the tendering state's transitions are done on the plugin's page

    class Broken:
        @hookimpl
        def qingdan_register_blueprints(self, app):
            raise RuntimeError("no pages today")

    with pytest.raises(PluginError, match="插件 Broken 的 qingdan_register_blueprints 出错:RuntimeError: no pages today") as found:
        create_app({**config, "PLUGINS": get_plugin_manager(extra=[Broken()])})
    assert isinstance(found.value, QingdanError) and found.value.exit_code == 4


def test_every_hook_has_a_test_here():
    declared = {name for name in dir(hookspecs) if name.startswith("qingdan_")}
    assert COVERED == declared
