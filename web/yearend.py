"""Year end on the web: the admin closes (归档) or reopens a list from the checklists page, after a confirmation; a
closed list stays on the board and its pages, marked 已归档, without action buttons (``is_closed``, asked by
``web.actions``), and stays exportable. The engine decides and refuses writes to it (``engine.close_list``,
``engine.ListClosed``); this module only asks and presents."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for

import engine
from engine import InputError, say
from web import services
from web.access import account, roles

bp = Blueprint("yearend", __name__, url_prefix="/admin/checklists")


def closed_ids() -> set[str]:
    """The closed lists, read once per request."""
    if "closed_lists" not in g:
        with services.get().store.read() as conn:
            g.closed_lists = engine.closed_lists(conn)
    return g.closed_lists


@bp.app_template_global()
def is_closed(checklist_id: str) -> bool:
    return checklist_id in closed_ids()


@bp.route("/<checklist_id>/close", methods=["POST"])
@roles("admin")
def close(checklist_id):
    reopen = request.form.get("action") == "reopen"
    if request.form.get("confirm") != "1":
        raise InputError(
            say("请勾选确认后再重新打开清单。", "tick the confirmation to reopen the list.")
            if reopen
            else say(
                "请勾选“确认归档”后再归档:归档后清单只读,不再提醒。",
                "tick the confirmation to close: a closed list is read-only and sends no notices.",
            ),
            field="confirm",
        )
    svc = services.get()
    done = engine.close_list(
        svc.store, checklist_id, actor=account().id, clock=svc.clock, reopen=reopen, note=request.form.get("note"), administrator=True
    )
    if reopen:
        flash(
            say("已重新打开“{t}”:可以继续登记,提醒恢复。", "“{t}” reopened: it takes entries and sends notices again.", t=done.title), "ok"
        )
    else:
        flash(
            say(
                "已归档“{t}”:只读,不再提醒;仍可在看板查看和导出。",
                "“{t}” closed: read-only, no notices; still on the board and exportable.",
                t=done.title,
            ),
            "ok",
        )
    return redirect(url_for("admin.checklists"))
