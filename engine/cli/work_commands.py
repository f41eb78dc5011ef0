"""Commands people use on tasks: fire a transition, report progress, correct a report, read history."""

from __future__ import annotations

import json
from contextlib import contextmanager

import click

from engine.cli.context import common_options, pass_app
from engine.errors import InputError
from engine.i18n import say
from engine.numbers import plain as _n


def _pairs(values) -> dict:
    data = {}
    for value in values:
        if "=" not in value:
            raise InputError(say("--data 应写成 键=值,不是 “{v}”。", "--data takes KEY=VALUE, not '{v}'.", v=value))
        key, _, text = value.partition("=")
        data[key.strip()] = text.strip()
    return data


@contextmanager
def _evidence_taken(app, paths, authorize, **where):
    """The ``--evidence`` files stored for one action (none: nothing asked or stored), taken only once ``authorize``
    (``engine.runtime.attachments``) allowed the action and removed again when the action fails."""
    if not paths:
        yield []
        return
    from engine.runtime.attachments import files_from_paths

    checklist_id = authorize(app.store, **where)
    with files_from_paths(app.store, checklist_id, paths) as taken:
        yield taken


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="TASK [ITEM] TRIGGER")
@click.option("--as", "actor", required=True, help="操作人标识 / the acting person's id")
@click.option("--note", default=None, help="备注 / a note")
@click.option("--data", "data", multiple=True, metavar="KEY=VALUE", help="步骤需要的数据 / data a step needs")
@click.option("--checklist", default=None, help="清单编号(任务编号重复时)/ checklist id when task ids repeat")
@click.option(
    "--on",
    "on",
    default=None,
    metavar="YYYY-MM-DD",
    help="实际发生日期(默认今天,最多补登 30 天)/ the activity date (default today, at most 30 days back)",
)
@click.option(
    "--evidence",
    "evidence",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="佐证材料文件(照片、扫描件,可多次)/ an evidence file (photo, scan; repeatable)",
)
@common_options
@pass_app
def fire(app, words, actor, note, data, checklist, on, evidence):
    """推进一个子项的流程 / fire a workflow trigger on an item."""
    from engine.runtime.activity import parse_activity_date
    from engine.runtime.attachments import authorize_fire, records
    from engine.runtime.fire import fire as fire_transition

    if len(words) == 2:
        task, item, trigger = words[0], None, words[1]
    elif len(words) == 3:
        task, item, trigger = words
    else:
        raise InputError(say("用法:qingdan fire 任务 [子项] 动作 --as 人员", "usage: qingdan fire TASK [ITEM] TRIGGER --as PERSON"))
    given = _pairs(data)
    with _evidence_taken(app, evidence, authorize_fire, task=task, item=item, trigger=trigger, actor=actor, checklist=checklist) as taken:
        if taken:
            given["evidence"] = records(taken)
        result = fire_transition(
            app.store,
            task=task,
            item=item,
            trigger=trigger,
            actor=actor,
            clock=app.clock,
            plugins=app.plugins,
            note=note,
            data=given,
            checklist=checklist,
            on=on,
        )
    for warning in result.warnings:
        click.echo(say("警告:{w}", "warning: {w}", w=warning), err=True)
    day = say("  发生日期 {d}", "  on {d}", d=parse_activity_date(on).isoformat()) if on else ""
    click.echo(f"{result.task} / {result.item}: {result.from_state} → {result.to_state}  (#{result.event_seq}){day}")


