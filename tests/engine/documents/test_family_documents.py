"""A parent list's documents speak of its child lists (issue 9): a county list whose target C1 (1000 场) is split
among two town lists and a third not loaded yet, and whose workflow task W1 is split by villages between the two
towns, written as YAML files and loaded as an office's files are; the towns report in their own lists.

The county's 台账 has, under each assigned task, its total row (the roll-up) and one row per town (its title, its
share, figures, overdue items, light, and the town's own responsible person) instead of the county's own item rows;
the 调度表 has a row per town under each assigned task and ranks the towns (各乡镇得分排名) with the status's scores;
the 通报 ranks the towns and names the town behind each overdue item; the 工作汇报 gives each town's figures and
ranks the towns. Every figure is compared with the county's and the towns' ``status``.
"""

from __future__ import annotations

import json

import pytest

from engine.kinds import light_word
from tests import family_lists
from tests.conftest import at
from tests.engine.documents.sheets import LIGHT_FILLS, fill_of, number, opened, two_row_records
from tests.engine.documents.wordread import fw, read
from tests.family_lists import county_yaml

COUNTY, LINNONG, BAJIAO, JINJI = "doc-county-2017", "doc-linnong-2017", "doc-bajiao-2017", "doc-jinji-2017"
TOWNS = (LINNONG, BAJIAO)
TITLES = {
    COUNTY: "盐亭县2017年文化惠民任务清单",
    LINNONG: "林农镇2017年文化惠民任务清单",
    BAJIAO: "八角镇2017年文化惠民任务清单",
    JINJI: JINJI,  # never loaded: the status names it by its id
}
PLACES = {LINNONG: "林农", BAJIAO: "八角"}
TASKS = {LINNONG: ("LN1", "LN2"), BAJIAO: ("BJ1", "BJ2")}  # (fulfils C1, fulfils W1)
QUOTAS = {LINNONG: 400, BAJIAO: 500, JINJI: 100}
VILLAGES = {LINNONG: ("玉城村", "花园村"), BAJIAO: ("八角村",)}
NOW = "2017-07-21T18:00"


COUNTY_YAML = county_yaml(COUNTY, TITLES[COUNTY], LINNONG, BAJIAO, JINJI)


def town_yaml(list_id: str, done: str, building: str) -> str:
    prefix = TASKS[list_id][0][:2].lower()
    return family_lists.town_yaml(
        list_id, TITLES[list_id], COUNTY, prefix, PLACES[list_id], QUOTAS[list_id], VILLAGES[list_id], done, building
    )


@pytest.fixture
def family(store, clock, steps, plugins, tmp_path):
    """The county and two of its three towns (金鸡镇's list never arrives), loaded child first. 林农镇 showed 150 场 in
    June and 250 in July and built 玉城村, but never started 花园村 (its 施工中 was due 06-15: overdue); 八角镇
    showed 120 场 in July and started 八角村 (late, not overdue). The clock ends at 07-21 18:00."""
    from engine.definition.validation import validate_file
    from engine.runtime.fire import fire
    from engine.runtime.loader import load
    from engine.runtime.progress import report

    clock.at = at("2017-06-01T09:00")
    files = {
        COUNTY: COUNTY_YAML,
        LINNONG: town_yaml(LINNONG, "2017-11-15", "2017-06-15"),
        BAJIAO: town_yaml(BAJIAO, "2017-11-30", "2017-06-30"),
    }
    for list_id in (LINNONG, COUNTY, BAJIAO):
        path = tmp_path / f"{list_id}.yaml"
        path.write_text(files[list_id], encoding="utf-8")
        result = validate_file(str(path), steps)
        assert result.ok, [p.format() for p in result.errors]
        load(store, [result.definition], clock=clock)
    clock.at = at("2017-06-20T10:00")
    report(store, task="LN1", amount=150, actor="ln_staff", clock=clock, checklist=LINNONG)
    clock.at = at("2017-07-21T09:00")
    report(store, task="LN1", amount=250, actor="ln_staff", clock=clock, checklist=LINNONG, note="七月集中放映")
    report(store, task="BJ1", amount=120, actor="bj_staff", clock=clock, checklist=BAJIAO)
    for trigger in ("start", "finish"):
        fire(store, task="LN2", item="玉城村", trigger=trigger, actor="ln_staff", clock=clock, plugins=plugins, checklist=LINNONG)
    fire(store, task="BJ2", item="八角村", trigger="start", actor="bj_staff", clock=clock, plugins=plugins, checklist=BAJIAO)
    clock.at = at(NOW)
    return clock


