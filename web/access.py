"""Who may open what: ``@roles(...)`` on every view (below ``@bp.route``, so the route is never left open: the
library notes' decorator-order pitfall), scope checks on the things a view touches, and the current account."""

from __future__ import annotations

import functools

from flask import g
from flask_login import current_user

from engine.account_rules import may_view_task
from engine.accounts import role_word
from engine.i18n import say
from web.errors import refuse

BOARD_ROLES = ("head", "leader", "admin")
WORK_ROLES = ("staff", "leader", "head")
#: my work, reports and the inbox: the work roles and the informant (信息员), who reports where a task names it
REPORT_ROLES = (*WORK_ROLES, "informant")
ALL_ROLES = ("head", "leader", "staff", "inspector", "informant", "admin")


def roles(*allowed: str):
    """Require a logged-in account whose role is in ``allowed``; 403 otherwise (401/redirect when not logged in)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            from web.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                refuse(
                    403,
                    say(
                        "{r}账号不能使用这个页面(限:{a})。",
                        "a {r} account cannot use this page (for: {a}).",
                        r=role_word(current_user.role),
                        a="、".join(role_word(r) for r in allowed),
                    ),
                )
            g.account = current_user.account
            return view(*args, **kwargs)

        wrapper.qingdan_roles = allowed
        return wrapper

    return decorate


def _holds_items(definition, task) -> bool:
    """Whether the account's person holds an item of ``task`` now (``items.owner``, e.g. after a transfer), which
    shows them the task (``engine.account_rules.may_view_task`` with ``holds``)."""
    from engine.queries.listings import tasks_held_by
    from web import services

    me = account()
    person = me.person_in(definition)
    if person is None:
        return False
    holds = task.id in tasks_held_by(services.get().store, definition.id, person)
    return holds and may_view_task(me, definition, task, holds=True)


def account():
    return g.get("account") or current_user.account


def require_task_view(definition, task) -> None:
    from web import services

    above = services.get().definitions().get(task.fulfils[0]) if task.fulfils else None  # the parent list's people see it
    if not may_view_task(account(), definition, task, above=above) and not _holds_items(definition, task):
        refuse(403, say("您的账号无权查看任务 {t}。", "your account may not see task {t}.", t=task.id))