@click.command(context_settings={"ignore_unknown_options": True})  # so "-5" reaches AMOUNT and is refused there
@click.argument("task")
@click.argument("amount")
@click.option("--as", "actor", required=True, help="报送人标识 / the reporting person's id")
@click.option("--part", default=None, help="分项编号 / part id")
@click.option("--item", default=None, help="子项 / item")
@click.option("--note", default=None, help="说明 / a note")
@click.option("--checklist", default=None)
@click.option(
    "--on",
    "on",
    default=None,
    metavar="YYYY-MM-DD",
    help="实际发生日期(默认今天;周期性工作可补登上一周期)/ the activity date (default today; a recurring duty takes the previous period)",
)
@click.option("--over", is_flag=True, help="确认超出目标 / confirm an amount beyond what remains of the target")
@click.option(
    "--evidence",
    "evidence",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="佐证材料文件(照片、扫描件,可多次)/ an evidence file (photo, scan; repeatable)",
)
@common_options
@pass_app
def report(app, task, amount, actor, part, item, note, checklist, on, over, evidence):
    """报送数量进度;按读数计的指标(measure: latest/max/min)AMOUNT 是读数(当前值),不是本次完成数 / report progress on a
    quantity target or a recurring duty; for a measured indicator AMOUNT is the reading (the value at --on), not an increment."""
    from engine.runtime.attachments import authorize_report
    from engine.runtime.progress import report as report_progress

    with _evidence_taken(app, evidence, authorize_report, task=task, actor=actor, checklist=checklist, item=item) as taken:
        result = report_progress(
            app.store,
            task=task,
            amount=amount,
            actor=actor,
            clock=app.clock,
            part=part,
            item=item,
            note=note,
            checklist=checklist,
            on=on,
            over=over,
            evidence=taken,
        )
    if result.measure != "sum":  # a reading states the value; it adds nothing (engine.runtime.measures)
        from engine.runtime.measures import reading_recorded

        click.echo(reading_recorded(result))
        if result.reached:
            click.echo(say("目标已完成。", "target reached."))
        return
    target = f"/{_n(result.target)}" if result.target is not None else ""
    part_text = f"  {result.part}: {_n(result.part_total)}" if result.part else ""
    day = say("  发生日期 {d}", "  on {d}", d=result.on.isoformat()) if on else ""
    click.echo(
        say(
            "已记录(报送编号 {e}):{t} +{a},累计 {s}{g}{p}{d}",
            "recorded (entry {e}): {t} +{a}, total {s}{g}{p}{d}",
            e=result.entry,
            t=result.task,
            a=_n(result.amount),
            s=_n(result.total),
            g=target,
            p=part_text,
            d=day,
        )
    )
    if result.reached:
        click.echo(say("目标已完成。", "target reached."))
    if result.over:
        click.echo(say("已确认超出目标。", "confirmed beyond the target."))


@click.command()
@click.argument("task")
@click.argument("entry", type=int)
@click.option("--as", "actor", required=True)
@click.option("--note", default=None, help="更正原因 / why")
@click.option("--checklist", default=None)
@common_options
@pass_app
def correct(app, task, entry, actor, note, checklist):
    """以一条冲销记录更正之前的报送 / reverse an earlier report with a correcting entry."""
    from engine.runtime.progress import correct as correct_report

    result = correct_report(app.store, task=task, entry=entry, actor=actor, clock=app.clock, note=note, checklist=checklist)
    if result.measure != "sum":
        from engine.runtime.measures import reading_withdrawn

        click.echo(reading_withdrawn(entry, result))
        return
    click.echo(
        say(
            "已冲销报送 {o}(更正编号 {e}),累计 {s}。",
            "report {o} reversed (entry {e}); total {s}.",
            o=entry,
            e=result.entry,
            s=_n(result.total),
        )
    )


@click.command()
@click.argument("task")
@click.argument("item", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.option("--checklist", default=None)
@common_options
@pass_app
def history(app, task, item, as_json, checklist):
    """任务或子项的全部记录 / every recorded event of a task or an item."""
    from engine.queries.history import task_history
    from engine.verdicts import describe

    found = task_history(app.store, task, item, checklist)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {k: e[k] for k in ("at", "actor", "kind", "item", "trigger", "from", "to", "note", "data", "milestones") if k in e}
                    for e in found
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for e in found:
        move = f"{e['from']} → {e['to']}" if e["to"] or e["from"] else ""
        extra = {k: v for k, v in e["data"].items() if v is not None and k != "evidence"}
        files = e["data"].get("evidence")
        named = (
            say("佐证:", "evidence: ") + ", ".join(str(f.get("name")) for f in files if isinstance(f, dict))
            if isinstance(files, list) and files
            else ""
        )
        reached = "; ".join(f"{m['label']} {m['due']} {describe(m['verdict'], m['days_late'])}" for m in e.get("milestones", ()))
        parts = [
            e["at"],
            e["actor"],
            e["kind"],
            e["item"] or "",
            e["trigger"] or "",
            move,
            reached,
            e["note"] or "",
            json.dumps(extra, ensure_ascii=False) if extra and e["kind"] != "transition" else "",
            named,
        ]
        click.echo("  ".join(p for p in parts if p))


COMMANDS = [fire, report, correct, history]
