"""Commands of the steps and plugins: list plugins, record step data, inspect an item, keep a task's funds ledger."""
from __future__ import annotations

import json

import click

from engine.cli.context import common_options, pass_app
from engine.cli.work_commands import _pairs
from engine.errors import InputError
from engine.i18n import say
from engine.numbers import plain


def _warn(warnings) -> None:
    for warning in warnings:
        click.echo(say("警告:{w}", "warning: {w}", w=warning), err=True)


def _task_item(words, usage_zh: str, usage_en: str):
    if len(words) == 1:
        return words[0], None
    if len(words) == 2:
        return words[0], words[1]
    raise InputError(say("用法:", "usage: ") + say(usage_zh, usage_en))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
@common_options
@pass_app
def plugins(app, as_json):
    """已载入的插件及其步骤类型 / the loaded plugins and the step types each provides."""
    from engine.pluginmanager import describe

    found = describe(app.plugins)
    if as_json:
        click.echo(json.dumps([_plugin_json(p) for p in found], ensure_ascii=False, indent=2))
        return
    for info in found:
        click.echo(f"{info.name}  [{_source(info.source)}]")
        if info.hooks:
            click.echo(f"    {say('钩子', 'hooks')}: {', '.join(info.hooks)}")
        for step in info.steps:
            click.echo(f"    {say('步骤类型', 'step type')} {step.name} ({step.display_title()})")
            if step.task_options:
                click.echo(f"        {say('任务键', 'task keys')}: {', '.join(step.task_options)}")
            for field in step.data_fields:
                needs = [say("进入时需要", "needed to enter") if field.key in step.enter_requires else "",
                         say("离开时需要", "needed to leave") if field.key in step.leave_requires else ""]
                extra = ", ".join(n for n in needs if n)
                click.echo(f"        --data {field.key}  {field.title()} [{field.kind}]" + (f"  ({extra})" if extra else ""))
            for rule in step.derived_deadlines:
                click.echo(f"        {say('期限', 'deadline')} {rule.key}: {rule.describe()}")
        for extension in info.extensions:
            click.echo(f"    {say('任务扩展', 'task extension')} {extension.name} ({extension.display_title()}): "
                       f"{say('任务键', 'task keys')} {', '.join(extension.task_options)}")


def _source(source: str) -> str:
    if source == "builtin":
        return say("内置", "built-in")
    if source.startswith("entry point"):
        return say("已安装:", "installed: ") + source[len("entry point"):].strip()
    return source


