"""``qingdan import``: a task list as offices receive it (an Excel sheet) turned into a checklist file.

The draft is made by ``engine.importing`` (layer 2, no database); this command prints what the clerk should check
(``清单.xlsx Sheet1!F7: …``, one line each, on standard error so that the YAML alone goes to standard output),
validates the draft as ``qingdan validate`` would, writes it, and with ``--load`` loads it exactly as ``qingdan
load`` does. openpyxl is imported only when the command runs. See docs/import.md.
"""

from __future__ import annotations

import os
import sys

import click

from engine.cli.context import common_options, pass_app
from engine.errors import InputError
from engine.i18n import say


@click.command("import")
@click.argument("xlsx", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="写入的清单文件;默认打印到标准输出 / the YAML file to write (default: stdout)"
)
@click.option("--load", "load_it", is_flag=True, help="检查无误后载入数据库(同 qingdan load)/ validate, then load as qingdan load does")
@click.option(
    "--year", type=click.IntRange(2000, 2100), help="清单年份;默认取标题里的“…2019年…” / the list's year (default: from the title)"
)
@click.option(
    "--columns",
    "column_spec",
    help='列名映射,如 "工作内容=title,时间节点=due,F=partner",或一个 JSON/YAML 映射文件 / header=field mapping, or a JSON/YAML file',
)
@click.option(
    "--workflows",
    "workflows",
    type=click.Path(dir_okay=False),
    help="流程映射文件:哪些任务用哪个流程(见 docs/import.md)/ which tasks run which workflow (docs/import.md)",
)
@click.option("--sheet", "sheet_name", help="读哪个工作表;默认第一个非空的 / which sheet (default: the first non-empty one)")
@click.option("--id", "list_id", help="清单编号;默认由文件名和年份生成 / the list id (default: from the file name and year)")
@common_options
@pass_app
@click.pass_context
def import_command(ctx, app, xlsx, output, load_it, year, column_spec, workflows, sheet_name, list_id):
    """把 Excel 任务清单转成清单文件(YAML),列出需要核对的单元格 / turn an Excel task list into a checklist file."""
    from engine.definition.validation import validate_text
    from engine.importing.findings import ImportFailed
    from engine.importing.workbook import import_workbook
    from engine.pluginmanager import step_types

    if list_id is not None and (not list_id or any(c.isspace() or c == ":" for c in list_id)):
        raise InputError(
            say("清单编号 “{i}” 不能为空,也不能含空格或冒号。", "the list id '{i}' must not be empty or hold spaces or colons.", i=list_id)
        )
    try:
        imported = import_workbook(xlsx, sheet_name=sheet_name, year=year, column_spec=column_spec, list_id=list_id, workflows=workflows)
    except ImportFailed as err:
        raise InputError(str(err)) from None
    for finding in imported.findings:
        click.echo(finding.line(imported.file), err=True)
    if load_it and output is None:
        output = os.path.splitext(xlsx)[0] + ".yaml"
    shown = output or say("(标准输出)", "(standard output)")
    checked = validate_text(imported.text, shown, step_types(app.plugins))
    for problem in checked.problems if checked.errors or not load_it else ():  # qingdan load prints its own
        click.echo(problem.format(), err=True)
    if output is None:
        click.echo(imported.text, nl=False)
    else:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(imported.text)
    click.echo(
        say(
            "{f}:{t} 项任务,{n} 处需要核对{w}。",
            "{f}: {t} tasks, {n} places to check{w}.",
            f=imported.file,
            t=imported.tasks,
            n=len(imported.findings),
            w=say(",已写入 {o}", "; written to {o}", o=output) if output else "",
        ),
        err=True,
    )
    if checked.errors:
        click.echo(
            say(
                "草稿有 {n} 个错误(见上),改正后运行 qingdan validate 再载入;没有载入任何清单。",
                "the draft has {n} errors (above); fix them and run qingdan validate before loading. Nothing was loaded.",
                n=len(checked.errors),
            ),
            err=True,
        )
        sys.exit(1)
    if load_it:
        from engine.cli.checklist_commands import load

        ctx.invoke(load, files=(output,), force=False, actor="admin")


COMMANDS = [import_command]
