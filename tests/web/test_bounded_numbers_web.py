"""The API and the forms with numbers out of bounds: JSON numbers read exactly as written (never through a float), a
400 in plain words before any write, entry and notice numbers beyond BIGINT a plain 404; and the status API and the
board answer over a stored figure the engine would never have taken."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from engine.store.tables import progress
from tests.web.conftest import CHECKLIST, bearer


def _post(client, token, path, raw: str):
    return client.post(path, data=raw, headers=bearer(token) | {"Content-Type": "application/json"})


def _entries(store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(progress)).scalar_one()


@pytest.mark.parametrize(
    "raw, words",
    [
        ("1e308", "“1e308” 不是普通的十进制数"),
        ("1e309", "“1e309” 不是普通的十进制数"),
        ('"1e309"', "“1e309” 不是普通的十进制数"),
        ("-1e309", "不能是负数"),
        ("NaN", "“NaN” 不是一个具体的数"),
        ("Infinity", "“Infinity” 不是一个具体的数"),
        ("12345678901234567", "整数部分最多 16 位"),
        ('"12345678901234567"', "整数部分最多 16 位"),
        ("9" * 5000, "整数部分最多 16 位"),
        ('"' + "9" * 5000 + '"', "整数部分最多 16 位"),
        ("1234567890123.45678", "最多保留 4 位小数"),
        ("0.1e1", "科学计数法"),
    ],
)
def test_api_amounts_out_of_bounds_are_refused_before_any_write(client, tokens, store, raw, words):
    refused = _post(client, tokens["staff"], "/api/report", '{"task": "T5", "amount": ' + raw + "}")
    assert refused.status_code == 400 and words in refused.get_json()["error"], refused.get_data(as_text=True)[:300]
    assert refused.get_json()["field"] == "amount" and _entries(store) == 0


def test_api_json_numbers_are_read_exactly(client, tokens):
    done = _post(client, tokens["staff"], "/api/report", '{"task": "T5", "amount": 1.5}')
    assert done.status_code == 200 and done.get_json()["amount"] == 1.5
    exact = _post(client, tokens["head"], "/api/report", '{"task": "T5", "amount": 1234567890123.4567, "over": true}')
    assert exact.status_code == 200
    with client.application.config["STORE"].read() as conn:
        stored = conn.execute(select(progress.c.amount).where(progress.c.id == exact.get_json()["entry"])).scalar_one()
    if conn.dialect.name == "postgresql":  # SQLite keeps NUMERIC as a REAL (15 significant digits)
        assert str(stored) == "1234567890123.4567"


@pytest.mark.parametrize(
    "entry", ["9223372036854775808", '"9223372036854775808"', "9" * 40, '"' + "9" * 5000 + '"', "99999999999999999999"]
)
def test_api_entries_beyond_bigint_are_no_such_entry(client, tokens, entry):
    missing = _post(client, tokens["staff"], "/api/correct", '{"task": "T5", "entry": ' + entry + "}")
    assert missing.status_code == 404 and "没有编号为" in missing.get_json()["error"], missing.get_data(as_text=True)[:300]
    assert len(missing.get_json()["error"]) < 200


def test_api_notice_numbers_beyond_bigint_are_no_such_notice(client, tokens):
    missing = _post(client, tokens["staff"], "/api/inbox/read", '{"ids": [9223372036854775808]}')
    assert missing.status_code == 404 and "9223372036854775808" in missing.get_json()["error"]


def test_fire_data_numbers_are_read_as_written(client, tokens):
    refused = _post(
        client,
        tokens["staff"],
        "/api/fire",
        '{"task": "T1", "item": "1", "trigger": "award", "data": {"amount": 1e309, "winner": "x", "announced": "2017-07-01"}}',
    )
    assert refused.status_code in (400, 404, 409) and "Internal" not in refused.get_data(as_text=True)


def test_form_amounts_and_entries_out_of_bounds(client, auth, store):
    auth.login("staff")
    for amount in ("1e309", "12345678901234567", "9" * 5000):
        refused = client.post("/my/report", data={"task": "T5", "amount": amount, "checklist": CHECKLIST})
        assert refused.status_code == 422, amount  # the form comes back with the message beside the amount
    assert _entries(store) == 0
    for entry in ("9223372036854775808", "9" * 5000):
        missing = client.post("/my/correct", data={"task": "T5", "entry": entry, "checklist": CHECKLIST})
        assert missing.status_code == 404 and "没有编号为" in missing.get_data(as_text=True)


def test_form_notice_numbers_beyond_bigint_mark_nothing(client, auth, store, clock):
    from engine.reminders.sweep import run_pass

    run_pass(store, clock)
    auth.login("staff")
    before = client.get("/my/inbox").get_data(as_text=True).count("●")
    done = client.post("/my/inbox/read", data={"id": ["9223372036854775808", "²"]})
    assert done.status_code == 302
    assert client.get("/my/inbox").get_data(as_text=True).count("●") == before


def test_status_api_and_board_answer_over_a_stored_figure_they_cannot_use(client, tokens, auth, store):
    assert _post(client, tokens["staff"], "/api/report", '{"task": "T5", "amount": 3}').status_code == 200
    bad = _post(client, tokens["staff"], "/api/report", '{"task": "T5", "amount": 4}').get_json()["entry"]
    with store.write() as conn:  # around the engine: SQLite takes an infinite REAL, PostgreSQL a NaN
        value = "9e999" if conn.dialect.name == "sqlite" else "'NaN'"
        conn.execute(text(f"UPDATE progress SET amount = {value} WHERE id = :id"), {"id": bad})
    answered = client.get(f"/api/checklists/{CHECKLIST}/status", headers=bearer(tokens["head"]))
    assert answered.status_code == 200
    payload = json.loads(answered.get_data(as_text=True))  # strict JSON: no Infinity, no NaN
    t5 = next(t for t in payload["tasks"] if t["id"] == "T5")
    assert t5["progress"]["done"] == 3 and t5["excluded_entries"] == 1 and "无法使用" in t5["warning"]
    auth.login("head")
    board = client.get(f"/board/{CHECKLIST}")
    assert board.status_code == 200 and "Infinity" not in board.get_data(as_text=True) and "NaN" not in board.get_data(as_text=True)
    task_page = client.get(f"/board/{CHECKLIST}/tasks/T5")
    assert task_page.status_code in (200, 404) and task_page.status_code != 500
