"""Common typing slips in a checklist file, explained in plain words at their own line and column.

On a Chinese keyboard the commonest mistakes are full-width punctuation (``：`` ``，`` ``“”`` ``‘’`` ``（）``, the
full-width space), a tab or a space too many in the indentation, a missing space after a colon, and a byte order
mark pasted into the middle of a file. YAML's own error for them names a later line ("mapping values are not
allowed here" on the line *after* ``标题：…``) in English, or no error at all when the slip reads as text. So:

- ``explain_failure`` is called by the reader when YAML refuses a file: it looks for the slips at or before the
  line YAML names and explains them where they are; when there is none, it words YAML's own error in Chinese.
- ``scalar_slips`` and ``flow_item_slip`` are called for values YAML accepted that are almost certainly a slip
  (``title：文化中心`` read as one piece of text, ``[甲，乙]`` read as one item).
- ``stray_marks`` finds byte order marks after the start of the text (YAML takes some as part of a value): the
  reader refuses such a text before parsing it, like one with control characters.

It knows nothing of the checklist format beyond "keys are words followed by a colon".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.i18n import say

_BOM = "\ufeff"
#: a mapping key at the start of a line (after the indentation and an optional "- "), then a full-width colon
_KEY_FULLWIDTH_COLON = re.compile(r"^([ \t\u3000]*(?:-[ \t]+)?)([^\s#'\"“‘\[\]{}:：,，&*!|>%@`-][^:：#\n]*?)[ \t]*：")
#: an English key glued to its value by a colon: ``title:文化中心`` (times and addresses start with a digit or hold "//")
_KEY_NO_SPACE = re.compile(r"^([ \t]*(?:-[ \t]+)?)([A-Za-z_][A-Za-z0-9_-]*):(?=[^\s/:])")
_KEY_FULLWIDTH_SPACE = re.compile(r"^([ \t]*(?:-[ \t]+)?)([A-Za-z_][A-Za-z0-9_-]*):(\u3000)")
_ENGLISH_KEY_FULLWIDTH_COLON = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*：")
_FULLWIDTH_QUOTES = {"“": "”", "‘": "’"}
_FULLWIDTH_BRACKETS = {"（": "）", "［": "］", "【": "】", "｛": "｝"}
_SLIP_STARTS = frozenset(["\u3000", *_FULLWIDTH_QUOTES, *_FULLWIDTH_BRACKETS])  # what ``scalar_slips`` looks at the start of


@dataclass(frozen=True)
class Slip:
    line: int
    column: int
    message: str
    severity: str = "error"


def _at(line: int, column: int, zh: str, en: str, **values) -> str:
    return say("第 {l} 行第 {c} 列:" + zh, "line {l}, column {c}: " + en, l=line, c=column, **values)


def _indent_of(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t\u3000"))]


def line_slips(number: int, text: str) -> list[Slip]:
    """The slips on one line of a file YAML refused (``number`` counts from 1)."""
    found: list[Slip] = []
    indent = _indent_of(text)
    if "\t" in indent:
        column = indent.index("\t") + 1
        found.append(
            Slip(
                number,
                column,
                _at(
                    number,
                    column,
                    "缩进里有一个制表符(Tab 键),YAML 只认空格,请把它换成空格(同一层对齐)。",
                    "a tab in the indentation; YAML indents with spaces only: replace it with spaces.",
                ),
            )
        )
    if "\u3000" in indent:
        column = indent.index("\u3000") + 1
        found.append(
            Slip(
                number,
                column,
                _at(
                    number,
                    column,
                    "缩进里用了全角空格,YAML 只认半角空格,请删掉它重新用半角空格缩进。",
                    "a full-width space (U+3000) in the indentation; indent with ordinary spaces.",
                ),
            )
        )
    if text.lstrip(" \t\u3000").startswith("#"):
        return found
    match = _KEY_FULLWIDTH_COLON.match(text)
    if match and ": " not in text[: match.end()]:
        column = match.end()
        found.append(
            Slip(
                number,
                column,
                _at(
                    number,
                    column,
                    "这里用了全角冒号“：”,请改成半角冒号“:”后加一个空格。",
                    "a full-width colon '：' here; write a plain colon ':' followed by a space.",
                ),
            )
        )
        return found
    match = _KEY_FULLWIDTH_SPACE.match(text)
    if match:
        column = match.end()
        found.append(
            Slip(
                number,
                column,
                _at(
                    number,
                    column,
                    "冒号后面是一个全角空格,请改成半角空格。",
                    "a full-width space (U+3000) after the colon; use an ordinary space.",
                ),
            )
        )
        return found
    match = _KEY_NO_SPACE.match(text)
    if match:
        column = match.end()
        found.append(
            Slip(
                number,
                column,
                _at(
                    number,
                    column,
                    "冒号“:”后面缺一个空格,请在“{k}:”后面加一个空格。",
                    "no space after the colon: add one after '{k}:'.",
                    k=match.group(2),
                ),
            )
        )
    return found


def _indentation_slip(lines: list[str], number: int) -> Slip | None:
    """Line ``number`` is indented unlike every level above it (a space too many or too few)."""
    if not 1 <= number <= len(lines):
        return None
    own = len(_indent_of(lines[number - 1]))
    if not lines[number - 1].strip():
        return None
    levels: list[int] = []  # the indentation of each open level above, innermost last
    previous = None
    for text in lines[: number - 1]:
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        width = len(_indent_of(text))
        while levels and levels[-1] > width:
            levels.pop()
        if not levels or levels[-1] < width:
            levels.append(width)
        previous = (width, stripped)
    if previous is None:
        return None
    width, stripped = previous
    opens = stripped.endswith((":", "|", ">", "-", "|-", ">-")) or stripped.startswith("- ")
    if own > width and not opens:
        return Slip(
            number,
            1,
            _at(
                number,
                1,
                "这一行比上一行多缩进了 {n} 格,但上一行不是以冒号结尾的键;同一层的内容要左对齐。",
                "this line is indented {n} more than the line above, which does not end with a colon; align entries of one level.",
                n=own - width,
            ),
        )
    if own < width and own not in levels:
        shown = "、".join(str(level) for level in levels if level < width) or "0"
        return Slip(
            number,
            1,
            _at(
                number,
                1,
                "这一行缩进了 {n} 格,和上面任何一层都对不齐(上面用的是 {s} 格);请和同一层的行左对齐。",
                "this line is indented {n}, matching no level above ({s}); align it with the entries of its level.",
                n=own,
                s=shown,
            ),
        )
    return None


_YAML_PROBLEMS = (  # libyaml's words → plain ones (format strings: braces doubled)
    (
        "mapping values are not allowed",
        "这里多了一个“键: 值”,多半是上一行缩进不对,或上一行的冒号用了全角“：”或后面缺空格",
        "a 'key: value' where none can be",
    ),
    ("could not find expected ':'", "缺少冒号:键和值之间要写半角冒号“:”和一个空格", "a colon is missing between key and value"),
    (
        "did not find expected key",
        "这里应该是一个“键: 值”,多半是缩进没有和同一层对齐",
        "a 'key: value' is expected here; check the indentation",
    ),
    (
        "did not find expected '-' indicator",
        "这里应该是列表的一项(以“- ”开头),多半是缩进没有对齐",
        "a list entry ('- ') is expected here; check the indentation",
    ),
    ("did not find expected ',' or ']'", "方括号列表 [ ] 没有正确结束:各项之间用半角逗号“,”,最后写“]”", "a [ ] list does not end properly"),
    (
        "did not find expected ',' or '}'",
        "花括号 {{ }} 没有正确结束:各项之间用半角逗号“,”,最后写“}}”",
        "a {{ }} mapping does not end properly",
    ),
    (
        "found unexpected end of stream",
        "文件在引号或括号闭合之前就结束了,请检查引号和括号是否成对",
        "the file ends inside a quote or bracket",
    ),
    (
        "found unknown escape character",
        "双引号里的反斜杠“\\”后面跟了不认识的字符;含反斜杠的文字请用单引号",
        "an unknown escape after a backslash in double quotes",
    ),
    ("found undefined alias", "引用了一个不存在的锚点(*名字)", "an alias (*name) with no anchor"),
    ("expected a single document", "文件里有多份文档(用“---”隔开),一个清单文件只能有一份", "the file holds several documents (---)"),
    ("cannot start any token", "这里有一个 YAML 不允许的字符(常见的是 Tab 或“@”“`”开头)", "a character that cannot start a value here"),
)


def _worded(problem: str) -> tuple[str, str]:
    for english, zh, en in _YAML_PROBLEMS:
        if english in problem:
            return zh, en
    detail = problem.replace("{", "{{").replace("}", "}}")
    return "这里的写法 YAML 读不懂(常见原因:缩进不齐、冒号后缺空格、引号未闭合)", f"YAML cannot read this ({detail})"


def explain_failure(text: str, line: int, column: int, problem: str) -> list[Slip]:
    """Why YAML refused ``text`` at ``line``/``column`` (1-based), in plain words: the slips found at or before that
    line where they are (they are the likely cause; after fixing them the next check shows what is left), or else
    YAML's own error reworded, at its place."""
    lines = text.splitlines()
    first = line  # YAML stops on the slip's line (a tab) or on the next entry (a full-width colon): look at both
    while first > 1 and (not lines[first - 2].strip() or lines[first - 2].lstrip().startswith("#")):
        first -= 1
    first = max(first - 1, 1)
    found = [slip for number in range(first, min(line, len(lines)) + 1) for slip in line_slips(number, lines[number - 1])]
    if found:  # the same slip elsewhere too: an English key then "：" is never meant, outside a block of text
        window = range(first, line + 1)
        found += [slip for slip in _english_key_colons(lines) if slip.line not in window]
        found.sort(key=lambda slip: (slip.line, slip.column))
        return found
    indentation = _indentation_slip(lines, line)
    if indentation is not None:
        return [indentation]
    zh, en = _worded(problem or "")
    return [Slip(line, column, _at(line, column, zh + "。", en + "."))]


