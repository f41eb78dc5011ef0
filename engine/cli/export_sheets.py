"""``qingdan export ledger`` (台账) and ``qingdan export dispatch`` (调度表): a list's facts on a date as Excel.

The figures are ``engine.documents.facts.gather``'s; these commands check the statement date, say what they are
doing on stderr (a long list takes a while) and name the file written on stdout. openpyxl and the documents
package are imported inside the commands, so ``qingdan --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from engine.cli.context import common_options, pass_app
from engine.cli.export_facts import as_of_option, gather_facts, output_option, stage
from engine.i18n import say

PERIODS = ("week", "month")
LEDGER_PERIOD = "month"  # the dispatch sheet inside the ledger workbook
BAR_FROM_ROWS = 2000  # a progress bar for ledgers at least this long; stage lines otherwise


@click.command("ledger")
@click.argument("checklist")
@as_of_option
@output_option
@common_options
@pass_app
def ledger_command(app, checklist, as_of, output):
    """导出台账(Excel,每个子项一行,另附月度调度表)/ export the ledger: one row per item, with the month's dispatch table."""
    from engine.documents.ledger import write_ledger

    facts = gather_facts(app, checklist, as_of, LEDGER_PERIOD)
    path = output or Path(f"台账-{checklist}-{facts.as_of.isoformat()}.xlsx")
    stage(say("写入台账:{n} 个子项……", "writing the ledger: {n} items…", n=len(facts.items)))
    if len(facts.items) >= BAR_FROM_ROWS:
        with click.progressbar(length=len(facts.items), label=say("台账", "ledger"), file=click.get_text_stream("stderr")) as bar:
            shown = [0]

            def progress(done, _total):
                bar.update(done - shown[0])
                shown[0] = done

            write_ledger(facts, path, progress=progress)
    else:
        write_ledger(facts, path)
    click.echo(say("已写入 {p}", "written: {p}", p=path))


@click.command("dispatch")
@click.argument("checklist")
@click.option(
    "--period",
    type=click.Choice(PERIODS),
    default="month",
    show_default=True,
    help="统计周期:week 本周,month 本月 / the period: this week or this month",
)
@as_of_option
@output_option
@common_options
@pass_app
def dispatch_command(app, checklist, period, as_of, output):
    """导出调度表(Excel,各任务本期与累计完成、时间进度、差距,各单位排名)/ export the weekly or monthly dispatch table."""
    from engine.documents.dispatch import write_dispatch

    facts = gather_facts(app, checklist, as_of, period)
    path = output or Path(f"调度表-{checklist}-{facts.as_of.isoformat()}.xlsx")
    stage(say("写入调度表:{n} 项任务……", "writing the dispatch table: {n} tasks…", n=len(facts.tasks)))
    write_dispatch(facts, path)
    click.echo(say("已写入 {p}", "written: {p}", p=path))


COMMANDS = [ledger_command, dispatch_command]
