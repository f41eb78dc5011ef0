"""转办 in a real browser (Playwright driving Debian's Chromium against a live server), on a phone (390×844) and a
desktop (1366×900): the leader opens the task page, opens an item's transfer form, sends it to 王建国 with a note, then
back through 张明's unit (文化股); the page says who holds it each time. (A refused form: tests/web/test_transfer_pages.py.)
Every page is checked for horizontal overflow; screenshots go to tests/artifacts/.
"""

from __future__ import annotations

from tests.web.browser import BROWSER, Shots, fits, open_as
from tests.web.test_journey_supervision import task_page

pytestmark = BROWSER
ITEM = "林农镇玉城村"


def test_leader_transfers_an_item(live, browser, size, request):
    shots = Shots(request)
    page = open_as(browser, live, "leader", size)
    task_page(page)
    row = page.locator(".tf-item", has_text=ITEM).first
    row.locator("summary").click()
    form = row.locator("form")
    form.locator("select[name=to]").select_option(label="王建国")
    form.locator("input[name=note]").fill("人员调整")
    fits(page)
    page.locator("#transfer").screenshot(path=str(shots(page, "form").with_name(f"{shots.prefix}-transfer-form-section.png")))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    fits(page)
    assert "已将 林农镇玉城村 转交 王建国 负责" in page.content()
    row = page.locator(".tf-item", has_text=ITEM).first
    assert "现由 王建国 负责" in row.inner_text()
    shots(page, "moved")
    # back to 张明 through his unit (its person in charge)
    row.locator("summary").click()
    row.locator("select[name=to]").select_option(label="文化股")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    row = page.locator(".tf-item", has_text=ITEM).first
    assert "现由 张明(文化股) 负责" in row.inner_text()
    page.context.close()
