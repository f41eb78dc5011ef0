"""``qingdan export dispatch``: the 调度表 read back with openpyxl and compared with ``status --json`` and
``engine.queries.ranking`` for a simulated half-year of the Yanting list: this month's and this week's amounts,
cumulative figures, completion, time progress, the gap, lights, the units' ranks; the same sheet in the ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.queries.ranking import rank_units
from engine.queries.status import PACE_MARGIN, checklist_status, time_elapsed
from tests.engine.documents import halfyear
from tests.engine.documents.sheets import LIGHT_FILLS, LIGHT_WORDS, export, fill_of, number, opened, status_json

HEADER_ROW = 3
COLUMNS = ["序号", "任务", "责任单位", "责任人", "目标", "计量单位", "本期完成", "累计完成", "完成率", "时间进度", "差距", "状态"]


def task_rows(ws) -> list[dict]:
    assert [c.value for c in ws[HEADER_ROW]] == COLUMNS
    rows = []
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(row, 1).value is None:
            break
        rows.append({title: ws.cell(row, column).value for column, title in enumerate(COLUMNS, start=1)} | {"_row": row})
    return rows


def unit_rows(ws) -> list[dict]:
    """The units' table: the rows below its header (单位 … 排名, from column B) until the note."""
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "单位")
    titles = [ws.cell(start, c).value for c in range(2, 9)]
    assert titles == ["单位", "任务数", "完成率", "按时率", "逾期子项", "得分", "排名"]
    found = []
    for row in range(start + 1, ws.max_row + 1):
        if ws.cell(row, 3).value is None:
            break
        found.append(dict(zip(titles, (ws.cell(row, c).value for c in range(2, 9)), strict=True)))
    return found


def check_against_status(rows: list[dict], status: dict, today: dt.date) -> None:
    definition = halfyear.definition()
    by_title = {r["任务"]: r for r in rows}
    assert [r["序号"] for r in rows] == list(range(1, len(status["tasks"]) + 1))
    for task in status["tasks"]:
        row = by_title[task["title"]]
        task_def = definition.task_by_id[task["id"]]
        done = task["finished"] if task["kind"] == "workflow" else task["progress"]["done"]  # a workflow counts finished items
        target = task["progress"]["target"]
        assert number(row["累计完成"]) == number(done), task["id"]
        assert number(row["目标"]) == number(target), task["id"]
        assert row["计量单位"] == (task_def.target_unit or "项")
        assert row["责任单位"] == definition.units[task_def.unit]
        assert row["完成率"] == pytest.approx(min(1, float(done) / float(target))), task["id"]
        elapsed = float(time_elapsed(definition, task_def, today))
        if "pace" in task:  # the status states the time elapsed for the tasks it paces
            assert row["时间进度"] == pytest.approx(task["pace"]["elapsed"], abs=0.0005)
        assert row["时间进度"] == pytest.approx(elapsed)
        assert row["差距"] == pytest.approx(row["完成率"] - row["时间进度"])
        assert (row["状态"], row["_fill"]) == (LIGHT_WORDS[task["light"]], LIGHT_FILLS[task["light"]]), task["id"]
        assert row["_red"] == (row["差距"] < -float(PACE_MARGIN)), task["id"]


def read_dispatch(path, sheet="调度表"):
    with opened(path) as workbook:
        ws = workbook[sheet]
        rows = task_rows(ws)
        for row in rows:
            gap = ws.cell(row["_row"], 11)
            row["_red"] = gap.font.color is not None and (gap.font.color.rgb or "").endswith("C00000")
            row["_fill"] = fill_of(ws.cell(row["_row"], 12))
        return ws.title, ws["A2"].value, rows, unit_rows(ws)


