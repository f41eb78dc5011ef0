"""qingdan export report: the half-year report (上半年工作总结) of the simulated Yanting half-year, read back with
python-docx, states the figures ``status --json`` gives for June 30, in seed 001's five parts; the month and year
reports name their period; the list's measures and a task's note fill the text; placeholders say what is
missing; an office's own docxtpl template replaces the layout; bad dates and unknown lists are refused plainly."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from engine.queries.status import PACE_MARGIN, time_elapsed
from tests.engine.documents import halfyear
from tests.engine.documents.wordread import LATER, documented_list, export, fw, read, status_json, template

HEADINGS = ["一、任务目标", "二、工作举措", "三、上半年工作开展情况", "四、存在的问题", "五、下一步打算"]


def pct(done, target) -> str:
    return str((Decimal(str(done)) * 100 / Decimal(str(target))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) + "%"


def line_of(text: str, start: str) -> str:
    return next(line for line in text.split("\n") if start in line)


def test_the_half_year_report_states_the_figures_of_june_30(store, plugins, qingdan, tmp_path):
    halfyear.simulate(store, plugins)
    status = status_json(qingdan)  # read on June 30 itself
    path = tmp_path / "汇报.docx"
    done = export(qingdan, path, "report", "--as-of", "2017-06-30")  # written on July 5
    assert "正在汇总" in done.stderr and "2017-06-30" in done.stderr and str(path) in done.stdout

    word = read(path)
    assert word.styled("公文标题") == ["盐亭县文化广电旅游局2017年上半年工作总结"]
    assert word.styled("Heading 1") == HEADINGS
    assert word.paragraphs[-1][1] == "2017年6月30日"
    definition = halfyear.definition()
    tasks = {t["id"]: t for t in status["tasks"]}

    # 一、任务目标: every target as the list sets it
    targets = word.part("一、", "二、")
    assert fw("全年完成全县农村放映公益电影5472场次,其中贫困村放映300场次") in targets
    assert "完善提升贫困村综合文化服务中心11个" in targets and "实现今年退出贫困户广播电视户户通1748户" in targets

    # 二、工作举措: the list has no documents: measures
    assert word.part("二、", "三、") == "【待补充：工作举措】"

    # 三、: T4 states 5472 场次 planned and what was reported by 06-30, as status --json says
    progress = word.part("三、", "四、")
    t4 = tasks["T4"]
    assert t4["progress"] == {"done": 2854, "target": 5472}
    poor = t4["parts"]["poor"]
    assert (
        fw(
            f"3.全年完成全县农村放映公益电影{t4['progress']['target']}场次,其中贫困村放映{poor['target']}场次。"
            f"截至6月30日,累计完成{t4['progress']['done']}场次,占目标的{pct(2854, 5472)};其中贫困村放映{poor['done']}场次,"
            f"占{pct(163, 300)}"
        )
        in progress
    )  # T4 is the third task of 广电股
    for task in definition.tasks:
        figures = tasks[task.id]
        line = line_of(progress, task.title)
        if task.kind == "target":
            assert f"累计完成{figures['progress']['done']}{task.target_unit}" in line, line
            assert fw(f"占目标的{pct(figures['progress']['done'], figures['progress']['target'])}") in line
        elif figures["items"] > 1:
            workflow = definition.workflows[task.workflow]
            for state, count in figures["states"].items():
                assert f"“{workflow.label(state)}”{count}个" in line, (state, line)
            assert f"已完成{figures['finished']}个" in line
    assert "目前处于“排练”阶段" in line_of(progress, "创作小品")
    assert "于6月21日进入“已验收销号”" in line_of(progress, "鹅溪村")
    assert fw("资金预算172.12万元,已下达172.12万元,已拨付100万元,已支出60万元") in line_of(progress, "专项资金")
    assert "1个子项进入“施工中”（最早6月1日）" in line_of(progress, "村级广播系统")

    # 四、存在的问题: the overdue items with days, behind pace, the failed inspection, the notes
    problems = word.part("四、", "五、")
    assert tasks["T1"]["overdue"] == 2
    for item, milestone, due in ((halfyear.RENMIN, "签订书面合同", dt.date(2017, 6, 9)), (halfyear.YUCHENG, "整改", dt.date(2017, 6, 22))):
        days = (dt.date(2017, 6, 30) - due).days
        assert fw(f"{item}未按期完成“{milestone}”节点(应于{due.month}月{due.day}日前),已逾期{days}天,责任单位文化股,责任人张明") in problems
    # behind the time by more than the board's pace margin (10 points): T5 (11.5), not T4 (2.0, within the margin)
    t5 = tasks["T5"]["progress"]
    done = Decimal(str(t5["done"])) / Decimal(str(t5["target"]))
    elapsed = time_elapsed(halfyear.definition(), halfyear.definition().task_by_id["T5"], dt.date(2017, 6, 30))
    assert elapsed - done > PACE_MARGIN
    assert (
        fw(f"面向贫困村送文艺演出:完成{done * 100:.1f}%,时间进度{elapsed * 100:.1f}%,落后{(elapsed - done) * 100:.1f}个百分点") in problems
    )
    assert "全年完成全县农村放映公益电影:完成" not in problems
    assert fw(f"综合文化服务中心({halfyear.YUCHENG}):6月8日第1轮验收未通过,未达标准:文化广场面积 180 平方米(要求不少于 200)") in problems
    assert fw("部分农户外出务工,安装需预约。(陈红,6月29日)") in problems
    assert "无逾期事项" not in problems

    # 五、下一步打算: the remaining quantities and the next milestones with their dates
    plans = word.part("五、")
    remaining = t4["progress"]["target"] - t4["progress"]["done"]
    assert fw(f"还需完成{remaining}场次,确保11月30日前完成") in line_of(plans, "放映公益电影")
    assert "确保7月20日前9个子项达到“施工中”" in line_of(plans, "综合文化服务中心")
    assert "督促八角镇人民村尽快完成“签订书面合同”节点" in line_of(plans, "综合文化服务中心")
    assert "确保7月1日前达到“正式上演”" in line_of(plans, "创作小品")
    assert "已全面完成" in line_of(plans, "鹅溪村")


def test_month_and_year_reports_name_their_period(store, plugins, qingdan, tmp_path):
    halfyear.simulate(store, plugins)
    month, year = tmp_path / "m.docx", tmp_path / "y.docx"
    export(qingdan, month, "report", "--period", "month", "--as-of", "2017-06-30")
    export(qingdan, year, "report", "--period", "year", "--as-of", "2017-06-30")
    word = read(month)
    assert word.styled("公文标题") == ["盐亭县文化广电旅游局2017年6月工作汇报"]
    assert "三、6月工作开展情况" in word.styled("Heading 1")
    assert fw(";6月完成506场次。") in line_of(word.part("三、", "四、"), "放映公益电影")  # June: 477 + 29
    assert fw("一场因降雨改期至6月") not in word.part("四、", "五、")  # written in May, outside June
    word = read(year)
    assert word.styled("公文标题") == ["盐亭县文化广电旅游局2017年工作总结"]
    assert "三、全年工作开展情况" in word.styled("Heading 1")
    assert fw("一场因降雨改期至6月。(张明,5月16日)") in word.part("四、", "五、")


def test_measures_and_a_tasks_note_fill_the_text_and_placeholders_say_what_is_missing(store, clock, steps, qingdan, tmp_path):
    from engine.runtime.loader import load

    load(store, [documented_list(steps)], clock=clock)  # 2017-03-01: nothing reported yet
    path = tmp_path / "r.docx"
    export(qingdan, path, "report", now="2017-03-01T18:00")
    word = read(path)
    assert word.styled("Heading 2")[:2] == ["（一）明确任务，压实责任。", "（二）摸清家底，抓实精准。"]
    measures = word.part("二、", "三、")
    assert "局党组调整了脱贫攻坚工作领导小组，逐项明确责任人。" in measures
    assert "【待补充：摸清家底，抓实精准的具体做法】" in measures
    progress = word.part("三、", "四、")
    assert fw("1.完善提升贫困村综合文化服务中心11个。根据省委宣传部下达的建设基本内容和指导标准,结合各村实际制定实施方案。") in progress
    assert "截至3月1日，尚无报送的完成数。【待补充：全年完成全县农村放映公益电影的进展情况】" in progress
    problems = word.part("四、", "五、")
    assert "截至3月1日，无逾期事项。" in problems and "截至3月1日，无验收未通过事项。" in problems
    assert "【待补充：工作中遇到的困难和问题】" in problems


def test_an_offices_own_template_in_its_instance_folder_is_used(store, clock, steps, qingdan, tmp_path):
    from engine.runtime.loader import load

    definition = documented_list(steps)
    load(store, [definition], clock=clock)
    home = tmp_path / "home"
    (home / "templates").mkdir(parents=True)
    template(
        home / "templates" / "汇报.docx",
        [
            "本局自定模板:{{ title }}",
            "{% for m in measures %}{{ m.heading }}{{ m.paragraphs[0] }}{% endfor %}",
            "{% for g in progress %}{% for t in g.tasks %}[{{ t.id }} {{ t.done }}/{{ t.target }}{{ t.unit }}]{% endfor %}{% endfor %}",
            "截至{{ as_of }}",
        ],
    )
    path = tmp_path / "own.docx"
    done = export(qingdan, path, "report", now="2017-03-01T18:00", env={"QINGDAN_HOME": str(home)})
    assert "汇报.docx" in done.stderr  # the stage line names the template used
    text = read(path).text
    assert "本局自定模板:盐亭县文化广电旅游局2017年上半年工作总结" in text
    assert "[T4 0/5472场次]" in text and "[T1 0/11个]" in text
    assert "截至2017年3月1日" in text and "一、任务目标" not in text

    # --template names another file; autoescape keeps "<" and "&" from cutting the paragraph
    other = tmp_path / "other.docx"
    template(other, ["A<B & C {{ owner }} 结束"])
    export(qingdan, path, "report", "--template", other, now="2017-03-01T18:00", env={"QINGDAN_HOME": str(home)})
    assert read(path).text == "A<B & C 盐亭县文化广电旅游局 结束"

    broken = tmp_path / "broken.docx"
    template(broken, ["{% for x in %}"])
    refused = qingdan("export", "report", halfyear.CHECKLIST, "--template", broken, "-o", path, now="2017-03-01T18:00")
    assert refused.returncode == 1 and "模板" in refused.stderr and "Traceback" not in refused.stderr


def test_bad_dates_unknown_lists_and_missing_templates_are_refused_plainly(yanting, qingdan, tmp_path):
    now = LATER
    cases = [
        (["report", halfyear.CHECKLIST, "--as-of", "2017-13-01"], "看不懂"),
        (["report", halfyear.CHECKLIST, "--as-of", "6月30日"], "看不懂"),
        (["report", halfyear.CHECKLIST, "--as-of", "2017-07-06"], "之后"),
        (["circular", halfyear.CHECKLIST, "--as-of", "2017-08-01"], "之后"),
        (["report", "no-such-list"], "没有清单"),
        (["circular", "no-such-list"], "没有清单"),
        (["report", halfyear.CHECKLIST, "--template", tmp_path / "missing.docx"], "找不到模板"),
        (["report", halfyear.CHECKLIST, "-o", tmp_path / "no-dir" / "r.docx"], "无法写入"),
    ]
    for args, words in cases:
        done = qingdan("export", *args, now=now)
        assert done.returncode == 1, (args, done.stderr)
        assert words in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
    wrong = qingdan("export", "report", halfyear.CHECKLIST, "--period", "week", now=now)
    assert wrong.returncode == 2 and "week" in wrong.stderr and "Traceback" not in wrong.stderr
    english = qingdan("export", "report", halfyear.CHECKLIST, "--as-of", "2017-07-06", now=now, lang="en")
    assert english.returncode == 1 and "after today" in english.stderr


def test_the_default_file_name_names_the_list_the_period_and_the_date(yanting, qingdan, tmp_path):
    done = qingdan("export", "report", halfyear.CHECKLIST, "--period", "year", now=LATER)
    assert done.returncode == 0, done.stderr
    expected = tmp_path / f"汇报-{halfyear.CHECKLIST}-year-2017-07-05.docx"
    assert expected.is_file() and expected.name in done.stdout
