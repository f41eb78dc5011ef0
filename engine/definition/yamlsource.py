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

from engine.definition import limits, slips
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


MAX_NODES = limits.MAX_NODES  # kept here too: older callers import them from this module
MAX_REPEATS = limits.MAX_REPEATS
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks: lines are counted as libyaml counts them


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
    error_places: set = field(default_factory=set)  # (line, column) of every error: one message a place
    dropped: int = 0  # problems found after ``limits.MAX_KEPT_PROBLEMS`` were kept: only counted

    @property
    def full(self) -> bool:
        return len(self.problems) >= limits.MAX_KEPT_PROBLEMS

    def add(self, problem: Problem) -> Problem:
        """Keep ``problem`` (or only count it once enough are kept); linear in the number of problems."""
        if problem.severity == "error":
            self.error_places.add((problem.line, problem.column))
        if self.full:
            self.dropped += 1
        else:
            self.problems.append(problem)
        return problem

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
        return self.add(Problem(self.file, line, column, message, severity))


def read_text(text: str, file: str) -> Source:
    """Read ``text``: refused whole when it breaks a limit of ``engine.definition.limits`` or holds control characters,
    before any node is built (so a huge or hostile file costs little time and memory)."""
    source = Source(file)
    text = text.removeprefix("\ufeff")  # a byte order mark at the start is how some editors save UTF-8
    if _too_big(text, source) or _control_characters(text, source) or _slipped(slips.stray_marks(text), source):
        return source
    try:
        root = _compose(text)
    except _Refused as refused:
        source.add(Problem(file, refused.line, refused.column, refused.message))
        return source
    except RecursionError:  # pragma: no cover - the composer is iterative and depth-limited
        source.add(Problem(file, 1, 1, say("嵌套层次过深。", "nesting is too deep.")))
        return source
    except yaml.MarkedYAMLError as err:
        unclosed = (err.problem or "").startswith("found unexpected end of stream") and err.context_mark  # where it opened
        mark = unclosed or err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        _slipped(slips.explain_failure(text, line, column, err.problem or str(err)), source)  # the slip where it is
        return source
    except yaml.YAMLError as err:
        source.add(Problem(file, 1, 1, say("无法读取 YAML:{d}", "cannot read YAML: {d}", d=err)))
        return source
    if root is None:
        source.add(Problem(file, 1, 1, say("文件是空的。", "the file is empty.")))
        return source
    try:
        source.data = _convert(root, (), source, depth=0)
    except _TooLarge:
        source.data = None
        source.seen.clear()
        source.value_at.clear()
        source.key_at.clear()
        source.add(
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
            raw = handle.read(limits.MAX_FILE_BYTES + 1)  # never more than the limit into memory
    except OSError as err:
        source = Source(path)
        source.add(Problem(path, 1, 1, say("无法打开文件:{d}", "cannot open the file: {d}", d=err.strerror or err)))
        return source
    if len(raw) > limits.MAX_FILE_BYTES:
        source = Source(path)
        source.add(_too_big_problem(path, raw))
        return source
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        source = Source(path)
        line = raw[: err.start].count(b"\n") + 1
        source.add(
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


def _slipped(found: list, source: Source) -> bool:
    """Keep the slips ``engine.definition.slips`` found; True when there was one."""
    for slip in found:
        source.add(Problem(source.file, slip.line, slip.column, slip.message, slip.severity))
    return bool(found)


def _too_big_problem(file: str, raw: bytes) -> Problem:
    line = raw[: limits.MAX_FILE_BYTES].count(b"\n") + 1  # where the limit is crossed
    return Problem(file, line, 1, too_big_message())


def too_big_message() -> str:
    """What a file over ``limits.MAX_FILE_BYTES`` is told (the reader, and the web upload before reading it all)."""
    return say(
        "文件太大(超过 {n} MiB);一个清单文件不需要这么大,请检查是否粘贴了别的内容,或把清单拆成几个文件。",
        "the file is larger than {n} MiB; no checklist needs that much: check for pasted content, or split the list into several files.",
        n=limits.MAX_FILE_BYTES // (1024 * 1024),
    )


def _too_big(text: str, source: Source) -> bool:
    if len(text) <= limits.MAX_FILE_BYTES // 4:  # a character is at most 4 bytes in UTF-8: no need to encode
        return False
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) <= limits.MAX_FILE_BYTES:
        return False
    source.add(_too_big_problem(source.file, raw))
    return True


def _control_characters(text: str, source: Source) -> bool:
    """Report every character YAML refuses at its own line and column (libyaml says only "control characters are not
    allowed", at the start of its buffer). True when there was one: the file is then not parsed at all."""
    found = False
    line, line_start, breaks = 1, 0, _LINE_BREAK.finditer(text)
    next_break = next(breaks, None)
    for match in limits.CONTROL_CHARACTERS.finditer(text):
        found = True
        if source.full:
            source.dropped += 1
            continue
        while next_break is not None and next_break.end() <= match.start():
            line, line_start = line + 1, next_break.end()
            next_break = next(breaks, None)
        column = match.start() - line_start + 1
        code = f"U+{ord(match.group()):04X}"
        source.add(
            Problem(
                source.file,
                line,
                column,
                say(
                    "第 {l} 行第 {c} 列有一个看不见的控制字符({u}),请删除。",
                    "line {l}, column {c} holds an invisible control character ({u}); delete it.",
                    l=line,
                    c=column,
                    u=code,
                ),
            )
        )
    return found


class _Refused(Exception):
    """A limit broken while composing: where and why."""

    def __init__(self, mark, message: str):
        super().__init__(message)
        self.line, self.column, self.message = mark.line + 1, mark.column + 1, message


def _compose(text: str):
    """The YAML node tree of ``text``'s single document, built from the parser's events without recursion and
    refused at the first node that breaks a limit (depth, entries in one collection, entries in all, length of
    a value), so that neither a huge nor a deeply nested file is ever built in full. Same nodes as ``yaml.compose``
    (tags are not resolved: the reader resolves plain scalars itself)."""
    loader = _Loader(text)
    try:
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # document start
        root = _compose_document(loader)
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise yaml.composer.ComposerError(
                "expected a single document in the stream", None, "but found another document", event.start_mark
            )
        return root
    finally:
        loader.dispose()


def _compose_document(loader):
    anchors: dict = {}
    stack: list = []  # open collections, each [node, its pending key node or None]; its length is the depth
    total = 0
    while True:
        event = loader.get_event()
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            node = stack.pop()[0]
            node.end_mark = event.end_mark
        else:
            if stack:
                parent, pending = stack[-1]
                if len(parent.value) >= limits.MAX_ENTRIES and (pending is None or isinstance(parent, yaml.SequenceNode)):
                    raise _Refused(event.start_mark, _too_many())
            if isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchors:
                    raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
                node = anchors[event.anchor]
            else:
                total += 1
                if total > limits.MAX_NODES:
                    raise _Refused(event.start_mark, _too_many_in_all())
                if len(stack) > limits.MAX_DEPTH:
                    raise _Refused(event.start_mark, _too_deep())
                if isinstance(event, yaml.ScalarEvent):
                    if len(event.value) > limits.MAX_SCALAR_CHARS:
                        raise _Refused(event.start_mark, _too_long())
                    node = yaml.ScalarNode(event.tag, event.value, event.start_mark, event.end_mark, style=event.style)
                else:
                    kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
                    node = kind(event.tag, [], event.start_mark, None, flow_style=event.flow_style)
                if event.anchor is not None:
                    anchors[event.anchor] = node
                if not isinstance(event, yaml.ScalarEvent):
                    stack.append([node, None])
                    continue
        if not stack:
            return node
        top = stack[-1]
        if isinstance(top[0], yaml.SequenceNode):
            top[0].value.append(node)
        elif top[1] is None:
            top[1] = node
        else:
            top[0].value.append((top[1], node))
            top[1] = None


def _too_deep() -> str:
    return say(
        "嵌套层次过深(超过 {n} 层);清单最多只需要六七层。",
        "nesting is deeper than {n} levels; a checklist needs six or seven at most.",
        n=limits.MAX_DEPTH,
    )


def _too_many() -> str:
    return say("这一层的条目太多(超过 {n} 项)。", "too many entries at this level (more than {n}).", n=limits.MAX_ENTRIES)


def _too_many_in_all() -> str:
    return say("文件的条目太多(超过 {n} 项)。", "the file has too many entries (more than {n}).", n=limits.MAX_NODES)


def _too_long() -> str:
    return say("这个值太长(超过 {n} 个字符)。", "this value is too long (more than {n} characters).", n=limits.MAX_SCALAR_CHARS)


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _TooLarge(Exception):
    pass


def _convert(node, path: Path, source: Source, depth: int):
    if depth > limits.MAX_DEPTH:  # aliases can build very deep or cyclic trees; a checklist never needs this
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
            if not key_node.style:
                _slipped(slips.scalar_slips(key, *_mark(key_node), one_line=key_node.start_mark.line == key_node.end_mark.line), source)
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
        if node.flow_style:  # [甲，乙]: a full-width comma makes one item of two
            for item in node.value:
                if isinstance(item, yaml.ScalarNode) and not item.style:
                    _slipped(
                        [
                            s
                            for s in [slips.flow_item_slip(item.value, *_mark(item), one_line=item.start_mark.line == item.end_mark.line)]
                            if s
                        ],
                        source,
                    )
        return [_convert(item, path + (index,), source, depth + 1) for index, item in enumerate(node.value)]
    return _scalar(node, path, source)


def _scalar(node, path: Path, source: Source):
    text = node.value
    if node.style:  # quoted or block scalars are always text (plain is None, or '' from libyaml)
        return text
    _slipped(
        slips.scalar_slips(text, *_mark(node), one_line=node.start_mark.line == node.end_mark.line), source
    )  # title：文化中心, “带全角引号”
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
