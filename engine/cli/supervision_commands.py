"""督办 and 延期 on the command line: issue a supervision notice, reply to it (with evidence files), close it, read a
task's thread; ask for an extension and decide one. The engine decides (``engine.runtime.supervision``,
``engine.runtime.extension_requests``); these commands only parse and print."""

from __future__ import annotations

import click

from engine.cli.context import common_options, pass_app, split_task_item
from engine.i18n import say


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="TASK [ITEM]")
@click.option("--colour", "--color", "colour", required=True, help="颜色 blue|yellow|red(蓝:期限临近;黄:进度滞后或质量不佳;红:已逾期)")
@click.option("--instruction", required=True, help="督办要求 / what is asked")
@click.option("--reply-by", "reply_by", required=True, metavar="YYYY-MM-DD", help="回复期限 / reply due by")
@click.option("--as", "actor", required=True, help="下发人标识(分管领导或主要负责人)/ the issuing leader or head")
@click.option("--checklist", default=None, help="清单编号(任务编号重复时)/ checklist id when task ids repeat")
@common_options
@pass_app
def supervise(app, words, colour, instruction, reply_by, actor, checklist):
    """下发督办单 / issue a supervision notice on a task or one item."""
    from engine.runtime.supervision import colour_word, issue

    task, item = split_task_item(
        words,
        "qingdan supervise 任务 [子项] --colour red --instruction 要求 --reply-by 日期 --as 人员",
        "qingdan supervise TASK [ITEM] --colour red --instruction TEXT --reply-by DATE --as PERSON",
    )
    done = issue(
        app.store,
        task=task,
        item=item,
        colour=colour,
        instruction=instruction,
        reply_by=reply_by,
        actor=actor,
        clock=app.clock,
        checklist=checklist,
    )
    about = f"{done.task}" + (f" / {done.item}" if done.item else "")
    click.echo(
        say(
            "已下发督办单 {i}({c}):{a},请于 {d} 前回复。",
            "supervision notice {i} issued ({c}): {a}, reply by {d}.",
            i=done.id,
            c=colour_word(colour.strip().lower()),
            a=about,
            d=done.reply_by.isoformat(),
        )
    )


@click.command()
@click.argument("supervision_id", type=int)
@click.option("--text", required=True, help="情况说明 / the reply")
@click.option("--file", "files", multiple=True, type=click.Path(dir_okay=False), help="证明材料文件(可多次)/ an evidence file (repeatable)")
@click.option("--as", "actor", required=True, help="回复人标识(责任人)/ the responsible person")
@common_options
@pass_app
def reply(app, supervision_id, text, files, actor):
    """回复督办单(情况说明)/ reply to a supervision notice."""
    from pathlib import Path

    from engine.errors import InputError
    from engine.runtime import supervision
    from engine.runtime.evidence import intake

    supervision.may_answer(app.store, supervision_id, actor)  # before any file is taken
    checklist, _ = supervision.checklist_of(app.store, supervision_id)
    with intake(app.store, checklist) as taking:
        taken = []
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise InputError(say("找不到证明材料文件 {p}。", "cannot find the evidence file {p}.", p=name), field="file")
            with path.open("rb") as handle:
                taken.append(taking.add(path.name, handle))
        supervision.reply(app.store, supervision_id=supervision_id, text=text, actor=actor, clock=app.clock, evidence=taken)
    click.echo(say("已回复督办单 {i}(附 {n} 个文件)。", "replied to supervision notice {i} ({n} file(s)).", i=supervision_id, n=len(taken)))


@click.command("close-supervision")
@click.argument("supervision_id", type=int)
@click.option("--note", default=None, help="办结意见 / a note")
@click.option("--as", "actor", required=True, help="分管领导或主要负责人 / the leader or a head")
@common_options
@pass_app
def close_supervision(app, supervision_id, note, actor):
    """阅毕回复,办结督办单 / close a replied supervision notice."""
    from engine.runtime.supervision import close

    close(app.store, supervision_id=supervision_id, actor=actor, clock=app.clock, note=note)
    click.echo(say("督办单 {i} 已办结。", "supervision notice {i} closed.", i=supervision_id))


