"""Every page fits its screen: each demo role (head, leader, staff, inspector, admin) visits every page it can reach
(``tests/web/every_page.py``) in Debian's Chromium at 390x844, 768x1024, 1024x768 and 1366x900, and no page is wider
than the viewport (``document.documentElement.scrollWidth <= innerWidth``); on the phone the header takes at most 15 %
of the screen and the inbox badge stays visible; the phone once more in English, whose words are longer. Print media hides the navigation and the forms on the board and the
task page, and both print to A4 PDFs.

The data is the demo's (``web.demo.prepare``: the three shipped lists, a budget added to Yanting's T8, the Yanting list
at mid-year, one account per role) with the reminders of 2017-07-21 swept, served by a real waitress server. Screenshots of every page at 390 and
1366 go to tests/artifacts/widths/, the PDFs next to them.
"""

from __future__ import annotations

import pytest

from tests.conftest import at
from tests.web.browser import ARTIFACTS, BROWSER, live_app, log_in, new_page, serve
from tests.web.every_page import pages_for

pytestmark = BROWSER

WIDTHS = ARTIFACTS / "widths"
VIEWPORTS = ((390, 844), (768, 1024), (1024, 768), (1366, 900))
SHOT_WIDTHS = (390, 1366)
ROLES = ("head", "leader", "staff", "inspector", "admin")
#: the header may take this share of a phone screen
HEADER_SHARE = 0.15

MEASURE = """() => {
  const header = document.querySelector('header.top');
  const badge = document.querySelector('#nav-inbox #unread-count');
  const seen = (el) => { if (!el) return null; const r = el.getBoundingClientRect(), h = header.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= h.left - 1 && r.right <= h.right + 1; };
  const wide = [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > innerWidth + 1)
    .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + String(el.className).split(' ').join('.') : ''));
  return {scroll: document.documentElement.scrollWidth, inner: innerWidth, header: header.getBoundingClientRect().height,
          badge: seen(badge), wide: wide};
}"""


@pytest.fixture
def demo_live(store, clock, plugins, tmp_path):
    """A waitress server over the demo data; yields (base URL, app, passwords by role)."""
    from engine.reminders.sweep import run_pass
    from web import demo

    clock.at = at("2017-07-21T10:00")
    # the shipped lists, with a budget on T8 so the funds ledger (a plugin's task page) is visited too
    folder = tmp_path / "lists"
    folder.mkdir()
    for source in demo.shipped_files():
        text = source.read_text(encoding="utf-8")
        if source.name == "yanting-wenguang-2017.yaml":
            marker = "    target: {quantity: 172.12, unit: 万元}\n"
            assert text.count(marker) == 1
            text = text.replace(marker, marker + "    funds: {budget: 172.12}\n")
        (folder / source.name).write_text(text, encoding="utf-8")
    setup = demo.prepare(store, clock, plugins, folder)
    run_pass(store, clock, channels=())  # the reminders and overdue notices due by 2017-07-21: a full inbox
    app = live_app(store, clock, plugins, tmp_path)
    with serve(app) as base:
        yield base, app, {role: setup.passwords[f"demo-{role}"] for role in ROLES}


def _logged_in(browser, base, role, password):
    page = new_page(browser, base, timeout=20000)
    log_in(page, f"demo-{role}", password)
    assert "/login" not in page.url, f"demo-{role} could not log in"
    return page


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_every_screen(demo_live, browser, role):
    base, app, passwords = demo_live
    pages = pages_for(app, f"demo-{role}")
    assert len(pages) >= 6
    WIDTHS.mkdir(parents=True, exist_ok=True)
    page = _logged_in(browser, base, role, passwords[role])
    problems = []
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        for p in pages:
            response = page.goto(base + p.url)
            where = f"{p.url} at {width}x{height}"
            if response.status != p.status:
                problems.append(f"{where}: status {response.status}, expected {p.status}")
            m = page.evaluate(MEASURE)
            if m["scroll"] > m["inner"]:
                problems.append(f"{where}: {m['scroll']} px wide for {m['inner']} (too wide: {', '.join(m['wide'])})")
            if width == 390 and m["header"] > HEADER_SHARE * height:
                problems.append(f"{where}: the header is {m['header']:.0f} px high, more than {HEADER_SHARE:.0%} of {height}")
            if m["badge"] is False:
                problems.append(f"{where}: the unread badge is not visible in the header")
            if width in SHOT_WIDTHS:
                page.screenshot(path=str(WIDTHS / f"{role}-{p.what}-{width}.png"), full_page=True)
    # the English words are longer: the phone once more in English, where a menu or a card would overflow first
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/lang/en?next=/")
    assert page.locator("html[lang=en]").count() == 1
    for p in pages:
        page.goto(base + p.url)
        m = page.evaluate(MEASURE)
        where = f"{p.url} in English at 390x844"
        if m["scroll"] > m["inner"]:
            problems.append(f"{where}: {m['scroll']} px wide for {m['inner']} (too wide: {', '.join(m['wide'])})")
        if m["header"] > HEADER_SHARE * 844:
            problems.append(f"{where}: the header is {m['header']:.0f} px high, more than {HEADER_SHARE:.0%} of 844")
        if m["badge"] is False:
            problems.append(f"{where}: the unread badge is not visible in the header")
    page.context.close()
    assert not problems, "\n".join(problems)


PRINT_CHECK = """() => {
  const shown = (sel) => [...document.querySelectorAll(sel)].filter(el => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0).length;
  return {nav: shown('header.top, nav, .main-nav'), forms: shown('main form, main button, main select'),
          lights: [...document.querySelectorAll('.light')].filter(el => el.getClientRects().length > 0).map(el => el.innerText.trim()).slice(0, 50)};
}"""


def test_board_and_task_print_without_navigation(demo_live, browser):
    base, app, passwords = demo_live
    WIDTHS.mkdir(parents=True, exist_ok=True)
    page = _logged_in(browser, base, "head", passwords["head"])
    for what, url in (
        ("board", "/board/yanting-wenguang-2017"),
        ("town-board", "/board/town-rectification-2019"),
        ("task", "/board/yanting-wenguang-2017/tasks/T1"),
    ):
        page.goto(base + url)
        page.emulate_media(media="print")
        found = page.evaluate(PRINT_CHECK)
        assert found["nav"] == 0, f"{url}: the navigation is printed"
        assert found["forms"] == 0, f"{url}: forms or buttons are printed"
        assert found["lights"], f"{url}: no light printed"
        assert all(found["lights"]), f"{url}: a light printed without its word: {found['lights']}"
        pdf = WIDTHS / f"print-{what}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        assert pdf.read_bytes().startswith(b"%PDF")
        page.emulate_media(media="screen")
        assert page.evaluate(PRINT_CHECK)["nav"] > 0, "on screen the navigation is shown again"
    page.context.close()


def test_login_page_fits_every_screen(demo_live, browser):
    base, _app, _passwords = demo_live
    WIDTHS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="zh-CN")
    page = context.new_page()
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(base + "/login")
        m = page.evaluate(MEASURE)
        assert m["scroll"] <= m["inner"], f"the login page is {m['scroll']} px wide at {width}x{height}"
        assert m["header"] <= HEADER_SHARE * 844, f"the login page's header is {m['header']:.0f} px high at {width}"
        if width in SHOT_WIDTHS:
            page.screenshot(path=str(WIDTHS / f"anonymous-login-{width}.png"), full_page=True)
    context.close()
