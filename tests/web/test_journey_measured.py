"""A measured indicator in a real browser (Playwright driving Debian's Chromium against a live waitress server with
CSRF on), on a phone (390×844) and a desktop (1366×900): the information clerk's rate goes down and up.

1. 陈红 opens 通响率 (M1, ``measure: latest``), types the reading 80 dated 2017-07-01 in the form that asks for
   读数(当前值) and 读数日期, then 40 today: the page shows 最新读数 40 % with its date, a yellow light (behind pace),
   and the history shows readings, not increments;
2. a reading of 96 turns the light to done; the head's board shows the same current value.

Every page is checked for horizontal overflow; screenshots go to tests/artifacts/.
"""

from __future__ import annotations

from tests.web.browser import BROWSER, fits, open_as
from tests.web.conftest import CHECKLIST
from tests.web.test_measured_web import yanting  # noqa: F401 (the list with the measured tasks)

pytestmark = BROWSER


def _send_reading(page, value: str, day: str | None = None) -> None:
    form = page.locator("form.report")
    form.locator("input[name=amount]").fill(value)
    if day:
        form.locator("input[name=on]").fill(day)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_rate_goes_down_and_up(live, browser, shot, size):
    task_url = f"{live}/board/{CHECKLIST}/tasks/M1"
    page = open_as(browser, live, "staff2", size)
    page.goto(task_url)
    form = page.locator("form.report")
    assert "读数(当前值)" in form.inner_text() and "读数日期" in form.inner_text() and "确认超出目标" not in form.inner_text()
    fits(page)
    shot(page, "reading-form")

    _send_reading(page, "80", "2017-07-01")
    page.goto(task_url)
    _send_reading(page, "40")
    page.goto(task_url)
    progress = page.locator("dd.progress").inner_text()
    assert "最新读数 40 %(2017-07-21)/ 目标 95 %" in progress
    assert "黄灯" in page.locator("h1").inner_text()
    history = page.locator("#history").inner_text()
    assert "读数 80(2017-07-01) → 最新读数 80" in history and "读数 40 → 最新读数 40" in history and "+40" not in history
    fits(page)
    shot(page, "went-down")

    _send_reading(page, "96")
    page.goto(task_url)
    assert "最新读数 96 %(2017-07-21)/ 目标 95 %" in page.locator("dd.progress").inner_text()
    assert "已完成" in page.locator("h1").inner_text() or "完成" in page.locator("dl.facts").inner_text()
    fits(page)
    shot(page, "went-up")

    head = open_as(browser, live, "head", size)
    head.goto(f"{live}/board/{CHECKLIST}")
    head.wait_for_load_state()
    assert "最新读数 96 %(2017-07-21)/ 目标 95 %" in head.content().replace('<span class="date">', "").replace("</span>", "")
    fits(head)
    shot(head, "board")
