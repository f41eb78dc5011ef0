"""``qingdan export ledger``: the 台账 read back with openpyxl, every figure compared with ``status --json`` for a
simulated half-year of the Yanting list, on 06-30 and as of 03-31; its look (lights, frozen header, filter,
print set-up); its messages for a bad date or an unknown list."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from engine.dates.clock import FixedClock
from tests.engine.documents import halfyear
from tests.engine.documents.sheets import (
    LIGHT_FILLS,
    LIGHT_WORDS,
    NOW,
    export,
    fill_of,
    number,
    opened,
    status_json,
    two_row_records,
    verdict_of,
)

HEADER_ROW = 3


def ledger_rows(path):
    with opened(path) as workbook:
        assert workbook.sheetnames == ["台账", "调度表"]
        ws = workbook["台账"]
        return two_row_records(ws, HEADER_ROW)


def lines(value) -> list[str]:
    return str(value).split("\n") if value else []


def check_against_status(rows: list[dict], status: dict) -> None:
    """Every figure of the ledger that the status states too: rows per task, progress, stages, milestones, lights."""
    definition = halfyear.definition()
    assert {r["编号"] for r in rows} == {t["id"] for t in status["tasks"]}
    for task in status["tasks"]:
        mine = [r for r in rows if r["编号"] == task["id"]]
        task_def = definition.task_by_id[task["id"]]
        assert len(mine) == max(task["items"], 1), task["id"]
        assert {r["任务"] for r in mine} == {task["title"]}
        assert {r["状态"] for r in mine} == {LIGHT_WORDS[task["light"]]}, task["id"]
        if task["kind"] == "workflow":
            labels = definition.workflows[task_def.workflow].states
            assert Counter(r["当前环节"] for r in mine) == {labels[s].label: n for s, n in task["states"].items()}, task["id"]
            assert all(r["进度/完成"] is None and r["进度/目标"] is None for r in mine)
        else:
            [row] = mine
            assert number(row["进度/完成"]) == number(task["progress"]["done"]), task["id"]
            assert number(row["进度/目标"]) == number(task["progress"]["target"]), task["id"]
            assert row["进度/计量单位"] == task_def.target_unit
        # each milestone of the task: items per verdict, as the status counts them
        judged = [
            (label, planned, verdict_of(words))
            for r in mine
            for label, planned, words in zip(
                lines(r["时间节点/节点"]), lines(r["时间节点/计划日期"]), lines(r["时间节点/情况"]), strict=True
            )
        ]
        for milestone in task["milestones"]:
            label = labels[milestone["state"]].label if task["kind"] == "workflow" else None
            found = Counter(v for name, planned, v in judged if planned == milestone["due"] and label in (None, name))
            expected = {v: milestone[v] for v in ("on_time", "late", "missed", "open", "void") if milestone[v]}
            assert found == expected, (task["id"], milestone)
        # overdue items: the rows with a missed milestone (list deadlines and the items' own)
        assert sum(1 for r in mine if "已逾期" in (r["时间节点/情况"] or "")) == task["overdue"], task["id"]


def test_the_ledger_on_june_30_states_what_status_states(store, plugins, qingdan, tmp_path):
    halfyear.simulate(store, plugins)
    path, done = export(qingdan, tmp_path, "ledger")
    assert done.stdout.strip().endswith(str(path)) and "已写入" in done.stdout
    assert "汇总" in done.stderr and "写入台账:23 个子项" in done.stderr
    rows = ledger_rows(path)
    check_against_status(rows, status_json(qingdan))

    by_item = {r["子项"]: r for r in rows}
    yucheng = by_item[halfyear.YUCHENG]
    assert yucheng["当前环节"] == "整改中"
    assert lines(yucheng["时间节点/节点"]) == ["施工中", "已完工", "已验收销号", "签订书面合同", "整改"]
    assert lines(yucheng["时间节点/实际日期"]) == ["2017-04-20", "2017-06-01", "—", "2017-05-25", "—"]
    assert lines(yucheng["时间节点/情况"])[3:] == ["逾期完成(晚 5 天)", "已逾期(8 天)"]
    assert yucheng["验收/轮次"] == 1
    assert yucheng["验收/结果"] == "6月8日 未通过:文化广场面积 180 平方米(要求不少于 200)\n整改期限 2017-06-22"
    assert yucheng["销号日期"] is None
    renmin = by_item[halfyear.RENMIN]
    assert lines(renmin["时间节点/情况"])[-1] == "已逾期(21 天)"
    exi = by_item[halfyear.EXI]
    assert (exi["当前环节"], exi["验收/轮次"], exi["验收/结果"]) == ("已验收销号", 2, "6月21日 通过")
    assert exi["销号日期"] == dt.datetime(2017, 6, 21)
    t4 = next(r for r in rows if r["编号"] == "T4")
    assert t4["最近报送/报送日期"] == dt.datetime(2017, 6, 25) and "陈红" in t4["最近报送/报送内容"]
    t3 = next(r for r in rows if r["编号"] == "T3")
    assert t3["最近报送/报送内容"] == "200户 陈红\n部分农户外出务工,安装需预约"
    assert all(r["佐证(件)"] == 0 for r in rows)  # the simulation attaches no files


def test_the_ledger_as_of_march_31_states_what_status_as_of_then_states(store, plugins, qingdan, tmp_path):
    halfyear.simulate(store, plugins)
    path, _ = export(qingdan, tmp_path, "ledger", "--as-of", "2017-03-31")
    rows = ledger_rows(path)
    status = status_json(qingdan, "--as-of", "2017-03-31")
    assert status["today"] == "2017-03-31"
    check_against_status(rows, status)
    t4 = next(r for r in rows if r["编号"] == "T4")
    assert number(t4["进度/完成"]) == 395 + 424 + 453 + 25 + 26 + 27
    yucheng = next(r for r in rows if r["子项"] == halfyear.YUCHENG)
    assert yucheng["当前环节"] == "招投标" and yucheng["验收/结果"] is None
    with opened(path) as workbook:
        ws = workbook["台账"]
        assert ws["A2"].value.endswith("截至2017年3月31日")
        assert ws.oddHeader.right.text == "截至2017年3月31日"


def test_the_ledger_looks_like_a_ledger(store, plugins, qingdan, tmp_path):
    halfyear.simulate(store, plugins)
    path, _ = export(qingdan, tmp_path, "ledger")
    status = {t["id"]: t for t in status_json(qingdan)["tasks"]}
    with opened(path) as workbook:
        ws = workbook["台账"]
        assert ws["A1"].value == "盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单落实台账"
        assert ws["A2"].value == "填报单位:盐亭县文化广电旅游局    截至2017年6月30日"
        last = ws.cell(ws.max_row, ws.max_column).coordinate
        assert ws.freeze_panes == "D5"  # header rows and 编号, 任务, 子项 stay in sight
        assert ws.auto_filter.ref == f"A4:{last}"
        assert ws.print_title_rows == "$3:$4"
        assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)  # 9: A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.oddHeader.left.text == "盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单"
        assert ws.oddHeader.right.text == "截至2017年6月30日"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        lights = Counter()
        for row in range(5, ws.max_row + 1):
            cell = ws.cell(row, ws.max_column)
            light = status[ws.cell(row, 1).value]["light"]
            assert (cell.value, fill_of(cell)) == (LIGHT_WORDS[light], LIGHT_FILLS[light])
            lights[light] += 1
        assert set(lights) == {"red", "yellow", "green", "done"}
        for row in range(5, ws.max_row + 1):  # wrapped rows get their height (LibreOffice does not grow them)
            assert ws.row_dimensions[row].height >= 15 * max(1, len(lines(ws.cell(row, 7).value)))
        widths = [ws.column_dimensions[c].width for c in "BCD"]
        assert all(w >= 10 for w in widths)  # CJK text is two columns a character


def test_the_default_file_name_and_the_month_sheet(store, plugins, qingdan, tmp_path):
    halfyear.simulate(store, plugins)
    done = qingdan("export", "ledger", halfyear.CHECKLIST, now=NOW)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "台账-yanting-wenguang-2017-2017-06-30.xlsx"
    assert path.exists() and str(path.name) in done.stdout
    with opened(path) as workbook:
        assert workbook["调度表"]["A2"].value.startswith("统计期间:2017年6月")


@pytest.mark.parametrize(
    "args, words",
    [
        (("--as-of", "2017-07-01"), "截至日期 2017-07-01 在今天(2017-06-30)之后"),
        (("--as-of", "2017/06/30"), "截至日期 “2017/06/30” 看不懂"),
        (("--as-of", "2016-12-31"), "截至日期 2016-12-31 早于清单的年度(2017 年)"),
    ],
)
@pytest.mark.parametrize("kind", ["ledger", "dispatch"])
def test_a_bad_as_of_date_is_refused_in_a_sentence(store, plugins, qingdan, tmp_path, kind, args, words):
    halfyear.simulate(store, plugins, until=dt.date(2017, 1, 3))
    refused = qingdan("export", kind, halfyear.CHECKLIST, *args, now=NOW)
    assert refused.returncode == 1 and refused.stdout == ""
    assert words in refused.stderr and "Traceback" not in refused.stderr
    assert not list(tmp_path.glob("*.xlsx"))


@pytest.mark.parametrize("kind", ["ledger", "dispatch"])
def test_an_unknown_list_is_named(store, plugins, qingdan, kind):
    halfyear.simulate(store, plugins, until=dt.date(2017, 1, 3))
    refused = qingdan("export", kind, "yanting-2017", now=NOW)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "没有清单 “yanting-2017”" in refused.stderr and halfyear.CHECKLIST in refused.stderr
    assert "Traceback" not in refused.stderr
    english = qingdan("export", kind, "yanting-2017", now=NOW, lang="en")
    assert english.returncode == 1 and "no checklist 'yanting-2017'" in english.stderr


def test_a_list_with_few_milestones_gets_a_column_group_for_each(store, plugins, qingdan, tmp_path):
    """T1 alone, before any award: three milestones (施工中, 已完工, 已验收销号), so three groups of columns."""
    from engine.definition.validation import validate_text
    from engine.pluginmanager import step_types
    from engine.runtime.fire import fire
    from engine.runtime.loader import load

    text = halfyear.TEXT[: halfyear.TEXT.index("  - id: T2")]
    definition = validate_text(text, "t1.yaml", step_types(plugins)).definition
    clock = FixedClock(halfyear.instant("2017-01-03"))
    load(store, [definition], clock=clock)
    clock.at = halfyear.instant("2017-02-20")
    fire(store, task="T1", item=halfyear.YUCHENG, trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    path, _ = export(qingdan, tmp_path, "ledger", "--as-of", "2017-02-28", now="2017-03-01T09:00")
    with opened(path) as workbook:
        ws = workbook["台账"]
        groups = [ws.cell(3, c).value for c in range(7, 16)]
        assert groups == ["施工中", None, None, "已完工", None, None, "已验收销号", None, None]
        assert [ws.cell(4, c).value for c in range(7, 10)] == ["计划日期", "实际日期", "情况"]
        rows = two_row_records(ws, HEADER_ROW)
    assert len(rows) == 11
    assert {r["施工中/计划日期"] for r in rows} == {dt.datetime(2017, 7, 20)}
    assert {r["已验收销号/情况"] for r in rows} == {"未到期"}
    assert Counter(r["当前环节"] for r in rows) == {"编制实施方案": 10, "方案已审定": 1}


def test_the_ledger_reports_its_progress(store, plugins, tmp_path, monkeypatch):
    from engine.documents import ledger
    from engine.documents.facts import gather

    clock = halfyear.simulate(store, plugins)
    facts = gather(store, halfyear.CHECKLIST, clock, plugins, period="month")
    monkeypatch.setattr(ledger, "PROGRESS_EVERY", 10)
    seen = []
    ledger.write_ledger(facts, tmp_path / "l.xlsx", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(10, 23), (20, 23), (23, 23)]
