"""``qingdan export list``: a loaded list as the Excel template offices use, readable by ``qingdan import``.

The workbook is built by ``engine.documents.list_workbook``; openpyxl is imported only when the command runs.
"""

from __future__ import annotations

import click

from engine.cli.context import common_options, pass_app
from engine.i18n import say


@click.command("list")
@click.argument("checklist")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入的 .xlsx 文件;默认 清单编号.xlsx / the .xlsx to write")
@common_options
@pass_app
def list_command(app, checklist, output):
    """把已载入的清单导出为 Excel 任务清单表(可再导入)/ export a loaded list as the Excel template."""
    from engine.catalog import get_checklist
    from engine.documents.list_workbook import write_list_workbook

    with app.store.read() as conn:
        definition = get_checklist(conn, checklist)
    output = output or f"{definition.id}.xlsx"
    count = write_list_workbook(definition, output)
    click.echo(say("已导出 {c}:{n} 项任务 → {o}", "exported {c}: {n} tasks → {o}", c=definition.id, n=count, o=output))


COMMANDS = [list_command]
