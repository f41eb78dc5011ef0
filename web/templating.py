"""Helpers every template may call: words for lights, kinds and roles, numbers as people write them, person names,
and the unread count of the navigation bar (computed only when a page shows it)."""
from __future__ import annotations

from flask import g
from flask_login import current_user

from engine.accounts import role_word
from web import presenters


def nav_unread() -> int:
    if "nav_unread" not in g:
        from web import engine_bridge as bridge
        from web import services

        count = 0
        if current_user.is_authenticated and current_user.role != "admin":
            store = services.get().store
            account = current_user.account
            people = [(cid, account.person_in(d)) for cid, d in bridge.definitions(store).items() if account.person_in(d)]
            count = bridge.unread_count(store, people)
        g.nav_unread = count
    return g.nav_unread


def init_app(app) -> None:
    app.jinja_env.globals.update(
        light_word=presenters.light_word, reason_word=presenters.reason_word, kind_word=presenters.kind_word,
        number=presenters.number, event_word=presenters.event_word, state_label=presenters.state_label, person_name=presenters.person_name, role_word=role_word, nav_unread=nav_unread)
