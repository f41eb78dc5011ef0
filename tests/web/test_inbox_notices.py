"""The inbox page: notices grouped per task (newest group first, a count each), each linked to its item on the task
page with the buttons that resolve it; a notice whose item no longer needs it shows 已处理 and leaves the badge."""

from __future__ import annotations

import re

from engine.reminders.sweep import run_pass
from engine.runtime.fire import fire
from tests.web.conftest import CHECKLIST


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def groups(page: str) -> list[tuple[str, int]]:
    """(task, number of notices) per group, in page order."""
    found = []
    for task, body in re.findall(r'<section class="notice-group" data-task="([^"]*)">(.*?)</section>', page, re.S):
        found.append((task, body.count('<li class="notice')))
    return found


def badge(page: str) -> int:
    found = re.search(r'id="unread-count">(\d+)<', page)
    return int(found.group(1)) if found else 0


def test_notices_group_per_task_and_link_to_the_item(client, auth, store, clock, plugins):
    run_pass(store, clock, channels=())  # the overdue notices due by 2017-07-21
    auth.login("staff")
    page = text(client.get("/my/inbox"))
    found = dict(groups(page))
    assert found["T1"] == 11 and found["T6"] == 1  # eleven overdue items of one task: one group
    assert [task for task, _ in groups(page)].count("T1") == 1
    assert f'href="/board/{CHECKLIST}/tasks/T1#item-1"' in page and f'href="/board/{CHECKLIST}/tasks/T1#item-11"' in page
    assert f'href="/board/{CHECKLIST}/tasks/T6#item-1"' in page
    # T6's item can be moved on by its responsible person right here: the button of its next step
    t6 = re.search(r'data-task="T6">(.*?)</section>', page, re.S).group(1)
    assert 'data-trigger="script_done"' in t6 and 'name="next" value="/my/inbox"' in t6
    assert "已处理" not in page
    task_page = text(client.get(f"/board/{CHECKLIST}/tasks/T1"))
    assert 'id="item-1" data-item="林农镇玉城村"' in task_page


def test_a_resolved_item_shows_handled_and_leaves_the_badge(client, auth, store, clock, plugins):
    run_pass(store, clock, channels=())
    auth.login("staff")
    before = badge(text(client.get("/my/inbox")))
    for trigger in ("script_done", "cast_done", "premiere"):
        response = client.post("/my/fire", data={"checklist": CHECKLIST, "task": "T6", "item": "", "trigger": trigger, "next": "/my/inbox"})
        assert response.status_code == 302 and response.location.endswith("/my/inbox")
    page = text(client.get("/my/inbox"))
    t6 = re.search(r'data-task="T6">(.*?)</section>', page, re.S).group(1)
    assert "已处理" in t6 and "handled" in t6 and "data-trigger" not in t6
    assert badge(page) == before - 1


def test_event_notices_reach_the_inbox_grouped_with_the_rest(client, auth, store, clock, plugins):
    fire(store, task="T1", item="林农镇玉城村", trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    auth.login("staff")
    page = text(client.get("/my/inbox"))
    assert groups(page) == [("T1", 1)]
    assert "李文华" in page and "方案已审定" in page and "approve_plan" not in page
    assert 'data-trigger="open_tender"' in page  # the next step is offered
    assert badge(page) == 1


def test_a_supervision_notice_links_to_the_thread_to_reply(client, auth, store, clock, plugins):
    from engine.runtime.supervision import issue

    issue(store, task="T1", item="林农镇玉城村", colour="red", instruction="请说明逾期原因", reply_by="2017-07-25", actor="li", clock=clock)
    auth.login("staff")
    page = text(client.get("/my/inbox"))
    assert "督办单" in page and "supervision" not in re.sub(r'(class|href|data-[a-z]+)="[^"]*"', "", page)
    assert f'class="button go-thread" href="/board/{CHECKLIST}/tasks/T1#supervision">去回复</a>' in page
    assert 'id="supervision"' in text(client.get(f"/board/{CHECKLIST}/tasks/T1"))


def test_the_api_says_handled_and_counts_as_the_badge(client, tokens, store, clock, plugins):
    from tests.web.conftest import bearer

    run_pass(store, clock, channels=())
    headers = bearer(tokens["staff"])
    before = client.get("/api/inbox", headers=headers).get_json()
    assert all(n["handled"] is False for n in before["notices"] if n["kind"] == "overdue")
    for trigger in ("script_done", "cast_done", "premiere"):
        fire(store, task="T6", item=None, trigger=trigger, actor="zhang", clock=clock, plugins=plugins)
    after = client.get("/api/inbox", headers=headers).get_json()
    (t6,) = [n for n in after["notices"] if n["task"] == "T6"]
    assert t6["handled"] is True and t6["read"] is False
    assert after["unread"] == before["unread"] - 1


def test_a_target_reminder_offers_the_report_form(client, auth, store, clock, plugins):
    from tests.conftest import at

    clock.at = at("2017-10-25T10:00")  # T5 (25 performances by 10-31): reminded 5 working days before
    run_pass(store, clock, channels=())
    auth.login("staff")
    page = text(client.get("/my/inbox"))
    t5 = re.search(r'data-task="T5">(.*?)</section>', page, re.S).group(1)
    assert f'class="button go-report" href="/board/{CHECKLIST}/tasks/T5#report">去报送</a>' in t5
    assert f'href="/board/{CHECKLIST}/tasks/T5"' in t5 and "#item-" not in t5  # a target: the task, no item row
    assert 'id="report"' in text(client.get(f"/board/{CHECKLIST}/tasks/T5"))


def test_an_overdue_notice_leads_to_where_the_reason_is_given(client, auth, store, clock, plugins):
    """The overdue notice asks for the reason: its text says where, and its link opens the task page's extension
    form on that item, where a reason is required; the leader decides."""
    import html

    run_pass(store, clock, channels=())
    auth.login("staff")
    page = text(client.get("/my/inbox"))
    t1 = re.search(r'data-task="T1">(.*?)</section>', page, re.S).group(1)
    assert "申请延期并说明原因" in t1 and "请尽快完成,并说明原因" not in t1
    link = html.unescape(re.search(r'<a class="button go-thread" href="([^"]*extend=[^"]*)">说明原因、申请延期</a>', t1).group(1))
    task_page = text(client.get(link))
    form = re.search(r'<details class="sv-extension" open>(.*?)</details>', task_page, re.S).group(1)
    item = re.search(r"extend=([^#&]*)", link).group(1)
    from urllib.parse import unquote

    chosen = re.search(r'<option value="([^"]*)" selected>', form).group(1)
    assert chosen.startswith(unquote(item) + "|") and 'name="reason" required' in form
