"""The draft as YAML text a clerk can read and fix: a header comment listing what to check, and ``# 猜测:…``
next to each guessed value.

A small emitter of its own (PyYAML cannot put comments beside values). Text is always double-quoted (JSON
string syntax is valid YAML), except plain ASCII words such as ids, roles and durations; dates are written
``YYYY-MM-DD`` unquoted and numbers as written (``172.12``), which is how ``engine.definition.yamlsource`` reads
them. Small mappings and lists are written in flow style (``{quantity: 233, unit: "个"}``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

from engine.i18n import say
from engine.importing.draft import Draft
from engine.importing.findings import Finding
from engine.numbers import plain

YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
WIDTH = 120


def write_yaml(draft: Draft, *, source: str, sheet: str, extra_lines: list[tuple[str, str]] = ()) -> str:
    lines = [f"# {line}" for line in _header(draft.findings, source, sheet, extra_lines)]
    emitter = _Emitter(draft.comments)
    for section, value in draft.data.items():
        lines.append("")
        emitter.key(section, value, 0, (section,), lines)
    return "\n".join(lines) + "\n"


def _header(findings: list[Finding], source: str, sheet: str, extra_lines) -> list[str]:
    lines = [
        say("由 qingdan import 从 {f}(工作表“{s}”)生成。", "Made by qingdan import from {f} (sheet '{s}').", f=source, s=sheet),
        say(
            "标有“猜测”的值是导入时推测的,请逐一核对;改好后运行 qingdan validate 本文件,再 qingdan load。",
            "Values marked 'guess' were inferred: check each, then run qingdan validate on this file and qingdan load.",
        ),
    ]
    if findings:
        lines.append(say("需要核对的地方(共 {n} 处):", "To check ({n}):", n=len(findings)))
        lines.extend(f"  {f.ref}: {f.message}" for f in findings)
    else:
        lines.append(say("没有需要核对的地方。", "Nothing to check."))
    for text, ref in extra_lines[1:]:
        lines.append(say("表头以上的文字 {r}:{t}", "text above the header {r}: {t}", r=ref, t=text))
    return [line.replace("\n", " ") for line in lines]


def scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*( [A-Za-z0-9_\-]+)*", text) and text.lower() not in YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def _flowable(value, depth: int = 0) -> bool:
    if isinstance(value, dict | list):
        if depth >= 2 or not value:
            return not value
        items = value.values() if isinstance(value, dict) else value
        return all(_flowable(v, depth + 1) for v in items)
    return True


class _Emitter:
    def __init__(self, comments: dict[tuple, str]):
        self.comments = comments

    def comment(self, path: tuple, inside: bool) -> str:
        found = [text for key, text in self.comments.items() if key == path or inside and key[: len(path)] == path]
        return "  # " + "; ".join(found).replace("\n", " ") if found else ""

    def key(self, key: str, value, indent: int, path: tuple, lines: list[str], prefix: str | None = None) -> None:
        lead = prefix if prefix is not None else " " * indent
        if indent and _flowable(value) and len(flow(value)) + indent + len(key) < WIDTH:
            lines.append(f"{lead}{key}: {flow(value)}{self.comment(path, True)}")
        elif isinstance(value, dict):
            lines.append(f"{lead}{key}:{self.comment(path, False)}")
            for k, v in value.items():
                self.key(k, v, indent + 2, (*path, k), lines)
        else:
            lines.append(f"{lead}{key}:{self.comment(path, False)}")
            for i, item in enumerate(value):
                self.item(item, indent + 2, (*path, i), lines)

    def item(self, value, indent: int, path: tuple, lines: list[str]) -> None:
        pad = " " * indent
        if not isinstance(value, dict) or _flowable(value) and len(flow(value)) + indent < WIDTH:
            lines.append(f"{pad}- {flow(value)}{self.comment(path, True)}")
            return
        for n, (k, v) in enumerate(value.items()):
            self.key(k, v, indent + 2, (*path, k), lines, prefix=f"{pad}- " if n == 0 else None)
