"""An information clerk (信息员) reports with photos, in a real browser (Playwright driving Debian's Chromium against a
live waitress server with CSRF on), on a phone (390×844) and a desktop (1366×900), on both databases:

1. the informant signs in and lands on 我的工作, which lists the one target it is named on (T3) and nothing else;
2. it reports 12 户 with a photo of the installed dish and a sign-in sheet (附佐证材料, folded under the form);
3. the task page lists the photo as a thumbnail under 材料与数据 · 整个任务, and the report's row in the history links
   both files; the thumbnail loads through the scope-checked download route.

Every page is checked for horizontal overflow; screenshots go to tests/artifacts/.
"""

from __future__ import annotations

from tests.web.browser import BROWSER, fits, open_as, small_png
from tests.web.conftest import CHECKLIST
from tests.web.test_informant_reports import informant, yanting  # noqa: F401 (the list naming an informant on T3, its account)

pytestmark = BROWSER


def test_an_informant_reports_with_photos(live, informant, browser, shot, size, tmp_path):
    photo = tmp_path / "户户通安装.png"
    small_png(photo)
    sheet = tmp_path / "签到表.pdf"
    sheet.write_bytes(b"%PDF-1.4 a sign-in sheet")

    page = open_as(browser, live, "informant", size)
    page.goto(f"{live}/")
    assert page.url.endswith("/my/")
    work = page.locator("main").inner_text()
    assert "实现今年退出贫困户广播电视户户通" in work and "面向贫困村送文艺演出" not in work
    fits(page)
    shot(page, "my-work")

    page.goto(f"{live}/board/{CHECKLIST}/tasks/T3")
    form = page.locator("form.report")
    form.locator("input[name=amount]").fill("12")
    form.locator("input[name=note]").fill("石牛庙乡入户安装")
    form.locator("details.attach > summary").click()
    form.locator("input[type=file][name=evidence]").set_input_files([str(photo), str(sheet)])
    form.scroll_into_view_if_needed()
    fits(page)
    path = shot(page, "reporting")
    form.screenshot(path=str(path.with_name(path.stem + "-form.png")))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "已记录" in page.locator(".flash").first.inner_text()

    page.goto(f"{live}/board/{CHECKLIST}/tasks/T3")
    records = page.locator("#step-data ~ .item-records section.item-record").first
    assert "整个任务" in records.inner_text() and "签到表.pdf" in records.inner_text()
    thumb = records.locator(".evidence a.thumb img")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert page.evaluate("img => img.naturalWidth", thumb.element_handle()) == 24
    history = page.locator("#history").inner_text()
    assert "户户通安装.png" in history and "签到表.pdf" in history and "石牛庙乡入户安装" in history
    fits(page)
    path = shot(page, "listed")
    records.screenshot(path=str(path.with_name(path.stem + "-records.png")))
    page.context.close()
