"""``qingdan export circular`` (通报) and ``qingdan export report`` (工作汇报): Word documents of a list on a date.

Both gather the facts of the list as of ``--as-of`` (default today by the engine clock; a later date is refused),
then write the office's own template (``--template``, else ``$QINGDAN_HOME/templates/通报.docx`` / ``汇报.docx``)
or the built-in GB/T 9704 layout. Stage lines go to stderr; the last line names the file written.
python-docx and docxtpl are imported inside the commands only.
"""

from __future__ import annotations

import click

from engine.cli.context import common_options, pass_app
from engine.cli.export_facts import as_of_option, gather_facts, output_option, stage
from engine.i18n import say

PERIODS = ("half", "year", "month")


def _stage(zh: str, en: str, **values) -> None:
    stage(say(zh, en, **values))


def _template(kind: str, override: str | None):
    from engine.documents.templates import find_template

    found = find_template(kind, override)
    if found is not None:
        _stage("使用模板 {p}", "using the template {p}", p=found)
    return found


def _write(module, facts, path, template):
    from engine.errors import InputError

    try:
        return module.write(facts, path, template)
    except OSError as err:
        raise InputError(say("无法写入 {p}:{e}", "cannot write {p}: {e}", p=path, e=err.strerror or err), field="output") from None


template_option = click.option(
    "--template",
    "template",
    default=None,
    type=click.Path(dir_okay=False),
    help="Word 模板(docxtpl),代替实例目录中的模板 / a docxtpl Word template instead of the instance folder's",
)


@click.command("circular")
@click.argument("checklist", metavar="LIST")
@as_of_option
@output_option
@template_option
@common_options
@pass_app
def circular_command(app, checklist, as_of, output, template):
    """导出通报(Word)/ export a circular (Word): figures, ranking, overdue items, failed inspections."""
    from engine.documents import circular

    facts = gather_facts(app, checklist, as_of, None)
    chosen = _template("circular", template)
    path = output or f"通报-{checklist}-{facts.as_of.isoformat()}.docx"
    _stage("正在写入通报……", "writing the circular…")
    written = _write(circular, facts, path, chosen)
    click.echo(say("已导出通报:{p}", "circular written: {p}", p=written))


@click.command("report")
@click.argument("checklist", metavar="LIST")
@click.option(
    "--period",
    type=click.Choice(PERIODS),
    default="half",
    show_default=True,
    help="汇报期间:半年、全年、月 / the period: half year, year, month",
)
@as_of_option
@output_option
@template_option
@common_options
@pass_app
def report_command(app, checklist, period, as_of, output, template):
    """导出工作汇报(Word,五个部分)/ export a work report (Word, in five parts)."""
    from engine.documents import work_report

    facts = gather_facts(app, checklist, as_of, period)
    chosen = _template("report", template)
    path = output or f"汇报-{checklist}-{period}-{facts.as_of.isoformat()}.docx"
    _stage("正在写入工作汇报……", "writing the report…")
    written = _write(work_report, facts, path, chosen)
    click.echo(say("已导出工作汇报:{p}", "report written: {p}", p=written))


COMMANDS = [circular_command, report_command]
