from engine.definition.yamlsource import read_file, read_text


def formatted(text):
    return [p.format() for p in read_text(text, "t.yaml").problems]


def test_positions_of_keys_and_values():
    source = read_text("checklist:\n  id: x\n  year: 2017\ntasks:\n  - id: T1\n    title: 甲\n", "t.yaml")
    assert source.problems == []
    assert source.where(("checklist", "year")) == (3, 9)
    assert source.where(("checklist", "year"), key=True) == (3, 3)
    assert source.where(("tasks", 0, "title")) == (6, 12)
    # a path that does not exist falls back to its nearest existing parent
    assert source.where(("tasks", 0, "missing")) == (5, 5)


def test_duplicate_key_is_reported_at_the_second_occurrence():
    assert formatted("a: 1\nb: 2\na: 3\n") == ["t.yaml:3:1: 键 “a” 重复出现(第一次在第 1 行);YAML 会悄悄只保留最后一个,请删去或改名。"]


def test_yaml_11_surprises_are_flagged_not_silently_converted():
    source = read_text("a: no\nb: On\nc: 010\nd: 17:30\ne: 'no'\nf: true\n", "t.yaml")
    lines = [(p.line, p.column) for p in source.problems]
    assert lines == [(1, 4), (2, 4), (3, 4)]
    assert source.data == {"a": "no", "b": "On", "c": "010", "d": "17:30", "e": "no", "f": True}


def test_scalars_are_resolved_strictly():
    from datetime import date
    from decimal import Decimal

    data = read_text("a: 42\nb: 172.12\nc: 2017-10-31\nd: ~\ne:\nf: 文化股\ng: '2017-10-31'\n", "t.yaml").data
    assert data == {"a": 42, "b": Decimal("172.12"), "c": date(2017, 10, 31), "d": None, "e": None, "f": "文化股", "g": "2017-10-31"}


def test_impossible_date_has_a_position():
    assert formatted("x:\n  due: 2017-02-30\n") == ["t.yaml:2:8: 日期 2017-02-30 不存在(请检查月份和日期)。"]


def test_syntax_error_points_at_the_line():
    problems = read_text("a: [1, 2\nb: 3\n", "t.yaml").problems
    assert len(problems) == 1 and problems[0].line == 2 and "方括号列表" in problems[0].message


def test_non_utf8_file_is_explained(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("title: 文化股\n".encode("gbk"))
    problems = read_file(str(path)).problems
    assert len(problems) == 1 and "UTF-8" in problems[0].message


def test_missing_file_is_a_problem_not_an_exception(tmp_path):
    problems = read_file(str(tmp_path / "nope.yaml")).problems
    assert len(problems) == 1 and problems[0].line == 1


def test_empty_file():
    assert [p.message for p in read_text("", "t.yaml").problems] == ["文件是空的。"]
