"""Fuzzing the checklist reader and validator with mutated shipped lists (checklists/*.yaml, ../shared/examples/*.yaml):
byte flips, line deletions and duplications, key renames, huge numbers, deep nesting, long values and control
characters. Whatever the text: validation returns located problems (never another exception), quickly (the hypothesis
deadline), and whatever validated loads into the test database.

Bounded for CI: about 15 s a database on the 2-core machine (``max_examples`` below)."""

from __future__ import annotations

import re
from datetime import timedelta

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from engine.definition import limits
from engine.definition.validation import validate_text
from engine.errors import InputError
from engine.pluginmanager import get_plugin_manager, step_types
from engine.runtime.loader import load
from tests.conftest import CHECKLISTS, SHARED_EXAMPLES
from tests.engine.strategies import LINE_BREAK

STEPS = step_types(get_plugin_manager())
BASES = {path.name if path.parent == CHECKLISTS else f"shared/{path.name}": path.read_text(encoding="utf-8") for path in
         sorted(CHECKLISTS.glob("*.yaml")) + sorted(SHARED_EXAMPLES.glob("*.yaml"))}  # fmt: skip
KEY = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"\[\]{},-][^:#\n]*?):(?=\s|$)", re.MULTILINE)
NUMBER = re.compile(r"(?<![\w.-])\d+(?:\.\d+)?(?![\w.-])")
ODD_CHARS = [
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\ud800",
    "\t",
    "\r",
    ":",
    "[",
    "{",
    "&a ",
    "*a",
    "!!int ",
    "中",
    "/",
    "#",
    "'",
    '"',
    "\\",
]
ODD_KEYS = ["T/1", "a b", "", "..", ".x", "测试", "x" * 101, "y" * 100, "id", "items", "tasks", "<<", "?", "on", "0x1f", "a%2Fb", "\x07k"]


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(sorted(BASES.values())))
    for _ in range(draw(st.integers(1, 4))):
        text = draw(st.sampled_from(MUTATIONS))(draw, text)
    return text


def _flip(draw, text):
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(ODD_CHARS) | st.characters()) + text[at + draw(st.integers(0, 2)) :]


def _lines_op(draw, text):
    lines = text.split("\n")
    at = draw(st.integers(0, len(lines) - 1))
    times = draw(st.sampled_from([0, 2, 3, 50, limits.MAX_ENTRIES + 1]))  # 0: delete the line
    return "\n".join(lines[:at] + [lines[at]] * times + lines[at + 1 :])


def _rename_key(draw, text):
    keys = list(KEY.finditer(text))
    found = keys[draw(st.integers(0, len(keys) - 1))]
    new = draw(st.sampled_from(ODD_KEYS) | st.text(min_size=0, max_size=12))
    return text[: found.start(2)] + new + text[found.end(2) :]


def _huge_number(draw, text):
    numbers = list(NUMBER.finditer(text))
    found = numbers[draw(st.integers(0, len(numbers) - 1))]
    new = draw(st.sampled_from(["9" * 31, "9" * 5000, "-1", "0", "1e999", "0.0000001", "00017", "1_000", str(2**63)]))
    return text[: found.start()] + new + text[found.end() :]


def _deep(draw, text):
    depth = draw(st.sampled_from([10, limits.MAX_DEPTH, limits.MAX_DEPTH + 1, 200, 2000]))
    flow = "[" * depth + "]" * depth if draw(st.booleans()) else "{a: " * depth + "1" + "}" * depth
    lines = text.split("\n")
    at = draw(st.integers(0, len(lines) - 1))
    indent = re.match(r"\s*(?:-\s+)?", lines[at]).group()
    return "\n".join(lines[:at] + [f"{indent}deep: {flow}"] + lines[at:])


def _long_value(draw, text):
    values = list(re.finditer(r": ([^\s\[{].*)$", text, re.MULTILINE))
    found = values[draw(st.integers(0, len(values) - 1))]
    size = draw(st.sampled_from([limits.MAX_NAME, limits.MAX_NAME + 1, limits.MAX_SCALAR_CHARS + 1]))
    return text[: found.start(1)] + "长" * size + text[found.end(1) :]


MUTATIONS = [_flip, _flip, _lines_op, _rename_key, _huge_number, _deep, _long_value]


def _at_limits(draw, text):
    """Still valid, at the edge: the longest id and name the database columns take."""
    choice = draw(st.sampled_from(["list id", "task id", "title", "item"]))
    if choice == "list id":
        return re.sub(r"(?m)^(  id: ).*$", lambda m: m.group(1) + "c" * limits.MAX_ID, text, count=1)
    if choice == "task id":
        return re.sub(r"(?m)^(  - id: ).*$", lambda m: m.group(1) + "T." + "t" * (limits.MAX_ID - 2), text, count=1)
    if choice == "title":
        return re.sub(r"(?m)^(    title: ).*$", lambda m: m.group(1) + "题" * limits.MAX_NAME, text, count=1)
    return re.sub(r"(?m)^(    items: \[)[^,\]]*", lambda m: m.group(1) + "村" * limits.MAX_NAME, text, count=1)


@st.composite
def mostly_valid(draw) -> str:
    text = draw(st.sampled_from(sorted(BASES.values())))
    for _ in range(draw(st.integers(0, 2))):
        text = _at_limits(draw, text)
    if draw(st.booleans()):
        text = draw(st.sampled_from(MUTATIONS))(draw, text)
    return text


FUZZ = settings(
    max_examples=400,
    deadline=timedelta(seconds=5),  # a generous bound per example for a busy machine: quadratic or runaway work breaks it
    database=None,
    derandomize=True,  # CI is a gate: the same mutations every run (other seeds can be explored locally)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


def check(text: str):
    result = validate_text(text, "x.yaml", STEPS)  # any exception here fails the test
    lines = LINE_BREAK.split(text)
    for problem in result.problems:
        shown = repr(problem.format())[:300]
        assert problem.line >= 1 and problem.column >= 1, shown
        assert problem.line <= len(lines) + 1, shown
        assert problem.message.strip() and "Traceback" not in problem.message and " object at 0x" not in problem.message, shown
    assert len(result.problems) <= limits.MAX_PROBLEMS + 1
    assert result.ok == (not result.errors)
    return result


# found by this test: an escalation 10^31 workdays after its deadline raised out of validation (past year 9999)
HUGE_DURATION = BASES["huangjin-village-2019.yaml"].replace("{after: 1 workday, to: leader}", "{after: 99999999999 workdays, to: leader}")


@FUZZ
@given(text=mutated())
@example(text=HUGE_DURATION)
@example(text=HUGE_DURATION.replace("workdays", "days"))
def test_mutated_lists_give_located_problems_quickly(text):
    check(text)


@settings(FUZZ, max_examples=40)
@given(text=mostly_valid())
def test_whatever_validates_loads(text, store, clock):
    result = check(text)
    event("validated" if result.ok else "refused")
    if result.ok:
        try:
            load(store, [result.definition], clock=clock, force=True)
        except InputError as refused:
            # the examples share one store, and person ids are global: a mutated name may now clash with a list an
            # earlier example loaded, a refusal between lists, worded as such (a crash would not be an InputError)
            assert "同一标识只能指同一个人" in str(refused) or "one id can only mean one person" in str(refused)


def test_every_mutation_applies_to_every_base():
    for text in BASES.values():
        assert KEY.search(text) and NUMBER.search(text) and re.search(r": ([^\s\[{].*)$", text, re.MULTILINE)
