"""Workbooks of different shapes, written with openpyxl inside the tests."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook


def write_book(path: Path, rows: list[list], merges: tuple[str, ...] = (), sheet: str = "Sheet1") -> Path:
    """``rows`` from A1 down (None for an empty cell); ``merges`` such as "A1:H1"."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(r, c, value)
    for merged in merges:
        ws.merge_cells(merged)
    book.save(path)
    book.close()
    return path


HEADER = ["序号", "重点任务", "具体内容", "牵头单位", "责任人", "分管领导", "完成时限", "备注"]


def titled(path: Path) -> Path:
    """Two title rows, a one-row header, dates as cells and as phrases, an unknown phrase in G6."""
    import datetime as dt

    return write_book(
        path,
        [
            ["某县文广局2017年脱贫攻坚工作任务清单"],
            ["填报单位:县文广局办公室"],
            HEADER,
            [1, "全年完成全县农村放映公益电影", "5472场次", "广电股", "陈红", "李文华", "10月底前", None],
            [2, "公共文化服务体系建设专项资金拨付使用", "172.12万元", "办公室", "何静", "李文华", dt.datetime(2017, 11, 30), None],
            [3, "实现退出贫困户广播电视户户通", "1748户", "广电股", "陈红", "李文华", "尽快完成", "户户通"],
            [4, "帮扶干部走访", "每季度走访不少于1次", "办公室", "何静", "王建国", "每季度", None],
        ],
        merges=("A1:H1", "A2:H2"),
    )


def sectioned(path: Path) -> Path:
    """Section rows 一、二、 merged across; an unknown column 资金来源; a target without a number in C5."""
    return write_book(
        path,
        [
            ["黄金镇2019年重点工作任务清单"],
            ["序号", "工作任务", "目标任务", "责任单位", "责任人", "分管领导", "完成时限", "资金来源"],
            ["一、产业扶贫"],
            [1, "发放扶贫小额信贷", "80万元", "镇农业服务中心", "陈立", "张书记", "2019年12月底前", "县财政"],
            [2, "做好产业宣传", "做好宣传", "镇农业服务中心", "陈立", "张书记", "9月底", None],
            ["二、就业扶贫"],
            [3, "开发公益性岗位", "233个", "镇社保所", "杨芳", "张书记", "上半年", None],
            [4, "技能培训", "培训3期150人次", "镇社保所", None, "张书记", "7月中旬", None],
        ],
        merges=("A1:H1", "A3:H3", "A6:H6"),
        sheet="清单",
    )


def two_row_header(path: Path) -> Path:
    """No year in the title; 序号 column sections (一 / 产业发展); 责任单位 over 牵头/配合; no leader column; an empty unit."""
    return write_book(
        path,
        [
            ["镇重点工作任务分解表"],
            ["序号", "工作任务", "目标任务", "责任单位", None, "责任人", "完成时限"],
            [None, None, None, "牵头", "配合", None, None],
            ["一", "产业发展", None, None, None, None, None],
            [1, "猕猴桃产业园建设", "新建基地200亩", "镇农业服务中心", "黄金村", "陈立", "9月初"],
            [2, "村道硬化", "12公里", None, "各村", "李强", "年底前"],
            ["二", "帮扶走访", None, None, None, None, None],
            [3, "帮扶干部入户走访", "每户每月不少于1次", "镇扶贫办", "各村", "周明", "每月"],
            [4, "第一书记驻村", "每周不少于5天", "镇组织办", None, "周明", "长期坚持"],
        ],
        merges=("A1:G1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3", "G2:G3"),
    )
