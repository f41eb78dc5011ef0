"""A form sent back: when a fire or report is refused for what was typed (a missing step field, a bad
amount, a date out of range, a guard's refusal), the page the form was on (the task page, my work or the inbox) is rendered
again, with what was typed, the message beside the field it is about, and the files already uploaded kept.

The engine decides and says what is wrong (``engine.MissingStepData`` names the missing fields,
``StepDataInvalid`` the field and the problem, ``QingdanError.field`` the input); this module only places the words
on the page. Files uploaded with a refused firing stay in the evidence store (``web.operations.fire`` with
``keep_refused``) and come back as signed tokens in hidden fields, so the retry does not need them again and nobody
can attach a file by guessing its hash. Must not: decide whether a value is acceptable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, g, make_response, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from engine.i18n import say

#: the pages a form may be sent back to (GET views that render the forms with ``retry``)
PAGES = ("mywork.index", "mywork.inbox", "board.task")
#: how long a kept file's token is honoured (seconds): a retry the same working day
KEPT_MAX_AGE = 24 * 3600
#: form fields never filled in again (hidden bookkeeping and files)
NOT_REFILLED = ("csrf_token", "kept", "evidence")


@dataclass
class Retry:
    form: str  # fire | report
    key: tuple  # which form on the page: (checklist, task, item, trigger) / (checklist, task)
    values: dict = field(default_factory=dict)  # field name → what was typed
    errors: dict = field(default_factory=dict)  # field name → the message beside it
    message: str = ""  # the sentence at the head of the form
    kept: list = field(default_factory=list)  # [{name, sha256, size, token}] files already stored
    shown: bool = False  # set when the page drew the form
    summary: str = ""  # the whole refusal in one sentence, for a page that no longer offers the form

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)


def typed(form) -> dict:
    """What a form sent, as it was typed (multi-line and all), without the bookkeeping fields."""
    return {key: value for key, value in form.items() if key not in NOT_REFILLED}


def current(form: str, *key) -> Retry | None:
    """The sent-back form, when ``form`` with ``key`` is the one (template global ``retry``)."""
    found = g.get("form_retry")
    if found is None or found.form != form or tuple(str(k) for k in found.key) != tuple(str(k) for k in key):
        return None
    found.shown = True
    return found


def send_back(retry: Retry, next_path: str | None, status: int):
    """Render the page ``next_path`` names again with ``retry`` on it; None when it is not a page forms live on."""
    from urllib.parse import urlsplit

    from flask import url_for
    from werkzeug.exceptions import HTTPException

    target = urlsplit(next_path or url_for("mywork.index"))  # the handlers' own default page
    if not target.path.startswith("/") or target.scheme or target.netloc:
        return None
    try:
        endpoint, args = current_app.url_map.bind_to_environ(request.environ).match(target.path, method="GET")
    except HTTPException:
        return None
    if endpoint not in PAGES:
        return None
    environ = dict(request.environ)
    # the page as if it had been asked for: its own path in the forms' ``next`` and links, nothing posted
    environ.update(PATH_INFO=target.path, QUERY_STRING=target.query, REQUEST_METHOD="GET", CONTENT_LENGTH="0")
    environ.pop("CONTENT_TYPE", None)
    with current_app.request_context(environ):
        g.form_retry = retry
        response = make_response(current_app.view_functions[endpoint](**args))
    if not retry.shown:  # the page no longer offers that form (the item moved on, a shorter list): say it on top
        from flask import flash

        with current_app.request_context(environ):
            flash(retry.summary or retry.message, "error")
            g.form_retry = retry
            response = make_response(current_app.view_functions[endpoint](**args))
    response.status_code = status
    return response


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="qingdan.kept-evidence")


def keep(evidence: list[dict], checklist: str, account_id: str) -> list[dict]:
    """Stored files as the retry carries them: each with a token signed for this list and account."""
    return [{**e, "token": _serializer().dumps({"e": e, "c": checklist, "a": account_id})} for e in evidence]


def kept_files(tokens: list[str], checklist: str, account_id: str) -> list[dict]:
    """The files a retry carries (``{name, sha256, size}``): only tokens this app signed for this list and account,
    recently, for files still in the store; anything else is ignored (the file must then be chosen again)."""
    from pathlib import Path

    from engine.errors import NotFound
    from engine.runtime.evidence import path_of

    folder = current_app.config.get("EVIDENCE_DIR")
    found = []
    for token in tokens:
        try:
            signed = _serializer().loads(token, max_age=KEPT_MAX_AGE)
        except BadSignature:
            continue
        if signed.get("c") == checklist and signed.get("a") == account_id and isinstance(signed.get("e"), dict):
            evidence = signed["e"]
            try:
                path_of(str(evidence.get("sha256", "")), Path(folder) if folder else None)
            except NotFound:
                continue
            if evidence not in found:
                found.append(evidence)
    return found


def _placed(err, retry: Retry, fields: dict) -> Retry:
    """Put an engine refusal on the form: beside the field it is about when the form has one, else at its head."""
    from engine.steps import MissingStepData, StepDataInvalid

    if isinstance(err, MissingStepData):
        for missing in err.missing:
            retry.errors[f"data_{missing.key}"] = say("请填写{l}。", "Please fill in {l}.", l=missing.title())
        retry.message = say("还需填写:{l}。", "Still needed: {l}.", l=say("、", ", ").join(missing.title() for missing in err.missing))
    elif isinstance(err, StepDataInvalid):
        retry.errors[f"data_{err.key}"] = err.problem
        retry.message = say("请修改标出的内容。", "Please correct what is marked.")
        retry.summary = str(err)
    else:
        from web.errors import form_hint

        hint = form_hint(err.field)
        words = f"{err} {hint}" if hint else str(err)
        if err.field in fields:
            retry.errors[fields[err.field]] = words if err.field == "over" else str(err)  # beside it: no "where" needed
            retry.message = say("请修改标出的内容。", "Please correct what is marked.")
            retry.summary = words
        else:
            retry.message = words
    return retry


def fire_refused(err, form, kept: list[dict]) -> Retry:
    """The firing form sent back with ``err`` placed and the files already stored (``kept``) carried."""
    retry = Retry("fire", (form.get("checklist", ""), form.get("task", ""), form.get("item", ""), form.get("trigger", "")), typed(form))
    retry.kept = kept
    return _placed(err, retry, {"on": "on"})  # the rest at the form's head (a form without a file input, too)


def report_refused(err, form, kept: list[dict] = ()) -> Retry:
    retry = Retry("report", (form.get("checklist", ""), form.get("task", "")), typed(form))
    retry.kept = list(kept)
    return _placed(err, retry, {"amount": "amount", "on": "on", "over": "over"})


def status_of(err) -> int:
    """422 for what was typed (a value, a missing field), the engine's status for a refusal of the action (409)."""
    from engine.errors import InputError
    from engine.steps import MissingStepData

    return 422 if isinstance(err, InputError | MissingStepData) else err.http_status


def init_app(app) -> None:
    app.jinja_env.globals.update(retry=current)
