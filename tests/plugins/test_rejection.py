"""Terminal outcomes (不予认定) and transfers (转办), on both databases.

A workflow whose acceptance state may also lead to a final state marked ``done: false``: validation accepts it (and
still refuses a second pass without the mark), an inspector ends an item as 不予认定, status counts it as ended (out
of the target, not finished), its milestones are void, the history keeps it and the audit replay agrees. A transfer
moves an item to another holder keeping its state and history, tells both people, and only the leader or a head may.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import Conflict, InputError, NotPermitted
from engine.queries.history import task_history
from engine.queries.status import checklist_status
from engine.reminders.notices import inbox
from engine.runtime.audit import verify
from engine.runtime.fire import fire
from engine.runtime.loader import load
from engine.runtime.transfer import transfer
from engine.store.tables import items
from tests.conftest import YANTING, at, definition_of
from tests.plugins.conftest import AWARD, ITEM, move, to_inspecting

REJECTED_STATE = "      accepted:      {label: 已验收销号, final: true}\n"
WITH_REJECTED = REJECTED_STATE + "      rejected:      {label: 不予认定, final: true, done: false}\n"
PASS_LINE = "      - {trigger: pass,               from: inspecting,              to: accepted,      by: [inspector], label: 验收通过}\n"
REJECT_LINE = (
    "      - {trigger: refuse,             from: inspecting,              to: rejected,      by: [inspector, head], label: 不予认定}\n"
)


def _list_text(mark_done: bool = True) -> str:
    text = YANTING.read_text(encoding="utf-8")
    assert REJECTED_STATE in text and PASS_LINE in text
    states = WITH_REJECTED if mark_done else WITH_REJECTED.replace(", done: false", "")
    return text.replace(REJECTED_STATE, states, 1).replace(PASS_LINE, PASS_LINE + REJECT_LINE, 1)


@pytest.fixture
def rejecting(store, clock, steps, tmp_path):
    path = tmp_path / "yanting.yaml"
    path.write_text(_list_text(), encoding="utf-8")
    definition = definition_of(path, steps)
    load(store, [definition], clock=clock)
    return definition


def test_validation_accepts_a_rejected_final_state_and_explains_an_unmarked_one(steps, tmp_path):
    from engine.definition.validation import validate_file

    path = tmp_path / "marked.yaml"
    path.write_text(_list_text(), encoding="utf-8")
    assert validate_file(str(path), steps).ok
    path.write_text(_list_text(mark_done=False), encoding="utf-8")
    result = validate_file(str(path), steps)
    assert not result.ok
    assert any("done: false" in p.format() and "通过 2 条" in p.format() for p in result.errors), [p.format() for p in result.errors]
    path.write_text(_list_text().replace("{label: 编制实施方案}", "{label: 编制实施方案, done: false}"), encoding="utf-8")
    result = validate_file(str(path), steps)
    assert any("不是终态" in p.format() for p in result.errors), [p.format() for p in result.errors]


def test_an_inspector_ends_an_item_as_not_recognised(store, clock, plugins, rejecting):
    to_inspecting(store, clock, plugins)
    clock.at = at("2017-09-10T10:00")
    with pytest.raises(NotPermitted, match="只有验收人员、主要负责人可以"):
        fire(store, task="T1", item=ITEM, trigger="refuse", actor="zhang", clock=clock, plugins=plugins)
    fire(store, task="T1", item=ITEM, trigger="refuse", actor="zhao", clock=clock, plugins=plugins, note="不符合认定条件")
    with store.read() as conn:
        assert conn.execute(select(items.c.state).where(items.c.name == ITEM)).scalar() == "rejected"
    status = {t.id: t for t in checklist_status(store, "yanting-wenguang-2017", clock).tasks}["T1"]
    assert status.ended == 1 and status.finished == 0
    assert status.items == 11 and status.target == 10  # out of the target: neither finished nor still to do
    assert status.states["rejected"] == 1
    assert status.as_json()["ended"] == 1
    judged = next(i for i in status.judged.items if i.name == ITEM)
    assert all(m.verdict.verdict.value == "void" for m in judged.milestones if m.milestone == "accepted")
    told = [n for n in inbox(store, "zhang") if n["kind"] == "inspection_ended"]
    assert len(told) == 1 and "不予认定" in told[0]["subject"] and "不符合认定条件" in told[0]["text"]
    history = task_history(store, "T1", ITEM)
    assert history[-1]["to"] == "rejected" and history[-1]["note"] == "不符合认定条件"
    with store.read() as conn:
        assert verify(conn).ok


def test_a_task_whose_items_all_ended_is_done(store, clock, plugins, rejecting):
    names = [getattr(i, "name", i) for i in rejecting.task_by_id["T1"].items]
    steps = [("approve_plan", "li", "2017-04-10"), ("open_tender", "zhang", "2017-05-02"), ("award", "zhang", "2017-06-20", AWARD)]
    steps += [("finish", "zhang", "2017-09-01"), ("request_inspection", "zhang", "2017-09-04"), ("refuse", "wang", "2017-09-10")]
    for step in steps:
        for name in names:
            move(store, clock, plugins, step, item=name)
    status = {t.id: t for t in checklist_status(store, "yanting-wenguang-2017", clock).tasks}["T1"]
    assert status.ended == 11 and status.target == 0 and status.complete and status.light == "done"


def test_transfer_keeps_state_and_history_and_tells_both(store, clock, plugins, yanting):
    to_inspecting(store, clock, plugins)
    clock.at = at("2017-09-05T10:00")
    with pytest.raises(NotPermitted, match="转办"):
        transfer(store, task="T1", item=ITEM, to="chen", actor="zhang", clock=clock)
    done = transfer(store, task="T1", item=ITEM, to="chen", actor="li", clock=clock, note="工作调整")
    assert (done.before, done.after) == ("zhang", "chen")
    with store.read() as conn:
        row = conn.execute(select(items.c.state, items.c.owner).where(items.c.name == ITEM)).one()
    assert tuple(row) == ("inspecting", "chen")
    history = task_history(store, "T1", ITEM)
    assert [e["kind"] for e in history][-2:] == ["transition", "transfer"]
    assert len([e for e in history if e["kind"] == "transition"]) == 5
    assert [n["kind"] for n in inbox(store, "chen")].count("assigned") == 1
    left = [n for n in inbox(store, "zhang") if n["kind"] == "transferred"]
    assert len(left) == 1 and "陈红" in left[0]["subject"] and "工作调整" in left[0]["text"]
    assert "zhang" not in left[0]["text"] and "chen" not in left[0]["text"]
    with pytest.raises(Conflict):
        transfer(store, task="T1", item=ITEM, to="陈红", actor="wang", clock=clock)
    back = transfer(store, task="T1", item=ITEM, to="culture", actor="wang", clock=clock)  # a unit: its person in charge
    assert (back.after, back.unit) == ("zhang", "culture")
    with pytest.raises(InputError, match="请选择转给谁"):
        transfer(store, task="T1", item=ITEM, to=" ", actor="wang", clock=clock)
    with store.read() as conn:
        assert verify(conn).ok


def test_audit_replay_reports_an_owner_changed_behind_its_back(store, clock, yanting):
    from sqlalchemy import update

    transfer(store, task="T1", item=ITEM, to="chen", actor="li", clock=clock)
    with store.write() as conn:
        conn.execute(update(items).where(items.c.name == ITEM).values(owner="liu"))
    with store.read() as conn:
        result = verify(conn)
    assert not result.ok
    assert any("最后一次转办给了 chen" in d for d in result.differences), result.differences


def test_the_new_holder_acts_on_the_transferred_item(store, clock, plugins, yanting):
    """After a transfer the owner rules apply to the new holder (engine.runtime.permissions, holder=items.owner)."""
    fire(store, task="T1", item=ITEM, trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    transfer(store, task="T1", item=ITEM, to="chen", actor="li", clock=clock)
    fired = fire(store, task="T1", item=ITEM, trigger="open_tender", actor="chen", clock=clock, plugins=plugins)
    assert fired.to_state == "tendering"
    with store.read() as conn:
        assert verify(conn).ok
