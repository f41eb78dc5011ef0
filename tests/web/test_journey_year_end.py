"""Year end in a real browser (Playwright driving Debian's Chromium against a live server with CSRF on), on a phone
(390×844) and a desktop (1366×900): the admin opens 年终归档…, is stopped until the confirmation is ticked, closes the
list; the head finds it on the board marked 已归档 and its task page without buttons. Every page is checked for
horizontal overflow; screenshots go to tests/artifacts/."""

from __future__ import annotations

from tests.web.browser import BROWSER, Shots, fits, open_as
from tests.web.conftest import CHECKLIST

pytestmark = BROWSER


def test_the_admin_closes_a_list_and_the_head_reads_it(live, browser, size, request):
    shots = Shots(request)
    admin = open_as(browser, live, "admin", size)
    admin.goto(f"{live}/admin/checklists")
    fits(admin)
    form = admin.locator(f'form[data-close="{CHECKLIST}"]')
    admin.locator("details.close-list summary").first.click()
    fits(admin)
    shots(admin, f"{size}-admin-close-form")
    form.locator("button[type=submit]").click()  # not ticked: the browser keeps the form (required box)
    assert admin.url.endswith("/admin/checklists")
    assert admin.locator(f'[data-closed="{CHECKLIST}"]').count() == 0
    form.locator('input[name="confirm"]').check()
    form.locator("button[type=submit]").click()
    admin.wait_for_load_state()
    assert "已归档“盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单”" in admin.content()
    assert admin.locator(f'[data-closed="{CHECKLIST}"]').count() == 1
    fits(admin)
    shots(admin, f"{size}-admin-closed")
    admin.context.close()

    head = open_as(browser, live, "head", size)
    head.goto(f"{live}/board/")
    fits(head)
    assert head.locator(".checklist-card .closed-mark").first.inner_text() == "已归档"
    shots(head, f"{size}-board-index")
    head.goto(f"{live}/board/{CHECKLIST}/tasks/T1")
    fits(head)
    assert head.locator("#closed-note").count() == 1
    assert head.locator('form[action="/my/fire"]').count() == 0
    assert head.locator("#supervise-form").count() == 0 and head.locator('form[action="/transfer"]').count() == 0
    shots(head, f"{size}-task-page")
    head.context.close()
