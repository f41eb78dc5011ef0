"""Measured indicators on the web: the report form asks for the reading (读数) and its date, the task page, the board
and my work show the current value with its unit and the reading's date, and the history shows readings as values
(读数 80 → 最新读数 80), not increments; a correction withdraws a reading."""

from __future__ import annotations

import re

import pytest

from tests.engine.test_measured import measured_text
from tests.web.conftest import CHECKLIST

TASK_PAGE = f"/board/{CHECKLIST}/tasks/M1"


@pytest.fixture
def yanting(store, clock, steps):
    """The Yanting list with the measured tasks M1 (latest, chen), M2 (max), M3 (min) added."""
    from engine.definition.validation import validate_text
    from engine.runtime.loader import load

    result = validate_text(measured_text(), "measured.yaml", steps)
    assert result.ok, [p.format() for p in result.errors]
    load(store, [result.definition], clock=clock)
    return result.definition


def _text(html: str) -> str:
    inline = re.sub(r"</?span[^>]*>", "", html)  # a date's nowrap span sits inside the text
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))


def _report(client, **fields):
    return client.post("/my/report", data={"checklist": CHECKLIST, "task": "M1", "next": TASK_PAGE} | fields, follow_redirects=True)


def test_the_form_asks_for_the_reading(client, auth):
    auth.login("staff2")
    page = client.get(TASK_PAGE).get_data(as_text=True)
    assert "读数(当前值)" in page and "读数日期(不填为今天)" in page and "不是本次新增" in page
    assert "确认超出目标" not in page and 'min="0.0001"' not in page  # a reading may be 0, and above the target is fine
    assert "尚无读数 / 目标 95 %" in _text(page) and "数量目标 · 按读数计,以最新读数为准" in _text(page)


def test_readings_go_down_and_up_and_the_pages_follow(client, auth):
    auth.login("staff2")
    done = _report(client, amount="80", on="2017-07-01").get_data(as_text=True)
    assert "已记录读数" in done and "读数 80(2017-07-01),最新读数 80/95" in _text(done)
    page = _text(_report(client, amount="40", note="部分村停电").get_data(as_text=True))
    assert "最新读数 40 %(2017-07-21)/ 目标 95 %" in page
    assert "读数 80(2017-07-01) → 最新读数 80" in page and "报送读数" in page and "读数 40 → 最新读数 40" in page and "+40" not in page
    assert "黄灯" in page  # 40 of 95 with two thirds of the time gone: behind pace
    mine = _text(client.get("/my/").get_data(as_text=True))
    assert "最新读数 40 %(2017-07-21)/ 目标 95 %" in mine
    auth.logout()
    auth.login("head")
    board = _text(client.get(f"/board/{CHECKLIST}").get_data(as_text=True))
    assert "最新读数 40 %(2017-07-21)/ 目标 95 %" in board
    auth.logout()
    auth.login("staff2")

    up = _text(_report(client, amount="96").get_data(as_text=True))
    assert "目标已完成" in up and "最新读数 96 %(2017-07-21)/ 目标 95 %" in up

    from engine.queries.history import task_history

    entry = [e for e in task_history(client.application.config["STORE"], "M1") if e["kind"] == "report"][-1]["data"]["entry"]
    fixed = client.post(
        "/my/correct",
        data={"checklist": CHECKLIST, "task": "M1", "entry": entry, "note": "录错", "next": TASK_PAGE},
        follow_redirects=True,
    )
    page = _text(fixed.get_data(as_text=True))
    assert "已冲销读数" in page and "冲销读数 96 → 最新读数 40" in page
    assert "最新读数 40 %(2017-07-21)/ 目标 95 %" in page


def test_a_bad_reading_comes_back_with_what_was_typed(client, auth):
    auth.login("staff2")
    refused = client.post("/my/report", data={"checklist": CHECKLIST, "task": "M1", "amount": "九十", "next": TASK_PAGE})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'value="九十"' in page and "读数(当前值)" in page


def test_the_api_takes_a_reading_and_states_it(client, tokens):
    from tests.web.conftest import bearer

    sent = client.post("/api/report", json={"checklist": CHECKLIST, "task": "M1", "amount": "0"}, headers=bearer(tokens["staff2"]))
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["total"] == 0
    tasks = client.get(f"/api/checklists/{CHECKLIST}/status", headers=bearer(tokens["head"])).get_json()["tasks"]
    m1 = next(t for t in tasks if t["id"] == "M1")
    assert (m1["measure"], m1["reading_on"], m1["progress"]) == ("latest", "2017-07-21", {"done": 0, "target": 95})
    t4 = next(t for t in tasks if t["id"] == "T4")
    assert "measure" not in t4 and "reading_on" not in t4  # a sum says nothing new
