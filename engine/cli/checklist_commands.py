"""Commands about whole checklists: validate, load, status."""

from __future__ import annotations

import json
import sys

import click

from engine.cli.context import common_options, pass_app
from engine.cli.render import bar, table
from engine.errors import InputError
from engine.i18n import say
from engine.numbers import plain as _n


def _validate_all(app, files):
    from engine.definition.validation import validate_file
    from engine.pluginmanager import step_types

    steps = step_types(app.plugins)
    return [validate_file(path, steps) for path in files]


def _print_problems(results) -> int:
    errors = 0
    for result in results:
        for problem in result.problems:
            click.echo(problem.format(), err=problem.severity == "error")
        errors += len(result.errors)
    return errors


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@common_options
@pass_app
def validate(app, files):
    """检查清单文件,列出每个问题的位置 / check checklist files and show every problem with its place."""
    results = _validate_all(app, files)
    errors = _print_problems(results)
    for result in results:
        if result.ok:
            d = result.definition
            click.echo(
                say(
                    "✓ {f}:{c},{t} 项任务,{i} 个子项,{w} 条警告。",
                    "✓ {f}: {c}, {t} tasks, {i} items, {w} warnings.",
                    f=result.file,
                    c=d.id,
                    t=len(d.tasks),
                    i=sum(len(t.items) for t in d.tasks),
                    w=len(result.warnings),
                )
            )
    if errors:
        click.echo(say("共 {n} 个错误,未通过检查。", "{n} errors; the check failed.", n=errors), err=True)
        sys.exit(1)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="允许归档已有记录的任务/子项 (见文档) / allow archiving data that has history")
@click.option("--as", "actor", default="admin", show_default=True, help="操作人 / who is loading")
@common_options
@pass_app
def load(app, files, force, actor):
    """检查并载入清单(全部成功或全部不载入)/ validate and load checklists, all or nothing."""
    from engine.runtime.loader import load as load_checklists

    results = _validate_all(app, files)
    errors = _print_problems(results)
    if errors:
        click.echo(say("共 {n} 个错误,没有载入任何清单。", "{n} errors; nothing was loaded.", n=errors), err=True)
        sys.exit(1)
    ids = [r.definition.id for r in results]
    if len(set(ids)) != len(ids):
        raise InputError(
            say("同一个清单编号出现在多个文件中:{i}。", "the same checklist id appears in several files: {i}.", i=", ".join(ids))
        )
    progress = _progress_printer() if sys.stderr.isatty() else None
    reports = load_checklists(app.store, [r.definition for r in results], clock=app.clock, actor=actor, force=force, progress=progress)
    if progress:
        click.echo("", err=True)
    for report in reports:
        if report.action == "unchanged":
            click.echo(say("= {c}:内容未变(第 {r} 版)。", "= {c}: unchanged (revision {r}).", c=report.checklist, r=report.revision))
        elif report.action == "created":
            click.echo(
                say(
                    "+ {c}:已载入,{t} 项任务,{i} 个子项。",
                    "+ {c}: loaded, {t} tasks, {i} items.",
                    c=report.checklist,
                    t=report.tasks_added,
                    i=report.items_added,
                )
            )
        else:
            click.echo(
                say(
                    "~ {c}:已更新为第 {r} 版(新增 {t} 项任务、{i} 个子项;归档 {a})。",
                    "~ {c}: updated to revision {r} ({t} tasks and {i} items added; archived: {a}).",
                    c=report.checklist,
                    r=report.revision,
                    t=report.tasks_added,
                    i=report.items_added,
                    a=", ".join(report.archived) or "-",
                )
            )
            for change in report.changes[:20]:
                click.echo(f"    {change}")
        for warning in report.warnings:
            click.echo(say("  警告:{w}", "  warning: {w}", w=warning), err=True)


def _progress_printer():
    def show(done, total):
        click.echo(f"\r{say('载入子项', 'loading items')} {bar(done, total, 30)} {done}/{total}", err=True, nl=False)

    return show


