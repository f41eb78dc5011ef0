"""督办单 and 申请延期 on the task page, through the test client: the forms, what a refused form keeps, who sees
which form, and the thread."""

import io
import re

from tests.web.conftest import CHECKLIST

TASK_PAGE = f"/board/{CHECKLIST}/tasks/T1"
ITEM = "林农镇玉城村"


def _issue(client, **overrides):
    data = {"checklist": CHECKLIST, "task": "T1", "item": ITEM, "colour": "red", "instruction": "限期完成施工", "reply_by": "2017-07-25"}
    data.update(overrides)
    return client.post("/supervision/issue", data=data)


def test_leader_issues_staff_replies_with_a_photo_leader_closes(client, auth):
    auth.login("leader")
    page = client.get(TASK_PAGE).get_data(as_text=True)
    assert 'id="supervise-form"' in page and "下发督办单" in page
    assert _issue(client).status_code == 302
    auth.logout()

    auth.login("staff")
    page = client.get(TASK_PAGE).get_data(as_text=True)
    assert "红色督办(已逾期)" in page and "限期完成施工" in page and "待回复" in page
    assert 'id="supervise-form"' not in page  # staff may not issue
    sid = re.search(r'data-supervision="(\d+)"', page).group(1)
    sent = client.post(
        f"/supervision/{sid}/reply",
        data={"text": "已完成主体施工", "evidence": (io.BytesIO(b"\x89PNG\r\n\x1a\nfake"), "现场.png")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    auth.logout()

    auth.login("leader")
    page = client.get(TASK_PAGE).get_data(as_text=True)
    assert "已完成主体施工" in page and "现场.png" in page and "已回复" in page
    assert client.post(f"/supervision/{sid}/close", data={"note": ""}).status_code == 302
    assert "已办结" in client.get(TASK_PAGE).get_data(as_text=True)


def test_a_refused_issue_keeps_what_was_typed_with_the_message_beside_the_field(client, auth):
    auth.login("leader")
    response = _issue(client, reply_by="2017-07-01", instruction="请说明滞后原因")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "回复期限 2017-07-01 已过" in page and 'id="sv-error-reply_by"' in page
    assert "请说明滞后原因</textarea>" in page and 'value="red" required checked' in page
    assert "<title>" in page and "Traceback" not in page


def test_staff_may_not_issue_and_leader_may_not_reply(client, auth):
    auth.login("staff")
    assert _issue(client).status_code == 403
    auth.logout()
    auth.login("leader")
    _issue(client)
    page = client.get(TASK_PAGE).get_data(as_text=True)
    sid = re.search(r'data-supervision="(\d+)"', page).group(1)
    assert 'class="sv-reply-form"' not in page
    assert client.post(f"/supervision/{sid}/reply", data={"text": "x"}).status_code == 403


def test_extension_requested_and_approved_moves_the_deadline_on_the_page(client, auth):
    auth.login("staff")
    page = client.get(TASK_PAGE).get_data(as_text=True)
    assert 'id="extension-form"' in page
    refused = client.post(
        "/supervision/extension",
        data={"checklist": CHECKLIST, "task": "T1", "deadline_choice": f"{ITEM}|m:building", "requested_due": "2017-07-31", "reason": ""},
    )
    assert refused.status_code == 400 and "请填写延期理由" in refused.get_data(as_text=True)
    assert 'value="2017-07-31"' in refused.get_data(as_text=True)
    sent = client.post(
        "/supervision/extension",
        data={
            "checklist": CHECKLIST,
            "task": "T1",
            "deadline_choice": f"{ITEM}|m:building",
            "requested_due": "2017-07-31",
            "reason": "流标重招",
        },
    )
    assert sent.status_code == 302
    auth.logout()
    auth.login("leader")
    page = client.get(TASK_PAGE).get_data(as_text=True)
    rid = re.search(r'data-extension="(\d+)"', page).group(1)
    assert "待审批" in page and "流标重招" in page
    assert client.post(f"/supervision/extension/{rid}/decide", data={"decision": "approve", "note": "同意"}).status_code == 302
    page = client.get(TASK_PAGE).get_data(as_text=True)
    row = page[page.index(f'data-item="{ITEM}"') :]
    row = row[: row.index("</tr>")]
    assert "施工中(已延期,原定 2017-07-20)" in row and "2017-07-31" in row and "已逾期" not in row
