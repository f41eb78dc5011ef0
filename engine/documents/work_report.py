"""工作汇报 / 上半年工作总结: the five parts of seed 001, written from ``engine.documents.facts``.

一、任务目标 (the tasks' targets) 二、工作举措 (the list's ``documents: measures``) 三、工作开展情况 (per task: what was
planned, figures done with shares and parts, stages reached with dates, money) 四、存在的问题 (overdue items,
targets behind time, failed inspections, problems written in report notes) 五、下一步打算 (the next milestones
and the quantities still to do). A task's own ``note`` (the document it rests on, remarks) opens its paragraph
under 三、. Where the data has nothing to say, a 【待补充:…】 placeholder says what to write.

``context(facts)`` is a plain dict of strings and lists (keys in docs/documents.md): the built-in layout here
and an office's own docxtpl template (``engine.documents.templates``) print the same context. Every figure is a
fact's; this module only words them.
"""

from __future__ import annotations

from pathlib import Path

from engine.documents import docx_style as style
from engine.documents.phrasing import (
    day,
    full_day,
    full_width,
    level1,
    level2,
    names,
    num,
    percent,
    period_words,
    placeholder,
    points,
    score,
    sentence,
)
from engine.kinds import Light, TaskKind
from engine.runtime.measures import is_measured, value_word

EVERY = {"week": "周", "month": "月", "quarter": "季度", "year": "年"}


def context(facts) -> dict:
    d = facts.checklist
    year = d.year
    when = period_words(facts.period.kind if facts.period else None, facts.period.start if facts.period else None)
    label = facts.period.label if facts.period else full_day(facts.as_of)
    kind = facts.period.kind if facts.period else None
    as_of = day(facts.as_of, year)
    owner = d.owner or ""
    title = f"{owner}{label}{'工作总结' if kind in ('half', 'year') else '工作汇报'}"
    basis = f"{d.issued_by}印发的《{d.title}》" if d.issued_by else f"《{d.title}》"
    intro = (
        f"根据{basis},{owner or '我单位'}对照任务清单逐项梳理目标任务,明确责任单位、责任人和时间节点,"
        f"按时间节点逐一落实。现将{when}工作情况(截至{as_of})汇报如下。"
    )
    groups = _by_unit(facts.tasks)
    ctx = {
        "title": title,
        "owner": owner,
        "issued_by": d.issued_by or "",
        "list_title": d.title,
        "year": str(year),
        "as_of": full_day(facts.as_of),
        "as_of_short": as_of,
        "period": label,
        "period_kind": kind or "",
        "period_words": when,
        "intro": intro,
        "targets": _targets(facts),
        "measures": _measures(d),
        "progress": [{"heading": h, "tasks": [_progress(facts, tf, n, when) for n, tf in enumerate(ts, 1)]} for h, ts in groups],
        "peers": [
            {"heading": level2(n, block["heading"]), "paragraphs": block["paragraphs"]}
            for n, block in enumerate(_peer_block(facts), len(groups) + 1)
        ],
        "problems": _problems(facts, as_of),
        "plans": [{"heading": h, "tasks": [_plan(facts, tf, n) for n, tf in enumerate(ts, 1)]} for h, ts in groups],
        "signature": {"owner": owner, "date": full_day(facts.as_of)},
    }
    ctx["sections"] = [
        {"heading": level1(1, "任务目标"), "blocks": [{"heading": "", "paragraphs": ctx["targets"]}]},
        {"heading": level1(2, "工作举措"), "blocks": ctx["measures"]},
        {
            "heading": level1(3, f"{when}工作开展情况"),
            "blocks": [{"heading": g["heading"], "paragraphs": [t["text"] for t in g["tasks"]]} for g in ctx["progress"]] + ctx["peers"],
        },
        {"heading": level1(4, "存在的问题"), "blocks": ctx["problems"]},
        {
            "heading": level1(5, "下一步打算"),
            "blocks": [{"heading": g["heading"], "paragraphs": [t["text"] for t in g["tasks"]]} for g in ctx["plans"]],
        },
    ]
    return full_width(ctx)