@click.command()
@click.argument("checklist", required=False)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM-DD",
    help="截至某日的情况(按实际发生日期重算)/ restate as of an earlier date",
)
@common_options
@pass_app
def status(app, checklist, as_json, as_of):
    """各任务进度、状态分布、下一节点和逾期数 / progress, states, next deadline and overdue count per task."""
    from engine.catalog import checklist_ids
    from engine.queries.status import checklist_status
    from engine.runtime.closing import closed_ids

    with app.store.read() as conn:
        ids = checklist_ids(conn)
        closed = closed_ids(conn)
    if checklist is None:
        if not ids:
            raise InputError(
                say("还没有载入任何清单;先运行 qingdan load 文件.yaml。", "no checklist is loaded yet; run qingdan load FILE.yaml first.")
            )
        if as_json and len(ids) > 1:
            raise InputError(say("已载入多个清单,请指明一个:{k}。", "several checklists are loaded; name one: {k}.", k=", ".join(ids)))
        chosen = ids
    else:
        chosen = [checklist]
    boards = [checklist_status(app.store, cid, app.clock, app.plugins, as_of=_statement_date(app, cid, as_of)) for cid in chosen]
    for note in (task.unusable_note() for board in boards for task in board.tasks):
        if note:  # stored figures no one could have entered: shown without them, and said so
            click.echo(say("警告:{w}", "warning: {w}", w=note), err=True)
    if as_json:
        click.echo(json.dumps(boards[0].as_json(), ensure_ascii=False, indent=2))
        return
    for board in boards:
        closed_mark = say("【已归档,只读】", "[closed, read-only] ") if board.checklist.id in closed else ""
        click.echo(closed_mark + _render_board(board))


def _statement_date(app, checklist_id: str, as_of):
    if as_of is None:
        return None
    from engine.catalog import get_checklist
    from engine.runtime.activity import statement_date

    with app.store.read() as conn:
        definition = get_checklist(conn, checklist_id)
    return statement_date(as_of, app.clock.now(), definition.timezone, definition.year)


LIGHTS = {"green": "🟢", "yellow": "🟡", "red": "🔴", "done": "✅"}


def _render_board(board) -> str:
    d = board.checklist
    lines = [f"{d.title}  [{d.id}]  {say('今天', 'today')} {board.today.isoformat()}"]
    for link in board.parents:
        above = link.title or say("{c}(未载入)", "{c} (not loaded)", c=link.checklist)
        lines.append(
            say(
                "上级清单:{p} 任务 {t}(本清单任务 {o} 承接)",
                "parent list: {p}, task {t} (fulfilled by {o})",
                p=above,
                t=link.task,
                o=link.own_task,
            )
        )
    lines.append("")
    rows = []
    for task in board.tasks:
        done, target = float(task.done), float(task.target)
        unit = task.target_unit or (say("项", "items") if task.kind == "workflow" else say("户/人", "items"))
        states = (
            " ".join(f"{d.workflows[d.task_by_id[task.id].workflow].label(s)}:{n}" for s, n in task.states.items())
            if task.kind == "workflow"
            else ""
        )
        if task.parts:
            states = " ".join(f"{key}:{_n(pdone)}/{_n(ptarget)}" for key, (pdone, ptarget) in task.parts.items())
        if task.measure != "sum":  # a reading, not a running total: say which and of when (engine.runtime.measures)
            from engine.runtime.measures import value_word

            states = f"{value_word(task.measure)} {task.reading_on.isoformat()}" if task.reading_on else say("尚无读数", "no reading yet")
        nxt = f"{task.next_deadline.isoformat()} {_milestone(d, task)}" if task.next_deadline else "-"
        rows.append(
            [
                LIGHTS.get(task.light, task.light),
                task.id,
                task.title,
                d.units.get(task.unit, task.unit),
                f"{bar(done, target)} {_n(task.done)}/{_n(task.target)}{unit}",
                states,
                nxt,
                str(task.overdue) if task.overdue else "",
            ]
        )
        for child in task.children:  # lists across levels: each child list's part, its figures summed above
            rows.append(
                [
                    LIGHTS.get(child.light, child.light) if child.light else "··",
                    "",
                    f"└ {child.title}",
                    "" if child.loaded else say("未载入", "not loaded"),
                    f"{bar(float(child.done), float(child.target))} {_n(child.done)}/{_n(child.target)}{unit}",
                    "",
                    "",
                    str(child.overdue) if child.overdue else "",
                ]
            )
    headers = [
        say("灯", "light"),
        say("编号", "id"),
        say("任务", "task"),
        say("单位", "unit"),
        say("进度", "progress"),
        say("状态/分项", "states/parts"),
        say("下一节点", "next deadline"),
        say("逾期", "overdue"),
    ]
    lines.append(table(headers, rows, limits={2: 28, 5: 40}))
    return "\n".join(lines) + "\n"


def _milestone(definition, task) -> str:
    task_def = definition.task_by_id[task.id]
    if task.kind == "workflow":
        return definition.workflows[task_def.workflow].label(task.next_milestone)
    if task.kind == "recurring":
        return say("本期截止", "period ends")
    return say("完成", "done")


COMMANDS = [validate, load, status]
