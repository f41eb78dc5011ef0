"""Reports on the web can't lie by accident: an amount beyond the target needs the 确认超出目标 box, the activity
date field credits the day it happened, and the reporter or the task's leader can correct a report from the task
page (a reversing entry; the original stays)."""

from __future__ import annotations

import re

from tests.web.conftest import CHECKLIST


def _report(client, **fields):
    form = {"checklist": CHECKLIST, "task": "T5", "next": f"/board/{CHECKLIST}/tasks/T5"} | fields
    return client.post("/my/report", data=form)


def test_over_the_target_needs_the_box_and_the_date_is_kept(client, auth, qingdan):
    auth.login("staff")
    assert _report(client, amount="20").status_code == 302
    refused = _report(client, amount="7")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "只差 5场" in page and "请勾选“确认超出目标”后再提交" in page and "--over" not in page
    assert 'name="amount" type="number" min="0.0001" step="any" inputmode="decimal" value="7"' in page  # the form, as typed
    assert _report(client, amount="7", over="1", on="2017-07-20").status_code == 302
    history = qingdan("history", "T5", "--json", now="2017-07-21T10:00")
    import json

    last = [e for e in json.loads(history.stdout) if e["kind"] == "report"][-1]
    assert last["data"]["over"] is True and last["data"]["on"] == "2017-07-20"
    too_early = _report(client, amount="1", over="1", on="2017-05-01")
    assert too_early.status_code == 422 and "太早" in too_early.get_data(as_text=True)


def test_the_form_offers_the_date_window_and_the_box(client, auth):
    auth.login("staff")
    page = client.get(f"/board/{CHECKLIST}/tasks/T5").get_data(as_text=True)
    assert 'name="on" type="date" min="2017-06-21" max="2017-07-21"' in page  # 30 days back, never ahead
    assert "确认超出目标" in page


def test_reporter_and_leader_correct_from_the_task_page(client, auth):
    auth.login("staff")
    assert _report(client, amount="3").status_code == 302
    page = client.get(f"/board/{CHECKLIST}/tasks/T5").get_data(as_text=True)
    entry = re.search(r'name="entry" value="(\d+)"', page).group(1)
    auth.logout()
    auth.login("leader")
    done = client.post(
        "/my/correct",
        data={"checklist": CHECKLIST, "task": "T5", "entry": entry, "note": "重复报送", "next": f"/board/{CHECKLIST}/tasks/T5"},
    )
    assert done.status_code == 302
    page = client.get(f"/board/{CHECKLIST}/tasks/T5").get_data(as_text=True)
    assert f'name="entry" value="{entry}"' not in page  # an entry is reversed once
    again = client.post("/my/correct", data={"checklist": CHECKLIST, "task": "T5", "entry": entry, "note": "x"})
    assert again.status_code == 400 and "已被更正过" in again.get_data(as_text=True)
    auth.logout()
    auth.login("staff2")  # 广电股: not T5's reporter
    refused = client.post("/my/correct", data={"checklist": CHECKLIST, "task": "T5", "entry": entry, "note": "x"})
    assert refused.status_code in (403, 404)
