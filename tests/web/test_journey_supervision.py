"""督办 and 延期 in a real browser (Playwright driving Debian's Chromium against a live waitress server with CSRF on),
on a phone (390×844) and a desktop (1366×900):

1. the leader issues a red 督办单 on an overdue item;
2. the staff member replies with a photo (a small PNG made here);
3. the leader sees the reply and its photo, and closes the notice;
4. the staff member asks for an extension of the item's deadline; the leader approves it; the item's deadline now
   reads as moved, with the original date kept.

Every page is checked for horizontal overflow; screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import pytest

from tests.web.browser import BROWSER, Shots, fits, open_as, small_png
from tests.web.conftest import CHECKLIST

pytestmark = BROWSER
ITEM = "林农镇玉城村"


@pytest.fixture
def shot(request):
    """The whole page, and the supervision section alone (what this journey is about, readable at a glance)."""
    shots = Shots(request)

    def take(page, what: str):
        path = shots(page, what)
        page.locator("#supervision").screenshot(path=str(path.with_name(path.stem + "-section.png")))
        return path

    return take


def task_page(page) -> None:
    page.goto(f"{page.base}/board/{CHECKLIST}/tasks/T1")
    page.wait_for_load_state()
    fits(page)


def test_red_supervision_reply_with_photo_and_extension(live, browser, shot, size, tmp_path):
    photo = tmp_path / "施工现场.png"
    small_png(photo)

    leader = open_as(browser, live, "leader", size)
    task_page(leader)
    leader.click("details.sv-issue > summary")
    leader.select_option("#supervise-form select[name=item]", ITEM)
    leader.check("#supervise-form input[name=colour][value=red]")
    leader.fill("#supervise-form textarea[name=instruction]", "施工节点已逾期,请说明原因并限期完成")
    leader.fill("#supervise-form input[name=reply_by]", "2017-07-25")
    fits(leader)
    shot(leader, "leader-issuing")
    leader.click("#supervise-form button[type=submit]")
    leader.wait_for_load_state()
    card = leader.locator("article.sv-card.red")
    assert "施工节点已逾期" in card.inner_text() and "待回复" in card.inner_text()
    fits(leader)
    shot(leader, "leader-issued")

    staff = open_as(browser, live, "staff", size)
    fits(staff)
    task_page(staff)
    reply_form = staff.locator("article.sv-card.red form")
    reply_form.locator("textarea[name=text]").fill("已组织施工队加班,预计7月28日完工")
    reply_form.locator("input[name=evidence]").set_input_files(str(photo))
    fits(staff)
    shot(staff, "staff-replying")
    reply_form.locator("button[type=submit]").click()
    staff.wait_for_load_state()
    assert "已回复" in staff.locator("article.sv-card.red").inner_text()
    fits(staff)

    task_page(leader)
    card = leader.locator("article.sv-card.red")
    assert "已组织施工队加班" in card.inner_text()
    image = card.locator(".sv-files img")
    if image.count():  # the evidence route exists: the photo shows as a thumbnail that really loads
        image.first.scroll_into_view_if_needed()
        leader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.first.element_handle())
        assert leader.evaluate("img => img.naturalWidth", image.first.element_handle()) == 24
    else:
        assert "施工现场.png" in card.inner_text()
    shot(leader, "leader-sees-reply")
    card.locator("form.sv-close button[type=submit]").click()
    leader.wait_for_load_state()
    assert "已办结" in leader.locator("article.sv-card.red").inner_text()

    task_page(staff)
    staff.click("details.sv-extension > summary")
    staff.select_option("#extension-form select[name=deadline_choice]", f"{ITEM}|m:building")
    staff.fill("#extension-form input[name=requested_due]", "2017-07-31")
    staff.fill("#extension-form textarea[name=reason]", "雨季停工5天,申请顺延")
    fits(staff)
    shot(staff, "staff-asks-extension")
    staff.click("#extension-form button[type=submit]")
    staff.wait_for_load_state()
    assert "待审批" in staff.locator(".sv-ext").first.inner_text()

    task_page(leader)
    ext = leader.locator(".sv-ext").first
    assert "雨季停工5天" in ext.inner_text()
    ext.locator("input[name=note]").fill("同意顺延")
    shot(leader, "leader-deciding")
    ext.locator("button[value=approve]").click()
    leader.wait_for_load_state()
    fits(leader)
    assert "已同意" in leader.locator(".sv-ext").first.inner_text()
    row = leader.locator(f'tr.item-row[data-item="{ITEM}"]').inner_text()
    assert "已延期,原定 2017-07-20" in row and "2017-07-31" in row
    shot(leader, "leader-approved")
