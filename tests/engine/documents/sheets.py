"""Reading the exported workbooks back for the ledger and dispatch tests: cells by their headers, the status
they are compared with, and the words and colours of the lights."""

from __future__ import annotations

import json
from contextlib import contextmanager
from decimal import Decimal

from openpyxl import load_workbook

from tests.engine.documents import halfyear

LIGHT_WORDS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "done": "已完成"}
LIGHT_FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE", "done": "D9D9D9"}
NOW = "2017-06-30T18:00"


@contextmanager
def opened(path):
    workbook = load_workbook(path)
    try:
        yield workbook
    finally:
        workbook.close()


def status_json(qingdan, *args) -> dict:
    """``qingdan status LIST --json`` as the tests' clock stands on 06-30 (``args``: e.g. --as-of)."""
    done = qingdan("status", halfyear.CHECKLIST, "--json", *args, now=NOW)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def export(qingdan, tmp_path, kind: str, *args, name: str = "out.xlsx", now: str = NOW):
    """Run ``qingdan export KIND LIST ARGS -o tmp_path/name``; returns the path and the finished process."""
    path = tmp_path / name
    done = qingdan("export", kind, halfyear.CHECKLIST, *args, "-o", path, now=now)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return path, done


def two_row_records(ws, header_row: int) -> list[dict]:
    """Rows below a two-row header as dicts keyed by "group/sub" (or the merged title alone)."""
    keys, group = [], None
    for column in range(1, ws.max_column + 1):
        top, sub = ws.cell(header_row, column).value, ws.cell(header_row + 1, column).value
        group = top if top is not None else group
        keys.append(f"{group}/{sub}" if sub is not None else group)
    return [
        {key: ws.cell(row, column).value for column, key in enumerate(keys, start=1)} | {"_row": row}
        for row in range(header_row + 2, ws.max_row + 1)
    ]


def fill_of(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:]


def number(value) -> Decimal:
    return Decimal(str(value))


def verdict_of(words: str) -> str:
    """A verdict from the words the ledger prints for it (engine.verdicts.describe)."""
    for start, verdict in (("按时完成", "on_time"), ("逾期完成", "late"), ("已逾期", "missed"), ("未到期", "open"), ("不再需要", "void")):
        if words.startswith(start):
            return verdict
    raise AssertionError(words)
