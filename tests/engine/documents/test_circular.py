"""qingdan export circular: the 通报 of the simulated Yanting half-year, read back with python-docx: the overall
figures are ``status --json``'s, the ranking table is ``engine.queries.ranking``'s with its score parts, the best
and the last three are named, overdue items carry their unit, responsible person and days, the failed inspection
its unmet criteria; the closing requirements come from the list's ``documents:`` or a placeholder asks for them;
an office's own template (``circular.docx`` in its instance folder) is used."""

from __future__ import annotations

import datetime as dt

from tests.engine.documents import halfyear
from tests.engine.documents.wordread import documented_list, export, fw, read, status_json, template

RANKING_HEADER = ["排名", "单位", "任务数", "完成情况得分", "按时完成得分", "无逾期得分", "总分", "逾期子项"]


def one(value: float) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_the_circular_of_june_30(store, plugins, qingdan, tmp_path):
    from engine.queries.ranking import by_kind, rank_units
    from engine.queries.status import checklist_status

    clock = halfyear.simulate(store, plugins)
    status = status_json(qingdan)
    path = tmp_path / "通报.docx"
    done = export(qingdan, path, "circular", "--as-of", "2017-06-30")
    assert "正在写入通报" in done.stderr and str(path) in done.stdout
    word = read(path)
    assert word.styled("公文标题") == ["关于盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单推进情况的通报"]
    assert word.styled("公文副标题") == ["（截至2017年6月30日）"]
    assert word.styled("Heading 1") == ["一、总体情况", "二、各单位得分排名", "三、逾期事项", "四、验收未通过事项", "五、下一步工作要求"]

    # 一、总体情况: the counts status --json gives
    tasks = status["tasks"]
    lights = {light: sum(1 for t in tasks if t["light"] == light) for light in ("red", "yellow", "green", "done")}
    overall = word.part("一、", "二、")
    assert f"共有任务{len(tasks)}项、子项{sum(t['items'] for t in tasks)}个" in overall
    assert f"已完成任务{lights['done']}项" in overall
    assert (
        fw(f"红灯{lights['red']}项、黄灯{lights['yellow']}项、绿灯{lights['green']}项;逾期子项{sum(t['overdue'] for t in tasks)}个")
        in overall
    )

    # 二、: the ranking table is the engine's ranking as of June 30, with the parts of each score
    statuses = checklist_status(store, halfyear.CHECKLIST, clock, plugins, as_of=dt.date(2017, 6, 30)).tasks
    groups = by_kind(rank_units(halfyear.definition(), statuses))
    assert len(groups) == 1  # the Yanting units have no kind: one table
    scores = groups[0][1]
    table = word.tables[0]
    assert table[0] == RANKING_HEADER
    assert table[1:] == [
        [
            str(s.rank),
            s.name,
            str(s.tasks),
            one(s.completion_points),
            one(s.on_time_points),
            one(s.overdue_points),
            one(s.score),
            str(s.overdue),
        ]
        for s in scores
    ]
    ranking = word.part("二、", "三、")
    best = [s for s in scores if s.rank == 1]
    assert f"排名第一的是{'、'.join(s.name for s in best)}" in ranking
    last = "、".join(fw(f"{s.name}(第{s.rank}名,{one(s.score)}分)") for s in scores[-3:])
    assert f"排名后三位的是{last}" in ranking

    # 三、逾期事项: each overdue item with its milestone, due date, unit, responsible person and days overdue
    assert "共有逾期子项2个" in word.part("三、", "四、")
    overdue = word.tables[1]
    assert overdue[0] == ["序号", "任务", "子项", "时间节点", "应完成日期", "责任单位", "责任人", "逾期天数"]
    title = "完善提升贫困村综合文化服务中心"
    assert overdue[1:] == [
        ["1", title, halfyear.RENMIN, "签订书面合同", "6月9日", "文化股", "张明", str((dt.date(2017, 6, 30) - dt.date(2017, 6, 9)).days)],
        ["2", title, halfyear.YUCHENG, "整改", "6月22日", "文化股", "张明", str((dt.date(2017, 6, 30) - dt.date(2017, 6, 22)).days)],
    ]
    assert sum(t["overdue"] for t in tasks) == 2

    # 四、验收未通过事项: the failed round with its unmet criterion and the rectification deadline
    failed = word.tables[2]
    assert failed[0] == ["序号", "任务", "子项", "验收日期", "轮次", "未达标准", "整改期限"]
    assert failed[1:] == [["1", title, halfyear.YUCHENG, "6月8日", "第1轮", fw("文化广场面积 180 平方米(要求不少于 200)"), "6月22日"]]
    # 鹅溪村 failed in May but passed its second round: it is not listed
    assert all(halfyear.EXI not in row for row in failed)

    # 五、: the list has no documents: requirements
    assert word.part("五、").startswith("【待补充：下一步工作要求】")
    assert word.paragraphs[-2:] == [("Normal", "盐亭县文化广电旅游局"), ("Normal", "2017年6月30日")]


def test_an_earlier_circular_has_nothing_overdue_and_says_so(store, plugins, qingdan, tmp_path):
    halfyear.simulate(store, plugins)
    path = tmp_path / "c.docx"
    export(qingdan, path, "circular", "--as-of", "2017-03-31")
    word = read(path)
    assert "截至3月31日，无逾期事项。" in word.part("三、", "四、")
    assert "截至3月31日，无验收未通过事项。" in word.part("四、", "五、")
    assert len(word.tables) == 1  # the ranking only


def test_requirements_from_the_list_and_an_officestemplate(store, clock, steps, qingdan, tmp_path):
    from engine.runtime.loader import load

    load(store, [documented_list(steps)], clock=clock)
    path = tmp_path / "c.docx"
    export(qingdan, path, "circular", now="2017-03-01T18:00")
    word = read(path)
    assert word.part("五、").split("\n")[0] == "各责任单位要对照时间节点，倒排工期，确保按期完成。"
    assert "待补充" not in word.text

    home = tmp_path / "home"
    (home / "templates").mkdir(parents=True)
    template(
        home / "templates" / "circular.docx",
        [
            "{{ owner }}通报({{ as_of }})",
            "{% for r in rankings %}{% for row in r.rows %}{{ row.rank }}:{{ row.unit }}={{ row.score }};{% endfor %}{% endfor %}",
            "{{ overdue_text }}",
            "{{ requirements }}",
        ],
    )
    export(qingdan, path, "circular", now="2017-03-01T18:00", env={"QINGDAN_HOME": str(home)})
    text = read(path).text
    assert text.startswith("盐亭县文化广电旅游局通报(2017年3月1日)")
    assert "1:旅游股=" in text and "截至3月1日，无逾期事项。" in text
    assert text.endswith("各责任单位要对照时间节点，倒排工期，确保按期完成。")
