"""Hypothesis strategies shared by the property tests: mutated checklist texts and fire sequences."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent.parent
BASE_FILES = ("yanting-wenguang-2017.yaml", "huangjin-village-2019.yaml")
BASE_TEXTS = {name: (ROOT / "checklists" / name).read_text(encoding="utf-8") for name in BASE_FILES}
BASE_DATA = {name: yaml.safe_load(text) for name, text in BASE_TEXTS.items()}  # parsed once, copied per example
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# YAML's line breaks (PyYAML and libyaml agree on these); used to say where a problem may point.
LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")

# Characters that mean something to YAML, whitespace people paste by accident, full-width
# punctuation from Chinese input methods, and a few that YAML readers refuse outright.
SPECIAL_CHARS = [
    ":",
    "-",
    "[",
    "]",
    "{",
    "}",
    '"',
    "'",
    "\t",
    " ",
    "#",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    ",",
    "?",
    "\n",
    "\r",
    "\r\n",
    "中",
    "文",
    "：",
    "，",
    "、",
    "“",
    "”",
    "\u3000",
    "\ufeff",
    "\x00",
    "\x85",
    "\u2028",
    "\x1b",
    "\\",
    "王建国",
    "- ",
    ": ",
    "? ",
    "!!str ",
    "&a ",
    "*a",
]

NASTY_GROUPS = {
    "yaml11": ["yes", "no", "on", "off", "y", "n", "Yes", "NO", "010", "0o17", "0x1F", "007", "-01", "1_000", "1,000"],
    "dates": ["2017-02-30", "2017-13-01", "2017-7-1", "2017-07-01", "2017-07-01T09:30", "0000-01-01", "9999-12-31"],
    "nulls": ["~", "null", "Null", "", "''", '""', "true", "false", "True"],
    "numbers": [
        "0",
        "-1",
        "1",
        "1.5",
        "-0.0",
        "3.14",
        "1e3",
        "1e999999999",
        "-1e-999999999",
        ".inf",
        "-.inf",
        ".nan",
        "9" * 40,
        "0.000000000000000000000001",
    ],
    "times": ["17:30", "24:00", "12:60", "9:5", "09:00"],
    "long": ["x" * 3000, "长" * 2000, "9" * 5000, "1" + "0" * 4300, "-" + "9" * 4400],
    "syntax": [
        "[]",
        "{}",
        "[a, b]",
        "{a: b}",
        "[",
        "{",
        "]",
        "}",
        "- x",
        "? x",
        "a: b",
        "#",
        "|",
        ">",
        "@x",
        "`x",
        "'unterminated",
        '"unterminated',
        "*anchor",
        "&anchor x",
        "&a [*a]",
    ],
    "tags": [
        "!!binary aGVsbG8=",
        "!!python/object/apply:os.system ['true']",
        "!!int 12",
        "!!str 12",
        "!!timestamp 2017-01-01",
        "!!float x",
        "!foo bar",
    ],
    "text": ["王建国", "：", "\t", "foo bar", "with space", "planning", "T1", "zhang", "construction"],
}
NASTY_SCALARS = [value for group in NASTY_GROUPS.values() for value in group]
nasty_scalars = st.sampled_from(sorted(NASTY_GROUPS)).flatmap(lambda group: st.sampled_from(NASTY_GROUPS[group]))

# ------------------------------------------------------------------ text-level mutations

inserted_text = st.lists(st.one_of(st.sampled_from(SPECIAL_CHARS), st.characters(codec="utf-8")), min_size=1, max_size=6).map("".join)
TOKEN = re.compile(r"[^\s:,\[\]\{\}#]+")


def _lines(text: str) -> list[str]:
    return text.split("\n")


@st.composite
def text_mutation(draw, text: str) -> str:
    lines = _lines(text)
    count = len(lines)
    kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent", "scalar", "truncate"]))
    i = draw(st.integers(0, count - 1))
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        j = draw(st.integers(0, count - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "insert":
        line = lines[i]
        at = draw(st.integers(0, len(line)))
        lines[i] = line[:at] + draw(inserted_text) + line[at:]
    elif kind == "indent":
        line = lines[i]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        how = draw(st.sampled_from(["more", "less", "tab", "zero", "odd"]))
        if how == "more":
            lines[i] = " " * (indent + draw(st.integers(1, 4))) + stripped
        elif how == "less":
            lines[i] = " " * max(0, indent - draw(st.integers(1, 4))) + stripped
        elif how == "tab":
            lines[i] = "\t" * max(1, indent // 2) + stripped
        elif how == "zero":
            lines[i] = stripped
        else:
            lines[i] = " " * (indent + 1) + stripped
    elif kind == "scalar":
        tokens = list(TOKEN.finditer(text))
        if not tokens:
            return text + draw(nasty_scalars)
        token = tokens[draw(st.integers(0, len(tokens) - 1))]
        return text[: token.start()] + draw(nasty_scalars) + text[token.end() :]
    else:  # truncate: a file cut short (a half-saved upload)
        cut = draw(st.integers(0, len(text)))
        return text[:cut]
    return "\n".join(lines)


@st.composite
def text_mutated_checklists(draw, max_mutations: int = 4) -> str:
    text = BASE_TEXTS[draw(st.sampled_from(BASE_FILES))]
    for _ in range(draw(st.integers(1, max_mutations))):
        text = draw(text_mutation(text))
    return text


# ------------------------------------------------------------------ data-level mutations

_scalar_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, 1, -1, 2017, 1999, 2101, 10**6]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
    nasty_scalars,
    st.text(max_size=20),
    st.sampled_from(
        [
            "planning",
            "building",
            "accepted",
            "construction",
            "zhang",
            "li",
            "culture",
            "head",
            "inspector",
            "responsible",
            "leader",
            "T1",
            "week",
            "month",
            "5 workdays",
            "cn",
            "weekdays",
        ]
    ),
)
values = st.recursive(
    _scalar_values,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.text(min_size=1, max_size=8) | st.sampled_from(["id", "title", "from", "to", "by", "label", "final", "quantity"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=6,
)


def _typo(draw, key: str) -> str:
    key = str(key)
    how = draw(st.sampled_from(["drop", "double", "swap", "upper", "space", "plural", "cjk", "other"]))
    if not key:
        return "x"
    i = draw(st.integers(0, len(key) - 1))
    if how == "drop":
        return key[:i] + key[i + 1 :] or "_"
    if how == "double":
        return key[:i] + key[i] + key[i:]
    if how == "swap" and len(key) > 1:
        i = min(i, len(key) - 2)
        return key[:i] + key[i + 1] + key[i] + key[i + 2 :]
    if how == "upper":
        return key.upper()
    if how == "space":
        return key + " "
    if how == "plural":
        return key + "s"
    if how == "cjk":
        return key + "：" if i % 2 else "名称"
    return draw(
        st.sampled_from(
            [
                "id",
                "title",
                "from",
                "to",
                "initial",
                "items",
                "deadline",
                "workflow",
                "unit",
                "responsible",
                "leader",
                "target",
                "recurring",
                "states",
                "transitions",
            ]
        )
    )


def _paths(node, prefix=()):
    """Every (container-path, key) in the tree, so any mapping entry or list element can be chosen."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append(prefix + (key,))
            found.extend(_paths(value, prefix + (key,)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append(prefix + (index,))
            found.extend(_paths(value, prefix + (index,)))
    return found


def _get(node, path):
    for part in path:
        node = node[part]
    return node


@st.composite
def data_mutation(draw, data):
    paths = _paths(data)
    if not paths:
        return draw(values)
    path = draw(st.sampled_from(paths))
    parent, key = _get(data, path[:-1]), path[-1]
    kind = draw(st.sampled_from(["drop", "rename", "replace", "replace", "wrap_list", "wrap_dict", "duplicate", "empty", "key_type"]))
    if kind == "drop":
        del parent[key]
    elif kind == "rename" and isinstance(parent, dict):
        value = parent.pop(key)
        parent[_typo(draw, key)] = value
    elif kind == "key_type" and isinstance(parent, dict):
        value = parent.pop(key)
        parent[draw(st.sampled_from([1, 2017, None, True, False, 1.5, dt.date(2017, 1, 1)]))] = value
    elif kind == "wrap_list":
        parent[key] = [parent[key]]
    elif kind == "wrap_dict":
        parent[key] = {draw(st.sampled_from(["x", "id", "name", str(key)])): parent[key]}
    elif kind == "duplicate" and isinstance(parent, list):
        parent.insert(key, parent[key])
    elif kind == "empty":
        parent[key] = draw(st.sampled_from([None, [], {}, "", 0]))
    else:
        parent[key] = draw(values)
    return data


@st.composite
def data_mutated_checklists(draw, max_mutations: int = 3) -> str:
    data = copy.deepcopy(BASE_DATA[draw(st.sampled_from(BASE_FILES))])
    for _ in range(draw(st.integers(1, max_mutations))):
        data = draw(data_mutation(data))
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=draw(st.booleans()),
        sort_keys=False,
        default_flow_style=draw(st.sampled_from([None, False, True])),
        width=draw(st.sampled_from([80, 20, 10**6])),
    )


# ------------------------------------------------------------------ fire sequences


def fire_ops(*, tasks, triggers, actors, variants, min_ops: int = 15, max_ops: int = 60):
    """Operations for the fire property: mostly fires, now and then an inspection round (which fires
    pass or fail itself) or a reload of a workflow variant.

    Choices are mostly raw indexes, interpreted against the live state when run (``smart`` fires
    pick a trigger possible now and an actor allowed to fire it), so examples shrink well and many
    fires actually move an item; the rest are refusals of every kind."""
    op = st.fixed_dictionaries(
        {
            "op": st.sampled_from(["fire"] * 8 + ["inspect", "reload"]),
            "task": st.sampled_from(tasks),
            # mostly the first few items, so single items get far through their workflow
            "item": st.sampled_from([0, 0, 0, 0, 0, 0, 1, 1, 2, 5, 10, 11, None, "number", "bogus"]),
            "trigger": st.one_of(st.integers(0, 15), st.sampled_from(triggers)),
            "actor": st.one_of(st.integers(0, 15), st.sampled_from(actors)),
            "smart": st.sampled_from([True, True, True, False]),
            # step data for leaving a step's state (the tender award): none, lawful, or refused by the step
            "data": st.sampled_from(["award", "award", "award", "none", "short_award"]),
            "variant": st.sampled_from(variants),
            "force": st.booleans(),
            "passed": st.booleans(),  # for an inspection round: every criterion met, or one missed
        }
    )
    return st.lists(op, min_size=min_ops, max_size=max_ops)
