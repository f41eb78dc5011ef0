"""The funds plugin's page (资金台账): a task's budget, totals and entries, and the form that records an allocation
(下达), a disbursement (拨付) or a spending entry (支出) — what ``qingdan funds TASK allocate|disburse|spend`` does.

A blueprint the plugin registers through ``qingdan_register_blueprints`` (``plugins.funds``), linked from the task
page of every task with a budget. Who may record is the plugin's rule (``plugins.funds.record`` checks the engine's
``check_may_record``: the task's responsible person, its leader or a head), narrowed by the account's role
(``may_act`` with ``RECORDERS``): a staff account on its own tasks, never an inspector or an admin. A refused entry
comes back on the same form with what was typed and the message beside its field.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from engine.plugin import InputError, NotPermitted, local_date, may_act, plain, say
from plugins import funds
from web import account, current_services, require_task_view, roles

bp = Blueprint("funds", __name__, url_prefix="/funds", template_folder="templates")

FIELDS = ("action", "amount", "on_date", "document", "note")
#: the actions offered, in the order money moves
ACTIONS = ("allocate", "disburse", "spend")


def _task(checklist_id: str, task_id: str):
    svc = current_services()
    definitions = svc.definitions()
    definition = definitions.get(checklist_id)
    task = definition.task_by_id.get(task_id) if definition else None
    if task is None:
        abort(404)
    require_task_view(definition, task)
    if funds.options_of(task) is None:
        abort(404)
    return svc, definition, task


def _page(definition, task, *, values=None, errors=None, message="", status=200):
    svc = current_services()
    totals, entries = funds.ledger(svc.store, task=task.id, checklist=definition.id)
    me = account()
    today = local_date(svc.clock.now(), definition.timezone)
    shown = [
        {
            "date": e["on_date"].isoformat(),
            "kind": funds.word(e["kind"]),
            "amount": plain(e["amount"]),
            "document": e["document"] or "",
            "actor": e["actor"],
            "note": e["note"] or "",
        }
        for e in reversed(entries)  # newest first
    ]
    return (
        render_template(
            "funds_task.html",
            definition=definition,
            task=task,
            totals=totals,
            entries=shown,
            may_record=may_act(me, definition, task, funds.RECORDERS),
            actions=[(a, funds.word(funds.ACTIONS[a])) for a in ACTIONS],
            values={"on_date": today.isoformat()} | (values or {}),
            errors=errors or {},
            message=message,
            today=today.isoformat(),
        ),
        status,
    )


@bp.route("/<checklist_id>/<task_id>")
@roles("head", "leader", "staff")
def task(checklist_id, task_id):
    _, definition, task_def = _task(checklist_id, task_id)
    return _page(definition, task_def)


@bp.route("/<checklist_id>/<task_id>", methods=["POST"], endpoint="record")
@roles("head", "leader", "staff")
def record_entry(checklist_id, task_id):
    svc, definition, task_def = _task(checklist_id, task_id)
    me = account()
    person = me.person_in(definition)
    if person is None or not may_act(me, definition, task_def, funds.RECORDERS):
        raise NotPermitted(
            say(
                "您的账号无权为任务“{t}”记录资金:只有责任人、分管领导或主要负责人可以。",
                "your account may not record funds on '{t}': only its responsible person, its leader or a head may.",
                t=task_def.title,
            )
        )
    values = {name: (request.form.get(name) or "").strip() for name in FIELDS}
    errors = _missing(values)
    if not errors:
        try:
            result = funds.record(
                svc.store,
                task=task_def.id,
                action=values["action"],
                amount=values["amount"],
                on_date=values["on_date"],
                document=values["document"],
                actor=person,
                clock=svc.clock,
                note=values["note"] or None,
                checklist=definition.id,
            )
        except InputError as error:
            errors = {_FIELD_OF.get(error.field, "amount"): str(error)}
    if errors:
        message = say("未记录:请按提示修改后再提交。", "not recorded: correct what is marked and send again.")
        return _page(definition, task_def, values=values, errors=errors, message=message, status=400)
    for warning in result.warnings:
        flash(warning, "warning")
    flash(
        say(
            "已记录:{w} {a} {u}。{s}",
            "recorded: {w} {a} {u}. {s}",
            w=funds.word(result.kind),
            a=plain(result.amount),
            u=result.totals.unit,
            s=result.totals.describe(),
        ),
        "ok",
    )
    return redirect(url_for("funds.task", checklist_id=definition.id, task_id=task_def.id))


#: the engine's field names → this form's
_FIELD_OF = {"amount": "amount", "date": "on_date", "on": "on_date", "document": "document", "action": "action"}


def _missing(values: dict) -> dict:
    errors = {}
    if values["action"] not in ACTIONS:
        errors["action"] = say("请选择下达、拨付或支出。", "choose allocate, disburse or spend.")
    if not values["amount"]:
        errors["amount"] = say("请填写金额。", "enter the amount.")
    if not values["on_date"]:
        errors["on_date"] = say("请填写日期。", "enter the date.")
    if not values["document"]:
        errors["document"] = say("请填写文号或凭证号。", "enter the document or voucher number.")
    return errors
