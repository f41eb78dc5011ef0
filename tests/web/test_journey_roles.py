"""Every role has a next step, in a real browser (Playwright driving Debian's Chromium against a live waitress server
with CSRF on), on a phone (390×844) and a desktop (1366×900):

1. the leader's to-do holds only what needs them: approvals with their button and overdue items with a way to
   press them, never "nothing for you to do"; approving an item takes it off the list;
2. the inspector fails an item, lands on an empty queue that says what comes next and shows the round, and opens
   the history of rounds with the unmet criteria;
3. the staff member records funds on the web: a bad amount comes back with what was typed and the message beside
   the field, the corrected entry is recorded.

Every page is checked for horizontal overflow; screenshots go to tests/artifacts/.
"""

from __future__ import annotations

from tests.web.browser import BROWSER, fits, open_as
from tests.web.conftest import CHECKLIST, to_inspection

pytestmark = BROWSER


def visit(page, path: str) -> None:
    page.goto(page.base + path)
    page.wait_for_load_state()
    fits(page)


def test_leader_to_do(live, browser, shot, size):
    leader = open_as(browser, live, "leader", size)
    visit(leader, "/my/")
    assert "当前没有您可执行的操作" not in leader.inner_text("main")
    t7 = leader.locator("li.work[data-task=T7]")
    assert t7.count() == 1 and "待您审定" in t7.inner_text()
    assert leader.locator("li.work[data-task=T6] a.press").count() == 1  # overdue, nothing to fire: press it
    shot(leader, "leader-to-do")
    t7.locator("button[data-trigger=approve_plan]").click()
    leader.wait_for_selector(".flash.ok")
    fits(leader)
    assert leader.locator("li.work[data-task=T7]").count() == 0  # approved: now the responsible person's turn
    assert "另有 1 个子项正在办理" in leader.inner_text("main")
    shot(leader, "leader-approved")


def test_inspector_history(live, browser, shot, size, store, clock, plugins):
    to_inspection(store, clock, plugins)
    inspector = open_as(browser, live, "inspector", size)
    visit(inspector, "/inspect/")
    inspector.click("a.inspect-link")
    inspector.wait_for_selector("form.inspect-form")
    fits(inspector)
    for name, value in {"c0": "150", "c1": "95", "c2": "1", "c3": "2", "c4": "1"}.items():
        inspector.fill(f"input[name={name}]", value)
    inspector.fill("textarea[name=note]", "文化广场面积不足")
    inspector.click("#record-round")
    inspector.wait_for_selector("#queue-empty")
    fits(inspector)
    latest = inspector.inner_text("#latest-rounds")
    assert "林农镇玉城村" in latest and "不通过" in latest and "文化广场面积 150 < 200 平方米" in latest
    shot(inspector, "queue-after-round")
    inspector.click("#history-link")
    inspector.wait_for_selector("#history-rounds")
    fits(inspector)
    rounds = inspector.inner_text("#history-rounds")
    assert "第 1 轮" in rounds and "赵敏" in rounds and "电脑、电视、话筒等电子设备齐全:未达到" in rounds
    shot(inspector, "history")
    inspector.click("#history-rounds a.task-link")
    inspector.wait_for_selector("#items")
    assert inspector.url.endswith(f"/board/{CHECKLIST}/tasks/T1")


def test_staff_records_funds(live, browser, shot, size, store, clock, steps):
    from engine.definition.validation import validate_text
    from engine.runtime.loader import load
    from tests.conftest import YANTING

    source = YANTING.read_text(encoding="utf-8")
    line = "    target: {quantity: 25, unit: 场}\n"
    checked = validate_text(source.replace(line, line + "    funds: {budget: 30}\n"), "yanting.yaml", steps)
    assert checked.ok
    load(store, [checked.definition], clock=clock)

    staff = open_as(browser, live, "staff", size)
    visit(staff, f"/board/{CHECKLIST}/tasks/T5")
    staff.click("p.task-links a")
    staff.wait_for_selector("#funds-form")
    fits(staff)
    shot(staff, "funds-form")
    staff.check("#funds-form input[name=action][value=allocate]")
    staff.fill("#funds-form input[name=amount]", "12,5")
    staff.fill("#funds-form input[name=document]", "盐财〔2017〕12号")
    staff.fill("#funds-form input[name=note]", "第一批")
    staff.click("#record-funds")
    staff.wait_for_selector("#error-amount")
    fits(staff)
    assert staff.input_value("#funds-form input[name=amount]") == "12,5"
    assert staff.input_value("#funds-form input[name=document]") == "盐财〔2017〕12号"
    assert staff.input_value("#funds-form input[name=note]") == "第一批"
    assert staff.is_checked("#funds-form input[name=action][value=allocate]")
    shot(staff, "funds-bad-amount")
    staff.fill("#funds-form input[name=amount]", "12.5")
    staff.click("#record-funds")
    staff.wait_for_selector(".flash.ok")
    fits(staff)
    assert "已记录:下达 12.5 万元" in staff.inner_text(".flash.ok")
    assert "盐财〔2017〕12号" in staff.inner_text("#funds-entries")
    shot(staff, "funds-recorded")
