"""An item owner's journey in a real browser (Playwright, Debian's Chromium, a real waitress server): a cadre who owns
households of two lists finds them on 我的工作, finishes one from there, and the task page shows each household's
owner, due date and note; no page is wider than the screen at 390 and 1366 pixels. Screenshots in tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.web.browser import BROWSER, SIZES, fits, log_in, new_page
from tests.web.test_item_owners_web import _load_two_lists

pytestmark = BROWSER


@pytest.mark.parametrize("screen", sorted(SIZES))
def test_owner_finds_and_finishes_their_household(live, browser, shot, store, clock, steps, screen):
    _load_two_lists(store, clock, steps)
    page = new_page(browser, live, *SIZES[screen])
    log_in(page, "wu")
    page.goto(live + "/my/")
    entries = page.locator('li.work[data-task="T1"][data-item="王家户"]')
    assert entries.count() == 2  # one per list
    assert page.locator('li.work[data-item="李家户"]').count() == 0  # chen's household is not on wu's list
    fits(page)
    shot(page, f"{screen}-my-work")
    entries.first.locator("button[data-trigger=finish]").click()
    page.wait_for_selector(".flash.ok")
    assert "已脱贫" in page.inner_text(".flash.ok")
    assert page.locator('li.work[data-task="T1"][data-item="王家户"]').count() == 1
    fits(page)
    # the share of T2 that wu owns (甲村, 4 万元) is reported from the same page, on that item only
    duty = page.locator("section.duty[data-task=T2]").first
    assert duty.locator("select[name=item] option").all_inner_texts() == ["甲村(分担 4)"]
    duty.locator("input[name=amount]").fill("2")
    duty.locator("form.report button[type=submit]").click()
    page.wait_for_selector(".flash.ok")
    fits(page)
    shot(page, f"{screen}-reported-share")
    page.goto(live + "/board/own-2017/tasks/T1")
    row = page.locator('tr.item-row[data-item="王家户"]')
    text = row.inner_text()
    assert "负责人 吴刚" in text and "2017-06-30" in text and "因病" in text
    assert "负责人 陈红" in page.locator('tr.item-row[data-item="李家户"]').inner_text()
    fits(page)
    shot(page, f"{screen}-task-page")
