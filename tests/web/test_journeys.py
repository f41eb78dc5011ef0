"""Three journeys in a real browser (Playwright driving Debian's Chromium) against a real waitress server with CSRF
on, saving screenshots under tests/artifacts/:

1. the head opens the board and drills into an overdue task;
2. a staff member (on a phone-sized screen) sees a reminder, fires a step and reports progress;
3. an inspector fails an item on an unmet criterion, the staff member resubmits, the inspector passes it and the
   board shows it done.
"""

from __future__ import annotations

import re

from tests.web.browser import BROWSER, log_in, log_out, new_page
from tests.web.conftest import CHECKLIST, to_inspection

pytestmark = BROWSER


def test_head_drills_into_an_overdue_task(live, browser, shot):
    page = new_page(browser, live, 1280)
    log_in(page, "head")
    assert page.url.endswith("/board/")
    shot(page, "overview")
    page.click(f"a[href='/board/{CHECKLIST}']")
    page.wait_for_selector("#timeline")
    assert page.locator("#today-line").count() == 1
    assert page.locator("#ranking tbody tr").count() == 4
    shot(page, "board")
    page.select_option("select[name=light]", "red")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*light=red"))
    assert page.locator("tr.task-row").count() == 2  # T1 (building 07-20 missed) and T6 (premiere 07-01 missed)
    shot(page, "red-filter")
    page.click("#task-T1 a.task-link")
    page.wait_for_selector("#items")
    assert page.locator("tr.item-row").count() == 11
    assert "已逾期" in page.inner_text("#items")
    assert page.locator("#history").count() == 1
    shot(page, "overdue-task")


def test_staff_sees_a_reminder_fires_and_reports(live, browser, shot, store, clock):
    from engine.reminders.sweep import run_pass

    run_pass(store, clock, channels=())  # the reminders and overdue notices due by 2017-07-21
    page = new_page(browser, live, 390, 844)
    log_in(page, "staff")
    assert page.url.endswith("/my/")
    unread = int(page.inner_text("#unread-count"))
    assert unread > 0
    shot(page, "my-work")
    page.click("#nav-inbox")
    page.wait_for_selector("li.notice.unread")
    assert "T1" in page.inner_text("ul.notices")
    shot(page, "inbox")
    page.locator("li.notice.unread").first.locator("form.mark-read button").click()
    page.wait_for_load_state()
    assert int(page.inner_text("#unread-count")) == unread - 1
    page.goto(live + "/my/")
    page.click("button[data-trigger=script_done]")
    page.wait_for_selector(".flash.ok")
    assert "剧本编写 → 演员选拔" in page.inner_text(".flash.ok")  # states by their labels, never their ids
    page.fill("section.duty[data-task=T5] input[name=amount]", "3")
    page.fill("section.duty[data-task=T5] input[name=note]", "向折弓乡送演出")
    page.click("section.duty[data-task=T5] form.report button[type=submit]")
    page.wait_for_selector(".flash.ok")
    assert "累计 3/25" in page.inner_text(".flash.ok")
    shot(page, "fired-and-reported")


def _inspect(page, values: dict, note: str):
    page.goto(page.base + "/inspect/")
    page.click("a.inspect-link")
    page.wait_for_selector("form.inspect-form")
    for name, value in values.items():
        if value is True:
            page.check(f"input[name={name}]")
        else:
            page.fill(f"input[name={name}]", value)
    page.fill("textarea[name=note]", note)


def test_inspection_fail_resubmit_pass(live, browser, shot, store, clock, plugins, tmp_path):
    to_inspection(store, clock, plugins)
    numbers = {"c0": "260", "c1": "60", "c2": "1", "c3": "2", "c4": "1", "c5": True}
    page = new_page(browser, live, 1280)
    log_in(page, "inspector")
    assert page.locator("#queue li").count() == 1
    shot(page, "queue")
    _inspect(page, numbers, "文化活动室面积不足 90 平方米")
    shot(page, "criteria-form")
    page.click("#record-round")
    page.wait_for_selector(".flash.warning")
    assert "未通过" in page.inner_text(".flash.warning")
    shot(page, "failed")
    log_out(page)

    log_in(page, "staff")
    item = page.locator("li.work[data-task=T1][data-item='林农镇玉城村']")
    assert "整改" in item.inner_text()
    item.locator("details.step-data summary").click()  # entering inspection offers evidence upload: the form unfolds
    item.locator("button[data-trigger=request_inspection]").click()
    page.wait_for_selector(".flash.ok")
    shot(page, "resubmitted")
    log_out(page)

    log_in(page, "inspector")
    _inspect(page, {**numbers, "c1": "96"}, "整改后全部达标")
    evidence = tmp_path / "验收照片.png"
    evidence.write_bytes(b"\x89PNG fake photo")
    page.set_input_files("input[name=evidence]", str(evidence))
    page.click("#record-round")
    page.wait_for_selector(".flash.ok")
    assert "通过" in page.inner_text(".flash.ok")
    page.goto(live + f"/inspect/{CHECKLIST}/T1?item=林农镇玉城村")
    assert page.locator("#rounds li.round").count() == 2
    shot(page, "rounds")
    log_out(page)

    log_in(page, "head")
    page.goto(live + f"/board/{CHECKLIST}")
    row = page.inner_text("#task-T1")
    assert "1/11" in row and "已验收销号 1" in row
    shot(page, "board-done")
