"""Administration: the audit chain and the database schema."""

from __future__ import annotations

from pathlib import Path

import click

from engine.cli.context import common_options, pass_app
from engine.errors import AuditBroken
from engine.i18n import say


@click.group()
def audit():
    """审计记录 / the audit trail."""


@audit.command("verify")
@click.option(
    "--checkpoints",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="检查点文件(默认 $QINGDAN_HOME/audit-checkpoints.jsonl 或 QINGDAN_AUDIT_CHECKPOINTS)/ the checkpoints file to compare with.",
)
@common_options
@pass_app
def audit_verify(app, checkpoints):
    """校验审计链与密钥校验码,并用审计记录核对各表的现状 / verify the chains, their MACs, and the state against the trail."""
    from engine.runtime.audit import verify

    with app.store.read() as conn:
        result = verify(conn, checkpoints=checkpoints)
    for line in result.notes:
        click.echo(line)
    for line in result.unchecked:
        click.echo(say("未能核对:{x}", "not checked: {x}", x=line))
    if not result.ok:
        problems = result.problems
        for line in problems[:-1]:
            click.echo(line, err=True)
        raise AuditBroken(problems[-1] + (say("(共 {n} 处不符)", " ({n} problems in all)", n=len(problems)) if len(problems) > 1 else ""))
    click.echo(say("审计链完好:{c} 条链,{e} 条记录。", "audit trail intact: {c} chains, {e} events.", c=result.chains, e=result.events))


@audit.command("checkpoint")
@click.option("--checkpoints", type=click.Path(dir_okay=False, path_type=Path), default=None, help="检查点文件 / the checkpoints file.")
@common_options
@pass_app
def audit_checkpoint(app, checkpoints):
    """校验后把每条链的链头签名记入检查点文件(请另存到数据库主机以外)/ verify, then append a signed checkpoint of every chain head."""
    click.echo(_checkpoint(app, checkpoints, "checkpoint"))


@audit.command("rotate-key")
@click.option("--checkpoints", type=click.Path(dir_okay=False, path_type=Path), default=None, help="检查点文件 / the checkpoints file.")
@common_options
@pass_app
def audit_rotate_key(app, checkpoints):
    """换用新的审计密钥(旧密钥保留,用于校验旧记录),并记一个检查点 / start a new audit key (old ones kept) and write a checkpoint."""
    from engine.runtime.audit_keys import key_path, rotate

    _verified(app, checkpoints)
    key_id = rotate()
    click.echo(
        say(
            "新的审计密钥 {k} 已写入 {p};旧密钥保留,用于校验旧记录。",
            "new audit key {k} written to {p}; older keys are kept to verify older events.",
            k=key_id,
            p=key_path(),
        )
    )
    click.echo(_checkpoint(app, checkpoints, "rotate-key"))


def _verified(app, checkpoints):
    from engine.runtime.audit import verify

    with app.store.read() as conn:
        result = verify(conn, checkpoints=checkpoints)
    if not result.ok:
        raise AuditBroken(
            say(
                "审计记录校验不通过,不写检查点:",
                "the audit trail does not verify; no checkpoint written: ",
            )
            + "; ".join(result.problems)
        )
    return result, app.store


def _checkpoint(app, checkpoints, reason: str) -> str:
    from engine.runtime.audit_keys import checkpoints_path, database_label, keyring, write_checkpoint

    result, store = _verified(app, checkpoints)
    with store.read() as conn:
        database = database_label(conn.engine.url)
    record = write_checkpoint(keyring(), database, result.marks, path=checkpoints, reason=reason)
    return say(
        "检查点已写入 {p}:{n} 条链,{e} 条记录,密钥 {k}。请把这个文件另存到数据库主机以外。",
        "checkpoint written to {p}: {n} chains, {e} events, key {k}. Ship this file off the database host.",
        p=checkpoints or checkpoints_path(),
        n=len(result.marks),
        e=result.events,
        k=record["key"],
    )


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


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@common_options
@pass_app
def db_backup(app, file):
    """在线备份内嵌 SQLite 数据库到 FILE(服务运行时也可)/ copy the embedded SQLite database to FILE, online."""
    from engine.store import default_database_url
    from engine.store.backup import backup_sqlite

    size = backup_sqlite(app.db_url or default_database_url(), file)
    click.echo(say("已备份到 {f}({s} 字节)。", "backed up to {f} ({s} bytes).", f=file, s=size))
    click.echo(
        say(
            "请同时备份实例目录 $QINGDAN_HOME(审计密钥、证明材料、web-instance),恢复时一起放回。",
            "back up the instance folder $QINGDAN_HOME too (audit key, evidence files, web-instance) and restore it with the copy.",
        ),
        err=True,
    )


COMMANDS = [audit, db]
