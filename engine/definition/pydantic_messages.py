"""Turn pydantic validation errors into located, plain-language problems.

pydantic reports a location as a tuple of field names, indexes and union-branch tags; this module
maps it back onto the data path (dropping branch tags), translates the error type into a sentence a
clerk understands, and suggests the closest known key for a typo.
"""

from __future__ import annotations

import difflib

from pydantic import ValidationError

from engine.definition import limits
from engine.i18n import say

TYPE_WORDS = {
    "string": ("文字", "text"),
    "int": ("整数", "a whole number"),
    "decimal": ("数字", "a number"),
    "float": ("数字", "a number"),
    "bool": ("true 或 false", "true or false"),
    "date": ("日期(YYYY-MM-DD)", "a date (YYYY-MM-DD)"),
    "dict": ("“键: 值”的映射", "a mapping of 'key: value' entries"),
    "tuple": ("列表", "a list"),
    "list": ("列表", "a list"),
    "model": ("“键: 值”的映射", "a mapping of 'key: value' entries"),
}


def data_path(loc: tuple, data) -> tuple[tuple, bool]:
    """Follow ``loc`` through ``data``; return the path that exists and whether all of ``loc`` was used."""
    path: list = []
    node = data
    complete = True
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif part == "from_" and isinstance(node, dict) and "from" in node:
            path.append("from")
            node = node["from"]
        else:
            complete = False
    return tuple(path), complete


def describe(error: dict, known_keys, path: tuple = ()) -> tuple[str, bool]:
    """A sentence for one pydantic error; the flag says whether it points at a key rather than a value."""
    kind = error["type"]
    loc = error["loc"]
    value = error.get("input")
    last = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        candidates = known_keys(path[:-1]) if callable(known_keys) else known_keys
        close = difflib.get_close_matches(last, [k for k in candidates if k != last], n=1, cutoff=0.6)
        hint = say(",是不是 “{c}”?", "; did you mean '{c}'?", c=close[0]) if close else say("。", ".")
        return say("不认识的键 “{k}”{h}", "unknown key '{k}'{h}", k=last, h=hint), True
    if kind == "missing":
        return say("缺少必填项 “{k}”。", "required key '{k}' is missing.", k="from" if last == "from_" else last), False
    if kind == "literal_error":
        return say(
            "“{v}” 不是可用的值;可用:{e}。",
            "'{v}' is not allowed here; use one of: {e}.",
            v=_show(value),
            e=error.get("ctx", {}).get("expected", ""),
        ), False
    if kind == "too_short":
        return say("不能为空。", "must not be empty."), False
    if kind in ("string_too_long", "too_long"):
        return say(
            "太长了({n} 个字),最多 {m} 个字。",
            "too long ({n} characters); at most {m}.",
            n=len(value) if isinstance(value, str) else "?",
            m=error.get("ctx", {}).get("max_length", ""),
        ), False
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = next(iter(error.get("ctx", {}).values()), "")
        words = {
            "greater_than_equal": ("不能小于", "must be at least"),
            "less_than_equal": ("不能大于", "must be at most"),
            "greater_than": ("必须大于", "must be more than"),
            "less_than": ("必须小于", "must be less than"),
        }[kind]
        return say("{v} {w} {b}。", "{v} {w} {b}.", v=_show(value), w=say(*words), b=bound), False
    if kind == "string_pattern_mismatch":
        return say("“{v}” 格式不对。", "'{v}' is not in the expected form.", v=_show(value)), False
    if kind == "is_instance_of":
        expected = str(error.get("ctx", {}).get("class", ""))
        words = TYPE_WORDS["decimal"] if "Decimal" in expected else (expected, expected)
        return say("应为{w},实际是 “{v}”。", "expected {w}, found '{v}'.", w=say(*words), v=_show(value)), False
    if kind == "value_error":
        return _custom(str(error.get("ctx", {}).get("error", "")), value), False
    for prefix, words in TYPE_WORDS.items():
        if kind.startswith(prefix):
            if isinstance(value, bool):
                extra = say("(YAML 把它读成了是/否值,文字请加引号)", " (YAML read it as yes/no; quote text)")
            elif value is None:
                extra = say("(这里是空的)", " (it is empty here)")
            else:
                extra = ""
            return say("应为{w},实际是 “{v}”{x}。", "expected {w}, found '{v}'{x}.", w=say(*words), v=_show(value), x=extra), False
    return say("值 “{v}” 不正确:{m}", "invalid value '{v}': {m}", v=_show(value), m=error.get("msg", kind)), False


def _custom(code: str, value) -> str:
    if code.startswith("duration:"):
        return code.split(":", 1)[1]
    table = {
        "key_has_space": ("标识 “{v}” 不能为空,也不能含空格或冒号。", "the id '{v}' must not be empty or contain spaces or colons."),
        "bad_id": (
            "标识 “{v}” 只能用英文字母、数字和 - _ . @(以字母或数字开头),最多 {n} 个字符。",
            "the id '{v}' may hold only ASCII letters, digits and - _ . @ (starting with a letter or digit), at most {n} characters.",
        ),
        "bad_time": ('时间 “{v}” 应写成 HH:MM(如 "09:00",请加引号)。', "the time '{v}' must look like HH:MM (e.g. \"09:00\", quoted)."),
        "bad_zone": ("不认识的时区 “{v}”(如 Asia/Shanghai)。", "unknown time zone '{v}' (e.g. Asia/Shanghai)."),
        "not_positive": ("数量 {v} 必须大于 0。", "the quantity {v} must be more than 0."),
        "bad_fulfils": (
            "fulfils 应写成 “上级清单编号:任务编号”(如 yanting-county-2017:C3),不是 “{v}”。",
            "fulfils must read PARENT-LIST:TASK (e.g. yanting-county-2017:C3), not '{v}'.",
        ),
        "bad_parent_target": (
            "升级到上级只能写 parent:responsible(上级任务的责任人)或 parent:leader(上级任务的分管领导),不是 “{v}”。",
            "escalating up the levels is parent:responsible (the parent task's responsible person) or parent:leader, not '{v}'.",
        ),
        "bad_measure": (
            "不认识的计量方式 “{v}”;measure 可用:sum(累计,默认)、latest(最新读数)、max(最高读数)、min(最低读数)。",
            "unknown measure '{v}'; use sum (reports add up, the default), latest, max or min (reports are readings).",
        ),
    }
    zh, en = table.get(code, ("值 “{v}” 不正确。", "invalid value '{v}'."))
    return say(zh, en, v=_show(value), n=limits.MAX_ID)


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "…"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def problems_from(error: ValidationError, base_path: tuple, data, known_keys):
    """Yield (path, message, is_key) for each error, most specific first, one per place."""
    found = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        path, complete = data_path(loc, data)
        message, is_key = describe(item, known_keys, base_path + path)
        is_key = is_key or (complete is False and loc[-1:] == ("[key]",))  # a mapping's key broke a rule: point at the key
        found.append((base_path + path, message, is_key, complete, item["type"]))
    # A union reports every branch it tried; keep the branch errors that got deepest into the data. Every proper
    # prefix of every path, once: linear in the number of errors (comparing each error with every other took
    # 529 s for 16,000 unknown keys).
    below = {path[:length] for path, *_ in found for length in range(len(path))}
    kept = []
    seen = set()
    for path, message, is_key, complete, kind in found:
        if path in below and not complete and kind != "missing":
            continue
        if (path, message) in seen:
            continue
        seen.add((path, message))
        kept.append((path, message, is_key))
    return kept
