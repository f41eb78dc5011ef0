"""督办单 and 申请延期 on the task page: the thread (``_supervision.html``, through the template global
``supervision_panel``) and the forms' POST routes — issue, reply (with evidence files), close; request and decide an
extension.

Who may act is ``engine.runtime.permissions`` (``SUPERVISE_BY``, ``ANSWER_BY``) narrowed by the account's role
(``engine.account_rules.may_act``); the engine checks again. A refused form comes back on the task page with what was
typed and the message beside its field (``g.supervision_retry``), status 400/403/409; files of a refused reply are
not kept (they are removed by the intake), so the form asks for them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, request, url_for

import engine
from engine.account_rules import acting_person, may_act
from engine.errors import InputError, NotPermitted, QingdanError
from engine.i18n import say
from engine.runtime import extension_requests, supervision
from engine.runtime.permissions import ANSWER_BY, SUPERVISE_BY
from web import services
from web.access import WORK_ROLES, account, roles
from web.errors import refuse
from web.yearend import is_closed

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


@dataclass
class Retry:
    form: str  # issue | reply | close | extension | decide
    key: str  # which one on the page: the supervision's or request's id, or the item for a new request
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # field → the message beside it
    message: str = ""

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)


def retry_for(form: str, key="") -> Retry | None:
    found = g.get("supervision_retry")
    return found if found is not None and found.form == form and found.key == str(key) else None


def panel(definition, task) -> dict:
    """What the task page shows of supervision, for the signed-in account (template global ``supervision_panel``)."""
    from engine import local_date
    from engine.queries.supervision_thread import extendable_items, task_items, task_thread

    svc = services.get()
    me = account()
    closed = is_closed(definition.id)  # a list closed at year end: the thread stays readable, no forms
    may_supervise = may_act(me, definition, task, SUPERVISE_BY) and not closed
    may_answer = may_act(me, definition, task, ANSWER_BY) and not closed
    today = local_date(svc.clock.now(), definition.timezone)
    with svc.store.read() as conn:
        thread = task_thread(conn, definition.id, task.id)
        names = task_items(conn, definition.id, task.id)
        # the responsible person asks on every item, an item's holder on their own (``capacities``' holder rule)
        extendable = (
            extendable_items(conn, definition, task, lambda holder: may_act(me, definition, task, ANSWER_BY, holder=holder))
            if task.kind == "workflow" and not closed
            else []
        )
    return {
        "thread": thread,
        "today": today,
        "may_supervise": may_supervise,
        "may_answer": may_answer,
        "items": [name for _, name, _ in names],
        "extendable": extendable,
        "colours": [(c.value, supervision.colour_word(c)) for c in supervision.Colour],
        "download": "evidence_files.download" in current_app.view_functions,  # the evidence route, where it exists
    }


def _task_page(checklist_id: str, task_id: str) -> str:
    return url_for("board.task", checklist_id=checklist_id, task_id=task_id) + "#supervision"


def _send_back(checklist_id: str, task_id: str, retry: Retry, status: int):
    """The task page again, as if asked for with GET, with the refused form filled in and its message."""
    path = url_for("board.task", checklist_id=checklist_id, task_id=task_id)
    environ = dict(request.environ)
    environ.update(PATH_INFO=path, QUERY_STRING="", REQUEST_METHOD="GET", CONTENT_LENGTH="0")
    environ.pop("CONTENT_TYPE", None)
    endpoint, args = current_app.url_map.bind_to_environ(environ).match(path, method="GET")
    with current_app.request_context(environ):
        g.supervision_retry = retry
        response = make_response(current_app.view_functions[endpoint](**args))
    response.status_code = status
    return response


def _refused(err: QingdanError, form: str, key, checklist_id: str, task_id: str):
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    where = getattr(err, "field", None)
    retry = Retry(form, str(key), values, {where: str(err)} if where and where in _FIELDS.get(form, ()) else {}, "")
    if not retry.errors:
        retry.message = str(err)
    return _send_back(checklist_id, task_id, retry, err.http_status)


_FIELDS = {
    "issue": ("item", "colour", "instruction", "reply_by"),
    "reply": ("text", "evidence"),
    "close": ("note",),
    "extension": ("deadline", "requested_due", "reason"),
    "decide": ("note",),
}


def _task(checklist_id: str, task_id: str):
    definition = services.get().definition(checklist_id)
    task = definition.task_by_id.get(task_id)
    if task is None:
        abort(404)
    return definition, task


def _require(definition, task, by, zh: str, en: str, holder: str | None = None) -> str:
    me = account()
    if not may_act(me, definition, task, by, holder=holder):
        refuse(403, say("您的账号无权{w}。", "your account may not {e}.", w=zh, e=en))
    return acting_person(me, definition)


@bp.route("/issue", methods=["POST"])
@roles(*WORK_ROLES)
def issue():
    form = request.form
    definition, task = _task(form.get("checklist", ""), form.get("task", ""))
    person = _require(definition, task, SUPERVISE_BY, "下发督办单", "issue a supervision notice")
    try:
        supervision.issue(
            services.get().store,
            task=task.id,
            item=form.get("item") or None,
            colour=form.get("colour"),
            instruction=form.get("instruction"),
            reply_by=form.get("reply_by"),
            actor=person,
            clock=services.get().clock,
            checklist=definition.id,
        )
    except QingdanError as err:
        if isinstance(err, NotPermitted):
            raise
        return _refused(err, "issue", "", definition.id, task.id)
    flash(say("督办单已下发,已通知责任人。", "supervision notice issued; the responsible person was told."), "ok")
    return redirect(_task_page(definition.id, task.id))


def _thread_task(supervision_id: int):
    checklist_id, task_id = supervision.checklist_of(services.get().store, supervision_id)
    return _task(checklist_id, task_id)


@bp.route("/<int:supervision_id>/reply", methods=["POST"])
@roles(*WORK_ROLES)
def reply(supervision_id):
    from web.operations import evidence_intake

    definition, task = _thread_task(supervision_id)
    person = _require(definition, task, ANSWER_BY, "回复督办单", "reply to a supervision notice")
    svc = services.get()
    try:
        if not (request.form.get("text") or "").strip():  # before any file is taken
            raise InputError(say("请填写情况说明。", "give the reply."), field="text")
        supervision.may_answer(svc.store, supervision_id, person)
        with evidence_intake(definition.id) as taking:
            files = [taking.add(f.filename, f.stream) for f in request.files.getlist("evidence") if f and f.filename]
            supervision.reply(
                svc.store, supervision_id=supervision_id, text=request.form.get("text"), actor=person, clock=svc.clock, evidence=files
            )
    except QingdanError as err:
        if isinstance(err, NotPermitted):
            raise
        return _refused(err, "reply", supervision_id, definition.id, task.id)
    flash(say("已回复督办单,已通知下发人。", "reply sent; the issuer was told."), "ok")
    return redirect(_task_page(definition.id, task.id))


@bp.route("/<int:supervision_id>/close", methods=["POST"])
@roles(*WORK_ROLES)
def close(supervision_id):
    definition, task = _thread_task(supervision_id)
    person = _require(definition, task, SUPERVISE_BY, "办结督办单", "close a supervision notice")
    svc = services.get()
    try:
        supervision.close(svc.store, supervision_id=supervision_id, actor=person, clock=svc.clock, note=request.form.get("note"))
    except QingdanError as err:
        if isinstance(err, NotPermitted):
            raise
        return _refused(err, "close", supervision_id, definition.id, task.id)
    flash(say("督办单已办结。", "supervision notice closed."), "ok")
    return redirect(_task_page(definition.id, task.id))


@bp.route("/extension", methods=["POST"])
@roles(*WORK_ROLES)
def extension():
    form = request.form
    definition, task = _task(form.get("checklist", ""), form.get("task", ""))
    svc = services.get()
    # the chosen item and deadline: "ITEM|m:STATE" (a workflow milestone) or "ITEM|d:ID" (the item's own deadline)
    item, _, chosen = (form.get("deadline_choice") or "").rpartition("|")
    held = next((v.owner for v in engine.items_of(svc.store, definition.id, [task.id]).get(task.id, []) if v.name == item), None)
    person = _require(definition, task, ANSWER_BY, "申请延期", "ask for an extension", holder=held)
    kind, _, which = chosen.partition(":")
    try:
        extension_requests.request(
            svc.store,
            task=task.id,
            item=item or None,
            requested_due=form.get("requested_due"),
            reason=form.get("reason"),
            actor=person,
            clock=svc.clock,
            milestone=which if kind == "m" else None,
            deadline_id=which if kind == "d" else None,
            checklist=definition.id,
        )
    except QingdanError as err:
        if isinstance(err, NotPermitted):
            raise
        return _refused(err, "extension", "", definition.id, task.id)
    flash(say("延期申请已提交,等待分管领导审批。", "extension request sent to the leader."), "ok")
    return redirect(_task_page(definition.id, task.id))


@bp.route("/extension/<int:request_id>/decide", methods=["POST"])
@roles(*WORK_ROLES)
def decide(request_id):
    found = extension_requests.checklist_of_request(services.get().store, request_id)
    if found is None:
        abort(404)
    definition, task = _task(*found)
    svc = services.get()
    person = _require(definition, task, SUPERVISE_BY, "审批延期申请", "decide an extension request")
    decision = request.form.get("decision")
    try:
        if decision not in ("approve", "refuse"):
            raise InputError(say("请选择同意或不同意。", "choose approve or refuse."), field="note")
        outcome = extension_requests.decide(
            svc.store, request_id=request_id, approve=decision == "approve", actor=person, clock=svc.clock, note=request.form.get("note")
        )
    except QingdanError as err:
        if isinstance(err, NotPermitted):
            raise
        return _refused(err, "decide", request_id, definition.id, task.id)
    flash(
        say("已同意延期,期限已顺延。", "extension approved; the deadline moved.")
        if outcome == "approved"
        else say("已不同意延期。", "extension refused."),
        "ok",
    )
    return redirect(_task_page(definition.id, task.id))


@bp.record_once
def _globals(state) -> None:
    state.app.jinja_env.globals.update(
        supervision_panel=panel, supervision_retry=retry_for, colour_word=supervision.colour_word, sv_time=local_minute
    )


def local_minute(instant, definition) -> str:
    """An instant as people read it on the page: the list's zone, to the minute."""
    from zoneinfo import ZoneInfo

    return instant.astimezone(ZoneInfo(definition.timezone)).strftime("%Y-%m-%d %H:%M") if instant else ""
