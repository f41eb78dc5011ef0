"""Evidence files and step data for people to see: the download route and the helpers the task page and the forms use.

``GET /files/CHECKLIST/TASK/SHA256`` serves a stored evidence file to an account that may see the task
(``require_task_view``, the task page's own check), and only when a record of that task names the hash
(``engine.queries.evidence.task_file``): a hash alone opens nothing, and a file of another list or task is 404.
Photos (PNG, JPEG, GIF, WebP, judged by their first bytes, not their name) and PDFs are shown in the browser; anything
else is a download, never rendered (an uploaded HTML or SVG file cannot run in the site's origin).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, g, request, send_file, url_for

from engine.errors import NotFound
from engine.pluginmanager import step_types
from engine.queries.evidence import task_file, task_records
from engine.runtime.evidence import path_of
from web import services
from web.access import ALL_ROLES, require_task_view, roles

bp = Blueprint("evidence_files", __name__, url_prefix="/files")

#: first bytes → the type a browser may show inline
SHOWN = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
IMAGE_ENDINGS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic")


def _shown_type(path: Path) -> str | None:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in SHOWN if head.startswith(magic)), None)


@bp.route("/<checklist_id>/<task_id>/<sha256>")
@roles(*ALL_ROLES)
def download(checklist_id, task_id, sha256):
    svc = services.get()
    definition = svc.definition(checklist_id)
    task = definition.task_by_id.get(task_id)
    if task is None:
        abort(404)
    require_task_view(definition, task)
    with svc.store.read() as conn:
        named = task_file(conn, checklist_id, task_id, sha256)
    if named is None:
        abort(404)
    folder = current_app.config.get("EVIDENCE_DIR")
    try:
        path = path_of(sha256, Path(folder) if folder else None)
    except NotFound:
        abort(404)
    shown = None if request.args.get("download") else _shown_type(path)
    response = send_file(
        path,
        mimetype=shown or "application/octet-stream",
        as_attachment=shown is None,
        download_name=named["name"],
        conditional=True,
        etag=sha256,  # the content's own hash: it never changes
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, max-age=3600"  # immutable content, but only for this account
    if shown and shown.startswith("image/"):
        response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


def records(definition, task) -> dict:
    """Item name → ``engine.queries.evidence.ItemRecords`` for a task, once per request (the task page and its
    forms share it)."""
    cache = g.setdefault("task_records", {})
    key = (definition.id, task.id)
    if key not in cache:
        svc = services.get()
        with svc.store.read() as conn:
            cache[key] = task_records(conn, definition.id, task.id, step_types(svc.plugins))
    return cache[key]


def recorded_values(definition, task, item_name: str) -> dict:
    """``data_KEY → value`` of what was recorded for an item: a firing form starts from it."""
    found = records(definition, task).get(item_name)
    return {f"data_{v.key}": v.value for v in found.values} if found else {}


def file_url(definition, task, attachment) -> str:
    sha = attachment["sha256"] if isinstance(attachment, dict) else attachment.sha256
    return url_for("evidence_files.download", checklist_id=definition.id, task_id=task.id, sha256=sha)


def looks_like_image(name: str) -> bool:
    """Whether to show a thumbnail (by the name people gave; what is served is judged by the content)."""
    return str(name).lower().endswith(IMAGE_ENDINGS)


def size_words(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def init_app(app) -> None:
    app.jinja_env.globals.update(
        task_records=records, recorded_values=recorded_values, file_url=file_url, looks_like_image=looks_like_image, size_words=size_words
    )
