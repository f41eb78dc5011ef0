"""Notices that lead to the work, in a real browser (Debian's Chromium) at 390 × 844 and 1366 × 900:

a. a staff member follows an overdue notice from the inbox to the item on the task page, takes the step that
   resolves it, and finds the notice marked 已处理 with the header badge one lower;
b. an inspector follows the "awaits your inspection" notice to the form and fails the item; the staff member finds
   the event notice with the unmet criterion and the rectification deadline.

No page may be wider than the screen; screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import re

from tests.web.browser import BROWSER, SIZES, fits, log_in, log_out, new_page
from tests.web.conftest import CHECKLIST, to_inspection

pytestmark = BROWSER


def badge(page) -> int:
    found = page.locator("#unread-count")
    return int(found.inner_text()) if found.count() else 0


def test_staff_follows_a_reminder_to_the_item_and_resolves_it(live, browser, shot, store, clock, plugins, size):
    from engine.reminders.sweep import run_pass
    from engine.runtime.fire import fire

    for trigger in ("script_done", "cast_done"):  # T6's play is in rehearsal, its premiere (07-01) overdue
        fire(store, task="T6", item=None, trigger=trigger, actor="zhang", clock=clock, plugins=plugins)
    run_pass(store, clock, channels=())
    page = new_page(browser, live, *SIZES[size])
    log_in(page, "staff")
    before = badge(page)
    assert before > 0
    page.click("#nav-inbox")
    group = page.locator("section.notice-group[data-task=T6]")
    notice = group.locator("li.notice.kind-overdue").first
    assert "已逾期" in notice.inner_text() and "已处理" not in notice.inner_text()
    assert "T1" in page.inner_text("section.notice-group[data-task=T1] h2")
    fits(page)
    shot(page, f"{size}-inbox")
    notice.locator("a.go-item").click()
    page.wait_for_selector("#items")
    assert page.url.endswith(f"/board/{CHECKLIST}/tasks/T6#item-1")
    row = page.locator("tr#item-1")
    fits(page)
    shot(page, f"{size}-item")
    row.locator("button[data-trigger=premiere]").click()
    page.wait_for_selector(".flash.ok")
    fits(page)
    page.click("#nav-inbox")
    notice = page.locator("section.notice-group[data-task=T6] li.notice.kind-overdue").first
    assert "已处理" in notice.inner_text()
    assert page.locator("section.notice-group[data-task=T6] button[data-trigger]").count() == 0
    assert badge(page) == before - 1
    fits(page)
    shot(page, f"{size}-handled")


def test_an_inspection_failure_reaches_the_staff_member(live, browser, shot, store, clock, plugins, size):
    to_inspection(store, clock, plugins)
    page = new_page(browser, live, *SIZES[size])
    log_in(page, "inspector")
    page.click("#nav-inbox")
    waiting = page.locator("li.notice.kind-awaits_inspection")
    assert waiting.count() == 1 and "等待您验收" in waiting.inner_text()
    fits(page)
    shot(page, f"{size}-inspector-inbox")
    waiting.locator("a.button", has_text="去验收").click()
    page.wait_for_selector("form.inspect-form")
    for name, value in {"c0": "260", "c1": "60", "c2": "1", "c3": "2", "c4": "1"}.items():
        page.fill(f"input[name={name}]", value)
    page.check("input[name=c5]")
    page.fill("textarea[name=note]", "文化活动室面积不足")
    fits(page)
    page.click("#record-round")
    page.wait_for_selector(".flash.warning")
    page.click("#nav-inbox")
    assert "已处理" in page.inner_text("li.notice.kind-awaits_inspection")
    log_out(page)

    log_in(page, "staff")
    assert badge(page) >= 1
    page.click("#nav-inbox")
    failed = page.locator("section.notice-group[data-task=T1] li.notice.kind-inspection_failed")
    assert failed.count() == 1
    words = failed.inner_text()
    assert "验收未通过" in words and "文化活动室面积 60 < 90 平方米" in words
    due = re.search(r"整改期限:(\d{4}-\d{2}-\d{2})", words)
    assert due, words
    assert "inspection_failed" not in words and "zhao" not in words
    assert failed.locator("button[data-trigger=request_inspection]").count() == 1  # what resolves it, right there
    fits(page)
    shot(page, f"{size}-failure-notice")
    failed.locator("a.go-item").click()
    page.wait_for_selector("#items")
    assert "#item-1" in page.url and "整改" in page.inner_text("tr#item-1")
    fits(page)
    shot(page, f"{size}-failed-item")
