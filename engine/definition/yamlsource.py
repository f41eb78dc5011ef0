"""Read a checklist file into plain Python values while remembering where every value stood.

PyYAML's ``safe_load`` follows YAML 1.1 (``no`` becomes False, ``010`` becomes 8, ``17:30``
becomes 1050), accepts duplicate keys silently and forgets line numbers. So this module composes
the node tree and resolves plain scalars itself, strictly, recording a ``Problem`` with file, line
and column for anything ambiguous. It knows nothing about the checklist format itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import yaml

from engine.errors import Problem
from engine.i18n import say

try:  # the C composer is ~10x faster on large lists; fall back where libyaml is absent
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

Path = tuple  # a tuple of mapping keys and sequence indexes from the document root

_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "false": False}
_YAML11_BOOLS = {"yes", "no", "on", "off"}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
_DECIMAL = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


MAX_NODES = 1_000_000  # no checklist needs more entries than this
MAX_REPEATS = 50_000  # nodes reached again through aliases: a "billion laughs" file hits this in a fraction of a second


@dataclass
class Source:
    """A read document: ``data`` plus where each part of it stands in ``file``."""

    file: str
    data: object = None
    value_at: dict = field(default_factory=dict)  # path -> (line, column) of the value
    key_at: dict = field(default_factory=dict)  # path -> (line, column) of the key naming it
    problems: list = field(default_factory=list)
    nodes: int = 0
    repeats: int = 0
    seen: set = field(default_factory=set)

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column for ``path``; the nearest enclosing node when it has none of its own."""
        path = tuple(path)
        while True:
            table = (self.key_at, self.value_at) if key else (self.value_at, self.key_at)
            for positions in table:
                if path in positions:
                    return positions[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def problem(self, path: Path, message: str, *, key: bool = False, severity: str = "error") -> Problem:
        line, column = self.where(path, key=key)
        found = Problem(self.file, line, column, message, severity)
        self.problems.append(found)
        return found


def read_text(text: str, file: str) -> Source:
    source = Source(file)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = err.problem or str(err)
        source.problems.append(
            Problem(
                file,
                line,
                column,
                say(
                    "YAML 格式错误:{d}(常见原因:缩进不齐、冒号后缺空格、引号未闭合)",
                    "YAML syntax error: {d} (often: uneven indentation, no space after a colon, an unclosed quote)",
                    d=detail,
                ),
            )
        )
        return source
    except yaml.YAMLError as err:
        source.problems.append(Problem(file, 1, 1, say("无法读取 YAML:{d}", "cannot read YAML: {d}", d=err)))
        return source
    if root is None:
        source.problems.append(Problem(file, 1, 1, say("文件是空的。", "the file is empty.")))
        return source
    try:
        source.data = _convert(root, (), source, depth=0)
    except _TooLarge:
        source.data = None
        source.seen.clear()
        source.value_at.clear()
        source.key_at.clear()
        source.problems.append(
            Problem(
                file,
                1,
                1,
                say(
                    "文件展开后过大(超过 {n} 项,多半是锚点 & 和别名 * 层层引用);请直接写出各项。",
                    "the file expands to more than {n} entries (most likely anchors & and aliases * referring to each other); write the entries out.",
                    n=MAX_NODES,
                ),
            )
        )
    source.seen.clear()
    return source


def read_file(path: str) -> Source:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as err:
        source = Source(path)
        source.problems.append(Problem(path, 1, 1, say("无法打开文件:{d}", "cannot open the file: {d}", d=err.strerror or err)))
        return source
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        source = Source(path)
        line = raw[: err.start].count(b"\n") + 1
        source.problems.append(
            Problem(
                path,
                line,
                1,
                say(
                    "文件不是 UTF-8 编码(可能是 GBK)。请用“另存为 UTF-8”后再试。",
                    "the file is not UTF-8 (perhaps GBK); save it as UTF-8 and try again.",
                ),
            )
        )
        return source
    return read_text(text, path)


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _TooLarge(Exception):
    pass


def _convert(node, path: Path, source: Source, depth: int):
    if depth > 50:  # aliases can build very deep or cyclic trees; a checklist never needs this
        source.problem(path, say("嵌套层次过深。", "nesting is too deep."))
        return None
    source.nodes += 1
    if id(node) in source.seen:
        source.repeats += 1
    else:
        source.seen.add(id(node))
    if source.nodes > MAX_NODES or source.repeats > MAX_REPEATS:
        raise _TooLarge
    source.value_at[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        first_seen: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                source.value_at[path + ("?",)] = _mark(key_node)
                source.problem(path + ("?",), say("键必须是简单文字。", "a key must be plain text."))
                continue
            key = key_node.value
            if key == "<<":
                source.value_at[path + ("<<",)] = _mark(key_node)
                source.problem(
                    path + ("<<",), say("不支持合并键 <<,请直接写出各项。", "merge keys (<<) are not supported; write the entries out.")
                )
                continue
            child = path + (key,)
            if key in first_seen:
                source.key_at[child + ("#dup",)] = _mark(key_node)
                source.problem(
                    child + ("#dup",),
                    say(
                        "键 “{k}” 重复出现(第一次在第 {l} 行);YAML 会悄悄只保留最后一个,请删去或改名。",
                        "duplicate key '{k}' (first at line {l}); YAML would silently keep only the last one.",
                        k=key,
                        l=first_seen[key][0],
                    ),
                    key=True,
                )
                continue
            first_seen[key] = _mark(key_node)
            source.key_at[child] = _mark(key_node)
            result[key] = _convert(value_node, child, source, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (index,), source, depth + 1) for index, item in enumerate(node.value)]
    return _scalar(node, path, source)


def _scalar(node, path: Path, source: Source):
    text = node.value
    if node.style:  # quoted or block scalars are always text (plain is None, or '' from libyaml)
        return text
    if text in _NULLS:
        return None
    lowered = text.lower()
    if lowered in _BOOLS:
        return _BOOLS[lowered]
    if lowered in _YAML11_BOOLS:
        source.problem(
            path,
            say(
                "“{v}” 在 YAML 里会被当成是/否;如果是文字请加引号('{v}'),如果是是/否请写 true 或 false。",
                "'{v}' is read by YAML as yes/no; if you mean the text, quote it ('{v}'); for yes/no write true or false.",
                v=text,
            ),
        )
        return text
    if _INT.fullmatch(text):
        if len(text) > 30:  # int() refuses beyond 4300 digits, and no checklist counts that high
            source.problem(path, say("数字 {v}… 太大。", "the number {v}… is too large.", v=text[:12]))
            return text
        return int(text)
    if _LEADING_ZERO.fullmatch(text):
        source.problem(
            path,
            say(
                "“{v}” 以 0 开头,YAML 可能把它读成八进制数;数字请去掉前导 0,文字(如编号)请加引号。",
                "'{v}' starts with 0 and YAML may read it as an octal number; drop the 0 for a number or quote it for text.",
                v=text,
            ),
        )
        return text
    if _DECIMAL.fullmatch(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern only admits valid decimals
            return text
    match = _DATE.fullmatch(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            source.problem(path, say("日期 {v} 不存在(请检查月份和日期)。", "the date {v} does not exist (check month and day).", v=text))
            return text
    return text
