"""Reminders and notices: one pass (``tick``), the long-running ``scheduler``, the ``inbox``, ``deliveries``."""

from __future__ import annotations

import json
import os

import click

from engine.cli.context import common_options, pass_app
from engine.i18n import say


def _channels(app):
    from engine.reminders.scheduler import channels_from_environment

    return channels_from_environment(app.plugins, os.environ)


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--no-deliver", is_flag=True, help="只生成站内通知,不外发 / inbox only, no email or robots")
@common_options
@pass_app
def tick(app, as_json, no_deliver):
    """按引擎时钟运行一次催办扫描并列出发出的通知 / run one reminder pass as of --now and print what it sent."""
    from engine.reminders.sweep import run_pass

    report = run_pass(app.store, app.clock, channels=() if no_deliver else _channels(app))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "now": report.now.isoformat(),
                    "notices": [
                        {
                            "id": n.id,
                            "checklist": n.checklist,
                            "task": n.task,
                            "item": n.item,
                            "kind": n.kind,
                            "recipient": n.recipient,
                            "due": n.due.isoformat(),
                            "subject": n.subject,
                        }
                        for n in report.notices
                    ],
                    "delivered": report.delivered,
                    "failed": report.failed,
                    "digests_made": report.digests_made,  # daily digests (engine.reminders.digest)
                    "digests_sent": report.digests_sent,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for notice in report.notices:
        click.echo(f"{notice.kind}\t{notice.recipient}\t{notice.subject}")
    click.echo(
        say(
            "本次扫描:{n} 条通知,外发成功 {d},失败 {f}。",
            "this pass: {n} notices, {d} delivered, {f} failed.",
            n=len(report.notices),
            d=report.delivered,
            f=report.failed,
        )
        + (
            say("每日汇总:生成 {m},发出 {s}。", " Daily digests: {m} made, {s} sent.", m=report.digests_made, s=report.digests_sent)
            if report.digests_made or report.digests_sent
            else ""
        ),
        err=True,
    )


@click.command()
@click.option(
    "--interval",
    default=60,
    show_default=True,
    type=click.IntRange(1, 86400),
    help="扫描间隔(秒,1–86400)/ seconds between passes",
)
@common_options
@pass_app
def scheduler(app, interval):
    """常驻运行催办调度(可多进程)/ run the reminder scheduler (several processes may run)."""

    from engine.dates.clock import OffsetClock
    from engine.reminders.scheduler import SweepContext, build, configure_logging

    configure_logging()
    clock = app.clock
    if hasattr(clock, "at"):  # --now given: start the drill there and let time run
        clock = OffsetClock(clock.at)
    context = SweepContext(app.store, clock, _channels(app))
    click.echo(
        say("催办调度已启动,每 {s} 秒扫描一次;Ctrl+C 停止。", "scheduler started, a pass every {s} s; Ctrl+C stops.", s=interval), err=True
    )
    try:
        build(context, blocking=True, interval_seconds=interval).start()
    except (KeyboardInterrupt, SystemExit):
        pass


@click.command()
@click.argument("person")
@click.option("--unread", is_flag=True, help="只看未读 / unread only")
@click.option("--json", "as_json", is_flag=True)
@click.option("--read", "read_ids", multiple=True, type=int, help="标为已读 / mark these notices read")
@click.option("--read-all", is_flag=True, help="全部标为已读 / mark all read")
@click.option("--checklist", default=None)
@common_options
@pass_app
def inbox(app, person, unread, as_json, read_ids, read_all, checklist):
    """某人的站内通知 / a person's in-app notices."""
    from engine.reminders.notices import inbox as list_inbox
    from engine.reminders.notices import mark_read

    if read_ids or read_all:
        count = mark_read(app.store, person, list(read_ids) if read_ids else None, app.clock.now())
        click.echo(say("已标为已读:{n} 条。", "marked read: {n}.", n=count))
        return
    found = list_inbox(app.store, person, checklist=checklist, unread=unread)
    if as_json:
        keys = ("id", "checklist", "kind", "task", "item", "state", "due", "sent_at", "read", "handled", "text")
        click.echo(json.dumps([{k: n[k] for k in keys} for n in found], ensure_ascii=False, indent=2))
        return
    for n in found:
        mark = " " if n["read"] or n["handled"] else "●"
        done = say("(已处理)", " (handled)") if n["handled"] else ""
        click.echo(f"{mark} #{n['id']}  {n['sent_at']}  {n['subject']}{done}")
    if not found:
        click.echo(say("没有通知。", "no notices."))


@click.command()
@click.option("--failed", is_flag=True, help="只看失败的 / failed only")
@click.option("--json", "as_json", is_flag=True)
@common_options
@pass_app
def deliveries(app, failed, as_json):
    """外发记录(邮件、钉钉、企业微信)/ the delivery log (email, DingTalk, WeCom)."""
    from engine.reminders.delivery import delivery_log

    found = delivery_log(app.store, failed_only=failed)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for d in found:
        click.echo(f"#{d['id']} {d['status']:9} {d['channel']:8} {d['recipient']} ×{d['attempts']} {d['error'] or ''}")
    if not found:
        click.echo(say("没有记录。", "nothing to show."))


COMMANDS = [tick, scheduler, inbox, deliveries]
