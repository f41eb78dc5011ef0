"""What every ``qingdan export`` of figures shares: the ``--as-of`` and ``-o`` options, the statement date checked
by the engine's rule, a stage line on stderr, and the facts gathered once (``engine.documents.facts``)."""

from __future__ import annotations

from pathlib import Path

import click

from engine.i18n import say

as_of_option = click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM-DD",
    help="截至日期(默认今天,不能晚于今天;按实际发生日期统计)/ the statement date (default today, not after it)",
)
output_option = click.option(
    "-o", "--output", "output", default=None, type=click.Path(dir_okay=False, path_type=Path), help="输出文件 / output file"
)


def stage(words: str) -> None:
    """A progress line on stderr, so stdout stays clean."""
    click.echo(words, err=True)


def gather_facts(app, checklist: str, as_of: str | None, period: str | None):
    from engine.catalog import get_checklist
    from engine.documents.facts import gather
    from engine.runtime.activity import statement_date

    with app.store.read() as conn:
        definition = get_checklist(conn, checklist)  # an unknown list: NotFound, naming the loaded ones
    day = statement_date(as_of, app.clock.now(), definition.timezone, definition.year)
    stage(say("正在汇总 {c} 截至 {d} 的数据……", "gathering {c} as of {d}…", c=checklist, d=day.isoformat()))
    return gather(app.store, checklist, app.clock, app.plugins, as_of=day, period=period)
