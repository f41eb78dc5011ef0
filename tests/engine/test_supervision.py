"""督办单: issuing, replying with evidence, closing, escalation of an unanswered one exactly once, who may act,
and what waits on whom (``awaiting``)."""

import datetime as dt
import io
import json

import pytest
from sqlalchemy import select

from engine.dates.clock import FixedClock
from engine.errors import Conflict, InputError, NotPermitted
from engine.reminders.sweep import run_pass
from engine.runtime import supervision
from engine.runtime.evidence import intake
from engine.store.tables import events, notices, supervisions
from tests.conftest import at


def _issue(store, clock, **overrides):
    values = dict(
        task="T1", item="林农镇玉城村", colour="red", instruction="限期完成施工招标", reply_by="2017-03-03", actor="li", clock=clock
    )
    values.update(overrides)
    return supervision.issue(store, **values)


def _notices(store, kind):
    with store.read() as conn:
        return conn.execute(select(notices.c.recipient, notices.c.subject, notices.c.text).where(notices.c.kind == kind)).all()


def _events(store, kind):
    with store.read() as conn:
        return conn.execute(select(events).where(events.c.kind == kind)).mappings().all()


def test_issue_tells_the_responsible_person_and_is_audited(store, clock, yanting):
    issued = _issue(store, clock)
    assert issued.item == "林农镇玉城村" and issued.reply_by == dt.date(2017, 3, 3)
    told = _notices(store, "supervision")
    assert [r.recipient for r in told] == ["zhang"]
    assert "红色督办" in told[0].text and "限期完成施工招标" in told[0].text and "2017-03-03" in told[0].text
    event = _events(store, "supervision")[0]
    assert event["actor"] == "li" and event["task_key"] == "T1" and event["note"] == "限期完成施工招标"
    assert json.loads(event["data"])["colour"] == "red"
    waiting = supervision.awaiting(store, "zhang", dt.date(2017, 3, 1))
    assert [(w.kind, w.task, w.item, w.due, w.colour) for w in waiting] == [("reply", "T1", "林农镇玉城村", dt.date(2017, 3, 3), "red")]
    assert supervision.awaiting(store, "li", dt.date(2017, 3, 1)) == []


def test_whole_task_notice_by_a_head(store, clock, yanting):
    issued = _issue(store, clock, item=None, actor="wang", colour="yellow", task="T3")
    assert issued.item is None
    assert [(w.kind, w.item) for w in supervision.awaiting(store, "chen", dt.date(2017, 3, 1))] == [("reply", None)]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"colour": "green"}, "colour"),
        ({"instruction": "  "}, "instruction"),
        ({"reply_by": "2017-02-30"}, "reply_by"),
        ({"reply_by": "三月三日"}, "reply_by"),
        ({"reply_by": "2017-02-28"}, "reply_by"),
    ],
)
def test_bad_input_is_refused_naming_the_field(store, clock, yanting, overrides, field):
    with pytest.raises(InputError) as caught:
        _issue(store, clock, **overrides)
    assert caught.value.field == field
    assert _events(store, "supervision") == []


@pytest.mark.parametrize("actor", ["zhang", "chen", "zhao"])
def test_only_the_leader_or_a_head_may_issue(store, clock, yanting, actor):
    with pytest.raises(NotPermitted, match="只有分管领导、主要负责人可以"):
        _issue(store, clock, actor=actor)


