"""通报 (circular): where a list stands on a date, for every unit to read, written from ``engine.documents.facts``.

Title and date; 一、总体情况 (the list's totals); 二、各单位排名 (a table of the peer units per kind with the parts
of their score, from ``engine.queries.ranking``, then the best and the last three named); 三、逾期事项 (every
overdue item with its unit, responsible person and days overdue); 四、验收未通过事项 (items whose latest
inspection round failed, with the unmet criteria); 五、下一步工作要求 (the list's ``documents: requirements``,
else a 【待补充:下一步工作要求】 placeholder); the issuing office and the date.

``context(facts)`` is a plain dict (keys in docs/documents.md) that the built-in layout here and an office's
own docxtpl template print alike. Nothing is computed here: scores, ranks, days and totals are the facts'.
"""

from __future__ import annotations

from pathlib import Path

from engine.documents import docx_style as style
from engine.documents.phrasing import day, full_day, full_width, level1, level2, percent, placeholder, score

RANKING_HEADER = ["排名", "单位", "任务数", "完成情况得分", "按时完成得分", "无逾期得分", "总分", "逾期子项"]
OWN_UNITS = "本级单位"  # a parent list's own units, ranked beside its child lists
CHILD_RANKING_HEADER = ["排名", "清单", *RANKING_HEADER[2:]]  # a parent list ranks its child lists, named by title
RANKING_WIDTHS = [12, 30, 16, 20, 20, 20, 16, 16]
OVERDUE_HEADER = ["序号", "任务", "子项", "时间节点", "应完成日期", "责任单位", "责任人", "逾期天数"]
OVERDUE_WIDTHS = [12, 34, 24, 20, 20, 16, 14, 14]
CHILD_OVERDUE_WIDTHS = [10, 28, 18, 16, 18, 36, 14, 14]  # items of child lists: the 责任单位 is a list's title
CHILD_RANKING_WIDTHS = [10, 42, 14, 18, 18, 18, 14, 16]
FAILED_HEADER = ["序号", "任务", "子项", "验收日期", "轮次", "未达标准", "整改期限"]
FAILED_WIDTHS = [12, 30, 22, 18, 12, 42, 18]


def context(facts) -> dict:
    d = facts.checklist
    year = d.year
    as_of = day(facts.as_of, year)
    totals = facts.totals
    lights = totals.get("lights", {})
    overall = (
        f"截至{as_of},《{d.title}》共有任务{totals.get('tasks', len(facts.tasks))}项、子项{totals.get('items', 0)}个,"
        f"已完成任务{totals.get('done_tasks', 0)}项;红灯{lights.get('red', 0)}项、黄灯{lights.get('yellow', 0)}项、"
        f"绿灯{lights.get('green', 0)}项;逾期子项{totals.get('overdue_items', 0)}个;"
        f"按时完成率{percent(totals.get('on_time_rate'))},目标任务平均完成率{percent(totals.get('completion'))}。"
    )
    own_word = OWN_UNITS if facts.peers else None  # beside the child lists, the list's own units are 本级单位
    rankings = [_ranking(kind, scores, children, own_word) for kind, scores, children in facts.rankings()]
    overdue = [
        {
            "no": str(n),
            "task": f.task.title,
            "item": f.item,
            "milestone": f.milestone,
            "due": day(f.due, year),
            "unit": f.unit,
            "responsible": f.responsible,
            "days": str(f.days_overdue),
        }
        for n, f in enumerate(facts.overdue, 1)
    ]
    failed = [
        {
            "no": str(n),
            "task": i.task.title,
            "item": i.item,
            "date": day(i.on_date, year),
            "round": f"第{i.round}轮",
            "inspector": i.inspector,
            "unmet": ";".join(i.unmet) or "见验收记录",
            "rectify_due": day(i.rectify_due, year) if i.rectify_due else "—",
        }
        for n, i in enumerate(facts.failed_inspections, 1)
    ]
    owner = d.owner or ""
    ctx = {
        "title": f"关于{d.title}推进情况的通报",
        "subtitle": f"(截至{full_day(facts.as_of)})",
        "owner": owner,
        "list_title": d.title,
        "as_of": full_day(facts.as_of),
        "as_of_short": as_of,
        "addressee": _addressee(facts),
        "opening": f"为推动《{d.title}》各项任务按时间节点落实,现将截至{as_of}的推进情况通报如下。",
        "overall": overall,
        "rankings": rankings,
        "ranking_heading": ranking_heading(facts),
        "ranking_note": "总分由完成情况、按时完成、无逾期三部分得分组成,各部分得分四舍五入至一位小数,合计可能与总分相差0.1。",
        "overdue": overdue,
        "overdue_text": f"截至{as_of},共有逾期子项{totals.get('overdue_items', 0)}个,具体如下:" if overdue else f"截至{as_of},无逾期事项。",
        "failed": failed,
        "failed_text": f"截至{as_of},以下子项最近一轮验收未通过:" if failed else f"截至{as_of},无验收未通过事项。",
        "requirements": d.requirements or placeholder("下一步工作要求"),
        "signature": {"owner": owner, "date": full_day(facts.as_of)},
    }
    return full_width(ctx)