def test_the_month_on_june_30(store, plugins, qingdan, tmp_path):
    clock = halfyear.simulate(store, plugins)
    path, done = export(qingdan, tmp_path, "dispatch", "--period", "month")
    assert "写入调度表:8 项任务" in done.stderr and "已写入" in done.stdout
    title, subtitle, rows, units = read_dispatch(path)
    assert subtitle == "统计期间:2017年6月    截至2017年6月30日"
    check_against_status(rows, status_json(qingdan), dt.date(2017, 6, 30))
    period = {r["任务"][:6]: r["本期完成"] for r in rows}
    assert number(period["全年完成全县"]) == 477 + 29  # June's reports on T4, the poor villages' part included
    assert number(period["实现今年退出"]) == 200
    assert number(period["面向贫困村送"]) == 3
    assert number(period["公共文化服务"]) == 60
    assert number(period["安家镇鹅溪村"]) == 1  # T7's item accepted on 06-21
    assert number(period["完善提升贫困"]) == 0
    assert [r["_red"] for r in rows].count(True) >= 3  # T1, T2, T3 … lag their time by more than 10 points

    status = checklist_status(store, halfyear.CHECKLIST, clock, plugins)
    expected = rank_units(status.checklist, status.tasks)
    assert [u["单位"] for u in units] == [s.name for s in expected]
    for unit, score in zip(units, expected, strict=True):
        assert (unit["任务数"], unit["逾期子项"], unit["得分"], unit["排名"]) == (score.tasks, score.overdue, score.score, score.rank)
        assert unit["完成率"] == pytest.approx(score.completion)
        assert unit["按时率"] == ("—" if score.on_time_rate is None else pytest.approx(score.on_time_rate))


def test_the_week_counts_only_the_week(store, plugins, qingdan, tmp_path):
    halfyear.simulate(store, plugins)
    path, _ = export(qingdan, tmp_path, "dispatch", "--period", "week")
    _, subtitle, rows, _ = read_dispatch(path)
    assert subtitle.startswith("统计期间:2017年第26周(6月26日至7月2日)")
    period = {r["任务"][:6]: r["本期完成"] for r in rows}
    assert number(period["全年完成全县"]) == 0  # June's T4 reports were on Sunday the 25th, the week before
    assert number(period["实现今年退出"]) == 200  # 06-29
    assert number(period["公共文化服务"]) == 0


def test_as_of_march_31(store, plugins, qingdan, tmp_path):
    halfyear.simulate(store, plugins)
    path, _ = export(qingdan, tmp_path, "dispatch", "--as-of", "2017-03-31")  # the period defaults to the month
    _, subtitle, rows, units = read_dispatch(path)
    assert subtitle == "统计期间:2017年3月    截至2017年3月31日"
    check_against_status(rows, status_json(qingdan, "--as-of", "2017-03-31"), dt.date(2017, 3, 31))
    t4 = next(r for r in rows if r["任务"] == "全年完成全县农村放映公益电影")
    assert (number(t4["本期完成"]), number(t4["累计完成"])) == (453 + 27, 395 + 424 + 453 + 25 + 26 + 27)
    assert all(u["逾期子项"] == 0 for u in units)


def test_the_dispatch_sheet_of_the_ledger_is_the_month_dispatch_table(store, plugins, qingdan, tmp_path):
    halfyear.simulate(store, plugins)
    ledger, _ = export(qingdan, tmp_path, "ledger", name="ledger.xlsx")
    table, _ = export(qingdan, tmp_path, "dispatch", name="dispatch.xlsx")
    with opened(ledger) as one, opened(table) as other:
        mine, theirs = one["调度表"], other["调度表"]
        assert [[c.value for c in row] for row in mine.iter_rows()] == [[c.value for c in row] for row in theirs.iter_rows()]
        assert mine.freeze_panes == "C4" and mine.print_title_rows == "$3:$3"
        assert (mine.page_setup.orientation, mine.oddHeader.right.text) == ("landscape", "截至2017年6月30日")
        assert mine.oddFooter.center.text == "第 &P 页 共 &N 页"
    done = qingdan("export", "dispatch", halfyear.CHECKLIST, now="2017-06-30T18:00")
    assert (tmp_path / "调度表-yanting-wenguang-2017-2017-06-30.xlsx").exists(), done.stderr


def test_an_unknown_period_is_refused(store, plugins, qingdan):
    halfyear.simulate(store, plugins, until=dt.date(2017, 1, 3))
    refused = qingdan("export", "dispatch", halfyear.CHECKLIST, "--period", "year", now="2017-06-30T18:00")
    assert refused.returncode == 2 and "'year' is not one of 'week', 'month'" in refused.stderr
    assert "Traceback" not in refused.stderr
