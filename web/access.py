"""Who may open what: ``@roles(...)`` on every view (below ``@bp.route``, so the route is never left open: the
library notes' decorator-order pitfall), scope checks on the things a view touches, and the current account."""

from __future__ import annotations

import functools

from flask import g
from flask_login import current_user

from engine.account_rules import WIDE_ROLES, visible_tasks
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


def tasks_seen_by(me, definition) -> set[str]:
    """The keys of the tasks of ``definition`` the account ``me`` may see (``engine.account_rules.visible_tasks``):
    with the parent lists, and the tasks whose items its person holds now (after a transfer), read here only for an
    account that does not see every task anyway."""
    from engine.queries.listings import tasks_held_by
    from web import services

    svc = services.get()
    person = me.person_in(definition)
    held = tasks_held_by(svc.store, definition.id, person) if person is not None and me.role not in WIDE_ROLES else ()
    return visible_tasks(me, definition, lists=svc.definitions(), held=held)


def account():
    return g.get("account") or current_user.account


def require_task_view(definition, task) -> None:
    if task.id not in tasks_seen_by(account(), definition):
        refuse(403, say("您的账号无权查看任务 {t}。", "your account may not see task {t}.", t=task.id))