def status_of(qingdan, list_id: str) -> dict:
    done = qingdan("status", list_id, "--json", now=NOW)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def export(qingdan, tmp_path, kind: str, name: str, *args) -> object:
    path = tmp_path / name
    done = qingdan("export", kind, COUNTY, *args, "-o", path, now=NOW)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return path


def own_task(town: dict, task_id: str) -> dict:
    return next(t for t in town["tasks"] if t["id"] == task_id)


def test_the_ledger_has_one_row_per_child_list_under_an_assigned_task(family, qingdan, tmp_path):
    county = status_of(qingdan, COUNTY)
    towns = {town: status_of(qingdan, town) for town in TOWNS}
    path = export(qingdan, tmp_path, "ledger", "台账.xlsx")
    with opened(path) as workbook:
        ws = workbook["台账"]
        assert ws.cell(3, 3).value == "子项/承担单位"
        rows = two_row_records(ws, 3)
        fills = {r["_row"]: fill_of(ws.cell(r["_row"], ws.max_column)) for r in rows}
        bold = {r["_row"]: bool(ws.cell(r["_row"], 3).font.b) for r in rows}
    # the county's own item rows (its villages) are gone: under each task its total, then its child lists
    item_column = "子项/承担单位"
    assert [(r["编号"], r[item_column]) for r in rows] == [
        ("C1", "合计"),
        ("C1", TITLES[LINNONG]),
        ("C1", TITLES[BAJIAO]),
        ("C1", JINJI),
        ("W1", "合计"),
        ("W1", TITLES[LINNONG]),
        ("W1", TITLES[BAJIAO]),
    ]
    for task in county["tasks"]:
        total, *children = [r for r in rows if r["编号"] == task["id"]]
        assert bold[total["_row"]] and not any(bold[r["_row"]] for r in children)
        assert (total["责任单位"], total["责任人"]) == ("县文化股", "周建国")
        assert total["逾期子项"] == task["overdue"]
        assert total["状态"] == light_word(task["light"]) and fills[total["_row"]] == LIGHT_FILLS[task["light"]]
        done = task["finished"] if task["kind"] == "workflow" else task["progress"]["done"]
        assert number(total["进度/完成"]) == number(done) and number(total["进度/目标"]) == number(task["progress"]["target"])
        # the child rows add up to the total row, and each is its child's own figures
        assert sum(number(r["进度/完成"]) for r in children) == number(total["进度/完成"]), task["id"]
        assert sum(number(r["进度/目标"]) for r in children) == number(total["进度/目标"]), task["id"]
        assert sum(r["逾期子项"] for r in children) == total["逾期子项"]
        for row, share in zip(children, task["children"], strict=True):
            assert row[item_column] == share["title"]
            assert row["逾期子项"] == share["overdue"]
            if not share["loaded"]:
                assert (row["状态"], row["责任人"], number(row["进度/完成"])) == ("未载入", None, 0)
                assert row["分解任务"] == "100场" and number(row["进度/目标"]) == 100
                continue
            town = own_task(towns[share["checklist"]], share["task"])
            assert row["状态"] == light_word(share["light"]) == light_word(town["light"])
            assert fills[row["_row"]] == LIGHT_FILLS[share["light"]]
            place = PLACES[share["checklist"]]
            assert (row["责任单位"], row["责任人"]) == (f"{place}综合文化站", f"{place}站长")  # the town's own people
            done = town["finished"] if town["kind"] == "workflow" else town["progress"]["done"]
            assert number(row["进度/完成"]) == number(done), (task["id"], share["checklist"])
            assert number(row["进度/目标"]) == number(town["progress"]["target"])
    by_town = {(r["编号"], r[item_column]): r for r in rows}
    linnong_c1, bajiao_c1 = by_town[("C1", TITLES[LINNONG])], by_town[("C1", TITLES[BAJIAO])]
    assert (linnong_c1["分解任务"], number(linnong_c1["进度/完成"]), linnong_c1["进度/计量单位"]) == ("400场", 400, "场")
    assert linnong_c1["最近报送/报送内容"].startswith("250场 林农站长") and "七月集中放映" in linnong_c1["最近报送/报送内容"]
    assert linnong_c1["最近报送/报送日期"].date().isoformat() == "2017-07-21"
    assert linnong_c1["完成目标/计划日期"].date().isoformat() == "2017-11-15"  # the town's own deadline
    assert bajiao_c1["完成目标/计划日期"].date().isoformat() == "2017-11-30"
    linnong_w1, bajiao_w1 = by_town[("W1", TITLES[LINNONG])], by_town[("W1", TITLES[BAJIAO])]
    assert (linnong_w1["分解任务"], linnong_w1["当前环节"], linnong_w1["逾期子项"]) == ("玉城村、花园村", "选址规划1个、已建成1个", 1)
    assert (bajiao_w1["分解任务"], bajiao_w1["当前环节"], bajiao_w1["逾期子项"]) == ("八角村", "施工中1个", 0)
    assert by_town[("W1", "合计")]["当前环节"] == "选址规划1个、施工中1个、已建成1个"
    assert by_town[("W1", "合计")]["分解任务"] == "3个" and by_town[("C1", "合计")]["分解任务"] == "1000场"


