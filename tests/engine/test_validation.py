"""qingdan's checklist validation: every problem found, located, and explained."""

import pytest
import yaml

from engine.definition.validation import validate_file, validate_text
from tests.conftest import CHECKLISTS, SHARED_EXAMPLES

BASE = """\
checklist:
  id: test-2017
  title: 测试清单
  year: 2017
units:
  culture: {name: 文化股}
people:
  wang: {name: 王建国, roles: [head]}
  li: {name: 李文华, roles: [leader]}
  zhang: {name: 张明, roles: [staff], unit: culture}
  zhao: {name: 赵敏, roles: [inspector]}
workflows:
  build:
    title: 建设
    initial: planning
    states:
      planning: {label: 规划}
      building: {label: 施工}
      done: {label: 完成, final: true}
    transitions:
      - {trigger: start, from: planning, to: building, by: [responsible]}
      - {trigger: finish, from: building, to: done, by: [responsible, leader]}
defaults:
  remind: [5 workdays]
  escalate:
    - {after: 1 workday, to: leader}
tasks:
  - id: T1
    title: 建设任务
    unit: culture
    responsible: zhang
    leader: li
    workflow: build
    items: [甲村, 乙村]
    deadlines:
      building: 2017-07-20
      done: 2017-09-29
  - id: T2
    title: 放映电影
    unit: culture
    responsible: zhang
    leader: li
    target: {quantity: 100, unit: 场}
    parts:
      - {id: poor, title: 贫困村, quantity: 30}
    deadlines: {done: 2017-11-30}
"""


def problems(text, steps):
    return [p.format() for p in validate_text(text, "c.yaml", steps).problems]


def errors(text, steps):
    return [p.format() for p in validate_text(text, "c.yaml", steps).errors]


def test_base_is_valid(steps):
    result = validate_text(BASE, "c.yaml", steps)
    assert result.ok and result.problems == []
    assert [t.id for t in result.definition.tasks] == ["T1", "T2"]


