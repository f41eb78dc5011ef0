"""My work (我的工作): my tasks and items by urgency with buttons for exactly the triggers I may fire now, progress
and recurring-duty report forms, and my inbox (通知) with its unread count."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

import engine
from engine import GuardRefused, InputError, plain, say
from engine.amounts import parse_id
from engine.runtime.measures import reading_recorded, reading_withdrawn
from web import form_retry, operations, services, todo, wording
from web.access import REPORT_ROLES, WORK_ROLES, account, roles
from web.security import safe_next

bp = Blueprint("mywork", __name__, url_prefix="/my")


@bp.route("/")
@roles(*REPORT_ROLES)
def index():
    svc = services.get()
    found = todo.collect(svc, account())
    return render_template("mywork.html", todo=found, entries=found.entries, duties=found.duties, unread=svc.unread(found.people))


@bp.route("/fire", methods=["POST"])
@roles(*WORK_ROLES)
def fire():
    form = request.form
    me = account()
    kept = form_retry.kept_files(form.getlist("kept"), form.get("checklist", ""), me.id)
    try:
        data = operations.parse_data_text(form.get("data_text"))
        data.update(
            {key[5:]: value.strip() for key, value in form.items() if key.startswith("data_") and key != "data_text" and value.strip()}
        )
        result = operations.fire(
            me,
            task=form.get("task", ""),
            item=form.get("item") or None,
            trigger=form.get("trigger", ""),
            note=form.get("note"),
            data=data,
            checklist=form.get("checklist") or None,
            expect_state=form.get("expect_state") or None,
            on=form.get("on") or None,
            uploads=request.files.getlist("evidence"),  # stored only once the account may fire this trigger
            kept=kept,
            keep_refused=True,  # a refused form comes back with its files kept
        )
    except (InputError, GuardRefused) as err:
        stored = form_retry.keep(getattr(err, "kept_evidence", kept), form.get("checklist", ""), me.id)
        page = form_retry.send_back(form_retry.fire_refused(err, form, stored), form.get("next"), form_retry.status_of(err))
        if page is None:
            raise
        return page
    flash(wording.fired(services.get().definition(result.checklist), result), "ok")
    for warning in result.warnings:
        flash(warning, "warning")
    return redirect(safe_next(form.get("next"), url_for("mywork.index")))


@bp.route("/report", methods=["POST"])
@roles(*REPORT_ROLES)
def report():
    form = request.form
    me = account()
    kept = form_retry.kept_files(form.getlist("kept"), form.get("checklist", ""), me.id)
    try:
        amount = (form.get("amount") or "").strip()
        if not amount:
            raise InputError(say("请填写数量。", "please enter an amount."), field="amount")
        result = operations.report(
            me,
            task=form.get("task", ""),
            amount=amount,
            part=form.get("part") or None,
            item=form.get("item") or None,
            note=form.get("note"),
            checklist=form.get("checklist") or None,
            on=form.get("on") or None,
            over=form.get("over") == "1",
            uploads=request.files.getlist("evidence"),  # stored only once the account may report on the task
            kept=kept,
            keep_refused=True,  # a refused form comes back with its files kept
        )
    except InputError as err:
        stored = form_retry.keep(getattr(err, "kept_evidence", kept), form.get("checklist", ""), me.id)
        page = form_retry.send_back(form_retry.report_refused(err, form, stored), form.get("next"), form_retry.status_of(err))
        if page is None:
            raise
        return page
    target = f"/{plain(result.target)}" if result.target is not None else ""
    if result.measure != "sum":  # a reading: it states the value, it adds nothing
        flash(reading_recorded(result), "ok")
    else:
        _flash_increment(result, target)
    if result.reached:
        flash(say("目标已完成。", "target reached."), "ok")
    return redirect(safe_next(form.get("next"), url_for("mywork.index")))


def _flash_increment(result, target: str) -> None:
    flash(
        say(
            "已记录(报送编号 {e}):{t} +{a},累计 {s}{g}",
            "recorded (entry {e}): {t} +{a}, total {s}{g}",
            e=result.entry,
            t=result.task,
            a=plain(result.amount),
            s=plain(result.total),
            g=target,
        ),
        "ok",
    )


@bp.route("/correct", methods=["POST"])
@roles(*REPORT_ROLES)
def correct():
    """Reverse one report (a negative entry; the original stays): the reporter, the task's leader and heads."""
    form = request.form
    entry = (form.get("entry") or "").strip()
    if not entry.isascii() or not entry.isdigit():
        raise InputError(say("没有指明要更正哪一条报送记录。", "no report was named to correct."))
    result = operations.correct(  # a number beyond any row's (parse_id: None) reaches the engine, which finds no such entry
        account(), task=form.get("task", ""), entry=parse_id(entry) or entry, note=form.get("note"), checklist=form.get("checklist") or None
    )
    if result.measure != "sum":
        flash(reading_withdrawn(entry, result), "ok")
        return redirect(safe_next(form.get("next"), url_for("mywork.index")))
    flash(
        say(
            "已更正报送记录 {e}(更正记录 {c}),累计 {s}",
            "report {e} corrected (entry {c}); total {s}",
            e=entry,
            c=result.entry,
            s=plain(result.total),
        ),
        "ok",
    )
    return redirect(safe_next(form.get("next"), url_for("mywork.index")))


@bp.route("/inbox")
@roles(*REPORT_ROLES, "inspector")
def inbox():
    """Notices grouped per task, each linked to its item with what resolves it (``web.inbox_view``)."""
    from web import inbox_view

    return render_template("inbox.html", **inbox_view.build(account()))


@bp.route("/inbox/read", methods=["POST"])
@roles(*REPORT_ROLES, "inspector")
def mark_read():
    svc = services.get()
    me = account()
    posted = request.form.getlist("id")  # none posted: mark all read
    ids = [number for number in map(parse_id, posted) if number is not None]
    count = 0
    for checklist_id, person in svc.people(me):
        mine = {n["id"] for n in engine.inbox(svc.store, person, checklist=checklist_id, unread=True, limit=10000)}
        wanted = sorted(mine & set(ids)) if posted else None
        if wanted is None and mine:
            count += engine.mark_read(svc.store, person, sorted(mine), svc.clock.now())
        elif wanted:
            count += engine.mark_read(svc.store, person, wanted, svc.clock.now())
    flash(say("已标为已读:{n} 条。", "marked read: {n}.", n=count), "ok")
    return redirect(url_for("mywork.inbox"))