def dispatch_rows(ws, title: str = "各乡镇得分排名") -> tuple[list[dict], list[list]]:
    header = [c.value for c in ws[3]]
    tasks, row = [], 4
    while ws.cell(row, 1).value is not None:
        tasks.append(dict(zip(header, (ws.cell(row, c).value for c in range(1, len(header) + 1)), strict=True)) | {"_row": row})
        row += 1
    start = next(r for r in range(row, ws.max_row + 1) if ws.cell(r, 2).value == "清单")
    assert ws.cell(start - 1, 2).value == title
    units = []
    for r in range(start + 1, ws.max_row + 1):
        if ws.cell(r, 3).value is None:
            break
        units.append([ws.cell(r, c).value for c in range(2, 9)])
    return tasks, units


def test_the_dispatch_table_has_the_towns_under_each_task_and_ranks_them(family, qingdan, tmp_path):
    county = status_of(qingdan, COUNTY)
    towns = {town: status_of(qingdan, town) for town in TOWNS}
    path = export(qingdan, tmp_path, "dispatch", "调度表.xlsx", "--period", "month")
    with opened(path) as workbook:
        tasks, units = dispatch_rows(workbook["调度表"])
    assert [(r["序号"], r["任务"].strip()) for r in tasks] == [
        (1, "农村公益电影放映"),
        ("1.1", TITLES[LINNONG]),
        ("1.2", TITLES[BAJIAO]),
        ("1.3", JINJI),
        (2, "村级文化活动室建设"),
        ("2.1", TITLES[LINNONG]),
        ("2.2", TITLES[BAJIAO]),
    ]
    rows = {(r["序号"]): r for r in tasks}
    c1 = county["tasks"][0]
    assert number(rows[1]["累计完成"]) == number(c1["progress"]["done"]) == 520
    assert number(rows[1]["本期完成"]) == 370  # July: 林农 250, 八角 120 (林农's 150 were in June)
    assert (number(rows["1.1"]["本期完成"]), number(rows["1.1"]["累计完成"]), number(rows["1.1"]["目标"])) == (250, 400, 400)
    assert (number(rows["1.2"]["本期完成"]), number(rows["1.2"]["累计完成"]), number(rows["1.2"]["目标"])) == (120, 120, 500)
    assert rows["1.1"]["完成率"] == pytest.approx(1.0) and rows["1.2"]["完成率"] == pytest.approx(120 / 500)
    assert (rows["1.3"]["目标"], rows["1.3"]["状态"], rows["1.3"]["累计完成"]) == (100, "未载入", None)
    assert rows["1.1"]["状态"] == light_word(own_task(towns[LINNONG], "LN1")["light"])
    assert (rows["2.1"]["累计完成"], rows["2.1"]["目标"], rows["2.2"]["累计完成"], rows["2.2"]["目标"]) == (1, 2, 0, 1)
    assert rows["2.1"]["责任人"] == "林农站长" and rows["2.2"]["责任单位"] == "八角综合文化站"
    # the towns ranked among 乡镇 with the status's scores and ranks (rank_units', never recomputed)
    peers = county["peers"]
    assert [u[0] for u in units] == [p["title"] for p in peers] == [TITLES[LINNONG], TITLES[BAJIAO]]
    for unit, peer in zip(units, peers, strict=True):
        assert unit[5] == pytest.approx(peer["score"]) and unit[6] == peer["rank"] and unit[4] == peer["overdue"]
        assert unit[2] == pytest.approx(peer["completion"], abs=5e-5)
    # the same sheet in the ledger
    with opened(export(qingdan, tmp_path, "ledger", "台账.xlsx")) as workbook:
        again, ranked = dispatch_rows(workbook["调度表"])
    assert [r["任务"] for r in again] == [r["任务"] for r in tasks] and ranked == units