def _by_unit(tasks) -> list[tuple[str, list]]:
    """Tasks grouped by their unit, in the list's order: (一)文化股工作。"""
    groups: dict[str, list] = {}
    for tf in tasks:
        groups.setdefault(tf.unit, []).append(tf)
    return [(level2(n, f"{unit}工作。"), ts) for n, (unit, ts) in enumerate(groups.items(), 1)]


def _unit(tf) -> str:
    return tf.target_unit or "个"


def _goal(tf) -> str:
    """What the task is to achieve: 全年完成全县农村放映公益电影5472场次,其中贫困村放映300场次."""
    task = tf.task
    if task.kind == TaskKind.RECURRING:
        return f"{task.title}(每{EVERY.get(task.every, task.every)}不少于{task.at_least}次)"
    if task.kind == TaskKind.WORKFLOW and tf.target <= 1:
        return task.title
    text = f"{task.title}{num(tf.target)}{_unit(tf)}"
    for part in tf.parts:
        text += f",其中{part.title}{num(part.quantity)}{_unit(tf)}"
    return text


def _targets(facts) -> list[str]:
    if not facts.tasks:
        return [placeholder("任务目标")]
    d = facts.checklist
    count = facts.totals.get("tasks", len(facts.tasks))
    lead = f"今年,《{d.title}》共列任务{count}项。"
    return [lead + "具体工作内容为" + ";".join(_goal(tf) for tf in facts.tasks) + "。"]


def _measures(d) -> list[dict]:
    if not d.measures:
        return [{"heading": "", "paragraphs": [placeholder("工作举措")]}]
    return [
        {"heading": level2(n, sentence(title)), "paragraphs": [text or placeholder(f"{title}的具体做法")]}
        for n, (title, text) in enumerate(d.measures, 1)
    ]


def _planned(facts, tf) -> str:
    """计划于7月20日前进入“施工中”阶段、9月5日前进入“已完工”阶段: the list's dated milestones of a workflow task."""
    task = tf.task
    if task.kind != TaskKind.WORKFLOW or not task.deadlines:
        return ""
    workflow = facts.checklist.workflows[task.workflow]
    dated = sorted(task.deadlines.items(), key=lambda pair: pair[1])
    return "计划于" + "、".join(f"{day(due, facts.checklist.year)}前进入“{workflow.label(state)}”阶段" for state, due in dated) + "。"


def _progress(facts, tf, number: int, when: str) -> dict:
    task, year = tf.task, facts.checklist.year
    as_of = day(facts.as_of, year)
    text = f"{number}.{sentence(_goal(tf))}"
    if task.note:
        text += sentence(task.note)
    text += _planned(facts, tf)
    if task.kind == TaskKind.WORKFLOW:
        text += _stages(facts, tf, as_of)
    elif is_measured(task) and tf.status.reading_on is not None:  # a reading, not a running total
        text += f"截至{as_of},{value_word(task.measure, chinese=True)}为{num(tf.done)}{_unit(tf)}({day(tf.status.reading_on, year)}),"
        text += f"目标为{num(tf.target)}{_unit(tf)}" + ("(已达到)。" if tf.status.complete else "。")
    elif is_measured(task):
        text += f"截至{as_of},尚无报送的读数。" + placeholder(f"{task.title}的进展情况")
    elif tf.done:
        text += f"截至{as_of},累计完成{num(tf.done)}{_unit(tf)},占目标的{percent(tf.completion)}"
        for part in tf.parts:
            text += f";其中{part.title}{num(part.done)}{_unit(tf)},占{percent(part.completion)}"
        if tf.period_done is not None and tf.period_done != tf.done:
            text += f";{when}完成{num(tf.period_done)}{_unit(tf)}"
        text += "。"
    else:
        text += f"截至{as_of},尚无报送的完成数。" + placeholder(f"{task.title}的进展情况")
    text += _funds(tf)
    text += _children(tf)
    return {
        "number": f"{number}.",
        "id": task.id,
        "title": task.title,
        "text": text,
        "done": num(tf.done),
        "target": num(tf.target),
        "unit": _unit(tf),
        "completion": percent(tf.completion),
        "light": tf.light_words,
    }


