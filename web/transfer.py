"""转办 on the task page: per item, who holds it now and, for the task's leader and heads, a small form moving it to
another person or unit (``_transfer.html``, through the template global ``transfer_panel``); the POST route calls
``engine.runtime.transfer``, which decides. Who may is ``engine.runtime.permissions.TRANSFER_BY`` narrowed by the
account's role (``engine.account_rules.may_act``). A refused form comes back on the task page with what was chosen and
the message beside the field (``g.transfer_retry``), status 400/403/404/409.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, request, url_for

import engine
from engine.account_rules import acting_person, may_act
from engine.errors import NotPermitted, QingdanError
from engine.i18n import say
from engine.runtime.permissions import TRANSFER_BY
from engine.runtime.transfer import holder, transfer
from web import services
from web.access import WORK_ROLES, account, roles
from web.errors import refuse
from web.yearend import is_closed

bp = Blueprint("transfer", __name__, url_prefix="/transfer")
FIELDS = ("to", "note")


@dataclass
class Retry:
    item: str
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # field → the message beside it
    message: str = ""

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)


def retry_for(item: str) -> Retry | None:
    found = g.get("transfer_retry")
    return found if found is not None and found.item == item else None


def panel(definition, task) -> dict:
    """The items with their holders and, when the account may transfer, the people and units to choose from."""
    may = may_act(account(), definition, task, TRANSFER_BY) and not is_closed(definition.id)  # closed at year end: no form
    if not may:
        return {"may": False, "items": []}
    rows = engine.items_of(services.get().store, definition.id, [task.id]).get(task.id, [])
    people = definition.people

    def name(pid: str) -> str:
        person = people.get(pid)
        if person is None:
            return pid
        unit = definition.units.get(person.unit) if person.unit else None
        return f"{person.name}({unit})" if unit else person.name

    return {
        "may": True,
        "items": [(r.name, holder(task, r.owner), name(holder(task, r.owner))) for r in rows],
        "people": [(pid, name(pid)) for pid in people],
        "units": list(definition.units.items()),
    }


def _send_back(definition, task, retry: Retry, status: int):
    path = url_for("board.task", checklist_id=definition.id, task_id=task.id)
    environ = dict(request.environ)
    environ.update(PATH_INFO=path, QUERY_STRING="", REQUEST_METHOD="GET", CONTENT_LENGTH="0")
    environ.pop("CONTENT_TYPE", None)
    endpoint, args = current_app.url_map.bind_to_environ(environ).match(path, method="GET")
    with current_app.request_context(environ):
        g.transfer_retry = retry
        response = make_response(current_app.view_functions[endpoint](**args))
    response.status_code = status
    return response


@bp.route("", methods=["POST"])
@roles(*WORK_ROLES)
def move():
    form = request.form
    svc = services.get()
    definition = svc.definition(form.get("checklist", ""))
    task = definition.task_by_id.get(form.get("task", ""))
    if task is None:
        abort(404)
    me = account()
    if not may_act(me, definition, task, TRANSFER_BY):
        refuse(403, say("您的账号无权转办此任务的子项。", "your account may not transfer this task's items."))
    item = form.get("item", "")
    try:
        done = transfer(
            svc.store,
            task=task.id,
            item=item or None,
            to=form.get("to"),
            actor=acting_person(me, definition),
            clock=svc.clock,
            checklist=definition.id,
            note=form.get("note"),
        )
    except QingdanError as err:
        if isinstance(err, NotPermitted):
            raise
        values = {k: v for k, v in form.items() if k in FIELDS}
        where = getattr(err, "field", None)
        retry = Retry(item, values, {where: str(err)} if where in FIELDS else {}, "" if where in FIELDS else str(err))
        return _send_back(definition, task, retry, err.http_status)
    after = definition.people[done.after].name if done.after in definition.people else done.after
    flash(say("已将 {i} 转交 {p} 负责,已通知双方。", "{i} is now held by {p}; both were told.", i=done.item, p=after), "ok")
    return redirect(url_for("board.task", checklist_id=definition.id, task_id=task.id) + "#transfer")


@bp.record_once
def _globals(state) -> None:
    state.app.jinja_env.globals.update(transfer_panel=panel, transfer_retry=retry_for)
