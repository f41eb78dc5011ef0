"""Accounts and the web server: ``qingdan users ...`` and ``qingdan serve``.

``serve`` is the only command that imports the web package (Flask); the engine itself never does.
"""

from __future__ import annotations

import sys

import click

from engine.cli.context import common_options, pass_app
from engine.errors import InputError, NotFound
from engine.i18n import say


def _split_person(text: str, default_checklist: str | None) -> tuple[str, str]:
    """``PERSON`` is the person in every list naming them (ids are global); ``CHECKLIST:PERSON`` limits it to one."""
    if ":" in text:
        checklist_id, person = text.split(":", 1)
        return checklist_id, person
    return default_checklist or "*", text


def _check_people(app, links) -> list[str]:
    """Refuse a person that is not in a named checklist; warn when no loaded checklist has a '*' person."""
    from engine import catalog

    warnings = []
    with app.store.read() as conn:
        loaded = {cid: catalog.get_checklist(conn, cid) for cid in catalog.checklist_ids(conn)}
    for checklist_id, person in links:
        if checklist_id == "*":
            if not any(person in d.people for d in loaded.values()):
                warnings.append(
                    say(
                        "已载入的清单中都没有人员 “{p}”;载入含此人员的清单后关联才生效。",
                        "no loaded checklist has a person '{p}'; the link works once such a checklist is loaded.",
                        p=person,
                    )
                )
            continue
        definition = loaded.get(checklist_id)
        if definition is None:
            raise NotFound(
                say(
                    "没有清单 “{c}”;已载入:{k}。",
                    "no checklist '{c}'; loaded: {k}.",
                    c=checklist_id,
                    k=", ".join(loaded) or say("无", "none"),
                )
            )
        if person not in definition.people:
            raise NotFound(
                say(
                    "清单 {c} 中没有人员 “{p}”;人员有:{k}。",
                    "checklist {c} has no person '{p}'; its people: {k}.",
                    c=checklist_id,
                    p=person,
                    k=", ".join(definition.people),
                )
            )
    return warnings


def _read_password() -> str:
    text = sys.stdin.readline()
    password = text.rstrip("\r\n")
    if not password:
        raise InputError(say("标准输入中没有读到密码。", "no password was read from standard input."))
    return password


@click.group()
def users():
    """网页和接口的账号 / accounts of the web and the API."""


@users.command("add")
@click.argument("account_id", metavar="ID")
@click.option("--role", required=True, type=click.Choice(["head", "leader", "staff", "inspector", "admin"]), help="角色 / role")
@click.option(
    "--person",
    "people",
    multiple=True,
    metavar="[CHECKLIST:]PERSON",
    help="此账号代表的人员,在所有列有此人的清单中通用(可重复)/ the person it acts as, in every list naming them (repeatable)",
)
@click.option("--checklist", default=None, help="只在此清单中代表 --person(默认所有清单)/ act as --person in this checklist only")
@click.option("--name", "display_name", default=None, help="显示名称 / display name")
@click.option("--password-stdin", is_flag=True, help="从标准输入读密码;否则生成随机密码并显示一次 / read the password from stdin")
@common_options
@pass_app
def users_add(app, account_id, role, people, checklist, display_name, password_stdin):
    """新建账号 / create an account."""
    from engine.accounts import create_account, new_password

    links = [_split_person(p, checklist) for p in people]
    for warning in _check_people(app, links):
        click.echo(say("警告:{w}", "warning: {w}", w=warning), err=True)
    password = _read_password() if password_stdin else new_password()
    account = create_account(app.store, account_id, role, clock=app.clock, password=password, display_name=display_name, people=links)
    linked = ", ".join(f"{c}:{p}" for c, p in account.people) or "-"
    click.echo(say("已建账号 {a}(角色 {r},关联人员 {p})。", "account {a} created (role {r}, people {p}).", a=account.id, r=role, p=linked))
    if not password_stdin:
        click.echo(say("初始密码(只显示这一次):{w}", "initial password (shown only this once): {w}", w=password))


@users.command("list")
@common_options
@pass_app
def users_list(app):
    """列出账号 / list accounts."""
    from engine.accounts import count_tokens, list_accounts
    from engine.cli.render import table

    tokens = count_tokens(app.store)
    rows = [
        [
            a.id,
            a.role,
            a.display_name or "",
            ", ".join(f"{c}:{p}" for c, p in a.people),
            say("停用", "disabled") if a.disabled else "",
            str(tokens.get(a.id, 0)),
        ]
        for a in list_accounts(app.store)
    ]
    click.echo(
        table(
            [
                say("账号", "account"),
                say("角色", "role"),
                say("名称", "name"),
                say("人员", "people"),
                say("状态", "state"),
                say("令牌", "tokens"),
            ],
            rows,
        )
    )


@users.command("token")
@click.argument("account_id", metavar="ID")
@click.option("--revoke", is_flag=True, help="作废此账号全部令牌 / revoke every token of the account")
@common_options
@pass_app
def users_token(app, account_id, revoke):
    """生成新的接口令牌并显示(只显示一次)/ print a new API token (shown once)."""
    from engine.accounts import issue_token, revoke_tokens

    if revoke:
        count = revoke_tokens(app.store, account_id, clock=app.clock)
        click.echo(say("已作废 {n} 个令牌。", "{n} tokens revoked.", n=count))
        return
    click.echo(issue_token(app.store, account_id, clock=app.clock))