def _children(tf) -> str:
    """分乡镇看:镇a清单完成150场,占37.5%;… for a task assigned to child lists, each child's own figures."""
    if not tf.children:
        return ""
    kinds = list(dict.fromkeys(c.share.kind for c in tf.children if c.share.kind))
    lead = f"分{'、'.join(kinds) if kinds else '下级清单'}看:"
    parts = []
    for child in tf.children:
        own = child.task
        if own is None:
            parts.append(f"{child.name}尚未载入")
        elif tf.task.kind == TaskKind.WORKFLOW:
            parts.append(f"{child.name}已完成{num(own.done)}个(共{num(own.target)}个),占{percent(own.completion)}")
        else:
            parts.append(f"{child.name}完成{num(own.done)}{_unit(tf)}(任务{num(own.target)}{_unit(tf)}),占{percent(own.completion)}")
        if own is not None and own.overdue_items:
            parts[-1] += f",逾期子项{own.overdue_items}个"
    return lead + ";".join(parts) + "。"


def _peer_block(facts) -> list[dict]:
    """A parent list's child lists ranked among their kind (``Facts.peers``, the status's scores), under 三、."""
    from engine.documents.dispatch import CHILD_WORD

    found = []
    for kind, scores in facts.peers:
        ranks = "、".join(f"第{s.rank}名{s.name}({score(s.score)}分)" for s in scores)
        late = [s for s in scores if s.overdue]
        text = f"按完成情况、按时完成、无逾期三项得分排名,{ranks}。"
        if late:
            text += "有逾期子项的:" + "、".join(f"{s.name}({s.overdue}个)" for s in late) + "。"
        found.append({"heading": f"各{kind or CHILD_WORD}推进情况。", "paragraphs": [text]})
    return found


def _stages(facts, tf, as_of: str) -> str:
    year = facts.checklist.year
    workflow = facts.checklist.workflows[tf.task.workflow]
    single = tf.target <= 1
    reached = [(label, first, count) for label, first, count in tf.reached]
    if single:
        done = "、".join(f"于{day(first, year)}进入“{label}”" for label, first, _count in reached)
    else:
        done = "、".join(f"{count}个子项进入“{label}”(最早{day(first, year)})" for label, first, count in reached)
    text = f"截至{as_of}," + (f"已{done};" if single and done else f"已有{done};" if done else "")
    order = list(workflow.states)  # a rolled-up task's states come in its children's order: the workflow's is read
    ranked = sorted(tf.status.states.items(), key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order))
    states = [(workflow.label(state), count) for state, count in ranked if count]
    if single and states:
        text += f"目前处于“{states[0][0]}”阶段"
    elif states:
        text += "目前" + "、".join(f"“{label}”{count}个" for label, count in states)
        text += f",已完成{num(tf.done)}个,占{percent(tf.completion)}"
    return text + "。"


def _funds(tf) -> str:
    if not tf.funds:
        return ""
    unit = (tf.status.extra.get("funds") or {}).get("unit") or tf.target_unit or ""
    words = (("budget", "资金预算"), ("allocated", "已下达"), ("disbursed", "已拨付"), ("spent", "已支出"))
    return ",".join(f"{word}{num(tf.funds[key])}{unit}" for key, word in words if key in tf.funds) + "。"


