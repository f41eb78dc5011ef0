"""Year end on the command line: ``qingdan close LIST`` (归档; ``--reopen``) and ``qingdan copy LIST --year Y -o FILE``
(next year's list). The engine decides (``engine.runtime.closing``, ``engine.definition.yearcopy``); these commands
only parse, check the written file and print."""

from __future__ import annotations

import os

import click

from engine.cli.context import common_options, pass_app
from engine.dates.clock import local_date
from engine.errors import InputError
from engine.i18n import say


@click.command()
@click.argument("checklist")
@click.option("--reopen", is_flag=True, help="重新打开已归档的清单 / reopen a closed list")
@click.option("--note", default=None, help="说明 / a note for the audit trail")
@click.option("--as", "actor", default="admin", show_default=True, help="操作人(管理员或主要负责人)/ the administrator or a head")
@common_options
@pass_app
def close(app, checklist, reopen, note, actor):
    """年终归档清单:只读、不再提醒,仍可查看和导出 / close a list at year end: read-only, no notices, still readable."""
    from engine import catalog
    from engine.runtime.closing import close as close_list

    done = close_list(app.store, checklist, actor=actor, clock=app.clock, reopen=reopen, note=note)
    if reopen:
        click.echo(
            say(
                "已重新打开清单 {c}({t}):可以继续登记,提醒恢复。",
                "checklist {c} ({t}) reopened: it takes entries and sends notices again.",
                c=done.checklist,
                t=done.title,
            )
        )
        return
    with app.store.read() as conn:
        zone = catalog.get_checklist(conn, checklist).timezone
    click.echo(
        say(
            "已归档清单 {c}({t}),{d}:只读,不再提醒;仍可在看板查看,用 qingdan export 导出。",
            "checklist {c} ({t}) closed on {d}: read-only, no notices; still on the board and exportable with qingdan export.",
            c=done.checklist,
            t=done.title,
            d=local_date(done.closed_at, zone).isoformat(),
        )
    )


@click.command()
@click.argument("checklist")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="新的年度 / the new year")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="写入的 YAML 文件 / the YAML file to write")
@click.option("--force", is_flag=True, help="覆盖已有文件 / overwrite an existing file")
@common_options
@pass_app
def copy(app, checklist, year, output, force):
    """由已载入的清单生成下一年度的清单文件(日期顺延一年到工作日,不带进度)/ write next year's list from a loaded one."""
    from engine import catalog
    from engine.definition.validation import validate_text
    from engine.definition.yearcopy import copy_to_year
    from engine.pluginmanager import step_types

    if os.path.exists(output) and not force:
        raise InputError(
            say("文件 {f} 已存在;要覆盖请加 --force。", "{f} exists already; add --force to overwrite it.", f=output), field="output"
        )
    with app.store.read() as conn:
        definition = catalog.get_checklist(conn, checklist)
    made = copy_to_year(definition, year)
    checked = validate_text(made.text, output, step_types(app.plugins))
    if not checked.ok:  # the copy of a valid list is valid; should it not be, say so rather than write a broken file
        for problem in checked.errors:
            click.echo(problem.format(), err=True)
        raise InputError(say("生成的清单没有通过检查,未写入 {f}。", "the copy does not validate; {f} was not written.", f=output))
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(made.text)
    for old, same, chosen in made.moved:
        click.echo(
            say(
                "警告:{o} 顺延为 {s},当天不是工作日,提前到 {c}。",
                "warning: {o} moves to {s}, not a working day; brought forward to {c}.",
                o=old.isoformat(),
                s=same.isoformat(),
                c=chosen.isoformat(),
            ),
            err=True,
        )
    if made.dropped_calendar:
        click.echo(
            say(
                "警告:清单自定的节假日/调休日 {d} 属于旧年度,未带入新清单;请按 {y} 年的安排补上。",
                "warning: the list's own holidays/workdays {d} belong to the old year and were left out; add {y}'s.",
                d=", ".join(d.isoformat() for d in made.dropped_calendar),
                y=year,
            ),
            err=True,
        )
    click.echo(
        say(
            "已写入 {f}:清单 {c},{t} 项任务,日期顺延到 {y} 年({m} 个日期因节假日或周末提前)。检查后用 qingdan load {f} 载入。",
            "wrote {f}: checklist {c}, {t} tasks, dates moved to {y} ({m} brought forward off holidays or weekends). Load it with qingdan load {f}.",
            f=output,
            c=made.checklist_id,
            t=len(checked.definition.tasks),
            y=year,
            m=len(made.moved),
        )
    )


COMMANDS = [close, copy]
