"""The verdict table: scripted scenarios whose milestone verdicts must read the same in ``qingdan status --json``,
the status API, the board, the task page, ``qingdan history`` and the sweep's notices — on both databases.

Scenarios (Yanting list plus a monthly visiting duty), entered in the order they happen:
- on time: 玉城村 reaches 施工中 on 06-10 (due 07-20);
- rectified: 玉城村 fails inspection on 06-20, is re-inspected and accepted on 06-26, inside its rectification period;
- moot derived deadline: its award (notice 06-19) derived a contract deadline (07-19) never met: void once accepted;
- one day late: 人民村 reaches 施工中 on 07-21 (due 07-20);
- missed then done: T6 正式上演 due 07-01, reached 07-21: late by 20 days, for good;
- recurring period credited by activity date: the visit to 一组王家 made 01-31 and entered 02-01 counts for January.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from engine.dates.clock import FixedClock
from engine.queries.status import checklist_status
from engine.reminders.sweep import run_pass
from engine.runtime.fire import fire
from engine.runtime.loader import load
from engine.runtime.progress import report
from engine.store.tables import notices
from tests.conftest import at
from tests.engine.test_sweep import year_list
from tests.plugins.conftest import AWARD, PASSING

CHECKLIST = "yanting-wenguang-2017"
A, B = "林农镇玉城村", "八角镇人民村"
ZONE = dt.timezone(dt.timedelta(hours=8))
FAILING = dict(PASSING, 文化广场面积="180")
AWARD_B = dict(AWARD, publicity="2017-07-14", award_notice="2017-07-20")  # its contract is due 08-19: still open


def _checks(values):
    return [arg for name, value in values.items() for arg in ("--check", f"{name}={value}")]


class Timeline:
    """Runs the sweep at 09:05 every day up to each entry, so the audit chain only moves forward."""

    def __init__(self, store):
        self.store, self.next_day = store, dt.date(2017, 1, 1)

    def until(self, moment: dt.datetime):
        while dt.datetime.combine(self.next_day, dt.time(9, 5), ZONE) < moment:
            run_pass(self.store, FixedClock(dt.datetime.combine(self.next_day, dt.time(9, 5), ZONE)))
            self.next_day += dt.timedelta(days=1)


@pytest.fixture
def scripted(store, steps, plugins, qingdan):
    load(store, [year_list(steps)], clock=FixedClock(at("2017-01-01T08:00")))
    time = Timeline(store)

    def fire_at(when, item, task, *moves):
        time.until(at(when))
        for trigger, actor, *data in moves:
            fire(
                store,
                task=task,
                item=item,
                trigger=trigger,
                actor=actor,
                clock=FixedClock(at(when)),
                plugins=plugins,
                data=data[0] if data else None,
            )

    def inspect(when, values):
        time.until(at(when))
        done = qingdan("inspect", "T1", A, "--as", "zhao", *_checks(values), now=when)
        assert done.returncode == 0, done.stderr

    time.until(at("2017-02-01T08:30"))
    report(store, task="T10", amount="1", item="一组王家", actor="zhang", clock=FixedClock(at("2017-02-01T08:30")), on="2017-01-31")
    fire_at("2017-06-10T10:00", A, "T1", ("approve_plan", "li"), ("open_tender", "zhang"))
    fire_at("2017-06-20T10:00", A, "T1", ("award", "zhang", AWARD), ("finish", "zhang"), ("request_inspection", "zhang"))
    inspect("2017-06-20T15:00", FAILING)
    fire_at("2017-06-26T10:00", A, "T1", ("request_inspection", "zhang"))
    inspect("2017-06-26T15:00", PASSING)
    fire_at("2017-07-21T08:30", B, "T1", ("approve_plan", "li"), ("open_tender", "zhang"), ("award", "zhang", AWARD_B))
    fire_at("2017-07-21T08:40", None, "T6", ("script_done", "zhang"), ("cast_done", "zhang"), ("premiere", "zhang"))
    time.until(at("2017-07-25T10:00"))
    return store


def _milestones(task_json):
    return {
        m["state"] or m.get("period_start"): {k: v for k, v in m.items() if k not in ("state", "due", "period_start") and v}
        for m in task_json["milestones"]
    }


def test_the_same_verdicts_everywhere(scripted, plugins, qingdan, tmp_path):
    store = scripted
    now = "2017-07-25T10:00"
    engine_json = checklist_status(store, CHECKLIST, FixedClock(at(now)), plugins).as_json()
    cli = qingdan("status", CHECKLIST, "--json", now=now)
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout) == engine_json
    tasks = {t["id"]: t for t in engine_json["tasks"]}

    # T1: on time, one day late, nine missed; 玉城村 accepted, so its later milestones are met on time
    t1 = tasks["T1"]
    assert _milestones(t1) == {
        "building": {"on_time": 1, "late": 1, "missed": 9},
        "completed": {"on_time": 1, "open": 10},
        "accepted": {"on_time": 1, "open": 10},
    }
    assert t1["overdue"] == 9 <= t1["items"] == 11
    assert t1["on_time_rate"] == pytest.approx(3 / 13, abs=1e-4)  # 3 on time of 13 due: building ×11, completed and accepted of 玉城村
    # T6: missed then done is late for good; the light is done, not green history
    t6 = tasks["T6"]
    assert _milestones(t6) == {"premiered": {"late": 1}} and t6["overdue"] == 0 and t6["light"] == "done"
    assert t6["on_time_rate"] == 0
    # T10: January credited by the activity date; 二组李家 missed January; February to June missed by both
    t10 = tasks["T10"]
    months = _milestones(t10)
    assert months["2017-01-01"] == {"on_time": 1, "missed": 1}
    assert all(months[f"2017-{m:02d}-01"] == {"missed": 2} for m in range(2, 7))
    assert months["2017-07-01"] == {"open": 2} and t10["overdue"] == 2

    # the API is the same document
    from engine.accounts import create_account, issue_token
    from web import create_app

    create_account(store, "head", "head", clock=FixedClock(at(now)), password="correct-horse-1", people=[(CHECKLIST, "wang")])
    token = issue_token(store, "head", clock=FixedClock(at(now)))
    app = create_app(
        {
            "TESTING": True,
            "STORE": store,
            "CLOCK": FixedClock(at(now)),
            "PLUGINS": plugins,
            "SECRET_KEY": "t",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    api = client.get(f"/api/checklists/{CHECKLIST}/status", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.get_json() == engine_json

    # the board's timeline and the task pages say the same in words
    assert client.post("/login", data={"account": "head", "password": "correct-horse-1"}).status_code == 302
    board = client.get(f"/board/{CHECKLIST}").get_data(as_text=True)
    assert "T6 正式上演 2017-07-01 · 逾期完成(晚 20 天)" in board
    assert "T1 施工中 2017-07-20 · 已逾期" in board
    t6_page = client.get(f"/board/{CHECKLIST}/tasks/T6").get_data(as_text=True)
    assert "正式上演 2017-07-01 · 逾期完成(晚 20 天)" in t6_page and "正式上演 2017-07-01 ✓" not in t6_page
    t1_page = client.get(f"/board/{CHECKLIST}/tasks/T1").get_data(as_text=True)
    row_a = re.sub(r"<[^>]+>", "", _item_row(t1_page, A))  # the words, without the markup that keeps a date whole
    assert "施工中 2017-07-20 ✓" in row_a and "不再需要" in row_a and "已逾期" not in row_a
    row_b = re.sub(r"<[^>]+>", "", _item_row(t1_page, B))
    assert "施工中 2017-07-20 · 逾期完成(晚 1 天)" in row_b

    # history marks the late transition
    history = qingdan("history", "T6", now=now)
    assert history.returncode == 0 and "正式上演 2017-07-01 逾期完成(晚 20 天)" in history.stdout

    # the sweep: no overdue notice for what status calls on time, late or void; one for each missed item
    with store.read() as conn:
        sent = conn.execute(
            select(
                notices.c.kind, notices.c.milestone, notices.c.item_deadline_id, notices.c.item_id, notices.c.due_date, notices.c.recipient
            ).where(notices.c.kind == "overdue")
        ).all()
    from engine.store.tables import items

    with store.read() as conn:
        names = dict(conn.execute(select(items.c.id, items.c.name)).all())
    building = {names[n.item_id] for n in sent if n.milestone == "building"}
    assert A not in building and B not in building and len(building) == 9
    assert not [n for n in sent if n.item_deadline_id is not None]  # the contract (void) and rectification (on time)
    january = {names[n.item_id] for n in sent if n.due_date == dt.date(2017, 1, 31)}
    assert january == {"二组李家"}


def _item_row(page: str, item: str) -> str:
    found = re.search(r"<tr[^>]*>(?:(?!</tr>).)*" + re.escape(item) + r"(?:(?!</tr>).)*</tr>", page, re.S)
    assert found, f"no row for {item}"
    return found.group(0)


def test_a_state_named_with_an_at_sign_is_judged_like_any_other(store, steps, plugins):
    """Rule and deadline keys used to be strings like ``"{state}@{date}"``, split again in several places: a state
    named ``plan@v2`` reached on time was green on the board and still sent an overdue notice."""
    from engine.definition.validation import validate_text
    from tests.conftest import YANTING

    text = YANTING.read_text(encoding="utf-8").replace("building", "plan@v2")
    checked = validate_text(text, "y.yaml", steps)
    assert checked.ok, [p.format() for p in checked.errors]
    load(store, [checked.definition], clock=FixedClock(at("2017-06-01T08:00")))
    time = Timeline(store)
    time.next_day = dt.date(2017, 6, 1)
    time.until(at("2017-07-10T10:00"))
    for trigger, actor, data in (("approve_plan", "li", None), ("open_tender", "zhang", None), ("award", "zhang", AWARD)):
        fire(store, task="T1", item=A, trigger=trigger, actor=actor, clock=FixedClock(at("2017-07-10T10:00")), plugins=plugins, data=data)
    time.until(at("2017-08-10T10:00"))
    t1 = next(
        t for t in checklist_status(store, CHECKLIST, FixedClock(at("2017-08-10T10:00")), plugins).as_json()["tasks"] if t["id"] == "T1"
    )
    assert _milestones(t1)["plan@v2"] == {"on_time": 1, "missed": 10}
    with store.read() as conn:
        from engine.store.tables import items

        a_id = conn.execute(select(items.c.id).where(items.c.name == A)).scalar_one()
        about_a = conn.execute(select(notices.c.kind).where(notices.c.item_id == a_id, notices.c.milestone == "plan@v2")).scalars().all()
        overdue = conn.execute(select(notices.c.item_id).where(notices.c.kind == "overdue", notices.c.milestone == "plan@v2")).all()
    assert "overdue" not in about_a and "escalation" not in about_a
    assert len(overdue) == 10


def test_a_milestone_on_the_initial_state_is_reached_when_loaded(store, steps, plugins):
    from engine.definition.validation import validate_text
    from tests.conftest import YANTING

    text = YANTING.read_text(encoding="utf-8").replace(
        "      building: 2017-07-20\n", "      planning: 2017-03-10\n      building: 2017-07-20\n"
    )
    checked = validate_text(text, "y.yaml", steps)
    load(store, [checked.definition], clock=FixedClock(at("2017-03-01T10:00")))
    t1 = next(
        t for t in checklist_status(store, CHECKLIST, FixedClock(at("2017-04-01T10:00")), plugins).as_json()["tasks"] if t["id"] == "T1"
    )
    assert _milestones(t1)["planning"] == {"on_time": 11} and t1["overdue"] == 0
