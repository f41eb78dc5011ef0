"""``qingdan import`` and ``qingdan export list`` as a clerk runs them, against a real database."""

from __future__ import annotations

from engine.definition.validation import validate_file, validate_text
from tests.conftest import SHARED_EXAMPLES, YANTING
from tests.engine.importing.books import sectioned, write_book

HUANGJIN_XLSX = SHARED_EXAMPLES / "huangjin-town-2019.xlsx"
SHEET = "2019年任务分解表"


def summary(definition) -> list[tuple]:
    """What a round trip keeps: tasks, titles, targets, units, people, the final deadline, periods, items."""
    d = definition
    return [
        (
            t.id,
            t.title,
            t.kind,
            t.target,
            t.target_unit,
            d.units[t.unit],
            d.people[t.responsible].name,
            d.people[t.leader].name,
            max(t.deadlines.values()) if t.deadlines else None,
            t.every,
            t.at_least if t.kind == "recurring" else None,
            tuple(i for i in t.items if i != t.title),
        )
        for t in d.tasks
    ]


def test_huangjin_import_prints_the_cells_to_check_and_loads(qingdan, tmp_path, steps):
    done = qingdan("import", HUANGJIN_XLSX, "-o", "huangjin.yaml", "--load")
    assert done.returncode == 0, done.stderr
    problems = [line for line in done.stderr.splitlines() if line.startswith("huangjin-town-2019.xlsx ")]
    assert problems == [
        f"huangjin-town-2019.xlsx {SHEET}!A2: 表中没有“分管领导”列,所有任务的分管领导暂定为“待定(分管领导)”,请在 people 里改成真实姓名。",
        f"huangjin-town-2019.xlsx {SHEET}!D4: 从“新增贷款80万元,到期贷款按时收回”中取数量 80万元:目标不止一句,只有“80万元”计为数量,请核对。",
        f"huangjin-town-2019.xlsx {SHEET}!I6: “其中…”记为分项:护林员199个,请核对。",
        f"huangjin-town-2019.xlsx {SHEET}!D7: 从“培训3期150人次”中取数量 3期:有 2 个数字,取了第一个,请核对。",
        f"huangjin-town-2019.xlsx {SHEET}!H9: 时限写的是“长期坚持”,按目标“每周不少于5天”定为每周至少5次,请核对。",
    ]
    assert "huangjin-town-2019.xlsx:7 项任务,5 处需要核对,已写入 huangjin.yaml。" in done.stderr
    assert "+ huangjin-town-2019:已载入,7 项任务" in done.stdout
    assert "Traceback" not in done.stderr
    assert qingdan("validate", "huangjin.yaml").returncode == 0
    status = qingdan("status", "huangjin-town-2019", now="2019-03-01")
    assert status.returncode == 0 and "开发公益性岗位" in status.stdout
    again = qingdan("import", HUANGJIN_XLSX, "-o", "huangjin.yaml", "--load")
    assert again.returncode == 0 and "= huangjin-town-2019:内容未变" in again.stdout


def test_without_output_the_yaml_goes_to_stdout_and_messages_to_stderr(qingdan, steps):
    done = qingdan("import", HUANGJIN_XLSX, "--id", "hj")
    assert done.returncode == 0, done.stderr
    checked = validate_text(done.stdout, "stdout.yaml", steps)
    assert checked.ok and checked.definition.id == "hj"
    assert done.stdout.startswith("# ") and f"{SHEET}!D7" in done.stderr
    assert qingdan("status").returncode == 1  # nothing was loaded


def test_messages_in_english(qingdan, tmp_path):
    done = qingdan("import", sectioned(tmp_path / "s-2019.xlsx"), lang="en")
    assert done.returncode == 0
    assert "s-2019.xlsx 清单!C5: the target '做好宣传' has no number: imported as a simple task (推进中 → 已完成); check it." in done.stderr


def test_year_option_and_columns_option_on_the_command_line(qingdan, tmp_path, steps):
    write_book(
        tmp_path / "odd.xlsx",
        [["工作清单"], ["编号", "干什么", "干多少", "谁牵头", "谁负责", "啥时候"], [1, "放映电影", "300场", "广电股", "陈红", "11月底前"]],
    )
    refused = qingdan("import", "odd.xlsx", "--year", "2018")
    assert refused.returncode == 1 and "--columns" in refused.stderr and "Traceback" not in refused.stderr
    done = qingdan(
        "import",
        "odd.xlsx",
        "--year",
        "2018",
        "--columns",
        "干什么=title,干多少=target,谁牵头=unit,谁负责=responsible,F=due",
        "-o",
        "odd.yaml",
    )
    assert done.returncode == 0, done.stderr
    d = validate_file(str(tmp_path / "odd.yaml"), steps).definition
    assert (d.id, d.year, str(d.tasks[0].deadlines["done"])) == ("odd-2018", 2018, "2018-11-30")