@users.command("disable")
@click.argument("account_id", metavar="ID")
@common_options
@pass_app
def users_disable(app, account_id):
    """停用账号(会话和令牌立即失效)/ disable an account (sessions and tokens stop at once)."""
    from engine.accounts import set_disabled

    set_disabled(app.store, account_id, True, clock=app.clock)
    click.echo(say("账号 {a} 已停用。", "account {a} disabled.", a=account_id))


@users.command("enable")
@click.argument("account_id", metavar="ID")
@common_options
@pass_app
def users_enable(app, account_id):
    """重新启用账号 / enable an account again."""
    from engine.accounts import set_disabled

    set_disabled(app.store, account_id, False, clock=app.clock)
    click.echo(say("账号 {a} 已启用。", "account {a} enabled.", a=account_id))


@users.command("reset")
@click.argument("account_id", metavar="ID")
@click.option("--password-stdin", is_flag=True, help="从标准输入读新密码;否则生成随机密码 / read the new password from stdin")
@common_options
@pass_app
def users_reset(app, account_id, password_stdin):
    """重置密码(该账号所有会话退出)/ reset the password (every session of the account ends)."""
    from engine.accounts import reset_password, set_password

    if password_stdin:
        set_password(app.store, account_id, _read_password(), clock=app.clock)
        click.echo(say("账号 {a} 的密码已更新。", "the password of {a} was changed.", a=account_id))
        return
    password = reset_password(app.store, account_id, clock=app.clock)
    click.echo(say("账号 {a} 的新密码(只显示这一次):{w}", "new password of {a} (shown only this once): {w}", a=account_id, w=password))


@users.command("link")
@click.argument("account_id", metavar="ID")
@click.argument("person", metavar="[CHECKLIST:]PERSON")
@click.option("--remove", is_flag=True, help="取消关联 / remove the link")
@common_options
@pass_app
def users_link(app, account_id, person, remove):
    """关联(或取消关联)账号代表的清单人员 / link (or unlink) a checklist person to an account."""
    from engine.accounts import link_person, unlink_person

    checklist_id, person_id = _split_person(person, None)
    if remove:
        account = unlink_person(app.store, account_id, person_id, checklist_id=checklist_id, clock=app.clock)
    else:
        for warning in _check_people(app, [(checklist_id, person_id)]):
            click.echo(say("警告:{w}", "warning: {w}", w=warning), err=True)
        account = link_person(app.store, account_id, person_id, checklist_id=checklist_id, clock=app.clock)
    click.echo(f"{account.id}: " + (", ".join(f"{c}:{p}" for c, p in account.people) or "-"))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / address to listen on")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="端口 1–65535 / port")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="工作线程数 1–256 / worker threads")
@click.option("--no-scheduler", is_flag=True, help="不在本进程运行催办调度 / leave the reminder scheduler out")
@click.option(
    "--demo",
    is_flag=True,
    help="演示:载入自带清单,建各角色演示账号并显示密码,时钟默认 2017-07-21 / demo: shipped lists, demo accounts, clock at 2017-07-21",
)
@common_options
@pass_app
def serve(app, host, port, threads, no_scheduler, demo):
    """运行网页和接口(waitress),默认同时运行催办调度 / serve the web board and API (waitress) with the scheduler."""
    import os

    from engine.dates.clock import OffsetClock, parse_instant
    from engine.reminders.scheduler import configure_logging

    configure_logging()
    store = app.store
    clock = app.clock
    if hasattr(clock, "at"):  # --now: start there and let time run
        clock = OffsetClock(clock.at)
    if demo:
        from web.demo import DEMO_NOW, demo_start, prepare

        if app.now is None and not os.environ.get("QINGDAN_NOW"):
            clock = OffsetClock(demo_start(store))  # DEMO_NOW, or where an earlier demo's record ends
        setup = prepare(store, clock, app.plugins)
        for checklist_id in setup.loaded:
            click.echo(say("+ 已载入清单 {c}", "+ loaded checklist {c}", c=checklist_id))
        click.echo(
            say(
                "演示模式:引擎时钟从 {t} 开始走(用 --now 改)。演示账号(密码每次启动重新生成):",
                "demo mode: the engine clock starts at {t} (change with --now). Demo accounts (new passwords on every start):",
                t=clock.now().astimezone(parse_instant(DEMO_NOW).tzinfo).strftime("%Y-%m-%d %H:%M"),
            )
        )
        for account_id, password in setup.passwords.items():
            click.echo(f"  {account_id:<16} {password}")
    from web import create_app

    web_app = create_app({"STORE": store, "CLOCK": clock, "PLUGINS": app.plugins})
    scheduler = None
    if not no_scheduler:
        from engine.reminders.scheduler import SweepContext, build, channels_from_environment

        scheduler = build(SweepContext(store, clock, channels_from_environment(app.plugins, os.environ)), blocking=False)
        scheduler.start()
        click.echo(
            say(
                "催办调度已在本进程运行(--no-scheduler 可关闭)。",
                "the reminder scheduler runs in this process (--no-scheduler leaves it out).",
            )
        )
    click.echo(say("请用浏览器打开 http://{h}:{p}/ (Ctrl+C 停止)", "open http://{h}:{p}/ in a browser (Ctrl+C stops)", h=host, p=port))
    import waitress

    try:
        waitress.serve(web_app, host=host, port=port, threads=threads, ident="qingdan")
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


COMMANDS = [users, serve]
