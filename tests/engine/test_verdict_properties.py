"""Property: over a simulated summer of random fires and reports (some with back-dated activity dates), the sweep
never sends an overdue notice or an escalation for a milestone that status calls on time, late or void (only
for missed ones), never a reminder for one that is not open, and ``overdue`` never exceeds a task's items."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engine.dates.clock import FixedClock
from engine.errors import QingdanError
from engine.kinds import Verdict
from engine.pluginmanager import get_plugin_manager
from engine.queries.status import checklist_status
from engine.reminders.sweep import run_pass
from engine.runtime.fire import fire
from engine.runtime.loader import load
from engine.runtime.progress import report
from engine.store.tables import notices
from tests.engine.test_properties import _renamed
from tests.engine.test_sweep import year_list
from tests.plugins.conftest import AWARD

PLUGINS = get_plugin_manager()
ZONE = dt.timezone(dt.timedelta(hours=8))
START, END = dt.date(2017, 6, 1), dt.date(2017, 8, 31)
T1_ITEMS = ("林农镇玉城村", "八角镇人民村", "茶亭燕来村")
T1_MOVES = (("approve_plan", "li"), ("open_tender", "zhang"), ("award", "zhang"), ("finish", "zhang"))
T6_MOVES = (("script_done", "zhang"), ("cast_done", "zhang"), ("premiere", "zhang"))

actions = st.lists(
    st.one_of(
        st.tuples(st.just("t1"), st.integers(0, (END - START).days), st.sampled_from(T1_ITEMS), st.integers(0, 3)),
        st.tuples(st.just("t6"), st.integers(0, (END - START).days), st.just(None), st.integers(0, 2)),
        st.tuples(st.just("visit"), st.integers(0, (END - START).days), st.sampled_from(("一组王家", "二组李家")), st.integers(0, 6)),
    ),
    min_size=1,
    max_size=14,
)


@pytest.mark.slow
def test_notices_agree_with_status(store, steps):
    base = year_list(steps)
    checked = {"notices": 0}

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(script=actions)
    def run(script):
        checklist_id = f"vp-{uuid.uuid4().hex[:12]}"
        definition = _renamed(base, checklist_id)
        load(store, [definition], clock=FixedClock(dt.datetime.combine(START, dt.time(8), ZONE)))
        by_day: dict[int, list] = {}
        for entry in script:
            by_day.setdefault(entry[1], []).append(entry)
        day = START
        while day <= END:
            moment = dt.datetime.combine(day, dt.time(9, 5), ZONE)
            passed = run_pass(store, FixedClock(moment))
            _check(store, checklist_id, moment, passed, checked)
            for kind, _, item, choice in by_day.get((day - START).days, ()):
                _act(store, checklist_id, dt.datetime.combine(day, dt.time(10), ZONE), kind, item, choice, day)
            day += dt.timedelta(days=1)

    run()
    assert checked["notices"] > 0  # the summers did send notices to check


def _act(store, checklist_id, when, kind, item, choice, day):
    clock = FixedClock(when)
    try:
        if kind == "t1":
            trigger, actor = T1_MOVES[choice]
            fire(
                store,
                task="T1",
                item=item,
                trigger=trigger,
                actor=actor,
                clock=clock,
                plugins=PLUGINS,
                checklist=checklist_id,
                data=AWARD if trigger == "award" else None,
            )
        elif kind == "t6":
            trigger, actor = T6_MOVES[choice]
            fire(store, task="T6", item=None, trigger=trigger, actor=actor, clock=clock, plugins=PLUGINS, checklist=checklist_id)
        else:
            report(
                store,
                task="T10",
                amount="1",
                item=item,
                actor="zhang",
                clock=clock,
                checklist=checklist_id,
                on=day - dt.timedelta(days=choice),
            )
        note(f"{when:%m-%d} {kind} {item} {choice}")
    except QingdanError as refused:
        note(f"{when:%m-%d} {kind} {item} {choice} refused: {str(refused)[:50]}")


def _check(store, checklist_id, moment, passed, checked):
    mine = [n for n in passed.notices if n.checklist == checklist_id]
    status = checklist_status(store, checklist_id, FixedClock(moment), PLUGINS)
    for task in status.tasks:
        assert task.overdue <= max(task.items, 1), (task.id, task.overdue, task.items)
    if not mine:
        return
    judged = {task.id: task.judged for task in status.tasks}
    with store.read() as conn:
        rows = conn.execute(select(notices).where(notices.c.id.in_([n.id for n in mine]))).mappings().all()
    for row in rows:
        task = next(t for t in status.tasks if judged[t.id] is not None and _row_task(store, row["task_id"]) == t.id)
        verdicts = [
            m.verdict.verdict
            for item in judged[task.id].items
            if item.item_id == row["item_id"] or task.kind == "target"
            for m in item.milestones
            if (m.milestone, m.period_start, m.item_deadline_id) == (row["milestone"], row["period_start"], row["item_deadline_id"])
            and m.due == row["due_date"]
        ]
        wanted = Verdict.OPEN if row["kind"] == "reminder" else Verdict.MISSED
        assert verdicts == [wanted], (row["kind"], task.id, row["item_id"], row["milestone"], row["period_start"], verdicts)
        checked["notices"] += 1


_TASK_KEYS: dict = {}


def _row_task(store, task_row_id: int) -> str:
    key = (id(store), task_row_id)  # row ids repeat across the two databases
    if key not in _TASK_KEYS:
        from engine.store.tables import tasks

        with store.read() as conn:
            _TASK_KEYS[key] = conn.execute(select(tasks.c.key).where(tasks.c.id == task_row_id)).scalar_one()
    return _TASK_KEYS[key]
