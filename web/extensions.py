"""Flask-Login and CSRF protection, bound with ``init_app``; the logged-in user wraps an ``engine.accounts.Account``.

The session stores ``ACCOUNT|SESSION_VERSION`` (Flask-Login's "alternative id"): disabling an account, resetting
its password or changing its role bumps the version in the database, which ends every session at once.
No remember-me cookie is issued.
"""

from __future__ import annotations

from flask import request
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect

from engine.i18n import say

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


@login_manager.user_loader
def _load(session_id: str):
    from engine.accounts import get_account
    from web import services

    account_id, _, version = session_id.rpartition("|")
    if not account_id:
        return None
    account = get_account(services.get().store, account_id)
    if account is None or account.disabled or str(account.session_version) != version:
        return None
    return WebUser(account)


@login_manager.unauthorized_handler
def _unauthorized():
    from flask import abort, flash, redirect, url_for

    if request.path.startswith("/api/"):
        abort(401)
    flash(say("请先登录。", "please log in first."), "info")
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    csrf.init_app(app)
