"""The JSON API: Bearer tokens, the same JSON and the same words as the CLI, scope, inbox, and the OpenAPI document."""

from __future__ import annotations

import pytest

from tests.web.conftest import CHECKLIST, bearer, to_inspection


def test_status_is_the_cli_json(client, tokens, store, clock, plugins, qingdan):
    response = client.get(f"/api/checklists/{CHECKLIST}/status", headers=bearer(tokens["head"]))
    assert response.status_code == 200
    cli = qingdan("status", CHECKLIST, "--json", now="2017-07-21T10:00")
    assert cli.returncode == 0, cli.stderr
    import json

    assert response.get_json() == json.loads(cli.stdout)


def test_status_scope_for_staff(client, tokens):
    tasks = {t["id"] for t in client.get(f"/api/checklists/{CHECKLIST}/status", headers=bearer(tokens["staff"])).get_json()["tasks"]}
    assert tasks == {"T1", "T5", "T6"}  # 文化股: zhang's tasks and the unit's
    listing = client.get("/api/checklists", headers=bearer(tokens["staff"])).get_json()["checklists"]
    assert listing == [{"id": CHECKLIST, "title": listing[0]["title"], "year": 2017, "person": "zhang"}]


def test_a_transfer_shows_staff_the_task_in_the_api_and_links_it_in_the_inbox(client, tokens, auth, clock):
    """After the leader transfers an item of T2 (广电股's) to zhang, the API's status shows him T2 as the task page
    does, under a new ETag, and his inbox links the notice to it: one answer for all three
    (``engine.account_rules.visible_tasks``)."""
    from engine.runtime.transfer import transfer

    url = f"/api/checklists/{CHECKLIST}/status"
    before = client.get(url, headers=bearer(tokens["staff"]))
    assert "T2" not in {t["id"] for t in before.get_json()["tasks"]}
    transfer(client.application.config["STORE"], task="T2", item="云溪三清村", to="zhang", actor="li", clock=clock)
    after = client.get(url, headers={**bearer(tokens["staff"]), "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200, "a 304 after the transfer would hide the task"
    assert {t["id"] for t in after.get_json()["tasks"]} == {"T1", "T2", "T5", "T6"}
    assert after.headers["ETag"] != before.headers["ETag"]
    auth.login("staff")
    assert client.get(f"/board/{CHECKLIST}/tasks/T2").status_code == 200
    inbox = client.get("/my/inbox").get_data(as_text=True)
    assert "云溪三清村" in inbox and f'href="/board/{CHECKLIST}/tasks/T2"' in inbox


def test_fire_and_report(client, tokens):
    response = client.post(
        "/api/fire",
        json={"task": "T1", "item": "林农镇玉城村", "trigger": "approve_plan", "note": "审定"},
        headers=bearer(tokens["leader"]),
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["from"], body["to"], body["item"]) == ("planning", "plan_approved", "林农镇玉城村")
    response = client.post(
        "/api/report", json={"task": "T4", "amount": 163, "part": "poor", "note": "贫困村"}, headers=bearer(tokens["staff2"])
    )
    assert response.status_code == 200
    assert response.get_json() | {"entry": 0} == {
        "entry": 0,
        "task": "T4",
        "amount": 163,
        "part": "poor",
        "item": None,
        "total": 163,
        "part_total": 163,
        "target": 5472,
        "reached": False,
        "on": "2017-07-21",
        "over": False,
    }


def test_refusals_use_the_cli_words(client, tokens, qingdan):
    response = client.post("/api/fire", json={"task": "T1", "item": "1", "trigger": "finish"}, headers=bearer(tokens["staff"]))
    assert response.status_code == 409
    cli = qingdan("fire", "T1", "1", "finish", "--as", "zhang", now="2017-07-21T10:00")
    assert cli.returncode == 1
    assert cli.stderr.strip() == "错误:" + response.get_json()["error"]
    response = client.post("/api/report", json={"task": "T5", "amount": "-1"}, headers=bearer(tokens["staff"]))
    assert response.status_code == 400 and "数量必须大于 0" in response.get_json()["error"]
    response = client.post("/api/report", json={"task": "T5", "amount": "1e9"}, headers=bearer(tokens["staff"]))
    cli = qingdan("report", "T5", "1e9", "--as", "zhang", now="2017-07-21T10:00")
    assert response.status_code == 400 and cli.stderr.strip() == "错误:" + response.get_json()["error"]
    response = client.post("/api/fire", json={"task": "T9", "trigger": "x"}, headers=bearer(tokens["staff"]))
    assert response.status_code == 404 and "没有任务 “T9”" in response.get_json()["error"]


def test_report_over_the_target_and_on_a_past_day(client, tokens, qingdan):
    headers = bearer(tokens["staff"])
    assert client.post("/api/report", json={"task": "T5", "amount": 20}, headers=headers).status_code == 200
    refused = client.post("/api/report", json={"task": "T5", "amount": 7}, headers=headers)
    assert refused.status_code == 400
    cli = qingdan("report", "T5", "7", "--as", "zhang", now="2017-07-21T10:00")
    # the same sentence; the CLI adds its flag, the API names the field
    assert cli.stderr.strip() == "错误:" + refused.get_json()["error"] + " 命令行加 --over 确认。"
    assert "只差 5场" in refused.get_json()["error"] and refused.get_json()["field"] == "over"
    for body in ({"over": "yes"}, {"over": 1}):
        bad = client.post("/api/report", json={"task": "T5", "amount": 7, **body}, headers=headers)
        assert bad.status_code == 400 and "应是 true 或 false" in bad.get_json()["error"]
    done = client.post("/api/report", json={"task": "T5", "amount": 7, "over": True, "on": "2017-07-20"}, headers=headers)
    assert done.status_code == 200, done.get_json()
    assert done.get_json() | {"entry": 0} == {
        "entry": 0,
        "task": "T5",
        "amount": 7,
        "part": None,
        "item": None,
        "total": 27,
        "part_total": None,
        "target": 25,
        "reached": True,
        "on": "2017-07-20",
        "over": True,
    }
    for on, words in (("2017-07-22", "之后"), ("2017-06-01", "太早"), ("20.7.2017", "看不懂")):
        bad = client.post("/api/report", json={"task": "T4", "amount": 1, "on": on}, headers=bearer(tokens["staff2"]))
        assert bad.status_code == 400 and words in bad.get_json()["error"], (on, bad.get_json())


def test_fire_on_a_past_day(client, tokens, store):
    from engine.queries.history import task_history

    body = {"task": "T1", "item": "林农镇玉城村", "trigger": "approve_plan", "on": "2017-07-19"}
    response = client.post("/api/fire", json=body, headers=bearer(tokens["leader"]))
    assert response.status_code == 200, response.get_json()
    event = [e for e in task_history(store, "T1", "林农镇玉城村") if e["kind"] == "transition"][-1]
    assert event["data"]["on"] == "2017-07-19"
    response = client.post("/api/fire", json={**body, "item": "2", "on": "2017-07-22"}, headers=bearer(tokens["leader"]))
    assert response.status_code == 400 and "之后" in response.get_json()["error"]
    response = client.post("/api/fire", json={**body, "item": "2"}, headers=bearer(tokens["staff"]))
    assert response.status_code == 403  # the role and scope are checked with a date too


def test_correct(client, tokens):
    entry = client.post("/api/report", json={"task": "T5", "amount": 3, "on": "2017-07-20"}, headers=bearer(tokens["staff"])).get_json()[
        "entry"
    ]
    refused = client.post("/api/correct", json={"task": "T5", "entry": entry}, headers=bearer(tokens["staff2"]))
    assert refused.status_code == 403  # another unit's staff
    response = client.post("/api/correct", json={"task": "T5", "entry": entry, "note": "重复报送"}, headers=bearer(tokens["staff"]))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["reverses"], body["amount"], body["total"], body["on"]) == (entry, -3, 0, "2017-07-20")
    again = client.post("/api/correct", json={"task": "T5", "entry": entry}, headers=bearer(tokens["leader"]))
    assert again.status_code == 400 and "已被更正过" in again.get_json()["error"]
    missing = client.post("/api/correct", json={"task": "T5", "entry": 999}, headers=bearer(tokens["head"]))
    assert missing.status_code == 404
    for bad in ({"task": "T5"}, {"task": "T5", "entry": "x"}, {"task": "T5", "entry": True}, {"entry": entry}):
        assert client.post("/api/correct", json=bad, headers=bearer(tokens["head"])).status_code == 400, bad


@pytest.mark.parametrize("who", ["leader", "head"])
def test_the_leader_and_heads_may_correct(client, tokens, who):
    entry = client.post("/api/report", json={"task": "T5", "amount": 3}, headers=bearer(tokens["staff"])).get_json()["entry"]
    response = client.post("/api/correct", json={"task": "T5", "entry": str(entry)}, headers=bearer(tokens[who]))
    assert response.status_code == 200 and response.get_json()["total"] == 0


def test_stale_expect_state_is_a_conflict(client, tokens):
    body = {"task": "T6", "trigger": "script_done", "expect_state": "casting"}
    response = client.post("/api/fire", json=body, headers=bearer(tokens["staff"]))
    assert response.status_code == 409 and "已被他人改为" in response.get_json()["error"]


@pytest.mark.parametrize(
    "who, body, status, words",
    [
        ("staff", {"task": "T2", "item": "1", "trigger": "approve_plan"}, 403, "无权对任务 T2 执行"),  # another unit's task
        ("staff2", {"task": "T1", "item": "1", "trigger": "approve_plan"}, 403, "无权对任务 T1 执行"),
        ("inspector", {"task": "T1", "item": "1", "trigger": "approve_plan"}, 403, "无权对任务 T1 执行"),
    ],
)
def test_fire_scope(client, tokens, who, body, status, words):
    response = client.post("/api/fire", json=body, headers=bearer(tokens[who]))
    assert response.status_code == status and words in response.get_json()["error"]


def test_staff_cannot_pass_an_inspection(client, tokens, store, clock, plugins):
    to_inspection(store, clock, plugins, item="1")
    response = client.post("/api/fire", json={"task": "T1", "item": "1", "trigger": "pass"}, headers=bearer(tokens["staff"]))
    assert response.status_code == 403
    response = client.post("/api/report", json={"task": "T5", "amount": 1}, headers=bearer(tokens["inspector"]))
    assert response.status_code == 403


def test_tokens(client, tokens, store, clock):
    from engine.accounts import set_disabled

    assert client.get("/api/me").status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Bearer qd_wrong"}).status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Basic abc"}).status_code == 401
    me = client.get("/api/me", headers=bearer(tokens["staff"])).get_json()
    assert me == {"id": "staff", "role": "staff", "name": "staff", "people": [{"checklist": CHECKLIST, "person": "zhang"}]}
    set_disabled(store, "staff", True, clock=clock)
    assert client.get("/api/me", headers=bearer(tokens["staff"])).status_code == 401


