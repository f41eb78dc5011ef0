"""Year end on the web: the admin closes a list after ticking a confirmation; the list stays on the board marked
已归档, its task pages offer no action buttons, a write sent anyway is refused in words, its documents still
download; the admin can reopen it."""

from __future__ import annotations

import re

from tests.web.conftest import CHECKLIST

CLOSE = f"/admin/checklists/{CHECKLIST}/close"


def _close(client, auth, **form):
    auth.login("admin")
    answer = client.post(CLOSE, data={"action": "close"} | form)
    auth.logout()
    return answer


def test_the_admin_closes_after_confirming_and_the_list_stays_readable(client, auth):
    auth.login("leader")
    assert 'action="/my/fire"' in client.get(f"/board/{CHECKLIST}/tasks/T1").get_data(as_text=True)
    auth.logout()
    auth.login("staff")
    assert 'action="/my/report"' in client.get(f"/board/{CHECKLIST}/tasks/T5").get_data(as_text=True)
    assert "林农镇玉城村" in client.get("/my/").get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    page = client.get("/admin/checklists").get_data(as_text=True)
    assert f'data-close="{CHECKLIST}"' in page and "年终归档" in page and 'name="confirm" value="1" required' in page
    unconfirmed = client.post(CLOSE, data={"action": "close"})
    assert unconfirmed.status_code == 400 and "请勾选“确认归档”" in unconfirmed.get_data(as_text=True)
    done = client.post(CLOSE, data={"action": "close", "confirm": "1", "note": "年终归档"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "已归档“盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单”" in text
    assert f'data-closed="{CHECKLIST}"' in text and "重新打开" in text
    auth.logout()

    auth.login("leader")  # 审定方案 is the leader's step on T1: its button was there before the close
    task = client.get(f"/board/{CHECKLIST}/tasks/T1").get_data(as_text=True)
    assert 'id="closed-note"' in task and "只能查看和导出" in task
    assert 'action="/my/fire"' not in task and "审定方案</button>" not in task  # no action buttons
    auth.logout()
    auth.login("staff")
    report_page = client.get(f"/board/{CHECKLIST}/tasks/T5").get_data(as_text=True)
    assert 'action="/my/report"' not in report_page
    assert "林农镇玉城村" not in client.get("/my/").get_data(as_text=True)  # a closed list asks nothing more
    refused = client.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "1"}, follow_redirects=True)
    assert "已于 2017-07-21 归档:只能查看和导出" in refused.get_data(as_text=True)
    auth.logout()

    auth.login("head")
    board = client.get("/board/").get_data(as_text=True)
    assert re.search(r"盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单</a>\s*<span class=\"closed-mark\">已归档</span>", board)
    assert 'id="closed-note"' in client.get(f"/board/{CHECKLIST}").get_data(as_text=True)
    head_task = client.get(f"/board/{CHECKLIST}/tasks/T1").get_data(as_text=True)
    assert 'id="supervise-form"' not in head_task and 'action="/transfer"' not in head_task  # no 督办 or 转办 forms
    ledger = client.get(f"/board/{CHECKLIST}/documents", query_string={"kind": "ledger", "as_of": "2017-07-20"})
    assert ledger.status_code == 200 and ledger.mimetype.endswith("spreadsheetml.sheet")
    auth.logout()

    auth.login("admin")
    reopened = client.post(CLOSE, data={"action": "reopen", "confirm": "1"}, follow_redirects=True)
    assert "已重新打开" in reopened.get_data(as_text=True)
    auth.logout()
    auth.login("leader")
    assert 'action="/my/fire"' in client.get(f"/board/{CHECKLIST}/tasks/T1").get_data(as_text=True)


def test_only_the_admin_may_close_on_the_web(client, auth):
    auth.login("head")
    assert client.post(CLOSE, data={"action": "close", "confirm": "1"}).status_code == 403