def test_not_a_workbook_or_no_header_exits_1_without_a_traceback_and_loads_nothing(qingdan, tmp_path):
    (tmp_path / "清单.xlsx").write_text("这不是工作簿", encoding="utf-8")
    done = qingdan("import", "清单.xlsx", "--load")
    assert done.returncode == 1
    assert done.stderr.startswith("错误:清单.xlsx 不是 Excel 工作簿(.xlsx)") and "Traceback" not in done.stderr
    write_book(tmp_path / "空表.xlsx", [["2019年清单"], ["一些说明文字"]])
    done = qingdan("import", "空表.xlsx", "--load")
    assert done.returncode == 1 and "找不到表头" in done.stderr and "Traceback" not in done.stderr
    missing = qingdan("import", "nowhere.xlsx")
    assert missing.returncode == 1 and "找不到文件" in missing.stderr
    assert qingdan("status").returncode == 1 and "还没有载入" in qingdan("status").stderr
    assert not (tmp_path / "空表.yaml").exists()


def test_a_draft_with_errors_is_written_but_not_loaded(qingdan, tmp_path):
    # 2030 is a year the working-day calendar does not know: every deadline is an error, named with its line
    done = qingdan("import", HUANGJIN_XLSX, "--year", "2030", "-o", "late.yaml", "--load")
    assert done.returncode == 1
    assert "late.yaml:" in done.stderr and "2030" in done.stderr and "没有载入任何清单" in done.stderr
    assert (tmp_path / "late.yaml").exists()
    assert qingdan("status").returncode == 1


def test_yanting_export_then_import_gives_the_same_list(qingdan, tmp_path, steps):
    assert qingdan("load", YANTING).returncode == 0
    exported = qingdan("export", "list", "yanting-wenguang-2017", "-o", "盐亭.xlsx")
    assert exported.returncode == 0 and "8 项任务" in exported.stdout, exported.stderr
    done = qingdan("import", "盐亭.xlsx", "--id", "yanting-again", "-o", "again.yaml", "--load")
    assert done.returncode == 0, done.stderr
    original = validate_file(str(YANTING), steps).definition
    again = validate_file(str(tmp_path / "again.yaml"), steps).definition
    assert again.title == original.title and again.year == original.year
    assert summary(again) == summary(original)
    t4 = next(t for t in again.tasks if t.id == "T4")
    assert t4.note == "其中贫困村放映300场次"
    assert [(p.title, p.quantity) for p in t4.parts] == [("贫困村放映", 300)]  # the part comes back from 其中…


def test_huangjin_import_export_import_gives_the_same_list(qingdan, tmp_path, steps):
    assert qingdan("import", HUANGJIN_XLSX, "-o", "first.yaml", "--load").returncode == 0
    assert qingdan("export", "list", "huangjin-town-2019", "-o", "out.xlsx").returncode == 0
    done = qingdan("import", "out.xlsx", "--id", "huangjin-town-2019", "-o", "second.yaml")
    assert done.returncode == 0, done.stderr
    first = validate_file(str(tmp_path / "first.yaml"), steps).definition
    second = validate_file(str(tmp_path / "second.yaml"), steps).definition
    assert summary(second) == summary(first)
    assert [t.note for t in second.tasks] == [t.note for t in first.tasks]
    reload = qingdan("load", "second.yaml")  # the same list: only comments differ, and comments do not count
    assert reload.returncode == 0 and "= huangjin-town-2019:内容未变" in reload.stdout


def test_the_exported_workbook_has_the_template_shape(qingdan, tmp_path):
    from openpyxl import load_workbook

    assert qingdan("import", HUANGJIN_XLSX, "--load", "-o", "h.yaml").returncode == 0
    assert qingdan("export", "list", "huangjin-town-2019", "-o", "h.xlsx").returncode == 0
    book = load_workbook(tmp_path / "h.xlsx")
    try:
        ws = book.active
        assert ws["A1"].value == "黄金镇2019年巩固脱贫成果重点工作任务分解表" and "A1:I1" in {str(r) for r in ws.merged_cells.ranges}
        assert [c.value for c in ws[2]] == ["序号", "类别", "工作任务", "目标任务", "责任单位", "责任人", "分管领导", "完成时限", "备注"]
        assert [c.value for c in ws[3]] == [
            1,
            "产业扶贫",
            "发放扶贫小额信贷",
            "新增贷款80万元,到期贷款按时收回",
            "镇农业服务中心",
            "陈立",
            "待定(分管领导)",
            "12月31日前",
            "配合:各村;到期前一个月预警",
        ]
        assert ws["H7"].value == "每月" and ws["H8"].value == "长期坚持"
        assert ws.freeze_panes == "A3" and ws.column_dimensions["C"].width >= 10
    finally:
        book.close()