def test_reply_with_evidence_tells_the_issuer_and_closing_ends_it(store, clock, yanting):
    issued = _issue(store, clock)
    with pytest.raises(NotPermitted):
        supervision.may_answer(store, issued.id, "chen")
    supervision.may_answer(store, issued.id, "zhang")
    with intake(store, "yanting-wenguang-2017") as taking:
        photo = taking.add("现场.png", io.BytesIO(b"\x89PNG fake"))
        supervision.reply(store, supervision_id=issued.id, text="已开标,预计下周定标", actor="zhang", clock=clock, evidence=[photo])
    told = _notices(store, "supervision_reply")
    assert [r.recipient for r in told] == ["li"] and "已开标" in told[0].text
    reply_event = _events(store, "supervision_reply")[0]
    assert json.loads(reply_event["data"])["evidence"][0]["name"] == "现场.png"
    assert supervision.awaiting(store, "zhang", dt.date(2017, 3, 1)) == []
    assert [w.kind for w in supervision.awaiting(store, "li", dt.date(2017, 3, 1))] == ["read_reply"]
    with pytest.raises(NotPermitted):
        supervision.close(store, supervision_id=issued.id, actor="zhang", clock=clock)
    supervision.close(store, supervision_id=issued.id, actor="li", clock=clock)
    assert supervision.awaiting(store, "li", dt.date(2017, 3, 1)) == []
    with pytest.raises(Conflict):
        supervision.reply(store, supervision_id=issued.id, text="补充", actor="zhang", clock=clock)


def test_an_unanswered_notice_escalates_once(store, clock, yanting):
    issued = _issue(store, clock)
    assert run_pass(store, FixedClock(at("2017-03-03T23:59"))).supervisions_escalated == 0  # still the reply day
    first = run_pass(store, FixedClock(at("2017-03-04T00:30")))  # the next day in Shanghai, still 03-03 in UTC
    again = run_pass(store, FixedClock(at("2017-03-05T08:00")))
    assert (first.supervisions_escalated, again.supervisions_escalated) == (1, 0)
    told = sorted(r.recipient for r in _notices(store, "supervision_overdue"))
    assert told == ["li", "wang"]  # the issuer, then the chain (leader, head), each once
    assert len(_events(store, "supervision_escalated")) == 1
    with store.read() as conn:
        assert conn.execute(select(supervisions.c.escalated_at).where(supervisions.c.id == issued.id)).scalar() is not None


def test_an_answered_notice_does_not_escalate(store, clock, yanting):
    issued = _issue(store, clock)
    supervision.reply(store, supervision_id=issued.id, text="正在推进", actor="zhang", clock=clock)
    assert run_pass(store, FixedClock(at("2017-03-10T08:00"))).supervisions_escalated == 0
    assert _notices(store, "supervision_overdue") == []


def test_audit_verify_passes_with_supervision_events(store, clock, yanting):
    from engine.runtime.audit import verify

    issued = _issue(store, clock)
    supervision.reply(store, supervision_id=issued.id, text="正在推进", actor="zhang", clock=clock)
    supervision.close(store, supervision_id=issued.id, actor="wang", clock=clock)
    with store.read() as conn:
        result = verify(conn)
    assert result.ok, result


def test_audit_replay_reports_an_edited_supervision_row(store, clock, yanting):
    from sqlalchemy import update

    from engine.runtime.audit import verify

    issued = _issue(store, clock)
    with store.write() as conn:
        conn.execute(update(supervisions).where(supervisions.c.id == issued.id).values(colour="blue", reply_by=dt.date(2017, 3, 9)))
    with store.read() as conn:
        result = verify(conn)
    assert not result.ok
    assert any("督办单 1(任务 T1) 的 颜色 是 blue,审计记录中是 red" in d for d in result.differences), result.differences
    assert any("回复期限" in d for d in result.differences)


def test_audit_replay_reports_an_edited_extension_decision(store, clock, yanting):
    from sqlalchemy import update

    from engine.runtime import extension_requests as ext
    from engine.runtime.audit import verify
    from engine.store.tables import extension_requests

    asked = ext.request(store, task="T1", item="林农镇玉城村", requested_due="2017-07-31", reason="流标", actor="zhang", clock=clock)
    ext.decide(store, request_id=asked.id, approve=False, actor="li", clock=clock, note="不同意")
    with store.write() as conn:
        conn.execute(update(extension_requests).values(decision="approved"))
    with store.read() as conn:
        result = verify(conn)
    assert any("延期申请 1 是 approved/2017-07-31,审计记录中是 refused/2017-07-31" in d for d in result.differences), result.differences
