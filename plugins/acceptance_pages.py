"""The acceptance plugin's pages (验收), for inspectors: the queue of items waiting in an acceptance step, the
criteria form, pass or fail with evidence and a note, and each item's earlier rounds.

A Flask blueprint the plugin registers through ``qingdan_register_blueprints`` (``plugins.acceptance``), with the
navigation link and the "去验收" link of the items' action lists. Every rule is the plugin's own
(``plugins.acceptance``: the criteria, the verdict triggers, recording a round); the pages only shape the form.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from engine.plugin import Conflict, InputError, check_account_fire, items_in_step, may_view_task, say, show_instant, task_transaction
from plugins.acceptance import STEP, acceptance_states, record, rounds, verdict_triggers
from plugins.acceptance_criteria import criteria_of
from plugins.acceptance_history import ON_QUEUE, recent_rounds
from web import account, current_services, evidence_intake, require_task_view, roles

bp = Blueprint("inspection", __name__, url_prefix="/inspect", template_folder="templates")


@bp.route("/")
@roles("inspector")
def queue():
    """Items waiting in an acceptance state, oldest waiting first, of the tasks the account may see."""
    svc = current_services()
    me = account()
    waiting = []
    for definition in svc.definitions().values():
        shown = [task.id for task in definition.tasks if task.kind == "workflow" and may_view_task(me, definition, task)]
        waiting.extend((definition, task, view) for task, view in items_in_step(svc.store, definition, STEP, shown))
    waiting.sort(key=lambda entry: entry[2].state_since)
    latest = [] if waiting else recent_rounds(svc.store, svc.definitions().values(), me, limit=ON_QUEUE)  # what was just done
    return render_template("inspect_queue.html", waiting=waiting, latest=latest, today=svc.clock.now().date())


def _item(checklist_id: str, task_id: str, item: str):
    """The task and the item row, after the scope check; 404 for a task without a workflow or an unknown item."""
    with task_transaction(current_services().store, task_id, item, checklist=checklist_id, workflow_only=False, write=False) as found:
        definition, task, row, workflow = found.checklist, found.task, found.item, found.workflow
    require_task_view(definition, task)
    if workflow is None or row is None:
        abort(404)
    return definition, task, row, workflow


@bp.route("/<checklist_id>/<task_id>")
@roles("inspector")
def item(checklist_id, task_id):
    svc = current_services()
    definition, task, row, workflow = _item(checklist_id, task_id, request.args.get("item") or "")
    with svc.store.read() as conn:
        earlier = [{**r, "at": show_instant(r["at"], definition.timezone)} for r in rounds(conn, row.id)]
    return render_template(
        "inspect_item.html",
        definition=definition,
        task=task,
        item=row,
        waiting=row.state in acceptance_states(workflow),
        criteria=criteria_of(task),
        rounds=earlier,
        state_label=workflow.label(row.state),
    )


@bp.route("/<checklist_id>/<task_id>", methods=["POST"], endpoint="record")
@roles("inspector")
def record_round(checklist_id, task_id):
    """One round: a value per criterion; it passes when every criterion is met, else the item goes to rectification."""
    svc = current_services()
    form = request.form
    definition, task, row, workflow = _item(checklist_id, task_id, form.get("item") or "")
    expected = form.get("expect_state") or row.state
    if row.state != expected:
        raise Conflict(
            say(
                "子项 “{i}” 已被他人改为 “{s}”,请刷新后再操作。",
                "item '{i}' was changed by someone else to '{s}'; reload and try again.",
                i=row.name,
                s=workflow.label(row.state),
            )
        )
    if row.state not in acceptance_states(workflow):
        raise InputError(
            say(
                "子项 “{i}” 不在验收环节(当前:{s})。",
                "item '{i}' is not waiting for inspection (now: {s}).",
                i=row.name,
                s=workflow.label(row.state),
            )
        )
    values = {}
    for index, criterion in enumerate(criteria_of(task)):
        raw = (form.get(f"c{index}") or "").strip()
        if criterion.yes_no:
            values[criterion.check] = raw in ("1", "on", "yes")
        elif raw:
            values[criterion.check] = raw
    passes, fails = verdict_triggers(workflow, row.state)
    verdict = next(iter(passes + fails), None)
    transition = workflow.transition(verdict, row.state) if verdict else None
    person = check_account_fire(account(), definition, task, transition.by if transition else (), verdict or "pass")
    # authorized: now the files may be stored (within the list's quota), and are removed if recording the round fails
    with evidence_intake(definition.id) as taking:
        evidence = [
            taking.add(upload.filename, upload.stream) for upload in request.files.getlist("evidence") if upload and upload.filename
        ]
        result = record(
            svc.store,
            task=task.id,
            item=row.name,
            inspector=person,
            values=values,
            clock=svc.clock,
            plugins=svc.plugins,
            evidence=evidence,
            note=(form.get("note") or "").strip() or None,
            checklist=definition.id,
            expect_state=row.state,
            on=(form.get("on") or "").strip() or None,
        )
    if result.passed:
        flash(say("{t} / {i}:第 {r} 轮验收通过。", "{t} / {i}: inspection round {r} passed.", t=task.id, i=row.name, r=result.round), "ok")
    else:
        flash(
            say(
                "{t} / {i}:第 {r} 轮验收未通过,退回整改:{u}",
                "{t} / {i}: inspection round {r} failed, back to rectification: {u}",
                t=task.id,
                i=row.name,
                r=result.round,
                u="; ".join(result.unmet),
            ),
            "warning",
        )
    return redirect(url_for("inspection.queue"))
