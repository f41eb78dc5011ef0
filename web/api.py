"""The JSON API: the same actions as the pages, authenticated with ``Authorization: Bearer TOKEN`` (``qingdan users
token ID``), described by the OpenAPI document at ``/api/openapi.json``.

Reports take ``over`` (confirm an amount beyond what remains of the target) and ``on`` (the activity date), fires
take ``on``, and ``/api/correct`` reverses a report: the engine's ``report``, ``fire`` and ``correct`` with the
account's role and scope checked first (``engine.accounts``), as ``web.operations`` does for the pages.

Exempt from CSRF on purpose: it never reads the session cookie, so a browser cannot be tricked into using it.
Refusals are 4xx with ``{"error": message}`` in the engine's words (what the CLI prints after “错误:”).
"""

from __future__ import annotations

import functools
import json
import re

from flask import Blueprint, Response, current_app, g, jsonify, request

import engine
from engine.account_rules import WIDE_ROLES
from engine.accounts import account_for_token_asking, role_word
from engine.amounts import parse_id
from engine.errors import InputError
from engine.i18n import say
from engine.numbers import as_json_number
from web import operations, services
from web.access import tasks_seen_by
from web.errors import refuse
from web.openapi import document

bp = Blueprint("api", __name__, url_prefix="/api")


