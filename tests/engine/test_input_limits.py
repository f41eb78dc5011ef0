"""Input that cannot hang: the hard limits of engine.definition.limits, each refused quickly with a located message,
errors collected in linear time and capped, control characters reported where they stand."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine.definition import limits
from engine.definition.validation import validate_file, validate_text
from engine.definition.yamlsource import read_file, read_text
from engine.runtime.loader import load
from tests.conftest import ROOT, YANTING
from tests.engine.test_validation import BASE

HEADER = "checklist:\n  id: test-2017\n  title: 测试清单\n  year: 2017\n"


def messages(text, steps=None):
    return [p.format() for p in validate_text(text, "c.yaml", steps).problems]


# ---------------------------------------------------------------- linear-time errors, capped


def _bad_keys(n: int) -> str:
    return HEADER + "".join(f"  bad{i}: 1\n" for i in range(n)) + BASE.split("\n", 4)[4]


def test_many_bad_keys_are_capped_and_the_first_ones_kept():
    """16,000 unknown keys took 529 s (each error compared with every other); in a subprocess so a regression fails
    this test instead of hanging the suite."""
    code = (
        "import sys, json; from engine.definition.validation import validate_text; "
        "r = validate_text(sys.stdin.read(), 'c.yaml'); "
        "print(json.dumps([[p.line, p.column, p.message] for p in r.problems], ensure_ascii=False))"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], input=_bad_keys(16_000), capture_output=True, text=True, timeout=120, cwd=str(ROOT), check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail("validating 16,000 unknown keys did not finish in 120 s (quadratic error collection)")
    assert done.returncode == 0, done.stderr
    import json

    found = json.loads(done.stdout)
    assert len(found) == limits.MAX_PROBLEMS + 1
    assert found[0] == [5, 3, "不认识的键 “bad0”。"]
    assert [line for line, _, _ in found[: limits.MAX_PROBLEMS]] == list(range(5, 5 + limits.MAX_PROBLEMS))
    assert found[-1][0] == 5 + limits.MAX_PROBLEMS
    assert (
        found[-1][2]
        == f"还有 {16_000 - limits.MAX_PROBLEMS} 个问题未列出(只列出了前 {limits.MAX_PROBLEMS} 个);请先改正上面的问题,再重新检查。"
    )


def test_a_few_problems_are_all_listed():
    text = HEADER + "".join(f"  bad{i}: 1\n" for i in range(3)) + BASE.split("\n", 4)[4]
    assert messages(text) == [f"c.yaml:{5 + i}:3: 不认识的键 “bad{i}”。" for i in range(3)]


# ---------------------------------------------------------------- file size


def test_file_over_the_size_limit_is_refused_at_the_line_where_it_crosses(tmp_path):
    line = "# " + "x" * 1021 + "\n"  # 1 KiB a line
    text = BASE + line * (limits.MAX_FILE_BYTES // len(line) + 1)
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    for source in (read_text(text, "big.yaml"), read_file(str(path))):
        assert len(source.problems) == 1 and source.data is None
        problem = source.problems[0]
        assert problem.line == len(text.encode()[: limits.MAX_FILE_BYTES].split(b"\n"))
        assert problem.message == "文件太大(超过 4 MiB);一个清单文件不需要这么大,请检查是否粘贴了别的内容,或把清单拆成几个文件。"


def test_file_just_under_the_size_limit_is_read(tmp_path):
    text = BASE + "#" * (limits.MAX_FILE_BYTES - len(BASE.encode()) - 1) + "\n"
    assert len(text.encode()) == limits.MAX_FILE_BYTES
    assert read_text(text, "c.yaml").problems == []


# ---------------------------------------------------------------- structure


def test_nesting_deeper_than_the_limit_is_refused_where_it_goes_too_deep():
    depth = limits.MAX_DEPTH + 10
    text = "".join("  " * level + f"k{level}:\n" for level in range(depth)) + "  " * depth + "v\n"
    source = read_text(text, "c.yaml")
    assert source.data is None
    assert [(p.line, p.column) for p in source.problems] == [(limits.MAX_DEPTH + 1, 2 * limits.MAX_DEPTH + 1)]
    assert source.problems[0].message == f"嵌套层次过深(超过 {limits.MAX_DEPTH} 层);清单最多只需要六七层。"


def test_deep_flow_nesting_is_refused_not_a_recursion_error():
    text = "a: " + "[" * 500 + "]" * 500 + "\n"
    assert [(p.line, p.column) for p in read_text(text, "c.yaml").problems] == [(1, 4 + limits.MAX_DEPTH)]
    # deeper than libyaml's own limit (1,000 flow levels): its syntax error, located, and no RecursionError
    text = "a: " + "[" * 100_000 + "]" * 100_000 + "\n"
    assert [p.line for p in read_text(text, "c.yaml").problems] == [1]


def test_a_list_with_too_many_entries_is_refused_at_the_first_one_too_many():
    text = "items:\n" + "".join(f"  - v{i}\n" for i in range(limits.MAX_ENTRIES + 5))
    source = read_text(text, "c.yaml")
    assert source.data is None
    assert [(p.line, p.column) for p in source.problems] == [(limits.MAX_ENTRIES + 2, 5)]
    assert source.problems[0].message == f"这一层的条目太多(超过 {limits.MAX_ENTRIES} 项)。"


def test_a_mapping_with_too_many_keys_is_refused():
    text = "a:\n" + "".join(f"  k{i}: 1\n" for i in range(limits.MAX_ENTRIES + 1))
    assert [(p.line, p.column) for p in read_text(text, "c.yaml").problems] == [(limits.MAX_ENTRIES + 2, 3)]


def test_a_value_longer_than_the_limit_is_refused_where_it_stands():
    text = "a: 1\nb:\n  c: " + "长" * (limits.MAX_SCALAR_CHARS + 1) + "\n"
    source = read_text(text, "c.yaml")
    assert [(p.line, p.column) for p in source.problems] == [(3, 6)]
    assert source.problems[0].message == f"这个值太长(超过 {limits.MAX_SCALAR_CHARS} 个字符)。"


# ---------------------------------------------------------------- control characters


def test_a_control_character_is_reported_at_its_own_line_and_column():
    lines = BASE.split("\n")
    lines[11] = lines[11][:4] + "\x07" + lines[11][4:]
    assert messages("\n".join(lines)) == ["c.yaml:12:5: 第 12 行第 5 列有一个看不见的控制字符(U+0007),请删除。"]


def line_of(text: str, old: str = "items: [甲村, 乙村]") -> int:
    return text[: text.index(old)].count("\n") + 1


def test_nul_bytes_are_reported_each_where_it_stands(tmp_path):
    text = BASE.replace("title: 测试清单", "title: 测试\x00清单").replace("items: [甲村, 乙村]", "items: [甲村,\x00乙村]")
    path = tmp_path / "nul.yaml"
    path.write_bytes(text.encode())
    found = [p.format() for p in validate_file(str(path)).problems]
    n = line_of(BASE)
    assert found == [
        f"{path}:3:12: 第 3 行第 12 列有一个看不见的控制字符(U+0000),请删除。",
        f"{path}:{n}:16: 第 {n} 行第 16 列有一个看不见的控制字符(U+0000),请删除。",
    ]


def test_a_tab_and_windows_line_ends_are_not_control_characters(steps):
    assert messages(BASE.replace("\n", "\r\n"), steps) == []


# ---------------------------------------------------------------- ids and lengths: what the database and the URLs take


T1 = line_of(BASE, "id: T1")
ITEMS = line_of(BASE)


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("id: T1", "id: T/1", f"c.yaml:{T1}:9:", "标识 “T/1” 只能用英文字母、数字和 - _ . @(以字母或数字开头),最多 100 个字符。"),
        (
            "id: T1",
            "id: " + "T" * 101,
            f"c.yaml:{T1}:9:",
            "标识 “TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT…” 只能用英文字母、数字和 - _ . @(以字母或数字开头),最多 100 个字符。",
        ),
        (
            "id: test-2017",
            "id: 测试-2017",
            "c.yaml:2:7:",
            "标识 “测试-2017” 只能用英文字母、数字和 - _ . @(以字母或数字开头),最多 100 个字符。",
        ),
        ("  culture: {name", "  ..: {name", "c.yaml:6:3:", "标识 “..” 只能用英文字母、数字和 - _ . @(以字母或数字开头),最多 100 个字符。"),
        ("items: [甲村, 乙村]", "items: [甲村, " + "乙" * 501 + "]", f"c.yaml:{ITEMS}:17:", "太长了(501 个字),最多 500 个字。"),
        ("title: 测试清单", "title: " + "题" * 501, "c.yaml:3:10:", "太长了(501 个字),最多 500 个字。"),
    ],
    ids=["slash", "too-long", "cjk", "dots", "item-name", "title"],
)
def test_ids_and_names_the_database_cannot_hold_are_refused(old, new, where, message, steps):
    text = BASE.replace(old, new, 1)
    if "culture" not in old:
        assert messages(text, steps) == [f"{where} {message}"]
    else:  # the unit is also refused where the person names it
        assert f"{where} {message}" in messages(text, steps)


def test_ids_and_names_at_the_limits_load(store, clock, steps):
    long_id = "T" + "x" * (limits.MAX_ID - 1)
    name = "乙" * limits.MAX_NAME
    text = (
        BASE.replace("id: test-2017", "id: c." + "y" * (limits.MAX_ID - 2), 1)
        .replace("id: T1", f"id: {long_id}", 1)
        .replace("items: [甲村, 乙村]", f"items: [甲村, {name}]", 1)
        .replace("build:", "b" * limits.MAX_ID + ":", 1)
        .replace("workflow: build", "workflow: " + "b" * limits.MAX_ID, 1)
    )
    checked = validate_text(text, "c.yaml", steps)
    assert checked.ok, [p.format() for p in checked.problems]
    report = load(store, [checked.definition], clock=clock)[0]
    assert report.items_added == 3


def test_the_shipped_lists_stay_within_every_limit(steps):
    for path in sorted((ROOT / "checklists").glob("*.yaml")) + [YANTING]:
        checked = validate_file(str(path), steps)
        assert checked.ok, [p.format() for p in checked.problems]
