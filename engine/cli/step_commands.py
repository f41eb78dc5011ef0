"""Commands of the steps and plugins: list the plugins, record step data. (``inspect`` and ``funds`` come with their plugins.)"""

from __future__ import annotations

import json

import click

from engine.cli.context import common_options, echo_warnings, pass_app, split_task_item
from engine.cli.work_commands import _evidence_taken, _pairs
from engine.errors import InputError
from engine.i18n import say


@click.command()
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
@common_options
@pass_app
def plugins(app, as_json):
    """已载入的插件及其步骤类型 / the loaded plugins and the step types each provides."""
    from engine.pluginmanager import describe

    found = describe(app.plugins)
    root = click.get_current_context().find_root()
    commands: dict[str, list[str]] = {}
    for name, (_, plugin) in sorted(root.command.plugin_commands(root).items()):
        commands.setdefault(plugin, []).append(name)
    if as_json:
        click.echo(json.dumps([_plugin_json(p, commands.get(p.name, [])) for p in found], ensure_ascii=False, indent=2))
        return
    for info in found:
        click.echo(f"{info.name}  [{_source(info.source)}]")
        if info.hooks:
            click.echo(f"    {say('钩子', 'hooks')}: {', '.join(info.hooks)}")
        if commands.get(info.name):
            click.echo(f"    {say('命令', 'commands')}: {', '.join(f'qingdan {c}' for c in commands[info.name])}")
        for step in info.steps:
            click.echo(f"    {say('步骤类型', 'step type')} {step.name} ({step.display_title()})")
            if step.task_options:
                click.echo(f"        {say('任务键', 'task keys')}: {', '.join(step.task_options)}")
            for field in step.data_fields:
                needs = [
                    say("进入时需要", "needed to enter") if field.key in step.enter_requires else "",
                    say("离开时需要", "needed to leave") if field.key in step.leave_requires else "",
                ]
                extra = ", ".join(n for n in needs if n)
                click.echo(f"        --data {field.key}  {field.title()} [{field.kind}]" + (f"  ({extra})" if extra else ""))
            for rule in step.derived_deadlines:
                click.echo(f"        {say('期限', 'deadline')} {rule.key}: {rule.describe()}")
        for extension in info.extensions:
            click.echo(
                f"    {say('任务扩展', 'task extension')} {extension.name} ({extension.display_title()}): "
                f"{say('任务键', 'task keys')} {', '.join(extension.task_options)}"
            )


def _source(source: str) -> str:
    if source == "builtin":
        return say("内置", "built-in")
    if source.startswith("entry point"):
        return say("已安装:", "installed: ") + source[len("entry point") :].strip()
    return source


def _plugin_json(info, commands: list[str]) -> dict:
    return {
        "name": info.name,
        "source": info.source,
        "hooks": list(info.hooks),
        "commands": commands,
        "step_types": [
            {
                "name": s.name,
                "title": s.title,
                "task_options": list(s.task_options),
                "data": [{"key": f.key, "label": f.label, "label_en": f.label_en, "kind": f.kind} for f in s.data_fields],
                "enter_requires": list(s.enter_requires),
                "leave_requires": list(s.leave_requires),
                "deadlines": [{"key": d.key, "label": d.label, "rule": d.describe()} for d in s.derived_deadlines],
            }
            for s in info.steps
        ],
        "task_extensions": [{"name": e.name, "title": e.title, "task_options": list(e.task_options)} for e in info.extensions],
    }


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="TASK [ITEM]")
@click.option("--as", "actor", default=None, help="记录人标识 / the recording person's id")
@click.option("--data", "data", multiple=True, metavar="KEY=VALUE", help="步骤数据 / step data")
@click.option("--step", default=None, help="步骤类型(键可属于多个步骤时)/ the step type, when keys fit several")
@click.option("--note", default=None, help="备注 / a note")
@click.option("--checklist", default=None)
@click.option(
    "--evidence",
    "evidence",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="佐证材料文件(照片、扫描件,可多次)/ an evidence file (photo, scan; repeatable)",
)
@common_options
@pass_app
def record(app, words, actor, data, step, note, checklist, evidence):
    """记录步骤数据(如招标日期、合同签订);不带 --data 时显示已记录的数据 / record step data, or show it."""
    from engine.runtime import stepdata

    task, item = split_task_item(
        words, "qingdan record 任务 [子项] --as 人员 --data 键=值 ...", "qingdan record TASK [ITEM] --as PERSON --data KEY=VALUE ..."
    )
    if not data:
        shown = stepdata.show(app.store, task=task, item=item, checklist=checklist)
        click.echo(f"{shown['task']} / {shown['item']}: {shown['state'] or '-'}")
        for step_name, values in shown["steps"].items():
            for key, value in values.items():
                click.echo(f"    {step_name}.{key} = {value}")
        for deadline in shown["deadlines"]:
            click.echo(
                say("    期限 {l}({k}):{d}", "    deadline {l} ({k}): {d}", l=deadline["label"], k=deadline["key"], d=deadline["due"])
            )
        return
    if actor is None:
        raise InputError(say("记录数据需要 --as 人员。", "recording data needs --as PERSON."))
    from engine.runtime.attachments import authorize_record

    with _evidence_taken(app, evidence, authorize_record, task=task, item=item, actor=actor, checklist=checklist) as taken:
        result = stepdata.record(
            app.store,
            task=task,
            item=item,
            data=_pairs(data),
            actor=actor,
            clock=app.clock,
            plugins=app.plugins,
            note=note,
            step=step,
            checklist=checklist,
            evidence=taken,
        )
    echo_warnings(result.warnings)
    values = ", ".join(f"{k}={v}" for k, v in result.values.items())
    click.echo(
        say(
            "{t} / {i}:已记录 {s} 数据 {v}  (#{e})",
            "{t} / {i}: recorded {s} data {v}  (#{e})",
            t=result.task,
            i=result.item,
            s=result.step,
            v=values,
            e=result.event_seq,
        )
    )


COMMANDS = [plugins, record]