def ranking_heading(facts) -> str:
    """各乡镇得分排名 when a parent list ranks only its child lists (by their kinds), else 各单位得分排名."""
    from engine.documents.dispatch import UNIT_TITLE, ranking_title

    return ranking_title(facts, True) if facts.peers and not facts.own_work else UNIT_TITLE


def _addressee(facts) -> str:
    """各责任单位:, or for a parent list its child lists' kinds first: 各乡镇、各部门,各责任单位:."""
    from engine.documents.dispatch import CHILD_WORD

    kinds = "、".join(f"各{kind or CHILD_WORD}" for kind, _scores in facts.peers)
    if not kinds:
        return "各责任单位:"
    return f"{kinds},各责任单位:" if facts.own_work else f"{kinds}:"


def _ranking(kind: str | None, scores, children: bool = False, own_word: str | None = None) -> dict:
    rows = [
        {
            "rank": str(s.rank),
            "unit": s.name,
            "tasks": str(s.tasks),
            "completion": score(s.completion_points),
            "on_time": score(s.on_time_points),
            "overdue_points": score(s.overdue_points),
            "score": score(s.score),
            "overdue": str(s.overdue),
        }
        for s in scores
    ]
    best = [s for s in scores if s.rank == 1]
    # the last three places, by rank; units sharing the third-last rank are all named; the best are never "last"
    tail_rank = scores[-3].rank if len(scores) >= 3 else (scores[-1].rank if scores else 0)
    last = [s for s in scores if s.rank >= tail_rank and s.rank != 1]
    from engine.documents.dispatch import CHILD_WORD

    group = kind or (f"各{CHILD_WORD}" if children else (own_word or "各单位"))
    text = f"{group}中,排名第一的是{'、'.join(s.name for s in best)}({score(best[0].score)}分)" if best else ""
    if last:
        text += ";排名后三位的是" + "、".join(f"{s.name}(第{s.rank}名,{score(s.score)}分)" for s in last)
    return {
        "kind": kind or "",
        "heading": kind or (CHILD_WORD if children else (own_word or "")),
        "children": children,
        "rows": rows,
        "best": "、".join(s.name for s in best),
        "last": "、".join(s.name for s in last),
        "summary": text + "。" if text else "",
    }


def write(facts, output: Path, template: Path | None = None) -> Path:
    """Write the circular to ``output``: through the office's docxtpl ``template`` when given, else the built-in layout."""
    ctx = context(facts)
    output = Path(output)
    if template is not None:
        from engine.documents.templates import render_template

        render_template(template, ctx, output)
        return output
    document = style.new_document()
    style.title(document, ctx["title"], ctx["subtitle"])
    style.body(document, ctx["addressee"], indent=False)
    style.body(document, ctx["opening"])
    style.heading(document, level1(1, "总体情况"))
    style.body(document, ctx["overall"])
    style.heading(document, level1(2, ctx["ranking_heading"]))
    several = len(ctx["rankings"]) > 1
    for n, ranking in enumerate(ctx["rankings"], 1):
        if several:
            style.heading(document, level2(n, ranking["heading"] or "其他单位"), 2)
        if ranking["summary"]:
            style.body(document, ranking["summary"])
        rows = [
            [r[k] for k in ("rank", "unit", "tasks", "completion", "on_time", "overdue_points", "score", "overdue")]
            for r in ranking["rows"]
        ]
        if ranking["children"]:
            style.table(document, CHILD_RANKING_HEADER, rows, CHILD_RANKING_WIDTHS)
        else:
            style.table(document, RANKING_HEADER, rows, RANKING_WIDTHS)
    if ctx["rankings"]:
        style.body(document, ctx["ranking_note"])
    style.heading(document, level1(3, "逾期事项"))
    style.body(document, ctx["overdue_text"])
    if ctx["overdue"]:
        keys = ("no", "task", "item", "milestone", "due", "unit", "responsible", "days")
        widths = CHILD_OVERDUE_WIDTHS if any(f.checklist for f in facts.overdue) else OVERDUE_WIDTHS
        style.table(document, OVERDUE_HEADER, [[r[k] for k in keys] for r in ctx["overdue"]], widths)
    style.heading(document, level1(4, "验收未通过事项"))
    style.body(document, ctx["failed_text"])
    if ctx["failed"]:
        keys = ("no", "task", "item", "date", "round", "unmet", "rectify_due")
        style.table(document, FAILED_HEADER, [[r[k] for k in keys] for r in ctx["failed"]], FAILED_WIDTHS)
    style.heading(document, level1(5, "下一步工作要求"))
    for paragraph in ctx["requirements"].split("\n"):
        if paragraph.strip():
            style.body(document, paragraph.strip())
    style.signature(document, ctx["signature"]["owner"], ctx["signature"]["date"])
    document.save(str(output))
    return output
