"""What the browser journeys share: where Chromium and the screenshots live, the marks that make a journey slow and
skippable (only on an explicit QINGDAN_SKIP_BROWSER=1), the screen sizes, a waitress server over an app, and the
page helpers (a new page, logging in and out, the no-horizontal-overflow check, screenshots, a small PNG).

The fixtures built on these (``live``, ``browser``, ``shot``, ``size``) are in tests/web/conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import struct
import threading
import zlib
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.web.conftest import PASSWORD

CHROMIUM = os.environ.get("QINGDAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
#: a journey module's ``pytestmark``; a missing browser fails loudly (the ``browser`` fixture), never skips
BROWSER = [pytest.mark.slow, pytest.mark.skipif(os.environ.get("QINGDAN_SKIP_BROWSER") == "1", reason="QINGDAN_SKIP_BROWSER=1 was set")]
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def live_app(store, clock, plugins, tmp_path):
    """The app as a live server runs it: CSRF on, evidence stored under tmp_path."""
    from web import create_app

    return create_app(
        {
            "STORE": store,
            "CLOCK": clock,
            "PLUGINS": plugins,
            "INSTANCE_PATH": str(tmp_path / "live-instance"),
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
        }
    )


@contextlib.contextmanager
def serve(app):
    """A real waitress server over ``app`` on a free port; yields its base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="qingdan-test")
    stopping = threading.Event()

    def run():
        try:
            server.run()
        except OSError:
            # closing the listening socket while the loop sits in select() ends it with EBADF: expected at shutdown
            # only (it surfaced as an unhandled thread exception in the next test's setup)
            if not stopping.is_set():
                raise

    loop = threading.Thread(target=run, daemon=True)
    loop.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.task_dispatcher.shutdown()
        server.close()
        loop.join(timeout=5)


def launch(playwright):
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: apt-get install chromium (or set QINGDAN_SKIP_BROWSER=1 on purpose)"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])


class Shots:
    """Full-page screenshots named after the test, numbered in the order taken: ``<test>-01-<what>.png``."""

    def __init__(self, request):
        self.prefix = request.node.name.replace("[", "-").replace("]", "")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page, what: str) -> Path:
        self.count += 1
        path = ARTIFACTS / f"{self.prefix}-{self.count:02d}-{what}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def new_page(browser, base: str, width: int = 1366, height: int = 900, timeout: int = 15000):
    """A page in a fresh context (its own cookies) at width × height, in Chinese; ``page.base`` is the server's URL."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(timeout)
    page.base = base
    return page


def log_in(page, account: str, password: str = PASSWORD) -> None:
    page.goto(page.base + "/login")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def log_out(page) -> None:
    page.click("header .who button[type=submit]")
    page.wait_for_url(re.compile(r".*/login$"))


def open_as(browser, base: str, account: str, size: str):
    """A new page at one of SIZES, logged in as ``account``."""
    page = new_page(browser, base, *SIZES[size])
    log_in(page, account)
    return page


def fits(page) -> None:
    """No horizontal overflow: the page is no wider than the screen."""
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{page.url} is {width} px wide in a {inner} px window"


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