def test_the_circular_ranks_the_towns_and_names_the_town_behind_each_overdue_item(family, qingdan, tmp_path):
    county = status_of(qingdan, COUNTY)
    word = read(export(qingdan, tmp_path, "circular", "通报.docx"))
    assert fw("各乡镇:") in word.text
    assert "二、各乡镇得分排名" in word.text and "各单位得分排名" not in word.text
    ranking = next(t for t in word.tables if t[0][:2] == ["排名", "清单"])
    peers = county["peers"]
    assert [(r[0], r[1], r[6], r[7]) for r in ranking[1:]] == [
        (str(p["rank"]), p["title"], f"{p['score']:.1f}", str(p["overdue"])) for p in peers
    ]
    assert fw(f"乡镇中,排名第一的是{peers[0]['title']}({peers[0]['score']:.1f}分)") in word.text
    overdue = next(t for t in word.tables if t[0][:3] == ["序号", "任务", "子项"])
    assert overdue[1:] == [["1", "村级文化活动室建设", "花园村", "施工中", "6月15日", TITLES[LINNONG], "林农站长", "36"]]
    assert sum(t["overdue"] for t in county["tasks"]) == len(overdue) - 1


def test_the_work_report_gives_each_towns_figures_and_ranks_the_towns(family, qingdan, tmp_path):
    county = status_of(qingdan, COUNTY)
    word = read(export(qingdan, tmp_path, "report", "汇报.docx", "--period", "month"))
    progress = word.part("三、", "四、")
    assert (
        fw(f"分乡镇看:{TITLES[LINNONG]}完成400场(任务400场),占100.0%;{TITLES[BAJIAO]}完成120场(任务500场),占24.0%;{JINJI}尚未载入。")
        in progress
    )
    assert fw(f"{TITLES[LINNONG]}已完成1个(共2个),占50.0%,逾期子项1个;{TITLES[BAJIAO]}已完成0个(共1个),占0.0%。") in progress
    assert fw("累计完成520场,占目标的52.0%;7月完成370场。") in progress
    assert fw("目前“选址规划”1个、“施工中”1个、“已建成”1个,已完成1个,占33.3%。") in progress  # the workflow's order
    peers = county["peers"]
    ranks = "、".join(f"第{p['rank']}名{p['title']}({p['score']:.1f}分)" for p in peers)
    assert fw("(二)各乡镇推进情况。") in progress and fw(ranks) in progress
    problems = word.part("四、", "五、")
    assert fw("村级文化活动室建设:花园村未按期完成“施工中”节点(应于6月15日前),已逾期36天,") in problems
    assert fw(f"责任单位{TITLES[LINNONG]},责任人林农站长。") in problems
    assert fw("七月集中放映") in problems  # a town's report note is a problem the county hears of
    plans = word.part("五、")
    assert fw(f"督促{TITLES[LINNONG]}尽快完成花园村的“施工中”节点") in plans


