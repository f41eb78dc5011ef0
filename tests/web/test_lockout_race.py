"""The login limits hold under a race: parallel logins (threads through the WSGI app, each with its own client) never
check more passwords than the account lockout or the per-address limit allows. Password checks are counted by a
wrapper around ``engine.accounts.check_password_hash`` that calls the real function (instrumentation, not a mock).
Unknown names answer exactly like real ones; a success does not clear the address's failures."""

from __future__ import annotations

import re
import threading

import pytest

from tests.web.conftest import PASSWORD

BURST = 60


@pytest.fixture
def checks(monkeypatch):
    """How many passwords were checked (every call of werkzeug's check, the real one)."""
    import engine.accounts

    real = engine.accounts.check_password_hash
    counted = {"n": 0}
    lock = threading.Lock()

    def counting(hashed, password):
        with lock:
            counted["n"] += 1
        return real(hashed, password)

    monkeypatch.setattr(engine.accounts, "check_password_hash", counting)
    return counted


def burst(app, forms: list[dict]) -> list:
    """Post every form to /login at once, one thread and one client each; the answers in order."""
    answers = [None] * len(forms)
    start = threading.Barrier(len(forms))

    def run(index):
        client = app.test_client()
        start.wait()
        response = client.post("/login", data=forms[index])
        answers[index] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def message(page: str) -> str:
    """The login page's error message (the flash), which is all that differs between answers."""
    found = re.search(r'class="flash[^"]*error[^"]*"[^>]*>(.*?)<', page, re.S)
    return found.group(1).strip() if found else ""


def test_parallel_wrong_passwords_check_at_most_the_limit(app, checks):
    from engine.accounts import MAX_FAILED_LOGINS

    app.extensions["qingdan_login_throttle"].limit = 10 * BURST  # only the account's lockout is tested here
    answers = burst(app, [{"account": "staff", "password": f"wrong-{i}"} for i in range(BURST)])
    assert all(status == 401 for status, _ in answers)
    assert checks["n"] <= MAX_FAILED_LOGINS
    locked = app.test_client().post("/login", data={"account": "staff", "password": PASSWORD})
    assert locked.status_code == 401 and "暂时锁定" in locked.get_data(as_text=True)


def test_right_password_after_a_parallel_burst_is_locked_out(app, checks):
    """The held-out run: eight wrong passwords at once, then the right one: locked, and it was never checked."""
    from engine.accounts import MAX_FAILED_LOGINS

    app.extensions["qingdan_login_throttle"].limit = 10 * BURST
    burst(app, [{"account": "leader", "password": f"wrong-{i}"} for i in range(8)])
    checked = checks["n"]
    assert checked <= MAX_FAILED_LOGINS
    ninth = app.test_client().post("/login", data={"account": "leader", "password": PASSWORD})
    assert ninth.status_code == 401 and "暂时锁定" in ninth.get_data(as_text=True)
    assert checks["n"] == checked


def test_parallel_logins_from_one_address_check_at_most_the_address_limit(app, checks):
    limit = app.config["LOGIN_IP_LIMIT"]
    answers = burst(app, [{"account": f"sprayed-{i}", "password": "guess-1234"} for i in range(BURST)])
    assert checks["n"] <= limit
    assert sum(1 for status, _ in answers if status == 429) >= BURST - limit


def test_a_success_does_not_clear_the_address_failures(app):
    throttle = app.extensions["qingdan_login_throttle"]
    throttle.limit = 5
    client = app.test_client()
    for i in range(4):
        assert client.post("/login", data={"account": f"nobody{i}", "password": "x-wrong-1"}).status_code == 401
    assert app.test_client().post("/login", data={"account": "staff", "password": PASSWORD}).status_code == 302
    assert client.post("/login", data={"account": "nobody4", "password": "x-wrong-1"}).status_code == 401
    assert client.post("/login", data={"account": "head", "password": PASSWORD}).status_code == 429


def test_unknown_names_answer_like_real_ones(app):
    """Status, words and lockout are the same for a name no account has as for a real account."""
    from engine.accounts import MAX_FAILED_LOGINS

    app.extensions["qingdan_login_throttle"].limit = 1000
    seen = {}
    for name in ("staff", "no-such-person"):
        client = app.test_client()
        answers = [client.post("/login", data={"account": name, "password": f"wrong-{i}"}) for i in range(MAX_FAILED_LOGINS)]
        after = client.post("/login", data={"account": name, "password": PASSWORD})
        seen[name] = [(a.status_code, message(a.get_data(as_text=True))) for a in [*answers, after]]
    assert seen["staff"] == seen["no-such-person"]
    assert seen["staff"][0] == (401, "账号或密码不对。")
    assert seen["staff"][-1][0] == 401 and "暂时锁定" in seen["staff"][-1][1]


def test_disabled_is_said_only_after_the_right_password(app, store, clock):
    from engine.accounts import set_disabled

    set_disabled(store, "staff", True, clock=clock)
    client = app.test_client()
    wrong = client.post("/login", data={"account": "staff", "password": "wrong-password"})
    assert (wrong.status_code, message(wrong.get_data(as_text=True))) == (401, "账号或密码不对。")
    right = client.post("/login", data={"account": "staff", "password": PASSWORD})
    assert right.status_code == 401 and "停用" in message(right.get_data(as_text=True))


def test_lockout_ends_and_a_reset_lifts_it(store, clock, accounts):
    from engine.accounts import LOCKOUT, MAX_FAILED_LOGINS, authenticate, set_password

    for name in ("staff", "nobody"):
        for _ in range(MAX_FAILED_LOGINS):
            authenticate(store, name, "wrong-password", clock=clock)
        assert authenticate(store, name, PASSWORD, clock=clock).reason == "locked"
    clock.advance(minutes=LOCKOUT.total_seconds() / 60 + 1)
    assert authenticate(store, "staff", PASSWORD, clock=clock).ok
    assert authenticate(store, "nobody", PASSWORD, clock=clock).reason == "unknown"
    for _ in range(MAX_FAILED_LOGINS):
        authenticate(store, "staff", "wrong-password", clock=clock)
    set_password(store, "staff", "brand-new-pass", clock=clock)
    assert authenticate(store, "staff", "brand-new-pass", clock=clock).ok


def test_migration_0004_keeps_a_running_lockout(db_url):
    import datetime as dt

    from sqlalchemy import text

    from engine.accounts import authenticate
    from engine.dates.clock import FixedClock
    from engine.store.db import open_store
    from engine.store.migrate import upgrade

    store = open_store(db_url)
    try:
        upgrade(store, "0003")
        now = dt.datetime(2017, 7, 21, 2, 0, tzinfo=dt.UTC)
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO accounts (id, role, password_hash, disabled, session_version, failed_logins, locked_until, "
                    "created_at) VALUES ('a1', 'staff', 'x', :f, 1, 0, :until, :now)"
                ),
                {"f": False, "until": now + dt.timedelta(minutes=10), "now": now},
            )
        upgrade(store)
        assert authenticate(store, "a1", "whatever-1", clock=FixedClock(now)).reason == "locked"
    finally:
        store.dispose()
