"""An office's own Word templates for the circular and the work report, rendered with docxtpl.

An office that wants its own letterhead, wording or layout puts a Word file in its instance folder:
``$QINGDAN_HOME/templates/通报.docx`` (or ``circular.docx``) and ``$QINGDAN_HOME/templates/汇报.docx`` (or
``report.docx``); ``QINGDAN_HOME`` is resolved as for the database (``engine.store.db.data_home``). The template is
rendered with the same context the built-in layout prints (docs/documents.md lists its keys), with
``autoescape=True`` so that ``<`` and ``&`` in a task's title cannot cut a paragraph. Without a template the
built-in python-docx layout is used.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import InputError
from engine.i18n import say

NAMES = {
    "circular": ("通报.docx", "circular.docx"),
    "report": ("汇报.docx", "report.docx"),
}


def templates_folder(environ=None) -> Path:
    from engine.store.db import data_home

    return Path(data_home(environ)) / "templates"


def find_template(kind: str, override: str | Path | None = None) -> Path | None:
    """The template to render for ``kind`` (circular, report): ``override`` when given (it must exist), else
    the first of the instance folder's names that exists, else None (the built-in layout)."""
    if override is not None:
        path = Path(override)
        if not path.is_file():
            raise InputError(
                say("找不到模板文件 {p}。", "the template file {p} does not exist.", p=path),
                field="template",
            )
        return path
    folder = templates_folder()
    for name in NAMES[kind]:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def render_template(template: Path, context: dict, output: Path) -> None:
    """Fill ``template`` with ``context`` (autoescaped) and save it as ``output``."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    try:
        document = DocxTemplate(str(template))
        document.render(context, autoescape=True)
    except TemplateError as err:
        raise InputError(
            say(
                "模板 {p} 有误:{e}。请对照 docs/documents.md 中的字段名修改模板。",
                "the template {p} is wrong: {e}. Check its field names against docs/documents.md.",
                p=template,
                e=err,
            ),
            field="template",
        ) from None
    document.save(str(output))