def test_bad_bodies(client, tokens):
    headers = bearer(tokens["staff"])
    response = client.post("/api/fire", data="not json", headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 400 and "JSON" in response.get_json()["error"]
    response = client.post("/api/fire", json={"task": "T6", "trigger": "script_done", "data": [1]}, headers=headers)
    assert response.status_code == 400
    response = client.post("/api/inbox/read", json={"ids": ["x"]}, headers=headers)
    assert response.status_code == 400
    assert client.get("/api/nothing-here", headers=headers).get_json() == {"error": "没有这个页面或对象。"}


def test_inbox(client, tokens, store, clock):
    from engine.reminders.sweep import run_pass

    run_pass(store, clock, channels=())
    headers = bearer(tokens["staff"])
    inbox = client.get("/api/inbox", headers=headers).get_json()
    assert inbox["unread"] > 0 and all(n["checklist"] == CHECKLIST for n in inbox["notices"])
    first = inbox["notices"][0]["id"]
    assert client.post("/api/inbox/read", json={"ids": [first]}, headers=headers).get_json() == {"marked": 1}
    assert client.get("/api/inbox?unread=1", headers=headers).get_json()["unread"] == inbox["unread"] - 1
    other = client.get("/api/inbox", headers=bearer(tokens["leader"])).get_json()["notices"][0]["id"]
    refused = client.post("/api/inbox/read", json={"ids": [other]}, headers=headers)  # li's notice, not zhang's
    assert refused.status_code == 404
    assert client.post("/api/inbox/read", json={}, headers=headers).get_json()["marked"] == inbox["unread"] - 1


def test_openapi_document_is_valid_and_complete(app, client):
    from openapi_spec_validator import validate

    document = client.get("/api/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    documented = {path for path in document["paths"]}
    routes = {rule.rule.replace("<", "{").replace(">", "}") for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert documented == routes
    for path, operations in document["paths"].items():
        for method in operations:
            rule = next(r for r in app.url_map.iter_rules() if r.rule.replace("<", "{").replace(">", "}") == path)
            assert method.upper() in rule.methods, (path, method)


def test_inbox_refuses_a_wrong_unread(client, tokens):
    headers = bearer(tokens["staff"])
    for wrong in ("abc", "2", "yes"):
        assert client.get(f"/api/inbox?unread={wrong}", headers=headers).status_code == 400, wrong
    for right in ("1", "true", "0", "false"):
        assert client.get(f"/api/inbox?unread={right}", headers=headers).status_code == 200, right


def test_the_api_neither_reads_nor_writes_the_session_cookie(client, tokens):
    """A browser that chose English still gets the API's configured language, and an API answer sets no cookie: the
    API authenticates by token alone (its requests get no session at all)."""
    refused = {"json": {"task": "T1", "item": "1", "trigger": "finish"}, "headers": bearer(tokens["staff"])}
    chinese = client.post("/api/fire", **refused).get_json()["error"]
    client.get("/lang/en")
    assert client.get_cookie("qingdan_session") is not None  # the browser's session holds its language
    assert "Log in" in client.get("/login").get_data(as_text=True)  # which the pages follow
    response = client.post("/api/fire", **refused)
    assert response.status_code == 409
    assert response.get_json()["error"] == chinese and "不能" in chinese, (chinese, response.get_json())
    assert "Set-Cookie" not in response.headers
    status = client.get(f"/api/checklists/{CHECKLIST}/status", headers=bearer(tokens["head"]))
    assert status.status_code == 200 and "Set-Cookie" not in status.headers