def _plugin_json(info) -> dict:
    return {"name": info.name, "source": info.source, "hooks": list(info.hooks),
            "step_types": [{"name": s.name, "title": s.title, "task_options": list(s.task_options),
                            "data": [{"key": f.key, "label": f.label, "label_en": f.label_en, "kind": f.kind} for f in s.data_fields],
                            "enter_requires": list(s.enter_requires), "leave_requires": list(s.leave_requires),
                            "deadlines": [{"key": d.key, "label": d.label, "rule": d.describe()} for d in s.derived_deadlines]}
                           for s in info.steps],
            "task_extensions": [{"name": e.name, "title": e.title, "task_options": list(e.task_options)} for e in info.extensions]}


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="TASK [ITEM]")
@click.option("--as", "actor", default=None, help="记录人标识 / the recording person's id")
@click.option("--data", "data", multiple=True, metavar="KEY=VALUE", help="步骤数据 / step data")
@click.option("--step", default=None, help="步骤类型(键可属于多个步骤时)/ the step type, when keys fit several")
@click.option("--note", default=None, help="备注 / a note")
@click.option("--checklist", default=None)
@common_options
@pass_app
def record(app, words, actor, data, step, note, checklist):
    """记录步骤数据(如招标日期、合同签订);不带 --data 时显示已记录的数据 / record step data, or show it."""
    from engine.runtime import stepdata

    task, item = _task_item(words, "qingdan record 任务 [子项] --as 人员 --data 键=值 ...",
                            "qingdan record TASK [ITEM] --as PERSON --data KEY=VALUE ...")
    if not data:
        shown = stepdata.show(app.store, task=task, item=item, checklist=checklist)
        click.echo(f"{shown['task']} / {shown['item']}: {shown['state'] or '-'}")
        for step_name, values in shown["steps"].items():
            for key, value in values.items():
                click.echo(f"    {step_name}.{key} = {value}")
        for deadline in shown["deadlines"]:
            click.echo(say("    期限 {l}({k}):{d}", "    deadline {l} ({k}): {d}", l=deadline["label"], k=deadline["key"], d=deadline["due"]))
        return
    if actor is None:
        raise InputError(say("记录数据需要 --as 人员。", "recording data needs --as PERSON."))
    result = stepdata.record(app.store, task=task, item=item, data=_pairs(data), actor=actor, clock=app.clock, plugins=app.plugins,
                             note=note, step=step, checklist=checklist)
    _warn(result.warnings)
    values = ", ".join(f"{k}={v}" for k, v in result.values.items())
    click.echo(say("{t} / {i}:已记录 {s} 数据 {v}  (#{e})", "{t} / {i}: recorded {s} data {v}  (#{e})",
                   t=result.task, i=result.item, s=result.step, v=values, e=result.event_seq))


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="TASK [ITEM]")
@click.option("--as", "actor", required=True, help="验收人员标识 / the inspector's id")
@click.option("--check", "checks", multiple=True, metavar="NAME=VALUE", help="验收标准(名称或序号)=结果 / criterion (name or number)=value")
@click.option("--evidence", multiple=True, type=click.Path(dir_okay=False), help="证明材料文件 / an evidence file")
@click.option("--note", default=None, help="验收意见 / a note")
@click.option("--checklist", default=None)
@common_options
@pass_app
def inspect(app, words, actor, checks, evidence, note, checklist):
    """录入一轮验收结果,并据此通过或退回整改 / record an inspection round; it passes or fails the item."""
    from engine.runtime.evidence import store_file
    from plugins.acceptance import record as record_round

    task, item = _task_item(words, "qingdan inspect 任务 [子项] --as 验收人员 --check 标准=结果 ...",
                            "qingdan inspect TASK [ITEM] --as INSPECTOR --check NAME=VALUE ...")
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
    files = [store_file(path) for path in evidence]
    result = record_round(app.store, task=task, item=item, inspector=actor, values=values, clock=app.clock, plugins=app.plugins,
                          evidence=files, note=note, checklist=checklist)
    fired = result.fired
    if result.passed:
        click.echo(say("第 {r} 轮验收通过:全部 {n} 项标准达标。", "inspection round {r} passed: all {n} criteria met.",
                       r=result.round, n=len(result.findings)))
    else:
        click.echo(say("第 {r} 轮验收未通过:{u}", "inspection round {r} failed: {u}", r=result.round, u="; ".join(result.unmet)))
    for item_evidence in result.evidence:
        click.echo(f"    {item_evidence.name}  sha256:{item_evidence.sha256}  {item_evidence.size} B")
    click.echo(f"{fired.task} / {fired.item}: {fired.from_state} → {fired.to_state}  (#{fired.event_seq})")
    if result.rectify_due is not None:
        click.echo(say("整改期限:{d}", "rectify by: {d}", d=result.rectify_due.isoformat()))
    _warn(fired.warnings)


@click.command(context_settings={"ignore_unknown_options": True})  # so "-5" reaches AMOUNT and is refused there
@click.argument("task")
@click.argument("action", required=False, metavar="[allocate|disburse|spend]")
@click.argument("amount", required=False)
@click.option("--date", "on_date", default=None, metavar="YYYY-MM-DD", help="日期 / the date")
@click.option("--doc", "document", default=None, help="文号或凭证号 / document or voucher number")
@click.option("--as", "actor", default=None, help="记账人标识 / the recording person's id")
@click.option("--note", default=None, help="说明 / a note")
@click.option("--checklist", default=None)
@common_options
@pass_app
def funds(app, task, action, amount, on_date, document, actor, note, checklist):
    """资金台账:下达、拨付、支出;不带操作时显示台账 / the funds ledger: allocate, disburse, spend, or show it."""
    from plugins import funds as ledger

    if action is None:
        totals, entries = ledger.ledger(app.store, task=task, checklist=checklist)
        click.echo(totals.describe())
        for entry in entries:
            click.echo(f"    #{entry['id']}  {entry['on_date'].isoformat()}  {ledger.word(entry['kind'])}  "
                       f"{plain(entry['amount'])} {totals.unit}  {entry['document'] or ''}  {entry['actor']}"
                       + (f"  {entry['note']}" if entry["note"] else ""))
        return
    if amount is None or on_date is None or actor is None:
        raise InputError(say("用法:qingdan funds 任务 allocate|disburse|spend 金额 --date YYYY-MM-DD --doc 文号 --as 人员",
                             "usage: qingdan funds TASK allocate|disburse|spend AMOUNT --date YYYY-MM-DD --doc DOCUMENT --as PERSON"))
    result = ledger.record(app.store, task=task, action=action, amount=amount, on_date=on_date, document=document, actor=actor,
                           clock=app.clock, note=note, checklist=checklist)
    _warn(result.warnings)
    click.echo(say("已记录(编号 {e}):{t} {w} {a} {u}。{s}", "recorded (entry {e}): {t} {w} {a} {u}. {s}", e=result.entry, t=result.task,
                   w=ledger.word(result.kind), a=plain(result.amount), u=result.totals.unit, s=result.totals.describe()))


COMMANDS = [plugins, record, inspect, funds]
