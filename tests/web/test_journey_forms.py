"""A step form that keeps what was typed, in a real browser (Playwright driving Debian's Chromium against a live
waitress server with CSRF on), on a phone (390×844) and a desktop (1366×900):

1. the staff member opens the 定标 form of an item in tendering, types part of the tender data and attaches a photo;
   the browser itself refuses the form while required fields are empty;
2. sent anyway (as an older browser would), the server sends the same task page back with the values typed, the
   message beside the missing field and the photo kept (已上传);
3. completed without choosing the photo again, the item moves on; the task page shows the tender data under its
   labels and the photo as a thumbnail that loads and opens in the viewer.

Every page is checked for horizontal overflow; screenshots go to tests/artifacts/.
"""

from __future__ import annotations

from engine.runtime.fire import fire
from tests.web.browser import BROWSER, fits, open_as, small_png
from tests.web.conftest import CHECKLIST

pytestmark = BROWSER
ITEM = "林农镇玉城村"


def test_incomplete_step_form_comes_back_then_completes_with_the_photo(live, browser, shot, size, tmp_path, store, clock, plugins):
    for trigger, actor in (("approve_plan", "li"), ("open_tender", "zhang")):
        fire(store, task="T1", item=ITEM, trigger=trigger, actor=actor, clock=clock, plugins=plugins)
    photo = tmp_path / "中标通知书.png"
    small_png(photo)
    task_url = f"{live}/board/{CHECKLIST}/tasks/T1"

    page = open_as(browser, live, "staff", size)
    page.goto(task_url)
    row = page.locator(f'tr.item-row[data-item="{ITEM}"]')
    row.locator("details.step-data > summary", has_text="定标").click()
    form = row.locator("form.fire", has=page.locator('input[name=trigger][value="award"]'))
    form.locator("input[name=data_winner]").fill("盐亭县某建筑公司")
    form.locator("input[name=data_announced]").fill("2017-05-02")
    form.locator("input[name=data_bid_deadline]").fill("2017-05-25")
    form.locator("input[name=note]").fill("定标会议纪要见附件")
    form.locator("input[type=file][name=evidence]").set_input_files(str(photo))
    fits(page)
    shot(page, "typed")

    # the browser refuses it: required fields are empty (nothing is sent)
    form.locator("button[type=submit]").click()
    assert form.evaluate("f => f.checkValidity()") is False
    assert page.url == task_url and page.locator(".form-error").count() == 0

    # an older browser sends it anyway: the server sends the same page back, as typed
    form.evaluate("f => { f.noValidate = true; }")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url.endswith("/my/fire")  # the answer to the post is the task page itself (422), not a redirect
    assert page.locator("h1").inner_text().find("T1") >= 0
    form = page.locator(f'tr.item-row[data-item="{ITEM}"] form.fire.sent-back')
    assert form.locator("details.step-data").get_attribute("open") is not None
    error = form.locator("#error-data_amount")
    assert error.inner_text() == "请填写中标金额。"
    amount_box = form.locator("input[name=data_amount]").bounding_box()
    error_box = error.bounding_box()
    assert 0 <= error_box["y"] - (amount_box["y"] + amount_box["height"]) < 40  # right below its field
    assert form.locator("input[name=data_winner]").input_value() == "盐亭县某建筑公司"
    assert form.locator("input[name=data_announced]").input_value() == "2017-05-02"
    assert form.locator("input[name=note]").input_value() == "定标会议纪要见附件"
    assert "已上传" in form.inner_text() and "中标通知书.png" in form.inner_text()
    assert "--data" not in page.content() and "qingdan record" not in page.content()
    form.scroll_into_view_if_needed()
    fits(page)
    path = shot(page, "sent-back")
    form.screenshot(path=str(path.with_name(path.stem + "-form.png")))  # the form alone, readable at a glance

    # completed: no file chosen again, the one kept goes with it
    form.locator("input[name=data_amount]").fill("30.5")
    form.locator("input[name=data_award_notice]").fill("2017-06-01")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url == task_url
    assert "施工中" in page.locator(f'tr.item-row[data-item="{ITEM}"]').inner_text()
    records = page.locator(f'#step-data ~ .item-records section[data-item="{ITEM}"]')
    assert "中标单位" in records.inner_text() and "盐亭县某建筑公司" in records.inner_text() and "winner" not in records.inner_text()
    thumb = records.locator(".evidence a.thumb img")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert page.evaluate("img => img.naturalWidth", thumb.element_handle()) == 24
    fits(page)
    path = shot(page, "done")
    records.screenshot(path=str(path.with_name(path.stem + "-records.png")))
    records.locator("a.thumb").click()
    viewer = records.locator(".lightbox img")
    viewer.wait_for(state="visible")
    box = viewer.bounding_box()
    assert box["width"] > 96  # bigger than the thumbnail
    fits(page)
    path = shot(page, "viewer")
    page.screenshot(path=str(path.with_name(path.stem + "-screen.png")))  # what the screen shows