_LINE_KEY_FULLWIDTH_COLON = re.compile(r"^[ ]*(?:-[ ]+)?[A-Za-z_][A-Za-z0-9_-]*[ ]*：")
_BLOCK_START = re.compile(r":[ ]+[|>][-+0-9]*[ ]*(#.*)?$")


def _english_key_colons(lines: list[str]) -> list[Slip]:
    """Every line of the file that starts with an English key and a full-width colon, skipping block texts (``|``)."""
    found, block = [], None  # block: the indentation of the key that opened a block text
    for number, text in enumerate(lines, start=1):
        width = len(text) - len(text.lstrip(" "))
        if block is not None and (not text.strip() or width > block):
            continue
        block = width if _BLOCK_START.search(text) else None
        match = _LINE_KEY_FULLWIDTH_COLON.match(text)
        if match:
            found.append(
                Slip(
                    number,
                    match.end(),
                    _at(
                        number,
                        match.end(),
                        "这里用了全角冒号“：”,请改成半角冒号“:”后加一个空格。",
                        "a full-width colon '：' here; write a plain colon ':' followed by a space.",
                    ),
                )
            )
    return found


def stray_marks(text: str) -> list[Slip]:
    """Byte order marks after the start of ``text`` (one at the very start is dropped before reading)."""
    found = []
    start = 1 if text.startswith(_BOM) else 0
    position = text.find(_BOM, start)
    while position != -1:
        number = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        found.append(
            Slip(
                number,
                column,
                _at(
                    number,
                    column,
                    "这里有一个看不见的字节顺序标记(BOM,U+FEFF),多半是拼接文件或从别处粘贴带进来的,请删除它。",
                    "an invisible byte order mark (U+FEFF), most likely from joining files or pasting; delete it.",
                ),
            )
        )
        position = text.find(_BOM, position + 1)
    return found


