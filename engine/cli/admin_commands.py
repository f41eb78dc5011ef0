"""Administration: the audit chain and the database schema."""

from __future__ import annotations

import click

from engine.cli.context import common_options, pass_app
from engine.errors import AuditBroken
from engine.i18n import say


@click.group()
def audit():
    """审计记录 / the audit trail."""


@audit.command("verify")
@common_options
@pass_app
def audit_verify(app):
    """校验审计链,报告第一处被改动、插入或删除的记录 / verify the hash chains."""
    from engine.runtime.audit import verify

    with app.store.read() as conn:
        result = verify(conn)
    if not result.ok:
        raise AuditBroken(result.finding.message)
    click.echo(say("审计链完好:{c} 条链,{e} 条记录。", "audit trail intact: {c} chains, {e} events.", c=result.chains, e=result.events))


@click.group()
def db():
    """数据库结构 / the database schema."""


@db.command("upgrade")
@common_options
@pass_app
def db_upgrade(app):
    """把数据库结构升级到当前版本(请先备份)/ migrate the schema to this version (back up first)."""
    from engine.store import open_store
    from engine.store.migrate import current_revision, head_revision, upgrade

    store = open_store(app.db_url)
    try:
        before = current_revision(store)
        upgrade(store)
        click.echo(say("数据库结构:{a} → {b}", "database schema: {a} → {b}", a=before or "-", b=head_revision()))
    finally:
        store.dispose()


@db.command("current")
@common_options
@pass_app
def db_current(app):
    """显示数据库结构版本 / show the schema revision."""
    from engine.store import open_store
    from engine.store.migrate import current_revision, head_revision

    store = open_store(app.db_url)
    try:
        click.echo(f"{current_revision(store) or '-'} (head {head_revision()})")
    finally:
        store.dispose()


COMMANDS = [audit, db]
