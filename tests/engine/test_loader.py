"""Loading: all or nothing, idempotent, updates that keep state and history, refusals that name what is in the way."""

import pytest
from sqlalchemy import func, select

from engine.definition.validation import validate_text
from engine.errors import StrandedData
from engine.queries.history import task_history
from engine.runtime.fire import fire
from engine.runtime.loader import load
from engine.store.tables import checklists, events, items, tasks
from tests.conftest import YANTING


def counts(store):
    with store.read() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (checklists, tasks, items, events))


def defn(text, steps):
    result = validate_text(text, "c.yaml", steps)
    assert result.ok, [p.format() for p in result.errors]
    return result.definition


@pytest.fixture
def text():
    return YANTING.read_text(encoding="utf-8")


def test_first_load_creates_items_in_initial_state(store, yanting):
    assert counts(store) == (1, 8, 23, 1)
    with store.read() as conn:
        states = dict(
            conn.execute(select(items.c.state, func.count()).join(tasks).where(tasks.c.key == "T1").group_by(items.c.state)).all()
        )
    assert states == {"planning": 11}


def test_loading_the_same_file_again_changes_nothing(store, yanting, clock, steps, text):
    before = counts(store)
    [report] = load(store, [defn(text, steps)], clock=clock)
    assert report.action == "unchanged" and counts(store) == before


def test_edit_updates_definition_and_keeps_state_and_history(store, yanting, clock, plugins, steps, text):
    fire(store, task="T1", item="林农镇玉城村", trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    edited = (
        text.replace("      building: 2017-07-20", "      building: 2017-07-31")
        .replace("items: [林农镇玉城村, 八角镇人民村,", "items: [林农镇玉城村, 八角镇人民村, 新增村,")
        .replace("plan_approved: {label: 方案已审定}", "plan_approved: {label: 实施方案已审定}")
    )
    [report] = load(store, [defn(edited, steps)], clock=clock)
    assert report.action == "updated" and report.revision == 2 and report.items_added == 1
    assert "T1 deadline building: 2017-07-20 -> 2017-07-31" in report.changes
    with store.read() as conn:
        rows = dict(conn.execute(select(items.c.name, items.c.state).join(tasks).where(tasks.c.key == "T1")).all())
        from engine.catalog import get_checklist

        assert str(get_checklist(conn, "yanting-wenguang-2017").task_by_id["T1"].deadlines["building"]) == "2017-07-31"
    assert rows["林农镇玉城村"] == "plan_approved" and rows["新增村"] == "planning"
    assert [e["kind"] for e in task_history(store, "T1", "林农镇玉城村")] == ["transition"]


def test_removing_an_item_with_history_is_refused_naming_it(store, yanting, clock, plugins, steps, text):
    fire(store, task="T1", item="林农镇玉城村", trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    edited = text.replace("items: [林农镇玉城村, 八角镇人民村,", "items: [八角镇人民村,")
    before = counts(store)
    with pytest.raises(StrandedData, match="任务 T1 的子项 “林农镇玉城村” 已有记录"):
        load(store, [defn(edited, steps)], clock=clock)
    assert counts(store) == before


def test_removing_an_item_without_history_is_fine(store, yanting, clock, steps, text):
    edited = text.replace("items: [林农镇玉城村, 八角镇人民村,", "items: [八角镇人民村,")
    [report] = load(store, [defn(edited, steps)], clock=clock)
    assert report.action == "updated"
    with store.read() as conn:
        assert conn.execute(select(items.c.removed).where(items.c.name == "林农镇玉城村")).scalar_one() is True


def test_removing_a_state_items_are_in_is_refused_then_forced(store, yanting, clock, plugins, steps, text):
    fire(store, task="T6", item=None, trigger="script_done", actor="zhang", clock=clock, plugins=plugins)
    edited = text.replace("      casting:    {label: 演员选拔}\n", "").replace(
        "      - {trigger: script_done,  from: script,    to: casting,   by: [responsible], label: 完成剧本}\n"
        "      - {trigger: cast_done,    from: casting,   to: rehearsal, by: [responsible], label: 完成演员选拔}\n",
        "      - {trigger: script_done,  from: script,    to: rehearsal, by: [responsible], label: 完成剧本}\n",
    )
    with pytest.raises(StrandedData, match="任务 T6 有 1 个子项处于状态 “casting”"):
        load(store, [defn(edited, steps)], clock=clock)
    [report] = load(store, [defn(edited, steps)], clock=clock, force=True)
    assert report.reset == ["T6/创作小品《第一书记》"]
    kinds = [(e["kind"], e["from"], e["to"]) for e in task_history(store, "T6")]
    assert kinds == [("transition", "script", "casting"), ("forced_state", "casting", "script")]
    with store.read() as conn:
        reload_event = conn.execute(select(events.c.kind, events.c.note).where(events.c.kind == "forced_reload")).one()
    assert "casting" in reload_event.note


def test_removing_a_task_with_history_refused_and_archived_with_force(store, yanting, clock, steps, text):
    from engine.runtime.progress import report

    report(store, task="T5", amount="2", actor="zhang", clock=clock)
    start = text.index("  - id: T5")
    end = text.index("  - id: T6")
    edited = text[:start] + text[end:]
    with pytest.raises(StrandedData, match="任务 T5 已有 1 条记录"):
        load(store, [defn(edited, steps)], clock=clock)
    [result] = load(store, [defn(edited, steps)], clock=clock, force=True)
    assert result.archived == ["T5"]
    with store.read() as conn:
        assert conn.execute(select(tasks.c.removed).where(tasks.c.key == "T5")).scalar_one() is True
    # putting it back restores it with its history
    load(store, [defn(text, steps)], clock=clock)
    assert [e["kind"] for e in task_history(store, "T5")] == ["report"]


def test_all_or_nothing_across_files(store, yanting, clock, plugins, steps, text):
    from tests.conftest import HUANGJIN

    fire(store, task="T6", item=None, trigger="script_done", actor="zhang", clock=clock, plugins=plugins)
    bad_edit = (
        text.replace("      casting:    {label: 演员选拔}\n", "")
        .replace("      - {trigger: cast_done,    from: casting,   to: rehearsal, by: [responsible], label: 完成演员选拔}\n", "")
        .replace("to: casting,", "to: rehearsal,")
    )
    before = counts(store)
    with pytest.raises(StrandedData):
        load(store, [defn(HUANGJIN.read_text(encoding="utf-8"), steps), defn(bad_edit, steps)], clock=clock)
    assert counts(store) == before
