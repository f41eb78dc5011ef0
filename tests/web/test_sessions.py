"""Sessions that end on the server: logging out, a password change, disabling and a role change end every session of
the account, copies of its cookie and remember-me cookies included; idle and absolute lifetimes; re-enabled accounts
get no old token back; ``next=`` is only ever a same-site path."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.web.conftest import CHECKLIST, PASSWORD, bearer

COOKIE = "qingdan_session"


class WallClock:
    """The session clock of the app (``SESSION_CLOCK``): seconds, moved by the test."""

    def __init__(self, start: int = 1_500_000_000):
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, *, minutes: float = 0, hours: float = 0) -> None:
        self.now += int(minutes * 60 + hours * 3600)


@pytest.fixture
def wall(app):
    clock = WallClock()
    app.config["SESSION_CLOCK"] = clock
    return clock


def copy_of_cookie(app, client):
    """A second browser holding the same session cookie (stolen, or copied before logout)."""
    other = app.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return other


def reports(store) -> int:
    from engine.store.tables import progress

    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(progress)).scalar_one()


def goes_to_login(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_ends_a_copied_cookie(app, client, auth, store):
    auth.login("staff")
    assert client.get("/my/").status_code == 200
    copied = copy_of_cookie(app, client)
    assert copied.get("/my/").status_code == 200  # a copy works while the session lives
    auth.logout()
    before = reports(store)
    assert goes_to_login(copied.get("/my/"))
    assert goes_to_login(copied.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "1"}))
    assert reports(store) == before
    auth.login("staff")  # a new login works as before
    assert client.get("/my/").status_code == 200


def test_logout_ends_the_accounts_other_sessions(app, client, auth):
    auth.login("staff")
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"account": "staff", "password": PASSWORD})
    assert elsewhere.get("/my/").status_code == 200
    auth.logout()
    assert goes_to_login(elsewhere.get("/my/"))


@pytest.mark.parametrize("change", ["password", "disable", "role"])
def test_account_changes_end_copied_sessions(app, client, auth, store, clock, change):
    from engine.accounts import reset_password, set_disabled, set_role

    auth.login("leader")
    copied = copy_of_cookie(app, client)
    assert copied.get("/my/").status_code == 200
    if change == "password":
        reset_password(store, "leader", clock=clock)
    elif change == "disable":
        set_disabled(store, "leader", True, clock=clock)
    else:
        set_role(store, "leader", "staff", clock=clock)
    assert goes_to_login(copied.get("/my/"))
    assert goes_to_login(client.get("/my/"))


def test_changing_ones_own_password_ends_copied_sessions(app, client, auth):
    auth.login("staff")
    copied = copy_of_cookie(app, client)
    answer = client.post("/account/password", data={"current": PASSWORD, "new": "another-horse-2", "again": "another-horse-2"})
    assert goes_to_login(answer)
    assert goes_to_login(copied.get("/my/"))


def test_remember_me_cookie_is_refused(app, store):
    """No remember-me cookie is issued; one presented anyway (signed with the app's key, for the account's current
    session version) carries no login time and opens nothing, before or after the version changes."""
    from flask_login.utils import encode_cookie

    from engine.accounts import get_account

    version = get_account(store, "staff").session_version
    with app.test_request_context():
        forged = encode_cookie(f"staff|{version}")
    browser = app.test_client()
    browser.set_cookie("remember_token", forged)
    assert goes_to_login(browser.get("/my/"))


def test_idle_timeout(app, client, auth, wall):
    assert app.config["SESSION_IDLE_MINUTES"] == 120
    auth.login("staff")
    wall.advance(minutes=119)
    assert client.get("/my/").status_code == 200  # used: the idle time starts again
    wall.advance(minutes=119)
    assert client.get("/my/").status_code == 200
    wall.advance(minutes=120)
    assert goes_to_login(client.get("/my/"))
    wall.advance(minutes=1)
    assert goes_to_login(client.get("/my/"))  # still over: the session forgot the account


def test_idle_timeout_ends_a_copied_cookie_too(app, client, auth, wall):
    auth.login("staff")
    copied = copy_of_cookie(app, client)
    wall.advance(minutes=121)
    assert goes_to_login(copied.get("/my/"))


def test_absolute_lifetime(app, client, auth, wall):
    assert app.config["SESSION_MAX_HOURS"] == 12
    auth.login("staff")
    for _ in range(11):
        wall.advance(hours=1)
        assert client.get("/my/").status_code == 200
    wall.advance(minutes=59)
    assert client.get("/my/").status_code == 200
    wall.advance(minutes=1)
    assert goes_to_login(client.get("/my/"))  # 12 hours after logging in, however busy


def test_lifetimes_from_configuration(store, clock, plugins, yanting, accounts, tmp_path, monkeypatch):
    from web import create_app

    monkeypatch.setenv("QINGDAN_SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("QINGDAN_SESSION_MAX_HOURS", "1")
    wall = WallClock()
    app = create_app(
        {
            "TESTING": True,
            "STORE": store,
            "CLOCK": clock,
            "PLUGINS": plugins,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(tmp_path / "configured"),
            "WTF_CSRF_ENABLED": False,
            "SESSION_CLOCK": wall,
        }
    )
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 3600
    client = app.test_client()
    client.post("/login", data={"account": "staff", "password": PASSWORD})
    wall.advance(minutes=4)
    assert client.get("/my/").status_code == 200
    wall.advance(minutes=5)
    assert goes_to_login(client.get("/my/"))


def test_reenabled_account_gets_no_old_token_back(client, store, clock, tokens):
    from engine.accounts import issue_token, set_disabled

    assert client.get("/api/me", headers=bearer(tokens["staff"])).status_code == 200
    set_disabled(store, "staff", True, clock=clock)
    assert client.get("/api/me", headers=bearer(tokens["staff"])).status_code == 401
    set_disabled(store, "staff", False, clock=clock)
    assert client.get("/api/me", headers=bearer(tokens["staff"])).status_code == 401
    fresh = issue_token(store, "staff", clock=clock)
    assert client.get("/api/me", headers=bearer(fresh)).status_code == 200
    assert client.get("/api/me", headers=bearer(tokens["leader"])).status_code == 200  # other accounts keep theirs


BAD_NEXT = [
    "/my/\r\nSet-Cookie: x=1",
    "/my/\nx",
    "/my/\r",
    "/\t/evil.example",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "javascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("target", BAD_NEXT)
def test_bad_next_goes_to_the_default_page(client, auth, store, target):
    refused = auth.client.post("/login", data={"account": "staff", "password": PASSWORD, "next": target})
    assert refused.status_code == 302 and refused.headers["Location"] == "/"
    again = client.get("/login", query_string={"next": target})
    assert again.status_code == 302 and again.headers["Location"] == "/"
    before = reports(store)
    saved = client.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "1", "next": target})
    assert saved.status_code == 302 and saved.headers["Location"] == "/my/"
    assert reports(store) == before + 1
    switched = client.get("/lang/en", query_string={"next": target})
    assert switched.status_code == 302 and switched.headers["Location"] == "/"


def test_a_next_with_nul_is_refused_before_anything(client, auth, store):
    """U+0000 anywhere in a request is refused with 400 before it is read (tests/web/test_nul_input.py): no login, no
    report, never a 500."""
    target = "/my/\x00"
    assert auth.client.post("/login", data={"account": "staff", "password": PASSWORD, "next": target}).status_code == 400
    assert client.get("/login", query_string={"next": target}).status_code == 400
    auth.login("staff")
    before = reports(store)
    saved = client.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "1", "next": target})
    assert saved.status_code == 400 and reports(store) == before
    assert client.get("/lang/en", query_string={"next": target}).status_code == 400


def test_good_next_is_kept(client, auth):
    answer = auth.client.post("/login", data={"account": "head", "password": PASSWORD, "next": f"/board/{CHECKLIST}?light=red"})
    assert answer.status_code == 302 and answer.headers["Location"] == f"/board/{CHECKLIST}?light=red"