@pytest.fixture
def three_levels(store, clock, steps):
    """county → town-a (its 400 场 split between two villages) and town-b, as tests/engine/test_lineage.py writes them.
    On 11-01 village-1 showed 100 of its 150 场 and town-b all its 600; on 11-20 village-1's 11-10 deadline has passed."""
    from engine.runtime.loader import load
    from engine.runtime.progress import report
    from tests.engine.test_lineage import compiled, county, town, village

    split = [{"to": "village-1", "quantity": 150}, {"to": "village-2", "quantity": 250}]
    lists = [
        compiled(village("village-1", "town-a", 150), steps),
        compiled(county(), steps),
        compiled(town("town-a", 400, ["村A", "村B"], assign=split), steps),
        compiled(town("town-b", 600, ["村C"]), steps),
        compiled(village("village-2", "town-a", 250), steps),
    ]
    for definition in lists:
        load(store, [definition], clock=clock)
    clock.at = at("2017-11-01T10:00")
    report(store, task="V3", amount=100, actor="v-village-1", clock=clock, checklist="village-1")
    report(store, task="T3", amount=600, actor="c-town-b", clock=clock, checklist="town-b")
    clock.at = at("2017-11-20T18:00")


def test_three_levels_the_county_reads_its_towns_and_a_town_its_villages(three_levels, qingdan, tmp_path):
    now = "2017-11-20T18:00"
    county_status = json.loads(qingdan("status", "county", "--json", now=now).stdout)
    paths = {}
    for list_id in ("county", "town-a"):
        paths[list_id] = tmp_path / f"{list_id}.xlsx"
        done = qingdan("export", "ledger", list_id, "-o", paths[list_id], now=now)
        assert done.returncode == 0, done.stderr
    with opened(paths["county"]) as workbook:
        rows = [r for r in two_row_records(workbook["台账"], 3) if r["编号"] == "C3"]
        tasks, units = dispatch_rows(workbook["调度表"], "各乡镇得分排名")
    c3 = county_status["tasks"][0]
    assert [(r["子项/承担单位"], number(r["进度/完成"]), number(r["进度/目标"])) for r in rows] == [
        ("合计", 700, 1000),
        ("town-a镇", 100, 400),  # the town's figure is its villages' sum
        ("town-b镇", 600, 600),
    ]
    assert number(c3["progress"]["done"]) == 700
    assert rows[1]["逾期子项"] == c3["children"][0]["overdue"] >= 1 and rows[1]["责任人"] == "干部a"
    assert [u[0] for u in units] == [p["title"] for p in county_status["peers"]]
    with opened(paths["town-a"]) as workbook:
        rows = [r for r in two_row_records(workbook["台账"], 3) if r["编号"] == "T3"]
        _tasks, villages = dispatch_rows(workbook["调度表"], "各村得分排名")
    assert [(r["子项/承担单位"], number(r["进度/完成"]), r["责任人"]) for r in rows] == [
        ("合计", 100, "干部a"),
        ("village-1村", 100, "村主任1"),
        ("village-2村", 0, "村主任2"),
    ]
    town_status = json.loads(qingdan("status", "town-a", "--json", now=now).stdout)
    assert [(v[0], v[5], v[6]) for v in villages] == [(p["title"], p["score"], p["rank"]) for p in town_status["peers"]]
    assert {v[0] for v in villages} == {"village-1村", "village-2村"}
    # the county's circular names the town behind a village's missed deadline
    path = tmp_path / "county.docx"
    assert qingdan("export", "circular", "county", "-o", path, now=now).returncode == 0
    overdue = next(t for t in read(path).tables if t[0][:3] == ["序号", "任务", "子项"])
    behind = [(r[1], r[5], r[6]) for r in overdue[1:] if r[1] == "送戏下乡"]
    assert behind and all(unit == "town-a镇" and person == "干部a" for _task, unit, person in behind)
