"""CSRF, cookies, headers, throttling, session revocation, the secret key, and no tracebacks."""

from __future__ import annotations

import os
import re
import stat

import pytest

from tests.web.conftest import CHECKLIST, PASSWORD, bearer


@pytest.fixture
def csrf_app(store, clock, plugins, yanting, accounts, tmp_path):
    from web import create_app

    return create_app(
        {"TESTING": True, "STORE": store, "CLOCK": clock, "PLUGINS": plugins, "INSTANCE_PATH": str(tmp_path / "csrf-instance")}
    )


def token_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_csrf_on_every_form_but_not_the_api(csrf_app, tokens):
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    refused = client.post("/login", data={"account": "staff", "password": PASSWORD})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    assert client.post("/login", data={"account": "staff", "password": PASSWORD, "csrf_token": token_of(login_page)}).status_code == 302
    my = client.get("/my/").get_data(as_text=True)
    assert client.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "1"}).status_code == 400
    assert (
        client.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "1", "csrf_token": token_of(my)}).status_code == 302
    )
    # the API takes no session and needs no CSRF token: a Bearer token is the credential
    assert client.post("/api/report", json={"task": "T5", "amount": 1}).status_code == 401
    assert client.post("/api/report", json={"task": "T5", "amount": 1}, headers=bearer(tokens["staff"])).status_code == 200
    for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", my, re.S):
        assert 'name="csrf_token"' in form


def test_cookie_flags_and_headers(client):
    response = client.post("/login", data={"account": "staff", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and cookie.startswith("qingdan_session=")
    page = client.get("/my/")
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert header in page.headers
    assert (
        "default-src 'self'" in page.headers["Content-Security-Policy"] and "unsafe-inline" not in page.headers["Content-Security-Policy"]
    )
    assert page.headers["Cache-Control"] == "no-store"


def test_account_lockout(client):
    for _ in range(5):
        client.post("/login", data={"account": "staff", "password": "wrong-password"})
    locked = client.post("/login", data={"account": "staff", "password": PASSWORD})
    assert locked.status_code == 401 and "暂时锁定" in locked.get_data(as_text=True)


def test_address_throttle(app):
    app.extensions["qingdan_login_throttle"].limit = 3
    client = app.test_client()
    for _ in range(3):
        assert client.post("/login", data={"account": f"nobody{_}", "password": "x"}).status_code == 401
    assert client.post("/login", data={"account": "staff", "password": PASSWORD}).status_code == 429


def test_sessions_end_when_the_account_changes(client, auth, store, clock):
    from engine.accounts import reset_password, set_disabled

    auth.login("staff")
    assert client.get("/my/").status_code == 200
    reset_password(store, "staff", clock=clock)
    assert client.get("/my/").status_code == 302  # back to the login page
    auth.login("leader")
    set_disabled(store, "leader", True, clock=clock)
    assert client.get("/my/").status_code == 302


def test_secret_key_generated_once_into_the_instance_folder(store, clock, plugins, tmp_path):
    from web import create_app

    folder = tmp_path / "fresh-instance"
    first = create_app({"STORE": store, "CLOCK": clock, "PLUGINS": plugins, "INSTANCE_PATH": str(folder)})
    again = create_app({"STORE": store, "CLOCK": clock, "PLUGINS": plugins, "INSTANCE_PATH": str(folder)})
    key_file = folder / "secret_key"
    assert first.config["SECRET_KEY"] == again.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) == 64 and stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert not any(p.name.startswith(".secret_key") for p in folder.iterdir())


def test_configuration_layers(store, clock, plugins, tmp_path, monkeypatch):
    from web import create_app

    folder = tmp_path / "layered"
    folder.mkdir()
    (folder / "config.py").write_text("LANGUAGE = 'en'\nLOGIN_IP_LIMIT = 7\nSECRET_KEY = 'from-file'\n")
    monkeypatch.setenv("QINGDAN_LOGIN_IP_LIMIT", "9")
    monkeypatch.setenv("QINGDAN_NOW", "2017-08-01")
    app = create_app({"STORE": store, "PLUGINS": plugins, "INSTANCE_PATH": str(folder)})
    assert (app.config["LANGUAGE"], app.config["LOGIN_IP_LIMIT"], app.config["SECRET_KEY"]) == ("en", 9, "from-file")
    from web.services import Services

    services: Services = app.extensions["qingdan"]
    assert services.clock.now().date().isoformat() == "2017-08-01"
    assert "Log in" in app.test_client().get("/login").get_data(as_text=True)


def test_no_traceback_on_internal_errors(client, auth, monkeypatch, caplog):
    import engine.queries.status

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(engine.queries.status, "checklist_status", broken)  # what the status cache computes with
    auth.login("head")
    response = client.get(f"/board/{CHECKLIST}")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "内部错误" in page and "secret internals" not in page and "Traceback" not in page


def test_forbidden_is_a_page(client, auth):
    auth.login("staff")
    response = client.get("/admin/accounts")
    assert response.status_code == 403 and "无权" in response.get_data(as_text=True)
