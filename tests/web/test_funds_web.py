"""Funds recorded on the web (plugins.funds_pages): the task page of a task with a budget links to its ledger; the
task's responsible person, its leader and heads record allocations, disbursements and spending; other roles are
refused; a refused entry comes back with what was typed and the message beside its field."""

from __future__ import annotations

import html

import pytest

from tests.web.conftest import CHECKLIST
from tests.web.test_pages import text

URL = f"/funds/{CHECKLIST}/T5"


@pytest.fixture
def funded(app, store, clock, steps):
    """The Yanting list with a budget of 30 万元 on T5 (responsible 张明, leader 李文华)."""
    from engine.definition.validation import validate_text
    from engine.runtime.loader import load
    from tests.conftest import YANTING

    source = YANTING.read_text(encoding="utf-8")
    line = "    target: {quantity: 25, unit: 场}\n"
    assert line in source
    checked = validate_text(source.replace(line, line + "    funds: {budget: 30}\n"), "yanting.yaml", steps)
    assert checked.ok, [p.format() for p in checked.errors]
    load(store, [checked.definition], clock=clock)
    return app


def _entry(action="allocate", amount="30", document="盐财〔2017〕12号", **more):
    return {"action": action, "amount": amount, "on_date": "2017-07-20", "document": document, **more}


def test_staff_and_leader_record(funded, client, auth):
    auth.login("staff")
    task_page = text(client.get(f"/board/{CHECKLIST}/tasks/T5"))
    assert f'href="{URL}"' in task_page and "资金台账" in task_page
    assert f'href="/funds/{CHECKLIST}/T1"' not in text(client.get(f"/board/{CHECKLIST}/tasks/T1"))  # no budget, no link
    page = text(client.get(URL))
    assert 'id="funds-form"' in page and "预算 30" in page
    response = client.post(URL, data=_entry(note="第一批"))
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)
    page = text(client.get(URL))
    assert "已记录:下达 30 万元" in page and "已下达 30" in page
    entries = page.split('id="funds-entries"')[1]
    assert "2017-07-20" in entries and "盐财〔2017〕12号" in entries and "张明" in entries and "第一批" in entries
    auth.logout()
    auth.login("leader")
    assert client.post(URL, data=_entry("disburse", "12.5", "拨付凭证 7")).status_code == 302
    assert "已拨付 12.5" in text(client.get(URL))
    auth.logout()
    auth.login("head")  # 王建国 holds the head role: may record on any task
    assert client.post(URL, data=_entry("spend", "2", "支出凭证 1")).status_code == 302


def test_other_roles_are_refused(funded, client, auth, store):
    from plugins.funds import ledger

    for account_id, status in (("staff2", 403), ("inspector", 403), ("admin", 403)):
        auth.login(account_id)
        assert client.get(URL).status_code == status, account_id
        assert client.post(URL, data=_entry()).status_code == status, account_id
        auth.logout()
    assert ledger(store, task="T5", checklist=CHECKLIST)[1] == []  # nothing was written
    auth.login("staff")
    assert client.get(f"/funds/{CHECKLIST}/T1").status_code == 404  # a task without a budget has no ledger


def test_bad_amount_keeps_what_was_typed(funded, client, auth, store):
    from plugins.funds import ledger

    auth.login("staff")
    response = client.post(URL, data=_entry("disburse", "12,5", "拨付凭证 9", note="第二批"))
    assert response.status_code == 400
    page = html.unescape(text(response))
    assert 'value="12,5"' in page and 'value="拨付凭证 9"' in page and 'value="第二批"' in page and 'value="2017-07-20"' in page
    assert 'value="disburse" required checked' in page
    amount = page.split('name="amount"')[1].split("</label>")[0]
    assert 'class="field-error" id="error-amount"' in amount and "12,5" in amount  # the engine's words, beside the field
    assert "Traceback" not in page and "--doc" not in page

    response = client.post(URL, data=_entry("disburse", "5", "拨付凭证 9"))  # more than was allocated (nothing)
    page = text(response)
    assert response.status_code == 400 and "不能拨付多于下达" in page.split('name="amount"')[1].split("</label>")[0]

    response = client.post(URL, data=_entry(document="", amount="3"))
    page = text(response)
    assert response.status_code == 400 and 'value="3"' in page
    assert "请填写文号或凭证号" in page.split('name="document"')[1].split("</label>")[0]

    response = client.post(URL, data=_entry(amount="3", on_date="2017-08-01"))  # after today
    assert response.status_code == 400 and "晚于今天" in text(response).split('name="on_date"')[1].split("</label>")[0]
    assert ledger(store, task="T5", checklist=CHECKLIST)[1] == []
