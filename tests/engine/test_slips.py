"""Typing slips in a checklist file (engine/definition/slips.py through the reader): each is explained in plain
Chinese at its own line and column, not on the line YAML stumbles on, and not in libyaml's English."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.definition.validation import validate_file, validate_text
from engine.definition.yamlsource import read_text
from tests.conftest import YANTING


def _only(text: str):
    problems = read_text(text, "t.yaml").problems
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


SLIPS = [  # text, line, column, severity, words the message must hold
    ("tasks:\n  - id： T1\n    title: 文化中心\n", 2, 7, "error", "全角冒号“：”,请改成半角冒号“:”后加一个空格"),
    ("a:\n  b：1\n  c: 2\n", 2, 4, "error", "全角冒号"),
    ("a:\n  b：1\nc: 2\n", 2, 4, "error", "全角冒号"),  # YAML accepts it as the text "b：1": the key is lost
    ("a: [甲，乙]\n", 1, 6, "error", "全角逗号“，”"),
    ("a: “文化中心”\n", 1, 4, "warning", "全角引号"),
    ("a: ‘文化中心’\n", 1, 4, "warning", "全角引号"),
    ("a: （甲，乙）\n", 1, 4, "warning", "全角括号"),
    ("a:\n\tb: 1\n", 2, 1, "error", "制表符(Tab 键)"),
    ("a:\n  b: 1\n c: 2\n", 3, 1, "error", "和上面任何一层都对不齐"),
    ("a:\n  b: 1\n   c: 2\n", 3, 1, "error", "多缩进了 1 格"),
    ("a:b\nc: 1\n", 1, 2, "error", "冒号“:”后面缺一个空格,请在“a:”后面加一个空格"),
    ("a:\n  b:1\n  c: 2\n", 2, 4, "error", "缺一个空格"),
    ("a:\u3000x\nb: 1\n", 1, 3, "error", "全角空格"),
    ("a:\n\u3000 b: 1\n", 2, 1, "error", "全角空格"),
    ("a: 1\n\ufeffb: 2\n", 2, 1, "error", "字节顺序标记(BOM"),
    ("a: 1\nb: x\ufeffy\n", 2, 5, "error", "字节顺序标记(BOM"),
    ('a: "abc\nb: 1\n', 1, 4, "error", "引号或括号"),  # an unclosed quote: where it opened
    # A plain text YAML folded from several lines: its breaks became spaces, so the slip stands where the text begins
    ("a: r\n  ：x\n", 1, 4, "error", "“r”没有被当成键"),
    ("a: [r\n  ：x]\n", 1, 5, "error", "“r”没有被当成键"),
    ("a: [甲\n  ，乙]\n", 1, 5, "error", "全角逗号“，”"),
]


@pytest.mark.parametrize("text, line, column, severity, words", SLIPS, ids=[repr(s[0])[:28] for s in SLIPS])
def test_each_slip_is_explained_at_its_place_in_chinese(text, line, column, severity, words):
    problem = _only(text)
    assert (problem.line, problem.column, problem.severity) == (line, column, severity), problem.format()
    assert problem.message.startswith(f"第 {line} 行第 {column} 列:"), problem.message
    assert words in problem.message
    assert "mapping" not in problem.message and "YAML 格式错误" not in problem.message


def test_a_bom_at_the_start_is_how_editors_save_utf8_and_is_fine():
    assert read_text("\ufeffa: 1\n", "t.yaml").problems == []


def test_text_with_fullwidth_punctuation_inside_is_not_a_slip():
    source = read_text("a:\n  - 说明：按时完成\n  - 标题“第一书记”剧目\nb: 时间：5月，地点（县城）\nc: ['甲，乙']\n", "t.yaml")
    assert source.problems == []
    assert source.data["b"] == "时间：5月，地点（县城）"


def test_a_fullwidth_colon_in_the_shipped_list_is_named_on_its_own_line(steps, tmp_path):
    lines = YANTING.read_text(encoding="utf-8").split("\n")
    number = next(i for i, text in enumerate(lines, start=1) if text.strip().startswith("title:") and i > 20)
    lines[number - 1] = lines[number - 1].replace("title:", "title：", 1)
    column = lines[number - 1].index("：") + 1
    path = tmp_path / "slipped.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))  # saved by Notepad: with a BOM
    for checked in (validate_file(str(path), steps), validate_text("\n".join(lines), "slipped.yaml", steps)):
        assert not checked.ok
        first = checked.errors[0]
        assert (first.line, first.column) == (number, column), first.format()
        assert first.message == f"第 {number} 行第 {column} 列:这里用了全角冒号“：”,请改成半角冒号“:”后加一个空格。"


def test_every_fullwidth_colon_after_an_english_key_is_named_at_once_but_not_in_a_block_text():
    text = "a:\n  b：1\n  c: 2\nnote: |\n  x：1\n  y: 2\nd:\n  - e：3\n    f: 4\n"
    problems = read_text(text, "t.yaml").problems
    assert [(p.line, p.column) for p in problems] == [(2, 4), (8, 6)]
    assert all("全角冒号" in p.message for p in problems)


def test_a_libyaml_error_without_a_known_slip_is_worded_in_chinese():
    problem = _only("a: [1, 2\nb: 3\n")
    assert problem.message.startswith("第 2 行") and "方括号列表" in problem.message


def test_english_words_in_english(monkeypatch):
    monkeypatch.setenv("QINGDAN_LANG", "en")
    problem = _only("a:\n  b：1\n  c: 2\n")
    assert problem.message == "line 2, column 4: a full-width colon '：' here; write a plain colon ':' followed by a space."


SLIP_CHARACTERS = ["：", "，", "“", "”", "（", "）", "\t", "\u3000", "\ufeff", ":", " "]


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(data=st.data())
def test_slips_anywhere_in_a_real_list_are_located_and_never_crash(data):
    """Slip characters typed at random places of the Yanting list: every problem has a place inside the file and a
    message without libyaml's English, and a file that fails says why."""
    text = YANTING.read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        at_ = data.draw(st.integers(0, len(text)))
        text = text[:at_] + data.draw(st.sampled_from(SLIP_CHARACTERS)) + text[at_:]
    source = read_text(text, "t.yaml")
    lines = text.count("\n") + 1
    for problem in source.problems:
        assert 1 <= problem.line <= lines + 1 and problem.column >= 1, problem.format()
        assert problem.message.strip() and "allowed here" not in problem.message and "expected" not in problem.message
    if source.data is None:
        assert any(p.severity == "error" for p in source.problems)
