"""转办 on the command line: ``qingdan transfer TASK ITEM --to PERSON|UNIT --as PERSON``. The engine decides
(``engine.runtime.transfer``); this command only parses and prints."""

from __future__ import annotations

import click

from engine.cli.context import common_options, pass_app, split_task_item
from engine.i18n import say


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="TASK [ITEM]")
@click.option(
    "--to", "to", required=True, help="转给谁:人员标识或姓名,或单位(交该单位的负责人)/ a person, or a unit (its person in charge)"
)
@click.option("--as", "actor", required=True, help="转办人标识(分管领导或主要负责人)/ the task's leader or a head")
@click.option("--note", default=None, help="转办说明 / why")
@click.option("--checklist", default=None, help="清单编号(任务编号重复时)/ checklist id when task ids repeat")
@common_options
@pass_app
def transfer(app, words, to, actor, note, checklist):
    """转办子项 / move an item to another holder, keeping its state and history."""
    from engine.runtime.event_notices import person_name
    from engine.runtime.transfer import transfer as move

    task, item = split_task_item(
        words,
        "qingdan transfer 任务 [子项] --to 人员或单位 --as 人员",
        "qingdan transfer TASK [ITEM] --to PERSON|UNIT --as PERSON",
    )
    done = move(app.store, task=task, item=item, to=to, actor=actor, clock=app.clock, checklist=checklist, note=note)
    from engine import catalog

    with app.store.read() as conn:
        definition = catalog.get_checklist(conn, done.checklist)
    click.echo(
        say(
            "已将 {t} / {i} 由 {a} 转交 {b} 负责。",
            "{t} / {i} moved from {a} to {b}.",
            t=done.task,
            i=done.item,
            a=person_name(definition, done.before),
            b=person_name(definition, done.after),
        )
    )


COMMANDS = [transfer]
