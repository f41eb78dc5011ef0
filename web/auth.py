"""Logging in and out, the language switch, changing one's own password, and the start page per role."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from engine.accounts import authenticate, end_sessions, login_refusal, set_password
from engine.errors import InputError
from engine.i18n import SUPPORTED, say
from web import services
from web.access import ALL_ROLES, account, roles
from web.errors import refuse
from web.extensions import WebUser, start_session_clock
from web.security import safe_next

bp = Blueprint("auth", __name__)

START = {
    "head": "board.index",
    "leader": "board.index",
    "admin": "board.index",
    "staff": "mywork.index",
    "informant": "mywork.index",
    "inspector": "inspection.queue",
}


def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(START.get(current_user.role, "auth.login")))


home.qingdan_roles = ("anonymous",)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_next(request.args.get("next"), url_for("index")))
        return render_template("login.html", next=request.args.get("next", ""))
    throttle = current_app.extensions["qingdan_login_throttle"]
    address = request.remote_addr or "-"
    place = throttle.take(address)  # counted before the password is checked: parallel logins cannot overrun it
    if place is None:
        refuse(429, say("登录失败次数过多,请几分钟后再试。", "too many failed logins from here; try again in a few minutes."))
    account_id = (request.form.get("account") or "").strip()
    result = authenticate(services.get().store, account_id, request.form.get("password") or "", clock=services.get().clock)
    if not result.ok:
        flash(login_refusal(result.reason), "error")
        return render_template("login.html", next=request.form.get("next", ""), account=account_id), 401
    throttle.give_back(address, place)  # this login was no failure; the address's failures stay counted
    session.clear()  # a fresh session on login (no fixation); keep the chosen language
    if request.form.get("lang") in SUPPORTED:
        session["lang"] = request.form["lang"]
    login_user(WebUser(result.account))
    session.permanent = True
    start_session_clock()
    return redirect(safe_next(request.form.get("next"), url_for("index")))


login.qingdan_roles = ("anonymous",)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out everywhere: the account's session version is bumped, so this cookie, any copy of it and every other
    session of the account stop working on the server, not only in this browser."""
    lang = session.get("lang")
    if current_user.is_authenticated:
        end_sessions(services.get().store, current_user.id)
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(say("已退出。", "logged out."), "info")
    return redirect(url_for("auth.login"))


logout.qingdan_roles = ("anonymous",)


@bp.route("/lang/<code>")
def switch_language(code):
    if code not in SUPPORTED:
        refuse(404, say("不支持语言 “{c}”。", "language '{c}' is not supported.", c=code))
    session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("index")))


switch_language.qingdan_roles = ("anonymous",)


@bp.route("/account/password", methods=["GET", "POST"])
@roles(*ALL_ROLES)
def password():
    if request.method == "POST":
        me = account()
        store, clock = services.get().store, services.get().clock
        if not authenticate(store, me.id, request.form.get("current") or "", clock=clock).ok:
            flash(say("当前密码不对。", "the current password is wrong."), "error")
            return render_template("password.html"), 400
        if request.form.get("new") != request.form.get("again"):
            raise InputError(say("两次输入的新密码不一致。", "the two new passwords differ."))
        set_password(store, me.id, request.form.get("new") or "", clock=clock, actor=me.id)
        logout_user()
        flash(say("密码已更改,请用新密码登录。", "password changed; log in with the new one."), "info")
        return redirect(url_for("auth.login"))
    return render_template("password.html")
