"""The acceptance step: criteria, rounds, the verdict rules, separation of duties, rectification deadlines."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.errors import GuardRefused, InputError, InvalidTrigger, NotPermitted
from engine.i18n import use_language
from engine.runtime import audit
from engine.runtime.evidence import store_file
from engine.store.tables import item_deadlines, items
from plugins.acceptance import record, rounds, verdict_triggers
from plugins.acceptance_criteria import evaluate
from tests.conftest import HUANGJIN, YANTING, at, definition_of
from tests.plugins.conftest import ITEM, PASSING, move, to_inspecting


def inspect(store, clock, plugins, values, inspector="zhao", item=ITEM, task="T1", **kw):
    return record(store, task=task, item=item, inspector=inspector, values=values, clock=clock, plugins=plugins, **kw)


def test_every_criterion_judged_and_unmet_ones_described(yanting):
    t1, t2 = yanting.task_by_id["T1"], yanting.task_by_id["T2"]
    findings = evaluate(t1, dict(PASSING, 文化广场面积="180", 乒乓球台="1张", **{"电脑、电视、话筒等电子设备齐全": "否"}))
    assert [f.met for f in findings] == [False, True, True, False, True, False]
    assert [f.unmet_text() for f in findings if not f.met] == [
        "文化广场面积 180 < 200 平方米",
        "乒乓球台 1 < 2 张",
        "电脑、电视、话筒等电子设备齐全:未达到",
    ]
    assert evaluate(t2, {"1": "92"})[0].unmet_text() == "广播通响率 92 < 95%"
    assert evaluate(t2, {"广播通响率": "95%"})[0].met  # the bound itself meets it
    huangjin = definition_of(HUANGJIN)
    found = evaluate(huangjin.task_by_id["R1"], {"户型面积": "50", "每平方米造价": "1200", "水电入户": "yes"})
    assert [f.unmet_text() for f in found if not f.met] == ["每平方米造价 1200 > 1000 元"]


@pytest.mark.parametrize(
    "values,message",
    [
        ({"文化广场面积": "210"}, "缺少:文化活动室面积、篮球场"),
        (dict(PASSING, 舞台="有"), "没有验收标准 “舞台”;标准有:1. 文化广场面积"),
        (dict(PASSING, **{"1": "210"}), "“文化广场面积” 给了两次"),
        (dict(PASSING, 篮球场="一个"), "“篮球场” 的结果应是数字(个),不是 “一个”"),
        (dict(PASSING, **{"电脑、电视、话筒等电子设备齐全": "差不多"}), "请填 是 或 否"),
        (dict(PASSING, 篮球场="NaN"), "应是数字"),
    ],
)
def test_bad_results_are_refused(yanting, values, message):
    with pytest.raises(InputError, match=re.escape(message)):
        evaluate(yanting.task_by_id["T1"], values)


def test_verdicts_follow_the_workflow_shape(yanting):
    workflow = yanting.workflows["construction"]
    assert verdict_triggers(workflow, "inspecting") == (["pass"], ["fail"])


def test_failed_round_sends_to_rectification_with_a_deadline(store, yanting, clock, plugins, tmp_path):
    to_inspecting(store, clock, plugins)
    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"same bytes")
    twin = tmp_path / "b.jpg"
    twin.write_bytes(b"same bytes")
    files = [store_file(photo, tmp_path / "ev"), store_file(twin, tmp_path / "ev")]
    clock.at = at("2017-09-29")  # Friday before the National Day holidays
    result = inspect(store, clock, plugins, dict(PASSING, 文化广场面积="180"), evidence=files, note="广场面积不足")
    assert (result.round, result.passed, result.fired.trigger, result.fired.to_state) == (1, False, "fail", "rectifying")
    assert result.rectify_due.isoformat() == "2017-10-19"
    assert files[0].sha256 == files[1].sha256
    assert [p.name for p in (tmp_path / "ev").rglob("*") if p.is_file()] == [files[0].sha256]  # kept once
    with store.read() as conn:
        item_id = conn.execute(select(items.c.id).where(items.c.name == ITEM)).scalar_one()
        [stored] = rounds(conn, item_id)
    assert stored["round"] == 1 and not stored["passed"] and stored["note"] == "广场面积不足"
    assert [e["name"] for e in stored["evidence"]] == ["a.jpg", "b.jpg"]
    assert stored["results"][0] == {"check": "文化广场面积", "unit": "平方米", "min": "200", "max": None, "value": "180", "met": False}


def test_pass_only_after_a_passing_round_since_the_last_move(store, yanting, clock, plugins):
    to_inspecting(store, clock, plugins)
    with pytest.raises(GuardRefused, match="进入验收后还没有验收记录"):
        move(store, clock, plugins, ("pass", "zhao", "2017-09-05"))
    with pytest.raises(GuardRefused, match="进入验收后还没有验收记录"):
        move(store, clock, plugins, ("fail", "zhao", "2017-09-05"))
    clock.at = at("2017-09-06")
    inspect(store, clock, plugins, dict(PASSING, 文化广场面积="180"))
    move(store, clock, plugins, ("request_inspection", "zhang", "2017-09-07"))
    with pytest.raises(GuardRefused, match="进入验收后还没有验收记录"):
        move(store, clock, plugins, ("pass", "zhao", "2017-09-08"))


def test_a_direct_fire_follows_the_latest_round(store, yanting, clock, plugins):
    """A round recorded by another route (the web, an import) decides what a plain fire may do."""
    to_inspecting(store, clock, plugins)

    def round_event(number, passed, unmet):
        with store.write() as conn:
            audit.append(
                conn,
                chain=yanting.id,
                at=clock.now(),
                actor="zhao",
                kind="inspection",
                checklist_id=yanting.id,
                task_key="T1",
                item_name=ITEM,
                data={"round": number, "passed": passed, "unmet": unmet},
            )

    round_event(1, False, ["文化广场面积 180 < 200 平方米"])
    with pytest.raises(
        GuardRefused, match=re.escape("第 1 轮验收未通过(文化广场面积 180 < 200 平方米),不能执行 “验收通过”")
    ):  # the step by its label
        move(store, clock, plugins, ("pass", "zhao", "2017-09-05"))
    round_event(2, True, [])
    with pytest.raises(GuardRefused, match="第 2 轮验收已全部达标,不能执行 “验收不通过”"):
        move(store, clock, plugins, ("fail", "zhao", "2017-09-05"))
    assert move(store, clock, plugins, ("pass", "zhao", "2017-09-05")).to_state == "accepted"


def test_only_inspectors_and_never_on_their_own_task(store, db_url, clock, plugins, steps):
    from engine.definition.validation import validate_text
    from engine.runtime.loader import load

    text = YANTING.read_text(encoding="utf-8").replace(
        "li:    {name: 李文华, roles: [leader]}", "li:    {name: 李文华, roles: [leader, inspector]}"
    )
    definition = validate_text(text, "y.yaml", steps).definition
    load(store, [definition], clock=clock)
    to_inspecting(store, clock, plugins)
    with pytest.raises(NotPermitted, match="张明 不是验收人员"):
        inspect(store, clock, plugins, PASSING, inspector="zhang")
    with pytest.raises(NotPermitted, match="李文华 是任务 T1 的分管领导,不能验收自己负责的子项"):
        inspect(store, clock, plugins, PASSING, inspector="li")
    with pytest.raises(GuardRefused, match="验收与实施分离"):
        move(store, clock, plugins, ("pass", "li", "2017-09-05"))
    with (
        use_language("en"),
        pytest.raises(NotPermitted, match=r"李文华 is the leader of task T1 and may not inspect its items \(separation"),
    ):
        inspect(store, clock, plugins, PASSING, inspector="li")


def test_inspection_only_while_waiting_for_it(store, yanting, clock, plugins):
    with pytest.raises(InputError, match=re.escape("不在验收环节(验收中)")):
        inspect(store, clock, plugins, PASSING)
    with pytest.raises(InvalidTrigger, match="T4 是数量目标任务,没有流程:流程动作、步骤数据和验收只用于流程任务"):
        inspect(store, clock, plugins, PASSING, task="T4", item=None)


def test_without_rectify_within_a_failure_starts_no_deadline(store, yanting, clock, plugins):
    move(
        store,
        clock,
        plugins,
        ("approve_plan", "li", "2017-04-10"),
        ("open_tender", "liu", "2017-05-02"),
        (
            "award",
            "liu",
            "2017-06-20",
            {
                "announced": "2017-05-02",
                "bid_deadline": "2017-05-10",
                "winner": "甲",
                "amount": "50",
                "award_notice": "2017-06-19",
                "contract_signed": "2017-06-20",
            },
        ),
        ("finish", "liu", "2017-09-01"),
        ("request_inspection", "liu", "2017-09-04"),
        task="T7",
        item=None,
    )
    result = inspect(store, clock, plugins, {"标识标牌按方案安装到位": "否"}, task="T7", item=None)
    assert result.fired.to_state == "rectifying" and result.rectify_due is None
    with store.read() as conn:
        assert conn.execute(select(item_deadlines.c.key)).scalars().all() == []  # contract signed at the award: none either


def test_rounds_through_the_command_in_english(qingdan, tmp_path):
    assert qingdan("load", YANTING, now="2017-03-01").returncode == 0
    refused = qingdan("inspect", "T1", ITEM, "--as", "zhao", "--check", "1=210", now="2017-03-02", lang="en")
    assert refused.returncode == 1 and "is in '编制实施方案', not waiting for inspection" in refused.stderr
    refused = qingdan("inspect", "T1", ITEM, "--as", "zhao", now="2017-03-02")
    assert refused.returncode == 1 and "--check" in refused.stderr
    refused = qingdan("inspect", "T1", ITEM, "--as", "zhao", "--check", "1=2", "--evidence", tmp_path / "missing.jpg", now="2017-03-02")
    assert refused.returncode == 1 and "找不到证明材料文件" in refused.stderr


def test_validation_needs_criteria_and_clear_verdicts(steps):
    from engine.definition.validation import validate_text

    text = YANTING.read_text(encoding="utf-8")
    no_criteria = text.replace(
        """    acceptance:
      - {check: 标识标牌按方案安装到位}
""",
        "",
    )
    errors = [p.format() for p in validate_text(no_criteria, "y.yaml", steps).errors]
    assert errors == ["y.yaml:148:15: 任务的流程 construction 有验收步骤(“inspecting”),但任务没有列出验收标准(acceptance)。"]
    two_passes = text.replace(
        "      - {trigger: fail,               from: inspecting,              to: rectifying,    by: [inspector], label: 验收不通过}",
        "      - {trigger: fail,               from: inspecting,              to: rectifying,    by: [inspector], label: 验收不通过}\n"
        "      - {trigger: waive,              from: inspecting,              to: accepted,      by: [inspector]}",
    )
    errors = [p.format() for p in validate_text(two_passes, "y.yaml", steps).errors]
    assert len(errors) == 3 and all("现在通过 2 条、不通过 1 条" in e for e in errors)
    by_head = two_passes.replace(
        "{trigger: waive,              from: inspecting,              to: accepted,      by: [inspector]}",
        "{trigger: waive,              from: inspecting,              to: accepted,      by: [head]}",
    )
    assert validate_text(by_head, "y.yaml", steps).ok  # a head's own way out is not an inspector's verdict
