"""Admin pages (accounts, checklist upload with located problems, audit) and the inspection cycle."""

from __future__ import annotations

import io
import re

from sqlalchemy import update

from tests.conftest import HUANGJIN, YANTING
from tests.web.conftest import CHECKLIST, to_inspection


def text(response) -> str:
    return response.get_data(as_text=True)


def test_create_account_shows_the_password_once(client, auth):
    auth.login("admin")
    response = client.post("/admin/accounts", data={"id": "newbie", "role": "staff", "people": "yanting-wenguang-2017:liu"})
    assert response.status_code == 201
    password = re.search(r"<code>([^<]+)</code>", text(response)).group(1)
    assert "secret" not in (client.get("/admin/accounts").get_data(as_text=True).split('id="accounts"')[0])
    auth.logout()
    assert auth.login("newbie", password).status_code == 302
    assert "T7" in text(client.get("/my/"))


def test_account_actions(client, auth, store):
    from engine.accounts import get_account

    auth.login("admin")
    assert client.post("/admin/accounts/staff/disable").status_code == 302 and get_account(store, "staff").disabled
    assert client.post("/admin/accounts/staff/enable").status_code == 302 and not get_account(store, "staff").disabled
    token = re.search(r"<code>([^<]+)</code>", text(client.post("/admin/accounts/staff/token"))).group(1)
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    client.post("/admin/accounts/staff/revoke")
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    client.post("/admin/accounts/staff/link", data={"people": "huangjin-village-2019:sun"})
    assert ("huangjin-village-2019", "sun") in get_account(store, "staff").people
    refused = client.post("/admin/accounts/admin/disable")
    assert refused.status_code == 400 and "不能停用自己的账号" in text(refused)


def test_upload_shows_problems_beside_their_lines(client, auth):
    auth.login("admin")
    bad = YANTING.read_text(encoding="utf-8").replace("    deadlines: {done: 2017-09-30}", "    deadline: {done: 2017-09-30}")
    response = client.post(
        "/admin/checklists", data={"action": "validate", "file": (io.BytesIO(bad.encode()), "bad.yaml")}, content_type="multipart/form-data"
    )
    page = text(response)
    assert response.status_code == 422
    row = page.split('id="L113"')[1].split('id="L114"')[0]
    assert "deadline: {done: 2017-09-30}" in row and "不认识的键 “deadline”,是不是 “deadlines”?" in row and "第 5 列" in row
    assert 'id="load-button"' not in page


def test_upload_then_load(client, auth, store):
    from engine.catalog import checklist_ids

    auth.login("admin")
    checked = client.post(
        "/admin/checklists",
        data={"action": "validate", "file": (io.BytesIO(HUANGJIN.read_bytes()), "hj.yaml")},
        content_type="multipart/form-data",
    )
    assert checked.status_code == 200 and 'id="load-button"' in text(checked)
    loaded = client.post("/admin/checklists", data={"action": "load", "name": "hj.yaml", "text": HUANGJIN.read_text(encoding="utf-8")})
    assert loaded.status_code == 200 and "已载入" in text(loaded)
    with store.read() as conn:
        assert "huangjin-village-2019" in checklist_ids(conn)
    again = client.post("/admin/checklists", data={"action": "load", "name": "hj.yaml", "text": HUANGJIN.read_text(encoding="utf-8")})
    assert "内容未变" in text(again)


def test_audit_page_verifies(client, auth, store):
    from engine.store.tables import events

    auth.login("admin")
    page = text(client.get("/admin/audit"))
    assert "审计链完好" in page and "新建账号" in page and "account_created" not in page and '{"' not in page
    with store.write() as conn:
        conn.execute(update(events).where(events.c.kind == "load").values(note="tampered"))
    assert "审计链校验失败" in text(client.get("/admin/audit"))
    assert client.get("/admin/deliveries").status_code == 200


CRITERIA_OK = {"c0": "260", "c1": "95", "c2": "1", "c3": "2", "c4": "1", "c5": "1"}


def test_inspection_cycle(client, auth, store, clock, plugins, app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    to_inspection(store, clock, plugins)
    auth.login("inspector")
    queue = text(client.get("/inspect/"))
    assert "林农镇玉城村" in queue and queue.count('class="work"') == 1
    url = f"/inspect/{CHECKLIST}/T1"
    form = text(client.get(url, query_string={"item": "林农镇玉城村"}))
    assert "文化活动室面积" in form and "≥ 90" in form
    # an unmet criterion fails the round and sends the item to rectification
    unmet = {**CRITERIA_OK, "c1": "60", "item": "林农镇玉城村", "expect_state": "inspecting", "note": "活动室面积不足"}
    response = client.post(url, data=unmet)
    assert response.status_code == 302
    assert "退回整改" in text(client.get("/inspect/"))
    auth.logout()
    auth.login("staff")
    assert 'data-trigger="request_inspection"' in text(client.get("/my/"))
    resubmit = {"checklist": CHECKLIST, "task": "T1", "item": "林农镇玉城村", "trigger": "request_inspection", "expect_state": "rectifying"}
    assert client.post("/my/fire", data=resubmit).status_code == 302
    auth.logout()
    auth.login("inspector")
    page = text(client.get(url, query_string={"item": "林农镇玉城村"}))
    assert "第 1 轮" in page and "活动室面积不足" in page and "文化活动室面积: 60" in page
    ok = {
        **CRITERIA_OK,
        "item": "林农镇玉城村",
        "expect_state": "inspecting",
        "note": "全部达标",
        "evidence": (io.BytesIO(b"photo"), "photo.jpg"),
    }
    assert client.post(url, data=ok, content_type="multipart/form-data").status_code == 302
    page = text(client.get(url, query_string={"item": "林农镇玉城村"}))
    assert "第 2 轮" in page and "photo.jpg" in page and "此子项现在不在验收环节" in page
    assert any((tmp_path / "evidence").rglob("*"))
    auth.logout()
    auth.login("head")
    task = text(client.get(f"/board/{CHECKLIST}/tasks/T1"))
    assert "1/11 项" in task and "已验收销号" in task


def test_inspection_needs_every_value(client, auth, store, clock, plugins):
    to_inspection(store, clock, plugins)
    auth.login("inspector")
    response = client.post(f"/inspect/{CHECKLIST}/T1", data={"item": "林农镇玉城村", "c0": "300"})
    assert response.status_code == 400 and "每项验收标准都要填写结果" in text(response)


def test_stale_inspection_form(client, auth, store, clock, plugins):
    to_inspection(store, clock, plugins, item="八角镇人民村")
    auth.login("inspector")
    url = f"/inspect/{CHECKLIST}/T1"
    first = {**CRITERIA_OK, "item": "八角镇人民村", "expect_state": "inspecting", "c0": "100"}
    assert client.post(url, data=first).status_code == 302  # failed: now rectifying
    response = client.post(url, data={**CRITERIA_OK, "item": "八角镇人民村", "expect_state": "inspecting"})
    assert response.status_code == 409
