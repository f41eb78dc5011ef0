"""Downloads of the office's documents (台账, 调度表, 通报, 工作汇报) from the board, for heads, leaders and
admins. The files are the ones ``qingdan export`` writes (``engine.documents.exports``); a head or leader
downloads only lists their account is linked to. A date the engine refuses comes back beside its field with
what was chosen kept.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import Blueprint, render_template, request, send_file

from engine.documents.exports import KINDS, write_document
from engine.errors import InputError
from engine.i18n import say
from engine.runtime.activity import statement_date
from web import services
from web.access import BOARD_ROLES, account, roles
from web.errors import refuse

bp = Blueprint("documents", __name__, url_prefix="/board")

PERIOD_WORDS = {
    "week": ("本周", "this week"),
    "month": ("本月", "this month"),
    "half": ("半年", "half year"),
    "year": ("全年", "year"),
}
MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def may_download(acting, definition) -> bool:
    """Admins any list; heads and leaders the lists in which their account stands for a person."""
    return acting.role == "admin" or (acting.role in ("head", "leader") and acting.person_in(definition) is not None)


@bp.route("/<checklist_id>/documents")
@roles(*BOARD_ROLES)
def page(checklist_id):
    svc = services.get()
    definition = svc.definition(checklist_id)
    if not may_download(account(), definition):
        refuse(
            403,
            say(
                "您的账号没有关联清单“{c}”中的人员,不能导出它的文档。",
                "your account is not linked to “{c}”; you cannot export it.",
                c=definition.title,
            ),
        )
    chosen = {
        "kind": request.args.get("kind") or "",
        "as_of": (request.args.get("as_of") or "").strip(),
        "period": request.args.get("period") or "",
    }
    errors: dict[str, str] = {}
    if chosen["kind"]:
        kind = KINDS.get(chosen["kind"])
        if kind is None:
            errors["kind"] = say("请选择要导出的文档。", "choose a document to export.")
        else:
            try:
                day = statement_date(chosen["as_of"] or None, svc.clock.now(), definition.timezone, definition.year)
            except InputError as err:
                errors["as_of"] = str(err)
            else:
                return _download(svc, definition, kind, day, chosen["period"] or None)
    return (
        render_template(
            "documents.html",
            definition=definition,
            kinds=KINDS,
            periods=PERIOD_WORDS,
            chosen=chosen,
            errors=errors,
            today=svc.status(checklist_id).today,
        ),
        422 if errors else 200,
    )


def _download(svc, definition, kind, day, period):
    with tempfile.TemporaryDirectory(prefix="qingdan-export-") as folder:
        path = Path(folder) / f"export.{kind.suffix}"
        write_document(kind.name, svc.store, definition.id, svc.clock, svc.plugins, as_of=day, period=period, path=path)
        data = path.read_bytes()
    return send_file(
        io.BytesIO(data),
        mimetype=MIME[kind.suffix],
        as_attachment=True,
        download_name=kind.file_name(definition.title, day),
    )
