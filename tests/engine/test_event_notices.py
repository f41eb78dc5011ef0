"""Event notices (a step taken by the leader, an item awaiting inspection, a failed inspection) and the handled
(已处理) mark derived from the milestones: exactly once, to the right person, in words without ids."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.reminders.notices import inbox, unread_count
from engine.reminders.sweep import run_pass
from engine.runtime.fire import fire
from engine.store.tables import deliveries, notices
from plugins.acceptance import record
from tests.conftest import at

AWARD = {
    "announced": "2017-05-02",
    "bid_deadline": "2017-05-25",
    "winner": "某公司",
    "amount": "30",
    "award_notice": "2017-06-01",
    "contract_signed": "2017-06-10",
}
ITEM = "林农镇玉城村"
FAILING = {"1": "150", "2": "95", "3": "1", "4": "2", "5": "1", "6": "是"}
#: ids that must never appear in a notice's words
IDS = re.compile(
    r"\b(approve_plan|open_tender|award|finish|request_inspection|fail|pass|planning|plan_approved|inspecting|rectifying|zhang|li|zhao|wang)\b"
)


def _fire(store, clock, plugins, trigger, actor, data=None, item=ITEM):
    return fire(store, task="T1", item=item, trigger=trigger, actor=actor, clock=clock, plugins=plugins, data=data)


def _to_inspection(store, clock, plugins, item=ITEM):
    clock.at = at("2017-06-20T09:00")
    _fire(store, clock, plugins, "approve_plan", "li", item=item)
    _fire(store, clock, plugins, "open_tender", "zhang", item=item)
    _fire(store, clock, plugins, "award", "zhang", AWARD, item=item)
    _fire(store, clock, plugins, "finish", "zhang", item=item)
    _fire(store, clock, plugins, "request_inspection", "zhang", item=item)


def _of(store, person, kind):
    return [n for n in inbox(store, person) if n["kind"] == kind]


def _clean(notice):
    words = notice["subject"] + "\n" + notice["text"]
    assert not IDS.search(words), words
    assert "UTC" not in words


def test_a_step_taken_by_the_leader_tells_the_responsible_person_once(store, clock, plugins, yanting):
    _fire(store, clock, plugins, "approve_plan", "li")
    told = _of(store, "zhang", "step_fired")
    assert len(told) == 1
    notice = told[0]
    assert notice["task"] == "T1" and notice["item"] == ITEM and notice["item_position"] == 0
    assert "李文华" in notice["subject"] and ("审定方案" in notice["subject"] or "方案已审定" in notice["subject"])
    assert "“编制实施方案” → “方案已审定”" in notice["text"]
    assert notice["handled"] is None  # it only informs
    _clean(notice)
    assert not _of(store, "li", "step_fired") and not _of(store, "wang", "step_fired")
    # the responsible person's own steps tell nobody
    _fire(store, clock, plugins, "open_tender", "zhang")
    assert len(_of(store, "zhang", "step_fired")) == 1


def test_an_item_entering_inspection_tells_the_inspectors_and_is_handled_when_inspected(store, clock, plugins, yanting):
    _to_inspection(store, clock, plugins)
    told = _of(store, "zhao", "awaits_inspection")
    assert len(told) == 1
    assert "待验收" in told[0]["subject"] and "验收中" in told[0]["text"] and "文化广场面积" in told[0]["text"]
    assert told[0]["handled"] is False
    _clean(told[0])
    assert not _of(store, "zhang", "awaits_inspection") and not _of(store, "li", "awaits_inspection")
    assert unread_count(store, "zhao") == 1
    clock.at = at("2017-06-22T10:00")
    record(store, task="T1", item=ITEM, inspector="zhao", values=FAILING, clock=clock, plugins=plugins)
    (notice,) = _of(store, "zhao", "awaits_inspection")
    assert notice["handled"] is True
    assert unread_count(store, "zhao") == 0  # handled notices are not counted as unread


def test_a_failed_inspection_tells_the_responsible_person_with_unmet_criteria_and_deadline(store, clock, plugins, yanting):
    _to_inspection(store, clock, plugins)
    clock.at = at("2017-06-22T10:00")
    result = record(store, task="T1", item=ITEM, inspector="zhao", values=FAILING, clock=clock, plugins=plugins)
    assert not result.passed and result.rectify_due is not None
    told = _of(store, "zhang", "inspection_failed")
    assert len(told) == 1
    notice = told[0]
    due = result.rectify_due.isoformat()
    assert "验收未通过" in notice["subject"] and due in notice["subject"]
    assert "文化广场面积 150 < 200 平方米" in notice["text"] and f"整改期限:{due}" in notice["text"]
    assert "第 1 轮" in notice["text"] and "赵敏" in notice["text"]
    assert notice["due"] == due and notice["handled"] is False
    _clean(notice)
    assert not _of(store, "li", "inspection_failed") and not _of(store, "zhao", "inspection_failed")
    # resubmitting meets the rectification deadline: the notice is handled, and a new "awaits" goes out once
    clock.at = at("2017-06-26T10:00")
    _fire(store, clock, plugins, "request_inspection", "zhang")
    (notice,) = _of(store, "zhang", "inspection_failed")
    assert notice["handled"] is True
    awaiting = _of(store, "zhao", "awaits_inspection")
    assert len(awaiting) == 2
    assert [n["handled"] for n in awaiting] == [False, True]  # newest first: the older one is superseded


def test_deadline_notices_are_handled_once_the_milestone_is_reached(store, clock, plugins, yanting):
    clock.at = at("2017-07-21T09:30")
    run_pass(store, clock)
    overdue = [n for n in inbox(store, "zhang") if n["kind"] == "overdue" and n["item"] == ITEM]
    assert overdue and all(n["handled"] is False for n in overdue)
    before = unread_count(store, "zhang")
    _fire(store, clock, plugins, "approve_plan", "li")
    _fire(store, clock, plugins, "open_tender", "zhang")
    _fire(store, clock, plugins, "award", "zhang", AWARD)  # reaches 施工中, the milestone of 2017-07-20 (late)
    after = [n for n in inbox(store, "zhang") if n["kind"] == "overdue" and n["item"] == ITEM]
    assert all(n["handled"] is True for n in after if n["state"] == "building")
    others = [n for n in inbox(store, "zhang") if n["kind"] == "overdue" and n["item"] != ITEM]
    assert others and all(n["handled"] is False for n in others)
    # one handled overdue notice fewer, one unread step notice more (the leader approved the plan)
    assert unread_count(store, "zhang") == before - len([n for n in after if n["state"] == "building"]) + 1


def test_event_notices_are_queued_on_channels_once(store, clock, plugins, yanting):
    class Inbox:
        name = "email"

        def applies_to(self, recipient):
            return True

        def send(self, recipient, message):  # pragma: no cover - deliver=False below
            raise AssertionError

    _fire(store, clock, plugins, "approve_plan", "li")
    run_pass(store, clock, channels=[Inbox()], deliver=False)
    run_pass(store, clock, channels=[Inbox()], deliver=False)
    with store.read() as conn:
        queued = conn.execute(
            select(func.count())
            .select_from(deliveries)
            .join(notices, notices.c.id == deliveries.c.notice_id)
            .where(notices.c.kind == "step_fired")
        ).scalar_one()
    assert queued == 1


@pytest.mark.parametrize("language", ["zh"])
def test_notify_assigned_is_there_for_transfers(store, clock, yanting, language):
    from engine import catalog
    from engine.runtime.event_notices import notify_assigned
    from engine.store.tables import items, tasks

    with store.write() as conn:
        task_row = conn.execute(select(tasks.c.id).where(tasks.c.key == "T1")).scalar_one()
        item_row = conn.execute(select(items.c.id).where(items.c.task_id == task_row, items.c.name == ITEM)).scalar_one()
        definition = catalog.get_checklist(conn, yanting.id)
        args = dict(definition=definition, task=definition.task_by_id["T1"], task_row_id=task_row, item_id=item_row, item_name=ITEM)
        first = notify_assigned(conn, **args, person="chen", by="li", cause="transfer-1", now=clock.now())
        again = notify_assigned(conn, **args, person="chen", by="li", cause="transfer-1", now=clock.now())
    assert len(first) == 1 and again == []
    (notice,) = _of(store, "chen", "assigned")
    assert "交由您负责" in notice["text"] and "李文华" in notice["text"]
    _clean(notice)


def test_a_reload_that_hands_a_task_over_tells_the_new_responsible_person_once(store, clock, steps, yanting):
    from engine.definition.validation import validate_text
    from engine.runtime.loader import load
    from tests.conftest import YANTING

    source = YANTING.read_text(encoding="utf-8")
    moved = source.replace(
        "    unit: radio\n    responsible: chen\n    leader: li\n    workflow: construction",
        "    unit: radio\n    responsible: zhang\n    leader: li\n    workflow: construction",
        1,
    )
    assert moved != source
    changed = validate_text(moved, "y.yaml", steps)
    assert changed.ok, [p.format() for p in changed.errors]
    load(store, [changed.definition], clock=clock)
    (notice,) = _of(store, "zhang", "assigned")
    assert notice["task"] == "T2" and notice["item"] is None and notice["handled"] is None
    assert "提升改造贫困村村级广播系统" in notice["text"] and "原由 陈" in notice["text"]
    _clean(notice)
    assert not _of(store, "chen", "assigned")
    load(store, [changed.definition], clock=clock)  # the same list again: nothing changed hands
    assert len(_of(store, "zhang", "assigned")) == 1


def test_supervision_and_extension_notices_are_handled_once_answered_closed_or_decided(store, clock, yanting):
    from engine.runtime import extension_requests, supervision

    clock.at = at("2017-07-21T10:00")
    issued = supervision.issue(
        store, task="T1", item=ITEM, colour="red", instruction="请说明原因", reply_by="2017-07-25", actor="li", clock=clock
    )
    (notice,) = _of(store, "zhang", "supervision")
    assert notice["handled"] is False
    clock.at = at("2017-07-21T11:00")
    supervision.reply(store, supervision_id=issued.id, text="已开标", actor="zhang", clock=clock)
    assert [n["handled"] for n in _of(store, "zhang", "supervision")] == [True]
    assert [n["handled"] for n in _of(store, "li", "supervision_reply")] == [False]
    clock.at = at("2017-07-21T12:00")
    supervision.close(store, supervision_id=issued.id, actor="li", clock=clock)
    assert [n["handled"] for n in _of(store, "li", "supervision_reply")] == [True]
    asked = extension_requests.request(
        store, task="T1", item=ITEM, requested_due="2017-08-20", reason="雨季停工", actor="zhang", clock=clock
    )
    assert [n["handled"] for n in _of(store, "li", "extension_request")] == [False]
    clock.at = at("2017-07-21T13:00")
    extension_requests.decide(store, request_id=asked.id, approve=True, actor="li", clock=clock)
    assert [n["handled"] for n in _of(store, "li", "extension_request")] == [True]
