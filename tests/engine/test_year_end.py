"""Year end: a closed list refuses every write with one sentence, sends no notices, is still read and exported;
next year's list is written from it with dates moved onto working days and no progress."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from engine.dates.clock import FixedClock
from engine.definition.validation import validate_text
from engine.definition.yearcopy import copy_to_year
from engine.errors import ListClosed, NotPermitted
from engine.queries.status import checklist_status
from engine.reminders.sweep import run_pass
from engine.runtime import closing, extension_requests, progress, stepdata, supervision
from engine.runtime.fire import fire
from engine.runtime.loader import load
from engine.store.tables import checklists, events, notices
from engine.store.tables import progress as progress_table
from tests.conftest import CHECKLISTS, YANTING, at, definition_of

CLOSED = r"已于 2017-12-29 归档:只能查看和导出"


@pytest.fixture
def closed(store, yanting):
    """Yanting 2017, with a supervision notice open, closed by its head on the last working day of the year."""
    supervision.issue(
        store,
        task="T1",
        item="林农镇玉城村",
        colour="red",
        instruction="限期完成施工招标",
        reply_by="2017-03-03",
        actor="li",
        clock=FixedClock(at("2017-03-01T10:00")),
    )
    closing.close(store, "yanting-wenguang-2017", actor="wang", clock=FixedClock(at("2017-12-29T17:00")), note="年终归档")
    return yanting


LATER = FixedClock(at("2017-12-30T09:00"))


def _writes(store, plugins, steps):
    from plugins.acceptance import record as inspect
    from plugins.funds import record as funds_record

    changed = YANTING.read_text(encoding="utf-8").replace("全年完成全县农村放映公益电影", "全年完成全县农村放映公益电影(调整)")
    reloaded = validate_text(changed, "changed.yaml", steps)
    assert reloaded.ok
    return {
        "fire": lambda: fire(store, task="T1", item="林农镇玉城村", trigger="approve_plan", actor="li", clock=LATER, plugins=plugins),
        "report": lambda: progress.report(store, task="T5", amount="1", actor="zhang", clock=LATER),
        "correct": lambda: progress.correct(store, task="T5", entry=1, actor="zhang", clock=LATER),
        "record": lambda: stepdata.record(
            store, task="T1", item="林农镇玉城村", data={"announced": "2017-12-01"}, actor="zhang", clock=LATER, plugins=plugins
        ),
        "inspect": lambda: inspect(
            store, task="T1", item="林农镇玉城村", inspector="zhao", values={"篮球场": "1"}, clock=LATER, plugins=plugins
        ),
        "funds": lambda: funds_record(
            store, task="T8", action="spend", amount="1", on_date="2017-12-29", document="盐财[2017]9号", actor="he", clock=LATER
        ),
        "supervise": lambda: supervision.issue(
            store, task="T3", item=None, colour="yellow", instruction="加快进度", reply_by="2018-01-05", actor="wang", clock=LATER
        ),
        "reply": lambda: supervision.reply(store, supervision_id=1, text="已开标", actor="zhang", clock=LATER),
        "extension": lambda: extension_requests.request(
            store, task="T1", item="林农镇玉城村", requested_due="2018-03-01", reason="雨季", actor="zhang", clock=LATER
        ),
        "transfer": lambda: _transfer(store),
        "load": lambda: load(store, [reloaded.definition], clock=LATER),
    }


def _transfer(store):
    transfer = pytest.importorskip("engine.runtime.transfer").transfer  # item transfers land beside this
    return transfer(store, task="T1", item="林农镇玉城村", to="he", actor="li", clock=LATER)


WRITES = ["fire", "report", "correct", "record", "inspect", "funds", "supervise", "reply", "extension", "transfer", "load"]


@pytest.mark.parametrize("write", WRITES)
def test_a_closed_list_refuses_every_write_with_one_sentence(store, closed, plugins, steps, write):
    before = _counts(store)
    with pytest.raises(ListClosed, match=CLOSED) as refused:
        _writes(store, plugins, steps)[write]()
    assert "qingdan close yanting-wenguang-2017 --reopen" in str(refused.value)
    assert _counts(store) == before  # nothing written


def _counts(store):
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(events)).scalar(), conn.execute(
            select(func.count()).select_from(progress_table)
        ).scalar()


def test_closing_is_recorded_and_reopening_allows_writes_again(store, closed, plugins):
    with store.read() as conn:
        row = conn.execute(select(checklists.c.closed_at, checklists.c.closed_by)).one()
        event = conn.execute(select(events).where(events.c.kind == "close")).mappings().one()
    assert row.closed_by == "wang" and row.closed_at == at("2017-12-29T17:00")
    assert event["actor"] == "wang" and event["note"] == "年终归档"
    with pytest.raises(ListClosed, match="已于 2017-12-29 归档"):  # closing twice says it is closed already
        closing.close(store, "yanting-wenguang-2017", actor="admin", clock=LATER)
    closing.close(store, "yanting-wenguang-2017", actor="admin", clock=LATER, reopen=True)
    assert progress.report(store, task="T5", amount="1", actor="zhang", clock=FixedClock(at("2017-12-30T10:00"))).total == 1
    with pytest.raises(ListClosed, match="没有归档"):
        closing.close(store, "yanting-wenguang-2017", actor="admin", clock=FixedClock(at("2017-12-30T11:00")), reopen=True)


@pytest.mark.parametrize("actor", ["li", "zhang", "zhao", "nobody"])
def test_only_the_administrator_or_a_head_may_close(store, yanting, actor):
    with pytest.raises(NotPermitted, match="只有管理员或主要负责人可以"):
        closing.close(store, "yanting-wenguang-2017", actor=actor, clock=LATER)


def test_a_closed_list_sends_no_notices_and_escalates_nothing(store, closed):
    passed = run_pass(store, FixedClock(at("2017-12-31T09:05")))  # every deadline of 2017 is behind: a year of rows due
    assert passed.rows > 0 and passed.notices == [] and passed.supervisions_escalated == 0
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(notices)).scalar() == 1  # the supervision's own, from March
    # reopened, it does not send the year's stale rows at once: they were handled while it was closed
    closing.close(store, "yanting-wenguang-2017", actor="admin", clock=FixedClock(at("2018-01-02T09:00")), reopen=True)
    again = run_pass(store, FixedClock(at("2018-01-02T09:05")))
    assert again.notices == []
    assert again.supervisions_escalated == 1  # an open 督办单 unanswered past its date escalates once it is open again


def test_a_closed_list_is_still_read(store, closed, plugins):
    status = checklist_status(store, "yanting-wenguang-2017", FixedClock(at("2017-12-30T09:00")), plugins)
    assert len(status.tasks) == 8


# ---------------------------------------------------------------- next year's list


SHIPPED = sorted(CHECKLISTS.glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_list_copies_to_next_year_validates_and_loads_without_progress(store, steps, plugins, path):
    source = definition_of(path, steps)
    made = copy_to_year(source, source.year + 1)
    checked = validate_text(made.text, "next.yaml", steps)
    assert checked.ok, [p.format() for p in checked.errors]
    copy = checked.definition
    assert copy.year == source.year + 1 and str(source.year + 1) in copy.id and str(source.year) not in copy.id
    assert [t.id for t in copy.tasks] == [t.id for t in source.tasks]
    assert [[i.name if hasattr(i, "name") else i for i in t.items] for t in copy.tasks] == [
        [i.name if hasattr(i, "name") else i for i in t.items] for t in source.tasks
    ]
    assert copy.people.keys() == source.people.keys() and copy.workflows.keys() == source.workflows.keys()
    calendar = copy.calendar
    for old, new in zip(source.tasks, copy.tasks, strict=True):
        assert old.deadlines.keys() == new.deadlines.keys()
        for state, due in new.deadlines.items():
            assert due.year == old.deadlines[state].year + 1 and calendar.is_workday(due), (new.id, state, due)
            assert due <= old.deadlines[state].replace(year=due.year)  # never later than the same day
    clock = FixedClock(dt.datetime.combine(dt.date(copy.year, 1, 2), dt.time(9), at("2017-01-01").tzinfo))
    (report,) = load(store, [copy], clock=clock)
    assert report.action == "created"
    status = checklist_status(store, copy.id, clock, plugins)
    for task in status.tasks:  # no progress carried: every item where the workflow starts, nothing reported
        if task.kind == "workflow":
            initial = copy.workflows[copy.task_by_id[task.id].workflow].initial
            assert set(task.states) <= {initial} or not any(n for s, n in task.states.items() if s != initial), task
        else:
            assert task.done == 0, task


def test_a_date_on_a_holiday_moves_back_to_the_working_day_before(steps):
    # 2017-10-02 was itself a holiday; 2018-10-02 is in the 国庆 holiday: the day before it that is worked is
    # Sunday 2018-09-30, a make-up working day (调休), not Friday 09-28
    text = YANTING.read_text(encoding="utf-8").replace("deadlines: {done: 2017-11-30}", "deadlines: {done: 2017-10-02}")
    source = validate_text(text, "holiday.yaml", steps).definition
    made = copy_to_year(source, 2018)
    assert (dt.date(2017, 10, 2), dt.date(2018, 10, 2), dt.date(2018, 9, 30)) in made.moved
    assert (dt.date(2017, 7, 1), dt.date(2018, 7, 1), dt.date(2018, 6, 29)) in made.moved  # a Sunday → the Friday
    copy = validate_text(made.text, "next.yaml", steps).definition
    assert copy.task_by_id["T4"].deadlines["done"] == dt.date(2018, 9, 30)
    assert copy.task_by_id["T1"].deadlines["building"] == dt.date(2018, 7, 20)  # a working day stays as it is
    assert "盐亭县文化广电旅游局2018年脱贫攻坚工作任务清单" in made.text  # readable Chinese, the year in the title


def test_copy_refuses_a_year_not_later(steps):
    from engine.errors import InputError

    with pytest.raises(InputError, match="应晚于"):
        copy_to_year(definition_of(YANTING, steps), 2017)


def test_nothing_waits_for_inspection_on_a_closed_list(store, yanting, clock, plugins):
    from engine.queries.listings import items_in_step
    from tests.plugins.conftest import to_inspecting

    to_inspecting(store, clock, plugins)
    assert [view.name for _, view in items_in_step(store, yanting, "acceptance")] == ["林农镇玉城村"]
    closing.close(store, yanting.id, actor="wang", clock=FixedClock(at("2017-12-29T17:00")))
    assert items_in_step(store, yanting, "acceptance") == []  # the inspector's queue forgets a closed list