@click.command()
@click.argument("task")
@click.option("--checklist", default=None)
@common_options
@pass_app
def supervisions(app, task, checklist):
    """任务的督办单与延期申请 / a task's supervision notices and extension requests."""
    from engine import catalog
    from engine.queries.supervision_thread import task_thread
    from engine.runtime.supervision import colour_word
    from engine.runtime.supervision_notices import person_name

    with app.store.read() as conn:
        ref = catalog.find_task(conn, task, checklist)
        thread = task_thread(conn, ref.checklist.id, ref.task.id)
    definition = ref.checklist
    if not thread.supervisions and not thread.extensions:
        click.echo(say("没有督办单或延期申请。", "no supervision notices or extension requests."))
    for s in thread.supervisions:
        state = say("已办结", "closed") if s.closed_at else say("已回复", "replied") if s.answered_at else say("待回复", "awaiting reply")
        click.echo(
            f"#{s.id} {colour_word(s.colour)} {s.item or say('整个任务', 'whole task')} · {person_name(definition, s.issuer)} · "
            + say("回复期限 ", "reply by ")
            + f"{s.reply_by.isoformat()} · {state}\n    {s.instruction}"
        )
        for r in s.replies:
            files = ", ".join(e.get("name", "") for e in r.evidence)
            click.echo(f"    ↳ {person_name(definition, r.author)}: {r.text}" + (f" [{files}]" if files else ""))
    for e in thread.extensions:
        state = {"approved": say("已同意", "approved"), "refused": say("未同意", "refused")}.get(e.decision or "", say("待审批", "pending"))
        click.echo(
            say(
                "延期申请 #{i} {t}:{f} → {n}(原定 {o})· {p} · {s}",
                "extension #{i} {t}: {f} → {n} (originally {o}) · {p} · {s}",
                i=e.id,
                t=e.item,
                f=e.current_due.isoformat(),
                n=e.requested_due.isoformat(),
                o=e.original_due.isoformat(),
                p=person_name(definition, e.requester),
                s=state,
            )
            + f"\n    {e.reason}"
            + (f"\n    ↳ {e.decision_note}" if e.decision_note else "")
        )


@click.group()
def extension():
    """申请延期与审批 / extension requests."""


@extension.command("request")
@click.argument("task")
@click.argument("item")
@click.option("--to", "requested_due", required=True, metavar="YYYY-MM-DD", help="申请延至 / the new date")
@click.option("--reason", required=True, help="延期理由 / why")
@click.option("--deadline", "milestone", default=None, help="要延期的时间节点(流程状态);默认最近的未完成期限 / the milestone state")
@click.option("--as", "actor", required=True, help="责任人 / the responsible person")
@click.option("--checklist", default=None)
@common_options
@pass_app
def extension_request(app, task, item, requested_due, reason, milestone, actor, checklist):
    """责任人申请延期 / ask for a later date for one item's deadline."""
    from engine.runtime.extension_requests import request

    done = request(
        app.store,
        task=task,
        item=item,
        requested_due=requested_due,
        reason=reason,
        actor=actor,
        clock=app.clock,
        milestone=milestone,
        checklist=checklist,
    )
    click.echo(
        say(
            "已提交延期申请 {i}:{t} / {m} “{l}” {d} → {n},等待审批。",
            "extension request {i} sent: {t} / {m} '{l}' {d} → {n}, awaiting a decision.",
            i=done.id,
            t=done.task,
            m=done.item,
            l=done.label,
            d=done.current_due.isoformat(),
            n=done.requested_due.isoformat(),
        )
    )


@extension.command("decide")
@click.argument("request_id", type=int)
@click.option("--approve/--refuse", "approve", required=True, help="同意或不同意 / approve or refuse")
@click.option("--note", default=None, help="审批意见(不同意时必填)/ a note (required when refusing)")
@click.option("--as", "actor", required=True, help="分管领导或主要负责人 / the leader or a head")
@common_options
@pass_app
def extension_decide(app, request_id, approve, note, actor):
    """审批延期申请 / approve or refuse an extension request."""
    from engine.runtime.extension_requests import decide

    decision = decide(app.store, request_id=request_id, approve=approve, actor=actor, clock=app.clock, note=note)
    click.echo(
        say(
            "延期申请 {i}:{d}。",
            "extension request {i}: {d}.",
            i=request_id,
            d=say("已同意,期限已顺延", "approved, the deadline moved") if decision == "approved" else say("不同意", "refused"),
        )
    )


COMMANDS = [supervise, reply, close_supervision, supervisions, extension]
