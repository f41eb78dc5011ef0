"""Inspection (验收) for inspectors: the queue of items waiting in an acceptance step, the criteria form, pass or
fail with evidence and a note, and each item's earlier rounds."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from engine.accounts import check_account_fire, may_view_task
from engine.errors import Conflict, InputError
from engine.i18n import say
from web import engine_bridge as bridge
from web import services
from web.access import account, require_task_view, roles

bp = Blueprint("inspection", __name__, url_prefix="/inspect")


@bp.route("/")
@roles("inspector")
def queue():
    svc = services.get()
    me = account()
    waiting = bridge.inspection_queue(svc.store, bridge.definitions(svc.store), lambda d, t: may_view_task(me, d, t))
    today = svc.clock.now().date()
    return render_template("inspect_queue.html", waiting=waiting, today=today)


def _item(checklist_id: str, task_id: str, item: str):
    svc = services.get()
    definition, task, row = bridge.locate(svc.store, task_id, item, checklist_id)
    require_task_view(definition, task)
    if row is None:
        abort(404)
    return definition, task, row


@bp.route("/<checklist_id>/<task_id>")
@roles("inspector")
def item(checklist_id, task_id):
    svc = services.get()
    name = request.args.get("item") or ""
    definition, task, row = _item(checklist_id, task_id, name)
    waiting = row.state in bridge.acceptance_states(definition, task)
    return render_template("inspect_item.html", definition=definition, task=task, item=row, waiting=waiting,
                           criteria=bridge.criteria(task), rounds=bridge.inspection_rounds(svc.store, definition, task, row.name),
                           state_label=definition.workflows[task.workflow].label(row.state))


@bp.route("/<checklist_id>/<task_id>", methods=["POST"])
@roles("inspector")
def record(checklist_id, task_id):
    """One round: a value per criterion; it passes when every criterion is met, else the item goes to rectification."""
    svc = services.get()
    form = request.form
    definition, task, row = _item(checklist_id, task_id, form.get("item") or "")
    expected = form.get("expect_state") or row.state
    if row.state != expected:
        raise Conflict(say("子项 “{i}” 已被他人改为 “{s}”,请刷新后再操作。",
                           "item '{i}' was changed by someone else to '{s}'; reload and try again.", i=row.name, s=row.state))
    if row.state not in bridge.acceptance_states(definition, task):
        raise InputError(say("子项 “{i}” 不在验收环节(当前:{s})。", "item '{i}' is not waiting for inspection (now: {s}).",
                             i=row.name, s=definition.workflows[task.workflow].label(row.state)))
    values = {}
    for index, criterion in enumerate(bridge.criteria(task)):
        raw = (form.get(f"c{index}") or "").strip()
        if criterion.yes_no:
            values[criterion.check] = raw in ("1", "on", "yes")
        elif raw:
            values[criterion.check] = raw
    passing, failing = bridge.verdict_triggers(definition, task, row.state)
    transition = definition.workflows[task.workflow].transition(passing or failing, row.state) if (passing or failing) else None
    person = check_account_fire(account(), definition, task, transition.by if transition else (), passing or failing or "pass")
    evidence = bridge.store_evidence(request.files.getlist("evidence"), current_app.config["EVIDENCE_DIR"])
    result = bridge.record_inspection(svc.store, definition=definition, task=task, item=row.name, state=row.state, inspector=person,
                                      values=values, evidence=evidence, note=(form.get("note") or "").strip() or None,
                                      clock=svc.clock, plugins=svc.plugins)
    if result.passed:
        flash(say("{t} / {i}:第 {r} 轮验收通过。", "{t} / {i}: inspection round {r} passed.", t=task.id, i=row.name, r=result.round), "ok")
    else:
        flash(say("{t} / {i}:第 {r} 轮验收未通过,退回整改:{u}", "{t} / {i}: inspection round {r} failed, back to rectification: {u}",
                  t=task.id, i=row.name, r=result.round, u="; ".join(result.unmet)), "warning")
    return redirect(url_for("inspection.queue"))
