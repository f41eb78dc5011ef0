"""Workbooks of several shapes → a draft that validates, with the exact cells the clerk must check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine.definition.validation import validate_text
from engine.importing.findings import ImportFailed
from engine.importing.workbook import default_id, import_workbook
from tests.conftest import SHARED_EXAMPLES
from tests.engine.importing.books import sectioned, titled, two_row_header, write_book

HUANGJIN_XLSX = SHARED_EXAMPLES / "huangjin-town-2019.xlsx"


def imported(path, steps, **options):
    result = import_workbook(str(path), **options)
    checked = validate_text(result.text, "draft.yaml", steps)
    assert checked.ok, result.text + "\n" + "\n".join(p.format() for p in checked.errors)
    return result, checked.definition


def refs(result) -> dict[str, str]:
    return {f.ref: f.message for f in result.findings}


def test_huangjin_example_imports_into_a_valid_list_with_its_guesses_commented(steps):
    result, d = imported(HUANGJIN_XLSX, steps)
    assert (d.id, d.year, d.title) == ("huangjin-town-2019", 2019, "黄金镇2019年巩固脱贫成果重点工作任务分解表")
    sheet = "2019年任务分解表"
    assert list(refs(result)) == [f"{sheet}!A2", f"{sheet}!D4", f"{sheet}!I6", f"{sheet}!D7", f"{sheet}!H9"]
    assert "分管领导" in refs(result)[f"{sheet}!A2"]
    assert refs(result)[f"{sheet}!I6"] == "“其中…”记为分项:护林员199个,请核对。"
    tasks = {t.id: t for t in d.tasks}
    assert [t.title for t in d.tasks][:2] == ["发放扶贫小额信贷", "猕猴桃产业园建设"]
    assert (tasks["T1"].target, tasks["T1"].target_unit, tasks["T1"].deadlines) == (Decimal(80), "万元", {"done": dt.date(2019, 12, 31)})
    assert tasks["T1"].note == "类别:产业扶贫;目标:新增贷款80万元,到期贷款按时收回;配合:各村;到期前一个月预警"
    assert (tasks["T2"].deadlines["done"], tasks["T3"].deadlines["done"]) == (dt.date(2019, 9, 30), dt.date(2019, 6, 30))
    assert (tasks["T3"].target, tasks["T3"].target_unit) == (Decimal(233), "个")
    assert tasks["T3"].note == "类别:就业扶贫;配合:各村;其中护林员199个"
    assert [(p.title, p.quantity) for p in tasks["T3"].parts] == [("护林员", Decimal(199))]
    assert tasks["T4"].deadlines["done"] == dt.date(2019, 6, 30)
    assert (tasks["T5"].every, tasks["T5"].at_least) == ("month", 1)
    assert (tasks["T6"].every, tasks["T6"].at_least) == ("week", 5)
    assert "时限:长期坚持" in tasks["T6"].note
    assert (tasks["T7"].target, tasks["T7"].target_unit, tasks["T7"].note) == (
        Decimal(58),
        "户",
        "类别:基础设施;目标:58户交钥匙入住;配合:黄金村;42户+16户",
    )
    assert {d.units[t.unit] for t in d.tasks} == {"镇农业服务中心", "镇社保所", "镇扶贫办", "镇组织办", "镇建设办"}
    assert {d.people[t.responsible].name for t in d.tasks} == {"陈立", "杨芳", "周明", "李强"}
    assert {d.people[t.leader].name for t in d.tasks} == {"待定(分管领导)"}
    lines = result.text.splitlines()
    assert sum("# 猜测:表中没有分管领导列" in line for line in lines) == 7
    assert any(line.strip().startswith('target: {quantity: 3, unit: "期"}  # 猜测:') for line in lines)
    assert any(f"#   {sheet}!H9: " in line for line in lines)


def test_title_rows_dates_and_an_unknown_phrase(tmp_path, steps):
    result, d = imported(titled(tmp_path / "文广局.xlsx"), steps)
    assert d.title == "某县文广局2017年脱贫攻坚工作任务清单" and d.year == 2017
    assert d.id.startswith("list-") and d.id.endswith("-2017")
    assert refs(result) == {"Sheet1!G6": "不认识的时限“尽快完成”,已按年底(12-31)处理,请核对。"}
    tasks = {t.id: t for t in d.tasks}
    assert (tasks["T1"].target, tasks["T1"].target_unit, tasks["T1"].deadlines["done"]) == (Decimal(5472), "场次", dt.date(2017, 10, 31))
    assert (tasks["T2"].target, tasks["T2"].target_unit, tasks["T2"].deadlines["done"]) == (
        Decimal("172.12"),
        "万元",
        dt.date(2017, 11, 30),
    )
    assert tasks["T3"].deadlines["done"] == dt.date(2017, 12, 31) and tasks["T3"].note == "时限:尽快完成;户户通"
    assert (tasks["T4"].every, tasks["T4"].at_least) == ("quarter", 1)
    assert {p.name: p.roles for p in d.people.values()} == {
        "陈红": ("staff",),
        "李文华": ("leader",),
        "何静": ("staff",),
        "王建国": ("leader",),
    }
    assert "填报单位:县文广局办公室" in result.text  # the second title row is kept as a comment


def test_merged_section_rows_an_unknown_column_and_a_target_without_a_number(tmp_path, steps):
    result, d = imported(sectioned(tmp_path / "huangjin-2019.xlsx"), steps)
    assert d.id == "huangjin-2019"
    found = refs(result)
    assert list(found) == ["清单!H2", "清单!C5", "清单!C8", "清单!E8"]
    assert "资金来源" in found["清单!H2"]
    assert found["清单!C5"] == "目标“做好宣传”里没有数字,按一般任务(推进中→已完成)导入,请核对。"
    assert "培训3期150人次" in found["清单!C8"]
    assert found["清单!E8"] == "没有填责任人,暂定为“杨芳”,请核对。"
    tasks = {t.id: t for t in d.tasks}
    assert tasks["T1"].note == "类别:产业扶贫;资金来源:县财政"
    assert tasks["T2"].kind == "workflow" and tasks["T2"].deadlines == {"done": dt.date(2019, 9, 30)}
    assert d.workflows["simple"].title == "一般任务"
    assert tasks["T3"].note == "类别:就业扶贫"
    assert tasks["T4"].deadlines["done"] == dt.date(2019, 7, 20)


def test_two_row_header_sections_in_the_number_column_and_year_from_the_option(tmp_path, steps):
    path = two_row_header(tmp_path / "town.xlsx")
    with pytest.raises(ImportFailed, match="--year"):
        import_workbook(str(path))
    result, d = imported(path, steps, year=2019, list_id="town-2019")
    assert (d.id, d.year) == ("town-2019", 2019)
    found = refs(result)
    assert list(found) == ["Sheet1!A2", "Sheet1!D6", "Sheet1!G9"]
    assert "分管领导" in found["Sheet1!A2"]
    assert found["Sheet1!D6"] == "没有填责任单位,暂定为“待定单位”,请补上。"
    assert "长期坚持" in found["Sheet1!G9"]
    tasks = {t.id: t for t in d.tasks}
    assert tasks["T1"].note == "类别:产业发展;目标:新建基地200亩;配合:黄金村"
    assert tasks["T1"].deadlines["done"] == dt.date(2019, 9, 10)
    assert (tasks["T2"].target, tasks["T2"].target_unit) == (Decimal(12), "公里")
    assert d.units[tasks["T2"].unit] == "待定单位"
    assert (tasks["T3"].every, tasks["T4"].every, tasks["T4"].at_least) == ("month", "week", 5)


def test_columns_mapping_names_the_columns_the_words_do_not(tmp_path, steps):
    path = write_book(
        tmp_path / "odd.xlsx",
        [
            ["2018年工作清单"],
            ["编号", "干什么", "干多少", "谁牵头", "谁负责", "啥时候"],
            [1, "放映电影", "300场", "广电股", "陈红", "11月底前"],
        ],
    )
    with pytest.raises(ImportFailed, match="--columns"):
        import_workbook(str(path))
    result, d = imported(path, steps, column_spec="干什么=title,干多少=target,谁牵头=unit,谁负责=responsible,F=due")
    task = d.tasks[0]
    assert (task.title, task.target, task.target_unit, task.deadlines["done"]) == ("放映电影", Decimal(300), "场", dt.date(2018, 11, 30))
    assert d.units[task.unit] == "广电股" and d.people[task.responsible].name == "陈红"
    mapping = tmp_path / "columns.json"
    mapping.write_text(
        '{"干什么": "工作任务", "干多少": "target", "谁牵头": "unit", "谁负责": "责任人", "啥时候": "due"}', encoding="utf-8"
    )
    again, d2 = imported(path, steps, column_spec=str(mapping))
    assert d2.tasks[0].deadlines == task.deadlines
    with pytest.raises(ImportFailed, match="字段"):
        import_workbook(str(path), column_spec="干什么=what")


def test_a_chinese_date_format_cell_reads_as_a_date(tmp_path, steps):
    from openpyxl import Workbook
    from openpyxl.styles.cell_style import StyleArray

    book = Workbook()
    ws = book.active
    for c, value in enumerate(["工作任务", "目标任务", "责任单位", "完成时限"], 1):
        ws.cell(2, c, value)
    ws["A1"] = "2017年清单"
    for c, value in enumerate(["放映", "10场", "广电股", 43039], 1):
        ws.cell(3, c, value)
    ws["D3"]._style = StyleArray()
    ws["D3"]._style.numFmtId = 31  # 2017年10月31日 in Chinese Excel/WPS: openpyxl reads back a bare serial
    book.save(tmp_path / "serial.xlsx")
    book.close()
    _result, d = imported(tmp_path / "serial.xlsx", steps)
    assert d.tasks[0].deadlines["done"] == dt.date(2017, 10, 31)


def test_no_header_and_not_a_workbook_fail_with_a_clear_message(tmp_path):
    path = write_book(tmp_path / "x.xlsx", [["只是一些文字"], ["没有表头"]])
    with pytest.raises(ImportFailed, match="找不到表头"):
        import_workbook(str(path))
    text = tmp_path / "not.xlsx"
    text.write_text("不是工作簿", encoding="utf-8")
    with pytest.raises(ImportFailed, match="不是 Excel 工作簿"):
        import_workbook(str(text))
    with pytest.raises(ImportFailed, match="没有名为“别的”的工作表"):
        import_workbook(str(HUANGJIN_XLSX), sheet_name="别的")


@pytest.mark.parametrize(
    ("file", "year", "expected"),
    [("huangjin-town-2019.xlsx", 2019, "huangjin-town-2019"), ("Town List.xlsx", 2018, "town-list-2018"), ("清单.xlsx", 2017, "list-")],
)
def test_default_ids_are_ascii_with_the_year(file, year, expected):
    made = default_id(file, year)
    assert made.startswith(expected) and made.endswith(str(year)) and made.isascii()
