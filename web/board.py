"""The board (看板) for heads, leaders and admins: every checklist, per checklist its tasks by unit with lights,
progress, next milestone, pace and funds; filters; the milestone timeline; the unit ranking; and the task page.

The number of queries per board does not grow with tasks or items: one ``engine.queries.status`` computation (grouped
queries; funds come through the funds plugin's status hook) per checklist.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for

import engine
from engine.documents.exports import KINDS
from engine.pluginmanager import step_types
from web import family, presenters, services
from web import timeline as timelines
from web.access import ALL_ROLES, BOARD_ROLES, account, require_task_view, roles
from web.actions import actions_for, may_report
from web.documents import may_download

bp = Blueprint("board", __name__, url_prefix="/board")


@bp.route("/")
@roles(*BOARD_ROLES)
def index():
    svc = services.get()
    boards = []
    for checklist_id in svc.definitions():
        entry = svc.status_entry(checklist_id)
        status = entry.status
        definition = status.checklist
        rows = presenters.board_rows(entry)
        boards.append(
            {
                "definition": definition,
                "today": status.today,
                "rows": rows,
                "lights": presenters.light_counts(rows),
                "ranking": presenters.board_ranking(entry),
                "completion": sum(r.share for r in rows) / len(rows) if rows else 0.0,
                "overdue": sum(r.overdue for r in rows),
            }
        )
    return render_template("board_index.html", boards=boards)


@bp.route("/<checklist_id>")
@roles(*BOARD_ROLES)
def checklist(checklist_id):
    svc = services.get()
    entry = svc.status_entry(checklist_id)
    status = entry.status
    definition = status.checklist
    all_rows = presenters.board_rows(entry)
    unit, person, light = request.args.get("unit") or None, request.args.get("person") or None, request.args.get("light") or None
    rows = presenters.filter_rows(all_rows, unit=unit, person=person, light=light)
    listed, hidden = (rows, 0) if request.args.get("all") else presenters.most_urgent(rows, current_app.config["BOARD_ROWS"])
    timeline = timelines.timeline(definition, listed, status.today, limit=current_app.config["BOARD_TIMELINE_ROWS"])
    board_url = url_for("board.index")  # a list's board is this and its id: no url_for per child list
    return render_template(
        "board.html",
        definition=definition,
        today=status.today,
        groups=presenters.by_unit(definition, listed),
        rows=rows,
        lights=presenters.light_counts(all_rows),
        ranking=presenters.board_ranking(entry),
        timeline=timeline,
        filters={"unit": unit, "person": person, "light": light},
        total=len(all_rows),
        hidden=hidden,
        may_export=may_download(account(), definition),
        export_kinds=KINDS,
        board_url=board_url,
        **family_context(definition, status, board_url),
    )


def family_context(definition, status, board_url: str) -> dict:
    """The list's family on its board (``web.family``): the child lists under each parent task, the parent lists above
    and the parent task each task fulfils, the child lists ranked among their peers."""
    return {
        "families": family.children_of(definition, status, brief=True),
        "parents": family.parents_of(status),
        "fulfils": family.fulfils_of(status),
        "peers": family.peer_ranking(status, board_url),
    }


@bp.route("/<checklist_id>/tasks/<task_id>")
@roles(*ALL_ROLES)
def task(checklist_id, task_id):
    svc = services.get()
    definition = svc.definition(checklist_id)
    task_def = definition.task_by_id.get(task_id)
    if task_def is None:
        abort(404)
    require_task_view(definition, task_def)
    status = svc.status(checklist_id)
    task_status = next((t for t in status.tasks if t.id == task_id), None)
    if task_status is None:
        abort(404)
    row = presenters.task_rows(definition, type(status)(definition, status.today, [task_status]))[0]
    me = account()
    views = engine.items_of(svc.store, checklist_id, [task_id]).get(task_id, [])
    judged = presenters.item_judgements(task_status)
    item_rows = []
    for view in views:
        deadlines = presenters.item_deadlines(definition, task_def, judged.get(view.id))
        item_rows.append(
            {
                "view": view,
                "deadlines": deadlines,
                "actions": actions_for(me, definition, task_def, view.state, step_types(svc.plugins), holder=view.owner),
                "state_label": definition.workflows[task_def.workflow].label(view.state) if view.state else "",
                "urgency": presenters.urgency(deadlines, status.today),
            }
        )
    events = engine.task_history(svc.store, task_id, None, checklist_id)
    board_url = url_for("board.index")
    return render_template(
        "task.html",
        definition=definition,
        task=task_def,
        row=row,
        today=status.today,
        items=item_rows,
        events=events,
        may_report=may_report(me, definition, task_def),
        back_to_board=me.role in BOARD_ROLES,
        board_url=board_url,
        # the task's family (``_family_task.html``): its child lists' shares, the parent task it fulfils
        family=family.children_of(definition, status).get(task_id),
        fulfils=family.fulfils_of(status).get(task_id),
    )
