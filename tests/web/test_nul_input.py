"""U+0000 cannot be stored in PostgreSQL text: a request that carries it (JSON body, form, query or path) is refused
in words with 400, before anything reaches the database, on both databases (found by schemathesis in CI)."""

from __future__ import annotations

from tests.web.conftest import CHECKLIST, bearer


def test_json_bodies_with_nul_are_refused(client, tokens):
    headers = bearer(tokens["staff"])
    for body in (
        {"task": "T1", "item": "林农镇玉城村", "trigger": "approve_plan", "checklist": "a\u0000b"},
        {"task": "T1\u0000", "trigger": "x"},
        {"task": "T5", "amount": "1", "note": "降雨\u0000改期"},
        {"task": "T1", "trigger": "award", "data": {"winner\u0000": "x"}},
    ):
        answer = client.post("/api/fire" if "trigger" in body else "/api/report", json=body, headers=headers)
        assert answer.status_code == 400 and "U+0000" in answer.get_json()["error"], body


def test_forms_queries_and_paths_with_nul_are_refused(client, auth):
    auth.login("staff")
    assert client.post("/my/report", data={"task": "T5", "amount": "1", "note": "a\u0000"}).status_code == 400
    assert client.get("/board/", query_string={"unit": "x\u0000"}).status_code == 400
    assert client.get(f"/board/{CHECKLIST}%00/tasks/T1").status_code == 400
    assert client.get(f"/board/{CHECKLIST}/tasks/T1").status_code == 200  # the same page without it
