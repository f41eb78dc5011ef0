"""``qingdan inspect``: the acceptance plugin's command, added to ``qingdan`` through ``qingdan_register_commands``.

Records one inspection round from the command line (``plugins.acceptance.record``) and prints its outcome.
"""

from __future__ import annotations

import click

from engine.plugin import InputError, common_options, echo_warnings, pass_app, say, split_task_item, store_evidence_file


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="TASK [ITEM]")
@click.option("--as", "actor", required=True, help="验收人员标识 / the inspector's id")
@click.option("--check", "checks", multiple=True, metavar="NAME=VALUE", help="验收标准(名称或序号)=结果 / criterion (name or number)=value")
@click.option("--evidence", multiple=True, type=click.Path(dir_okay=False), help="证明材料文件 / an evidence file")
@click.option("--note", default=None, help="验收意见 / a note")
@click.option("--on", "on", default=None, metavar="YYYY-MM-DD", help="验收的日期(不填为今天)/ the day of the inspection (default today)")
@click.option("--checklist", default=None)
@common_options
@pass_app
def inspect(app, words, actor, checks, evidence, note, checklist, on):
    """录入一轮验收结果,并据此通过或退回整改 / record an inspection round; it passes or fails the item."""
    from plugins.acceptance import record as record_round

    task, item = split_task_item(
        words,
        "qingdan inspect 任务 [子项] --as 验收人员 --check 标准=结果 ...",
        "qingdan inspect TASK [ITEM] --as INSPECTOR --check NAME=VALUE ...",
    )
    if not checks:
        raise InputError(say("请用 --check 标准=结果 逐项填写验收结果。", "give each criterion's result with --check NAME=VALUE."))
    values = {}
    for text in checks:
        if "=" not in text:
            raise InputError(say("--check 应写成 标准=结果,不是 “{v}”。", "--check takes NAME=VALUE, not '{v}'.", v=text))
        name, _, value = text.partition("=")
        if name.strip() in values:
            raise InputError(say("验收标准 “{c}” 给了两次。", "criterion '{c}' is given twice.", c=name.strip()))
        values[name.strip()] = value.strip()
    files = [store_evidence_file(path) for path in evidence]
    result = record_round(
        app.store,
        task=task,
        item=item,
        inspector=actor,
        values=values,
        clock=app.clock,
        plugins=app.plugins,
        evidence=files,
        note=note,
        checklist=checklist,
        on=on,
    )
    fired = result.fired
    if result.passed:
        click.echo(
            say(
                "第 {r} 轮验收通过:全部 {n} 项标准达标。",
                "inspection round {r} passed: all {n} criteria met.",
                r=result.round,
                n=len(result.findings),
            )
        )
    else:
        click.echo(say("第 {r} 轮验收未通过:{u}", "inspection round {r} failed: {u}", r=result.round, u="; ".join(result.unmet)))
    for item_evidence in result.evidence:
        click.echo(f"    {item_evidence.name}  sha256:{item_evidence.sha256}  {item_evidence.size} B")
    click.echo(f"{fired.task} / {fired.item}: {fired.from_state} → {fired.to_state}  (#{fired.event_seq})")
    if result.rectify_due is not None:
        click.echo(say("整改期限:{d}", "rectify by: {d}", d=result.rectify_due.isoformat()))
    echo_warnings(fired.warnings)
