"""Fixtures of the web tests in the flaskr style: ``app`` (the Yanting list loaded, one account per role, the clock
at 2017-07-21 10:00 Shanghai, on SQLite and PostgreSQL), ``client``, ``auth`` (log in as a role) and ``tokens``
(an API token per role)."""

from __future__ import annotations

import pytest

from tests.conftest import at

PASSWORD = "correct-horse-1"
#: account id → (role, person in the Yanting list)
ACCOUNTS = {
    "head": ("head", "wang"),
    "leader": ("leader", "li"),
    "staff": ("staff", "zhang"),  # 文化股: T1, T5, T6
    "staff2": ("staff", "chen"),  # 广电股: T2, T3, T4
    "inspector": ("inspector", "zhao"),
    "admin": ("admin", None),
}
ROLES = ("head", "leader", "staff", "inspector", "admin")
CHECKLIST = "yanting-wenguang-2017"
#: the tender data the 定标 (award) step asks for
AWARD = {
    "announced": "2017-05-02",
    "bid_deadline": "2017-05-25",
    "winner": "某公司",
    "amount": "30",
    "award_notice": "2017-06-01",
    "contract_signed": "2017-06-10",
}


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch):
    """scrypt at a low work factor in tests (the method is stored with each hash, so checking still works)."""
    import engine.accounts

    monkeypatch.setattr(engine.accounts, "PASSWORD_METHOD", "scrypt:1024:8:1")


@pytest.fixture
def accounts(store, clock, yanting):
    from engine.accounts import create_account

    for account_id, (role, person) in ACCOUNTS.items():
        create_account(
            store, account_id, role, clock=clock, password=PASSWORD, display_name=account_id, people=[(CHECKLIST, person)] if person else []
        )
    return ACCOUNTS


@pytest.fixture
def app(store, clock, plugins, yanting, accounts, tmp_path):
    from web import create_app

    clock.at = at("2017-07-21T10:00")
    return create_app(
        {
            "TESTING": True,
            "STORE": store,
            "CLOCK": clock,
            "PLUGINS": plugins,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "WTF_CSRF_ENABLED": False,
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, account_id: str, password: str = PASSWORD):
        return self.client.post("/login", data={"account": account_id, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def tokens(store, clock, accounts):
    from engine.accounts import issue_token

    return {account_id: issue_token(store, account_id, clock=clock) for account_id in ACCOUNTS}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def to_inspection(store, clock, plugins, item="林农镇玉城村"):
    """Take a T1 item through plan, tender, award and construction to 待验收 (it awaits the inspector)."""
    from engine.runtime.fire import fire

    for trigger, actor, data in (
        ("approve_plan", "li", None),
        ("open_tender", "zhang", None),
        ("award", "zhang", AWARD),
        ("finish", "zhang", None),
        ("request_inspection", "zhang", None),
    ):
        fire(store, task="T1", item=item, trigger=trigger, actor=actor, clock=clock, plugins=plugins, data=data)


# ---------------------------------------------------------------- the browser journeys (helpers: tests/web/browser.py)


@pytest.fixture
def live(store, clock, plugins, yanting, accounts, tmp_path):
    """A real waitress server (CSRF on) over the Yanting list at 2017-07-21 10:00; yields its base URL."""
    from tests.web.browser import live_app, serve

    clock.at = at("2017-07-21T10:00")
    with serve(live_app(store, clock, plugins, tmp_path)) as base:
        yield base


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright; a missing one fails the test (only QINGDAN_SKIP_BROWSER=1 skips)."""
    from playwright import sync_api

    from tests.web.browser import launch

    with sync_api.sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()


@pytest.fixture
def shot(request):
    from tests.web.browser import Shots

    return Shots(request)


@pytest.fixture(params=["phone", "desktop"])
def size(request):
    """The journey at 390×844 and at 1366×900 (tests.web.browser.SIZES)."""
    return request.param