@pytest.mark.parametrize("path", sorted(SHARED_EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_shared_examples_load_unchanged(path, steps):
    assert SHARED_EXAMPLES.is_dir(), "../shared/examples must sit beside the repository"
    result = validate_file(str(path), steps)
    assert result.ok, [p.format() for p in result.errors]
    assert _without_labels(CHECKLISTS / path.name) == _without_labels(path), f"checklists/{path.name} says more than the shared example"


def _without_labels(path):
    """A list as data, its transitions' button labels (``label:``, added to the shipped copies) left out: the
    shipped copy of a shared example may name its buttons and must say nothing else."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for workflow in (data.get("workflows") or {}).values():
        for transition in workflow.get("transitions") or []:
            transition.pop("label", None)
    return data


def test_shared_examples_exist():
    assert len(list(SHARED_EXAMPLES.glob("*.yaml"))) >= 2


@pytest.mark.parametrize("path", sorted(CHECKLISTS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_checklist_is_valid(path, steps):
    result = validate_file(str(path), steps)
    assert result.ok, [p.format() for p in result.errors]


def test_examples_mean_what_they_say(steps):
    d = validate_file(str(CHECKLISTS / "yanting-wenguang-2017.yaml"), steps).definition
    t1 = d.task_by_id["T1"]
    assert t1.kind == "workflow" and len(t1.items) == 11 and str(t1.deadlines["accepted"]) == "2017-10-31"
    assert [str(r) for r in t1.remind] == ["5 workdays", "1 workday"]
    assert [(str(e.after), e.to) for e in t1.escalate] == [("1 workday", "leader"), ("5 workdays", "head")]
    assert t1.options["tendering"] == {"mandatory": True}
    assert t1.options["acceptance"][0] == {"check": "文化广场面积", "unit": "平方米", "min": "200"}
    assert [str(r) for r in d.task_by_id["T6"].remind] == ["3 days", "1 day"]
    assert d.task_by_id["T6"].items == ("创作小品《第一书记》",)  # no items: one item named after the task
    t4 = d.task_by_id["T4"]
    assert (t4.kind, str(t4.target), t4.target_unit, t4.pace) == ("target", "5472", "场次", True)
    assert [(p.id, str(p.quantity)) for p in t4.parts] == [("poor", "300")]
    assert d.notify_at == "09:00" and d.timezone == "Asia/Shanghai" and d.calendar_base == "cn"
    r5 = validate_file(str(CHECKLISTS / "huangjin-village-2019.yaml"), steps).definition.task_by_id["R5"]
    assert (r5.kind, r5.every, r5.at_least, len(r5.items)) == ("recurring", "month", 1, 5)


def test_typo_key_gets_a_suggestion(steps):
    assert errors(BASE.replace("    deadlines: {done: 2017-11-30}", "    deadline: {done: 2017-11-30}"), steps) == [
        "c.yaml:46:5: 不认识的键 “deadline”,是不是 “deadlines”?"
    ]


def test_yes_no_where_text_is_expected(steps):
    text = BASE.replace("title: 放映电影", "title: no")
    assert errors(text, steps) == ["c.yaml:39:12: “no” 在 YAML 里会被当成是/否;如果是文字请加引号('no'),如果是是/否请写 true 或 false。"]


def test_leading_zero_number(steps):
    assert errors(BASE.replace("quantity: 100", "quantity: 0100"), steps)[0].startswith("c.yaml:43:24: “0100” 以 0 开头")


def test_wrong_types(steps):
    text = BASE.replace("year: 2017", "year: 二〇一七").replace("quantity: 30}", "quantity: 很多}")
    assert errors(text, steps) == [
        "c.yaml:4:9: 应为整数,实际是 “二〇一七”。",
        "c.yaml:45:42: 应为数字,实际是 “很多”。",
    ]


def test_impossible_date(steps):
    assert errors(BASE.replace("done: 2017-09-29", "done: 2017-02-30"), steps) == [
        "c.yaml:37:13: 日期 2017-02-30 不存在(请检查月份和日期)。"
    ]


def test_unknown_references(steps):
    text = (
        BASE.replace("unit: culture}", "unit: cultre}")
        .replace("responsible: zhang\n    leader: li\n    target", "responsible: zhangg\n    leader: li\n    target")
        .replace("workflow: build", "workflow: buld")
        .replace("roles: [inspector]", "roles: [checker]")
    )
    found = errors(text, steps)
    assert "c.yaml:10:43: 单位 “cultre” 没有定义,是不是 “culture”?" in found
    assert "c.yaml:11:28: “checker” 不是可用的值;可用:'head', 'leader', 'staff', 'inspector' or 'informant'。" in found
    assert "c.yaml:33:15: 流程 “buld” 没有定义,是不是 “build”?" in found
    assert "c.yaml:41:18: 人员 “zhangg” 没有定义,是不是 “zhang”?" in found


def test_workflow_structure(steps):
    text = BASE.replace(
        "      - {trigger: finish, from: building, to: done, by: [responsible, leader]}",
        "      - {trigger: finish, from: building, to: done, by: [responsible, leader]}\n"
        "      - {trigger: reopen, from: done, to: planning}\n"
        "      - {trigger: go, from: nowhere, to: limbo}\n"
        "      - {trigger: start, from: planning, to: done}",
    )
    text = text.replace("      done: {label: 完成, final: true}", "      done: {label: 完成, final: true}\n      orphan: {label: 孤立}")
    found = errors(text, steps)
    assert "c.yaml:24:33: “done” 是终态(final),不能再有流转。" in found
    assert "c.yaml:25:29: 状态 “nowhere” 没有定义(已有:planning、building、done、orphan)。" in found
    assert "c.yaml:25:42: 状态 “limbo” 没有定义(已有:planning、building、done、orphan)。" in found
    assert "c.yaml:26:19: 动作 “start” 从状态 “planning” 出发定义了两次(第 1 条已有)。" in found
    assert "c.yaml:20:7: 状态 “orphan” 从初始状态 “planning” 无法到达。" in found


def test_deadline_for_missing_state(steps):
    assert errors(BASE.replace("      building: 2017-07-20", "      builded: 2017-07-20"), steps) == [
        "c.yaml:36:7: 状态 “builded” 没有定义,是不是 “building”?"
    ]


def test_duplicate_task_ids_and_items(steps):
    text = BASE.replace("  - id: T2", "  - id: T1").replace("items: [甲村, 乙村]", "items: [甲村, 甲村]")
    found = errors(text, steps)
    assert "c.yaml:34:17: 子项 “甲村” 重复。" in found
    assert "c.yaml:38:9: 任务编号 “T1” 重复(第 28 行已用)。" in found


def test_bad_duration(steps):
    assert errors(BASE.replace("remind: [5 workdays]", "remind: [5 weeks]"), steps)[0].startswith("c.yaml:24:12: ")


def test_task_kind_none_or_two(steps):
    none = BASE.replace("    workflow: build\n", "")
    assert "c.yaml:28:5: 任务 T1 需要 workflow、target、recurring 三者之一。" in errors(none, steps)
    two = BASE.replace("    workflow: build\n", "    workflow: build\n    target: {quantity: 5, unit: 个}\n")
    assert "c.yaml:34:5: 任务 T1 同时有 workflow 和 target;只能选一种。" in errors(two, steps)


def test_part_larger_than_target(steps):
    assert errors(BASE.replace("quantity: 30}", "quantity: 300}"), steps) == ["c.yaml:45:42: 分项 poor 的数量 300 超过任务总目标 100。"]


def test_unknown_step_type_lists_the_known_ones(steps):
    text = BASE.replace("building: {label: 施工}", "building: {label: 施工, step: tender}")
    assert errors(text, steps) == ["c.yaml:18:35: 没有插件提供步骤类型 “tender”;已知的步骤类型:acceptance, tendering。"]


def test_warnings_for_non_working_day_and_other_year(steps):
    text = BASE.replace("done: 2017-09-29", "done: 2017-10-01").replace("{done: 2017-11-30}", "{done: 2018-01-05}")
    result = validate_text(text, "c.yaml", steps)
    assert result.ok
    assert [p.format() for p in result.warnings] == [
        "c.yaml:37:13: 警告:期限 2017-10-01(星期日)不是工作日。",
        "c.yaml:46:23: 警告:期限 2018-01-05 不在清单年度 2017 内。",
    ]


def test_calendar_gap_is_an_error_that_says_how_to_add_the_year(steps):
    text = BASE.replace("year: 2017", "year: 2027").replace("2017-", "2027-")
    found = errors(text, steps)
    assert found and all("2027" in line and "calendar" in line for line in found)
    supplied = text.replace("  year: 2027\n", "  year: 2027\n  calendar: {base: cn, holidays: [2027-01-01], workdays: []}\n")
    assert errors(supplied, steps) == []


def test_english_messages(steps, monkeypatch):
    monkeypatch.setenv("QINGDAN_LANG", "en")
    assert errors(BASE.replace("deadlines: {done", "deadline: {done"), steps) == [
        "c.yaml:46:5: unknown key 'deadline'; did you mean 'deadlines'?"
    ]


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just text", "checklist: 5\n", "tasks: {}\n", "{{{", "checklist:\n  id: [\n"])
def test_garbage_gives_problems_not_exceptions(text, steps):
    result = validate_text(text, "c.yaml", steps)
    assert not result.ok and result.errors and all(p.line >= 1 for p in result.problems)


def test_empty_sections_are_errors(steps):
    found = errors(BASE[: BASE.index("tasks:")] + "tasks: []\n", steps)
    assert found == ["c.yaml:27:1: “tasks:” 部分是空的,至少要有一项。"]


def test_suggestions_come_from_the_same_level(steps):
    assert "c.yaml:6:13: 不认识的键 “nmae”,是不是 “name”?" in errors(
        BASE.replace("  culture: {name: 文化股}", "  culture: {nmae: 文化股}"), steps
    )
    # a key that is valid elsewhere but not here is not suggested as itself
    found = errors(BASE.replace("units:\n", "unit: x\nunits:\n"), steps)
    assert found == ["c.yaml:5:1: 不认识的键 “unit”,是不是 “units”?"]


def test_ids_may_not_contain_colons(steps):
    assert "标识 “T:1” 不能为空,也不能含空格或冒号。" in errors(BASE.replace("id: T1", "id: 'T:1'"), steps)[0]


def test_role_nobody_holds_and_dead_end_warnings(steps):
    text = (
        BASE.replace("  zhao: {name: 赵敏, roles: [inspector]}\n", "")
        .replace("by: [responsible, leader]}", "by: [inspector]}")
        .replace(
            "      - {trigger: start, from: planning, to: building, by: [responsible]}",
            "      - {trigger: start, from: planning, to: building, by: [responsible]}\n"
            "      - {trigger: stall, from: planning, to: stuck}",
        )
        .replace("      done: {label: 完成, final: true}", "      done: {label: 完成, final: true}\n      stuck: {label: 停滞}")
    )
    result = validate_text(text, "c.yaml", steps)
    assert result.ok
    messages = [p.message for p in result.warnings]
    assert "没有人员担任 inspector,这个动作只有 inspector 能执行。" in messages
    assert "从状态 “stuck” 无法到达任何终态,子项到这里就办不完了。" in messages


def test_milestones_due_out_of_order_warn(steps):
    result = validate_text(BASE.replace("building: 2017-07-20", "building: 2017-10-20"), "c.yaml", steps)
    assert result.ok and [p.format() for p in result.warnings] == [
        "c.yaml:37:13: 警告:“done” 的期限 2017-09-29 早于它之前的节点 “building” 的期限 2017-10-20。"
    ]


def test_graph_rules_have_one_home_in_the_workflow_definition(steps, monkeypatch):
    """Validation asks WorkflowDef (unreachable, dead_ends, final_states, reached) instead of walking the graph itself."""
    from engine.definition import validation
    from engine.definition.definitions import WorkflowDef

    assert not any(hasattr(validation, name) for name in ("_reachable", "_closure", "_forward", "_reached"))
    text = BASE.replace(
        "      - {trigger: start, from: planning, to: building, by: [responsible]}",
        "      - {trigger: start, from: planning, to: building, by: [responsible]}\n      - {trigger: stall, from: planning, to: stuck}",
    ).replace(
        "      done: {label: 完成, final: true}",
        "      done: {label: 完成, final: true}\n      stuck: {label: 停滞}\n      orphan: {label: 孤立}",
    )
    result = validate_text(text, "c.yaml", steps)
    assert "c.yaml:21:7: 状态 “orphan” 从初始状态 “planning” 无法到达。" in [p.format() for p in result.errors]
    assert "c.yaml:20:14: 警告:从状态 “stuck” 无法到达任何终态,子项到这里就办不完了。" in [p.format() for p in result.warnings]
    # the answers are WorkflowDef's: change the rule there and validation follows
    monkeypatch.setattr(WorkflowDef, "unreachable", property(lambda self: ()))
    monkeypatch.setattr(WorkflowDef, "dead_ends", property(lambda self: ()))
    assert [p.format() for p in validate_text(text, "c.yaml", steps).problems] == []


def test_workflow_graph_of_a_file_with_undefined_states(steps):
    from engine.definition import schema
    from engine.definition.definitions import workflow_graph

    wf = schema.Workflow.model_validate(
        {
            "title": "w",
            "initial": "a",
            "states": {"a": {"label": "A"}, "b": {"label": "B"}, "c": {"label": "C"}, "end": {"label": "E", "final": True}},
            "transitions": [
                {"trigger": "go", "from": ["a", "nowhere"], "to": "b"},
                {"trigger": "x", "from": "b", "to": "limbo"},
                {"trigger": "y", "from": "limbo", "to": "c"},
                {"trigger": "done", "from": "b", "to": "end"},
            ],
        }
    )
    graph = workflow_graph("w", wf)
    assert graph.successors == {"a": {"b"}, "b": {"end"}, "c": frozenset(), "end": frozenset()}
    assert graph.unreachable == ("c",) and graph.dead_ends == () and graph.final_states == {"end"}
    assert graph.reached["end"] >= {"a", "b", "end"}


def test_unit_kind_is_optional_text(steps):
    assert validate_text(BASE.replace("culture: {name: 文化股}", "culture: {name: 文化股, kind: 部门}"), "c.yaml", steps).ok
    assert errors(BASE.replace("culture: {name: 文化股}", "culture: {name: 文化股, kind: ''}"), steps) == ["c.yaml:6:30: 不能为空。"]
    assert errors(BASE.replace("culture: {name: 文化股}", "culture: {name: 文化股, knd: 部门}"), steps) == [
        "c.yaml:6:24: 不认识的键 “knd”,是不是 “kind”?"
    ]