def api_roles(*allowed: str, asking=None):
    """Authenticate the bearer token and check the account's role. ``asking(**view_kwargs)``: one more question
    (``(column, params)`` or None) asked with the token in the same statement; ``g.api_answer`` is
    ``(question, answer)``."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            found = question = answer = None
            if scheme.lower() == "bearer" and token.strip():
                svc = services.get()
                question = asking(**kwargs) if asking is not None else None
                found, answer = account_for_token_asking(svc.store, token.strip(), clock=svc.clock, question=question)
            if found is None:
                refuse(
                    401,
                    say(
                        "需要有效的接口令牌:Authorization: Bearer 令牌(用 qingdan users token 账号 生成)。",
                        "a valid API token is needed: Authorization: Bearer TOKEN (make one with qingdan users token ID).",
                    ),
                )
            if found.role not in allowed:
                refuse(403, say("{r}账号不能使用这个接口。", "a {r} account cannot use this endpoint.", r=role_word(found.role)))
            g.api_account = found
            g.api_answer = (question, answer)
            return view(*args, **kwargs)

        wrapper.qingdan_roles = allowed
        return wrapper

    return decorate


class _Written(str):
    """A JSON number's text as it was written (``1.5``, ``1e309``, ``NaN``, a 5,000-digit integer): amounts are read
    from the text by ``engine.amounts``, so a float never rounds 1234567890123.4567 nor turns 1e309 into infinity."""


def _whole(text: str):
    return int(text) if len(text) <= 30 else _Written(text)  # int() refuses 4,300 digits and more


def _body() -> dict:
    data = None
    if request.is_json:
        try:
            data = json.loads(request.get_data(cache=True), parse_float=_Written, parse_int=_whole, parse_constant=_Written)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        raise InputError(
            say(
                "请求体应是 JSON 对象(Content-Type: application/json)。",
                "the request body must be a JSON object (Content-Type: application/json).",
            )
        )
    if _holds_nul(data):  # PostgreSQL text cannot hold U+0000: a plain refusal, never a 500
        raise InputError(
            say(
                "请求中有看不见的控制字符(U+0000),请删除后重试。",
                "the request holds an invisible control character (U+0000); remove it and try again.",
            )
        )
    return data


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _text(data: dict, key: str, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise InputError(say("缺少字段 “{k}”。", "the field '{k}' is missing.", k=key))
        return None
    if not isinstance(value, (str, int)) or isinstance(value, (bool, _Written)):
        raise InputError(say("字段 “{k}” 应是文字。", "the field '{k}' must be a string.", k=key))
    return str(value)


@bp.route("/openapi.json")
def openapi():
    return jsonify(document())


openapi.qingdan_roles = ("anonymous",)


@bp.route("/me")
@api_roles("head", "leader", "staff", "inspector", "admin")
def me():
    found = g.api_account
    return jsonify(
        {"id": found.id, "role": found.role, "name": found.name, "people": [{"checklist": c, "person": p} for c, p in found.people]}
    )


@bp.route("/checklists")
@api_roles("head", "leader", "staff", "inspector", "admin")
def checklists():
    found = g.api_account
    result = []
    for checklist_id, definition in services.get().definitions().items():
        person = found.person_in(definition)
        if found.role in WIDE_ROLES or person is not None:
            result.append({"id": checklist_id, "title": definition.title, "year": definition.year, "person": person})
    return jsonify({"checklists": result})


def _list_version(checklist_id):
    return services.get().cache.version_question(checklist_id)


@bp.route("/checklists/<checklist_id>/status")
@api_roles("head", "leader", "staff", "inspector", "admin", asking=_list_version)  # token and version: one round trip
def status(checklist_id):
    svc = services.get()
    found = g.api_account
    entry = svc.status_entry(checklist_id, seen=g.api_answer)
    board = entry.status
    wide = found.role in WIDE_ROLES
    if not wide and found.person_in(board.checklist) is None:
        refuse(
            403,
            say(
                "账号 {a} 没有关联清单 {c} 中的人员。",
                "account {a} is not linked to a person of checklist {c}.",
                a=found.id,
                c=checklist_id,
            ),
        )
    # one ETag per list version, day, language and what this account may see: a 304 only while all are unchanged
    tag = f"{entry.key}-{'all' if wide else found.id}"
    if tag in request.if_none_match:
        answer = Response(status=304)
    elif wide:
        body = entry.kept("api-json", lambda: current_app.json.dumps(board.as_json()).encode("utf-8"))  # once per version
        answer = Response(body, mimetype="application/json")
    else:
        payload = board.as_json()
        visible = tasks_seen_by(found, board.checklist)
        payload["tasks"] = [t for t in payload["tasks"] if t["id"] in visible]
        answer = jsonify(payload)
    answer.set_etag(tag)
    answer.headers["Cache-Control"] = "private, no-cache"  # keep it, but ask again every time
    return answer


@bp.route("/fire", methods=["POST"])
@api_roles("head", "leader", "staff", "inspector")
def fire():
    data = _body()
    extra = data.get("data") or {}
    if not isinstance(extra, dict):
        raise InputError(say("字段 “data” 应是 JSON 对象。", "the field 'data' must be a JSON object."))
    result = operations.fire(
        g.api_account,
        task=_text(data, "task", True),
        item=_text(data, "item"),
        trigger=_text(data, "trigger", True),
        note=_text(data, "note"),
        data=extra,
        checklist=_text(data, "checklist"),
        expect_state=_text(data, "expect_state"),
        on=_text(data, "on"),
    )
    return jsonify(
        {
            "checklist": result.checklist,
            "task": result.task,
            "item": result.item,
            "trigger": result.trigger,
            "from": result.from_state,
            "to": result.to_state,
            "event": result.event_seq,
            "warnings": list(result.warnings),
        }
    )


@bp.route("/report", methods=["POST"])
@api_roles("head", "leader", "staff")
def report():
    data = _body()
    amount = data.get("amount")
    if amount is None or isinstance(amount, bool):
        raise InputError(say("缺少字段 “{k}”。", "the field '{k}' is missing.", k="amount"))
    result = operations.report(
        g.api_account,
        task=_text(data, "task", True),
        amount=amount,
        part=_text(data, "part"),
        item=_text(data, "item"),
        note=_text(data, "note"),
        checklist=_text(data, "checklist"),
        on=_text(data, "on"),
        over=_flag(data, "over"),
    )
    return jsonify(_report_json(result))


@bp.route("/correct", methods=["POST"])
@api_roles("head", "leader", "staff")
def correct():
    data = _body()
    task = _text(data, "task", True)
    entry = data.get("entry")
    if isinstance(entry, _Written) and re.fullmatch(r"\d{1,20}\.0*", entry):  # 2.0 is a JSON integer too
        entry = int(entry.split(".")[0])
    if isinstance(entry, str) and entry.strip().isascii() and entry.strip().isdigit():
        entry = parse_id(entry) or entry.strip()  # a number beyond any row's reaches the engine, which finds no such entry
    elif isinstance(entry, str) or isinstance(entry, bool) or not isinstance(entry, int):
        entry = None
    if entry is None:
        raise InputError(
            say(
                "字段 “entry” 应是报送记录的编号(整数,见任务的记录)。",
                "the field 'entry' must be the number of a report (an integer, see the task's history).",
            )
        )
    result = operations.correct(g.api_account, task=task, entry=entry, note=_text(data, "note"), checklist=_text(data, "checklist"))
    return jsonify(_report_json(result) | {"reverses": entry})


def _flag(data: dict, key: str) -> bool:
    value = data.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InputError(say("字段 “{k}” 应是 true 或 false。", "the field '{k}' must be true or false.", k=key))
    return value


def _report_json(result) -> dict:
    return {
        "entry": result.entry,
        "task": result.task,
        "amount": _number(result.amount),
        "part": result.part,
        "item": result.item,
        "total": _number(result.total),
        "part_total": _number(result.part_total),
        "target": _number(result.target),
        "reached": result.reached,
        "on": result.on.isoformat() if result.on else None,
        "over": result.over,
    }


def _people():
    return services.get().people(g.api_account)


@bp.route("/inbox")
@api_roles("head", "leader", "staff", "inspector")
def inbox():
    store = services.get().store
    unread = request.args.get("unread")
    # as documented (web/openapi.py): anything else is a mistake, said rather than ignored
    if unread not in (None, "1", "true", "0", "false") or set(request.args) - {"unread"} or len(request.args.getlist("unread")) > 1:
        raise InputError(
            say("参数只能是 unread=1、true、0 或 false。", "the only parameter is unread=1, true, 0 or false."), field="unread"
        )
    unread_only = unread in ("1", "true")
    notices = []
    for checklist_id, person in _people():
        notices.extend(engine.inbox(store, person, checklist=checklist_id, unread=unread_only))
    notices.sort(key=lambda n: -n["id"])
    # as the header's badge: an unread notice whose item no longer needs it (handled, 已处理) is not counted
    return jsonify({"unread": sum(1 for n in notices if not n["read"] and not n["handled"]), "notices": notices})


@bp.route("/inbox/read", methods=["POST"])
@api_roles("head", "leader", "staff", "inspector")
def inbox_read():
    svc = services.get()
    data = _body()
    ids = data.get("ids")
    if isinstance(ids, list):  # 2.0 is a JSON integer too
        ids = [int(i.split(".")[0]) if isinstance(i, _Written) and re.fullmatch(r"-?\d{1,20}\.0*", i) else i for i in ids]
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)):
        raise InputError(say("字段 “ids” 应是通知编号的列表。", "the field 'ids' must be a list of notice numbers."))
    count = 0
    remaining = set(ids) if ids is not None else None
    for checklist_id, person in _people():
        if remaining is None:
            unread = [n["id"] for n in engine.inbox(svc.store, person, checklist=checklist_id, unread=True, limit=100000)]
            if unread:
                count += engine.mark_read(svc.store, person, unread, svc.clock.now())
            continue
        mine = {n["id"] for n in engine.inbox(svc.store, person, checklist=checklist_id, limit=100000)}
        wanted = sorted(mine & remaining)
        remaining -= mine
        if wanted:
            count += engine.mark_read(svc.store, person, wanted, svc.clock.now())
    if remaining:
        refuse(404, say("没有编号为 {m} 的通知。", "there is no notice numbered {m}.", m=", ".join(map(str, sorted(remaining)))))
    return jsonify({"marked": count})


def _number(value):
    return as_json_number(value) if value is not None else None
