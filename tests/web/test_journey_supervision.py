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

import struct
import zlib

import pytest

from tests.web.conftest import CHECKLIST
from tests.web.test_journeys import CHROMIUM, Shots, browser, live, log_in, pytestmark  # noqa: F401 (fixtures, marks)

ITEM = "林农镇玉城村"
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def small_png(path) -> None:
    """A 24×16 red-and-white PNG, written byte by byte (no imaging library)."""
    width, height = 24, 16
    rows = b"".join(
        b"\x00" + b"".join(b"\xd9\x30\x25" if (x // 4 + y // 4) % 2 else b"\xff\xff\xff" for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(params=list(SIZES))
def size(request):
    return request.param


@pytest.fixture
def shot(request):
    """The whole page, and the supervision section alone (what this journey is about, readable at a glance)."""
    shots = Shots(request)

    def take(page, what: str):
        path = shots(page, what)
        page.locator("#supervision").screenshot(path=str(path.with_name(path.stem + "-section.png")))
        return path

    return take


def open_as(browser, base, account: str, size: str):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base = base
    log_in(page, account)
    return page


def fits(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide in a {width[1]} px window"


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
