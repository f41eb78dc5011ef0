"""Flask-Login and CSRF protection, bound with ``init_app``; the logged-in user wraps an ``engine.accounts.Account``.

The session stores ``ACCOUNT|SESSION_VERSION`` (Flask-Login's "alternative id"), checked against the database on
every request: logging out, disabling an account, resetting its password or changing its role bumps the version,
which ends every session of the account at once, copies of the cookie included. The signed session also keeps
when the account logged in and when it was last seen (``qd_login``, ``qd_seen``, seconds): a session idle for
``SESSION_IDLE_MINUTES`` or older than ``SESSION_MAX_HOURS`` ends. No remember-me cookie is issued, and one that
is presented (Flask-Login would read it) carries no login time, so it is refused too.
"""

from __future__ import annotations

import datetime as dt
import time

from flask import current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect

from engine.i18n import say
from web.errors import is_api_path

login_manager = LoginManager()
csrf = CSRFProtect()


class WebUser(UserMixin):
    def __init__(self, account):
        self.account = account

    def get_id(self) -> str:
        return f"{self.account.id}|{self.account.session_version}"

    @property
    def id(self) -> str:
        return self.account.id

    @property
    def role(self) -> str:
        return self.account.role

    @property
    def is_active(self) -> bool:
        return not self.account.disabled


#: the session keys of the session clock (seconds since the epoch)
LOGIN_AT, SEEN_AT = "qd_login", "qd_seen"


def _session_now() -> int:
    """Wall-clock seconds (``SESSION_CLOCK``, a callable, replaces ``time.time`` in tests): a session's life is real
    time even when the engine's clock is set for a drill."""
    return int((current_app.config.get("SESSION_CLOCK") or time.time)())


def start_session_clock() -> None:
    """Called right after ``login_user``: the session starts now."""
    now = _session_now()
    session[LOGIN_AT] = session[SEEN_AT] = now


def _session_alive() -> bool:
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return False  # no login time: a remember-me cookie or a session from before the clock was kept
    now = _session_now()
    config = current_app.config
    if now - login_at >= config["SESSION_MAX_HOURS"] * 3600 or now - seen_at >= config["SESSION_IDLE_MINUTES"] * 60:
        return False
    if now != seen_at:
        session[SEEN_AT] = now
    return True


@login_manager.user_loader
def _load(session_id: str):
    from engine.accounts import get_account
    from web import services

    account_id, _, version = session_id.rpartition("|")
    if not account_id or not _session_alive():
        return _end()
    account = get_account(services.get().store, account_id)
    if account is None or account.disabled or str(account.session_version) != version:
        return _end()
    return WebUser(account)


def _end():
    """The session is over: forget who it was (the language stays)."""
    for key in ("_user_id", "_fresh", "_id", LOGIN_AT, SEEN_AT):
        session.pop(key, None)
    return None


@login_manager.unauthorized_handler
def _unauthorized():
    from flask import abort, flash, redirect, url_for

    if is_api_path(request.path):
        abort(401)
    flash(say("请先登录。", "please log in first."), "info")
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


class _NoSessionForTheApi(SecureCookieSessionInterface):
    """The API authenticates by its token alone and never reads the session cookie (``web/api.py``): its requests get
    Flask's empty null session, never opened from the cookie nor saved, so a browser's cookie cannot change what an API
    call does (its language included: the configured default) and no call pays for checking the cookie's signature."""

    def open_session(self, app, request):
        if is_api_path(request.path):
            return self.make_null_session(app)
        return super().open_session(app, request)


def init_app(app) -> None:
    app.session_interface = _NoSessionForTheApi()
    # the signed cookie itself expires with the absolute lifetime (the server checks both limits anyway)
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=app.config["SESSION_MAX_HOURS"])
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    csrf.init_app(app)
