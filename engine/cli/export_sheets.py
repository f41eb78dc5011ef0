"""``qingdan export ledger`` (台账) and ``qingdan export dispatch`` (调度表): a list's facts on a date as Excel.

The figures are ``engine.documents.facts.gather``'s; these commands check the statement date, say what they are
doing on stderr (a long list takes a while) and name the file written on stdout. openpyxl and the documents
package are imported inside the commands, so ``qingdan --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from engine.cli.context import common_options, pass_app
from engine.errors import InputError
from engine.i18n import say

PERIODS = ("week", "month")
LEDGER_PERIOD = "month"  # the dispatch sheet inside the ledger workbook
BAR_FROM_ROWS = 2000  # a progress bar for ledgers at least this long; stage lines otherwise


def _as_of_option(command):
    return click.option(
        "--as-of",
        "as_of",
        default=None,
        metavar="YYYY-MM-DD",
        help="截至日期(默认今天;按实际发生日期统计)/ the statement date (default today)",
    )(command)


def _output_option(command):
    return click.option(
        "-o", "--output", "output", default=None, type=click.Path(dir_okay=False, path_type=Path), help="输出文件 / output file"
    )(command)


@click.command("ledger")
@click.argument("checklist")
@_as_of_option
@_output_option
@common_options
@pass_app
def ledger_command(app, checklist, as_of, output):
    """导出台账(Excel,每个子项一行,另附月度调度表)/ export the ledger: one row per item, with the month's dispatch table."""
    from engine.documents.ledger import write_ledger

    facts = _gather(app, checklist, as_of, LEDGER_PERIOD)
    path = output or Path(f"台账-{checklist}-{facts.as_of.isoformat()}.xlsx")
    _stage(say("写入台账:{n} 个子项……", "writing the ledger: {n} items…", n=len(facts.items)))
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
@_as_of_option
@_output_option
@common_options
@pass_app
def dispatch_command(app, checklist, period, as_of, output):
    """导出调度表(Excel,各任务本期与累计完成、时间进度、差距,各单位排名)/ export the weekly or monthly dispatch table."""
    from engine.documents.dispatch import write_dispatch

    facts = _gather(app, checklist, as_of, period)
    path = output or Path(f"调度表-{checklist}-{facts.as_of.isoformat()}.xlsx")
    _stage(say("写入调度表:{n} 项任务……", "writing the dispatch table: {n} tasks…", n=len(facts.tasks)))
    write_dispatch(facts, path)
    click.echo(say("已写入 {p}", "written: {p}", p=path))


def _gather(app, checklist: str, as_of, period: str):
    from engine.catalog import get_checklist
    from engine.documents.facts import gather

    with app.store.read() as conn:
        definition = get_checklist(conn, checklist)  # an unknown list: NotFound, naming the loaded ones
    day = statement_date(as_of, app.clock.now(), definition)
    _stage(say("汇总 {c} 截至 {d} 的数据……", "gathering {c} as of {d}…", c=checklist, d=day.isoformat()))
    return gather(app.store, checklist, app.clock, app.plugins, as_of=day, period=period)


def statement_date(as_of, now: dt.datetime, definition) -> dt.date:
    """The engine's statement-date rule (not after today), and not before the list's year: a list says nothing
    about the year before it."""
    from engine.runtime.activity import statement_date as engine_statement_date

    day = engine_statement_date(as_of, now, definition.timezone)
    start = dt.date(definition.year, 1, 1)
    if day < start:
        raise InputError(
            say(
                "截至日期 {d} 早于清单的年度({y} 年);请给 {s} 以后的日期。",
                "the as-of date {d} is before the list's year ({y}); give a date from {s} on.",
                d=day.isoformat(),
                y=definition.year,
                s=start.isoformat(),
            ),
            field="as_of",
        )
    return day


def _stage(words: str) -> None:
    click.echo(words, err=True)


COMMANDS = [ledger_command, dispatch_command]