def _problems(facts, as_of: str) -> list[dict]:
    year = facts.checklist.year
    overdue: dict[tuple, list] = {}
    for fact in facts.overdue:  # an assigned task's items are grouped per child list (each has its own people)
        overdue.setdefault((fact.task.id, fact.milestone, fact.due, fact.days_overdue, fact.unit, fact.responsible), []).append(fact)
    lines = []
    for (_task, milestone, due, days, _unit_name, _person), group in overdue.items():
        first = group[0]
        lines.append(
            f"{first.task.title}:{names([f.item for f in group])}未按期完成“{milestone}”节点(应于{day(due, year)}前),"
            f"已逾期{days}天,责任单位{first.unit},责任人{first.responsible}。"
        )
    behind = [
        f"{tf.task.title}:完成{percent(tf.completion)},时间进度{percent(tf.time_elapsed)},落后{points(tf.gap)}个百分点。"
        for tf in facts.tasks
        if tf.task.kind == TaskKind.TARGET and tf.behind_pace
    ]
    failed = [
        f"{i.task.title}({i.item}):{day(i.on_date, year)}第{i.round}轮验收未通过,未达标准:{';'.join(i.unmet) or '见验收记录'}"
        + (f",须于{day(i.rectify_due, year)}前整改到位。" if i.rectify_due else "。")
        for i in facts.failed_inspections
    ]
    notes = [f"{tf.task.title}:{sentence(r.note)}({r.person},{day(r.on_date, year)})" for tf in facts.tasks for r in tf.notes]
    blocks = [
        ("逾期未完成事项。", lines, f"截至{as_of},无逾期事项。"),
        ("进度滞后于时间进度的目标任务。", behind, f"截至{as_of},各项目标任务完成进度均不落后于时间进度。"),
        ("验收未通过事项。", failed, f"截至{as_of},无验收未通过事项。"),
        ("工作中反映的问题。", notes, placeholder("工作中遇到的困难和问题")),
    ]
    return [
        {"heading": level2(n, heading), "paragraphs": [f"{k}.{x}" for k, x in enumerate(found, 1)] if found else [empty]}
        for n, (heading, found, empty) in enumerate(blocks, 1)
    ]


def _plan(facts, tf, number: int) -> dict:
    task, year = tf.task, facts.checklist.year
    text = f"{number}.{sentence(_goal(tf))}"
    if tf.light == Light.DONE:
        text += "已全面完成。"
    else:
        steps = []
        late: dict[tuple, list[str]] = {}
        for fact in facts.overdue:
            if fact.task.id == task.id:
                late.setdefault((fact.milestone, fact.unit if fact.checklist else None), []).append(fact.item)
        steps.extend(
            f"督促{child}尽快完成{names(items)}的“{milestone}”节点" if child else f"督促{names(items)}尽快完成“{milestone}”节点"
            for (milestone, child), items in late.items()
        )
        for inspection in facts.failed_inspections:
            if inspection.task.id == task.id and inspection.rectify_due and inspection.rectify_due >= facts.as_of:
                steps.append(f"{inspection.item}于{day(inspection.rectify_due, year)}前整改到位并申请复验")
        if tf.remaining is not None and task.kind != TaskKind.WORKFLOW and tf.remaining > 0:
            due = next((d for _label, d, _n in tf.upcoming), None)
            if is_measured(task):  # a reading to raise, not an amount still to do
                steps.append(
                    f"距目标{num(tf.target)}{_unit(tf)}还差{num(tf.remaining)}{_unit(tf)}" + (f",确保{day(due, year)}前达到" if due else "")
                )
            else:
                steps.append(f"还需完成{num(tf.remaining)}{_unit(tf)}" + (f",确保{day(due, year)}前完成" if due else ""))
        elif task.kind == TaskKind.WORKFLOW:
            single = tf.target <= 1
            for label, due, count in tf.upcoming:
                steps.append(f"确保{day(due, year)}前" + ("" if single else f"{count}个子项") + f"达到“{label}”")
        elif task.kind == TaskKind.RECURRING:
            steps.extend(f"{label}前完成" for label, _due, _n in tf.upcoming[:1])
        text += sentence(";".join(steps)) if steps else placeholder(f"{task.title}的下一步打算")
    return {"number": f"{number}.", "id": task.id, "title": task.title, "text": text}


def write(facts, output: Path, template: Path | None = None) -> Path:
    """Write the report to ``output``: through the office's docxtpl ``template`` when given, else the built-in layout."""
    ctx = context(facts)
    output = Path(output)
    if template is not None:
        from engine.documents.templates import render_template

        render_template(template, ctx, output)
        return output
    document = style.new_document()
    style.title(document, ctx["title"])
    style.body(document, ctx["intro"])
    for section in ctx["sections"]:
        style.heading(document, section["heading"], 1)
        for block in section["blocks"]:
            if block["heading"]:
                style.heading(document, block["heading"], 2)
            for paragraph in block["paragraphs"]:
                style.body(document, paragraph)
    style.signature(document, ctx["signature"]["owner"], ctx["signature"]["date"])
    document.save(str(output))
    return output
