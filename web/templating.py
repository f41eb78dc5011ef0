"""Helpers every template may call: words for lights, kinds and roles, numbers as people write them, person names,
the unread count of the navigation bar (computed only when a page shows it) and the links plugins add to it."""

from __future__ import annotations

import re

from flask import current_app, g
from flask_login import current_user
from markupsafe import Markup, escape

import engine
from engine.accounts import role_word
from web import presenters, services, wording


def nav_unread() -> int:
    if "nav_unread" not in g:
        from web import services

        count = 0
        if current_user.is_authenticated and current_user.role != "admin":
            svc = services.get()
            count = svc.unread(svc.people(current_user.account))
        g.nav_unread = count
    return g.nav_unread


def nav_links() -> list:
    """The plugins' links for the navigation bar that the current account's role may follow (``web.plugin_pages``)."""
    from web.plugin_pages import pages_of

    if not current_user.is_authenticated:
        return []
    return [link for link in pages_of(current_app).nav if current_user.role in link.roles]


def activity_window(definition, task) -> dict:
    """The dates a form's activity-date field accepts today: ``engine.runtime.activity``'s window, as ``min``/``max``."""
    from engine.runtime.activity import earliest_allowed

    today = engine.local_date(services.get().clock.now(), definition.timezone)
    return {"min": earliest_allowed(today, task.every).isoformat(), "max": today.isoformat()}


_DATE = re.compile(r"(?:[^\s<>&;]+ )?\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2})?")


def nowrap_dates(text) -> Markup:
    """``text`` escaped, each date in it (2017-07-21, 2017-07-21 10:00) with the word before it (已完工 2017-09-05) in a
    ``<span class="date">`` the stylesheet keeps on one line: a browser otherwise breaks a date at its hyphens on a
    narrow screen."""
    return Markup(_DATE.sub(lambda m: f'<span class="date">{m.group(0)}</span>', str(escape("" if text is None else text))))


def init_app(app) -> None:
    app.jinja_env.filters["dates"] = nowrap_dates
    app.jinja_env.globals.update(
        light_word=presenters.light_word,
        reason_word=presenters.reason_word,
        kind_word=presenters.kind_word,
        number=presenters.number,
        value_word=presenters.value_word,  # a measured target's value: 最新读数, 最高读数, 最低读数
        event_word=wording.event_word,
        notice_word=wording.notice_word,
        actor_name=wording.actor_name,
        action_label=wording.action_label,
        part_title=wording.part_title,
        local_time=wording.local_time,
        notice_line=wording.notice_line,
        person_link=wording.person_link,
        state_label=presenters.state_label,
        person_name=presenters.person_name,
        role_word=role_word,
        nav_unread=nav_unread,
        nav_links=nav_links,
        activity_window=activity_window,
        verdict_words=engine.describe_verdict,
    )