def scalar_slips(value: str, line: int, column: int, *, one_line: bool = True) -> list[Slip]:
    """Slips in a plain (unquoted) key or value YAML accepted: a leading full-width space (an error), an English key and its value read as one text because of a
    full-width colon (an error: the key is lost), a value wrapped in full-width quotes or brackets (a warning: they
    stay part of the text, which may be meant). ``one_line`` is False for a plain scalar YAML folded from several lines:
    its line breaks became spaces, so a place inside it cannot be counted from its start and the slip stands where the
    text begins."""
    if value[:1] not in _SLIP_STARTS and "：" not in value:  # nearly every value: none of the slips below can be there
        return []
    if value.startswith("\u3000"):
        return [
            Slip(
                line,
                column,
                _at(
                    line, column, "开头是一个全角空格,YAML 只认半角空格,请删掉它。", "a full-width space (U+3000) at the start; delete it."
                ),
            )
        ]
    match = _ENGLISH_KEY_FULLWIDTH_COLON.match(value)
    if match and "\n" not in value[: match.end()]:
        at = column + match.end() - 1 if one_line else column
        return [
            Slip(
                line,
                at,
                _at(
                    line,
                    at,
                    "这里用了全角冒号“：”,“{k}”没有被当成键;请改成半角冒号“:”后加一个空格。",
                    "a full-width colon '：' here, so '{k}' is not read as a key; write ':' and a space.",
                    k=match.group(1),
                ),
            )
        ]
    closing = _FULLWIDTH_QUOTES.get(value[:1])
    if closing and value.endswith(closing) and len(value) > 1:
        return [
            Slip(
                line,
                column,
                _at(
                    line,
                    column,
                    "这个值首尾的 {a} {b} 是全角引号,不起引号作用,会成为文字的一部分;要加引号请用半角引号 \" 或 '。",
                    "the value is wrapped in full-width quotes {a}{b}, which stay part of the text; quote with \" or '.",
                    a=value[0],
                    b=closing,
                ),
                "warning",
            )
        ]
    closing = _FULLWIDTH_BRACKETS.get(value[:1])
    if closing and value.endswith(closing) and any(mark in value for mark in "，、,"):
        return [
            Slip(
                line,
                column,
                _at(
                    line,
                    column,
                    "这个值用全角括号 {a} {b} 括起来,会被当成一段文字;如果是一个列表,请写成半角方括号 [甲, 乙],项之间用半角逗号。",
                    "the value is wrapped in full-width brackets {a}{b} and is read as one text; write a list as [a, b].",
                    a=value[0],
                    b=closing,
                ),
                "warning",
            )
        ]
    return []


def flow_item_slip(value: str, line: int, column: int, *, one_line: bool = True) -> Slip | None:
    """An item of a ``[ ]`` list that holds a full-width comma: the items were meant to be separate (``one_line`` as
    for ``scalar_slips``)."""
    position = value.find("，")
    if position == -1:
        return None
    at = column + position if one_line else column
    return Slip(
        line,
        at,
        _at(
            line,
            at,
            "方括号列表里用了全角逗号“，”,前后两项被当成了一项;请改成半角逗号“,”(文字里本来就有逗号时请给这一项加引号)。",
            "a full-width comma '，' inside a [ ] list joins two entries into one; use ',' (or quote an entry that holds a comma).",
        ),
    )
