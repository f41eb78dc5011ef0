"""The boundary where engine errors and HTTP errors become answers: a page for people, ``{"error": message}`` for
the API, in the engine's own words (the CLI prints the same sentences). Never a traceback: an unexpected failure
is logged and answered with a short apology."""

from __future__ import annotations

import logging

from flask import jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from engine.errors import QingdanError
from engine.i18n import say

log = logging.getLogger("web")

MESSAGES = {
    400: ("请求无效。", "bad request."),
    401: ("需要登录或有效的接口令牌(Authorization: Bearer …)。", "log in or send a valid API token (Authorization: Bearer …)."),
    403: ("您的账号无权访问这里。", "your account may not use this."),
    404: ("没有这个页面或对象。", "there is no such page or thing."),
    405: ("不支持这种请求方式。", "this method is not allowed here."),
    413: ("上传的文件太大。", "the upload is too large."),
    429: ("尝试次数过多,请稍后再试。", "too many attempts; try again later."),
    500: (
        "内部错误,操作可能没有完成;请联系系统管理员。",
        "internal error; the operation may not have completed. Please tell your administrator.",
    ),
}


#: error pages' titles and headings: what happened, in words (never the bare status number)
TITLES = {
    401: ("需要登录", "Log in"),
    403: ("无权访问", "Not permitted"),
    404: ("页面不存在", "Not found"),
    413: ("文件太大", "Too large"),
    429: ("请稍后再试", "Try again later"),
}


def title_of(status: int) -> str:
    if status >= 500:
        return say("出错了", "Something went wrong")
    return say(*TITLES.get(status, ("操作未完成", "Not done")))


def is_api_path(path: str) -> bool:
    """The API's requests: answered in JSON, authenticated by token alone (never the session cookie)."""
    return path.startswith("/api/")


def wants_json() -> bool:
    return is_api_path(request.path)


def answer(status: int, message: str):
    if wants_json():
        response = jsonify({"error": message})
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="qingdan"'
        return response
    return render_template("error.html", status=status, title=title_of(status), message=message), status


def default_message(status: int) -> str:
    return say(*MESSAGES.get(status, MESSAGES[400] if status < 500 else MESSAGES[500]))


def form_hint(field: str | None) -> str:
    """What the pages add to an engine error about one input: where the form takes it."""
    found = {
        "over": lambda: say("请勾选“确认超出目标”后再提交。", "Tick 'confirm beyond the target' and submit again."),
        "on": lambda: say("发生日期填在“发生日期”一栏。", "Give it in the 'activity date' field."),
        "report": lambda: say("在“报送进度”里报送。", "Use the report form."),
        "history": lambda: say("报送记录的编号见任务页的“全部记录”。", "Report numbers are in the task page's full history."),
        "load": lambda: say("管理员在“清单”页载入。", "An administrator loads lists on the checklists page."),
    }.get(field or "")
    return found() if found else ""


def page_message(err: QingdanError) -> str:
    """The engine's sentence, except where it names inputs by the command line's keys: missing step data is named by
    the fields' labels, as the form shows them (the CLI keeps the keys, which its ``--data`` needs)."""
    from engine.errors import InvalidTrigger
    from engine.steps import MissingStepData

    if isinstance(err, InvalidTrigger) and err.workflow is not None:
        workflow = err.workflow
        if err.state is None:
            return say("这个流程没有这一步。", "this workflow has no such step.")
        possible = say("、", ", ").join(workflow.action_label(t) for t in err.valid) or say("无(已是终态)", "none (final state)")
        return say(
            "当前状态是 “{s}”,不能执行 “{t}”;现在可以执行:{v}。",
            "the item is in '{s}', where '{t}' is not possible; possible now: {v}.",
            s=workflow.label(err.state),
            t=workflow.action_label(err.trigger),
            v=possible,
        )
    if isinstance(err, MissingStepData) and err.missing:
        return say(
            "还需要先填写{s}数据:{l}。",
            "{s} data is needed first: {l}.",
            s=err.step,
            l=say("、", ", ").join(f.title() for f in err.missing),
        )
    return str(err)


def init_app(app) -> None:
    @app.errorhandler(QingdanError)
    def _engine_error(err: QingdanError):
        if wants_json():
            response = jsonify({"error": str(err), **({"field": err.field} if err.field else {})})
            response.status_code = err.http_status
            return response
        extra = form_hint(err.field)
        message = page_message(err)
        return answer(err.http_status, f"{message} {extra}" if extra else message)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        return answer(
            400,
            say(
                "表单已过期或来源不明(CSRF 校验未通过),请刷新页面后重试。",
                "the form expired or did not come from this site (CSRF check failed); reload the page and try again.",
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        status = err.code or 500
        description = err.description if isinstance(err.description, str) and getattr(err, "_qingdan", False) else None
        response = make_response(answer(status, description or default_message(status)))
        if isinstance(err, MethodNotAllowed) and err.valid_methods:  # RFC 9110: a 405 lists what is allowed
            response.headers["Allow"] = ", ".join(err.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        if isinstance(err, HTTPException):  # pragma: no cover - handled above
            return _http(err)
        log.exception("unexpected error on %s %s", request.method, request.path)
        return answer(500, default_message(500))


def refuse(status: int, message: str):
    """Abort with ``status`` and a message of our own (shown as is)."""
    from werkzeug.exceptions import default_exceptions

    err = default_exceptions[status](description=message)
    err._qingdan = True
    raise err
