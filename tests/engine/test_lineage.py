"""Lists across levels, three deep (county → town → village), on both databases: what one file may say, what two
lists must agree on at load, the refusal of work on an assigned task, and the roll-up at every level."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml

from engine.definition.validation import validate_text
from engine.errors import InputError, QingdanError
from engine.queries.status import checklist_status
from engine.queries.status_cache import StatusCache
from engine.runtime.loader import load
from engine.runtime.progress import report
from engine.store.tables import schedule
from tests.conftest import at

WORKFLOW = {
    "title": "项目",
    "initial": "planned",
    "states": {"planned": {"label": "计划"}, "started": {"label": "开工"}, "done": {"label": "完成", "final": True}},
    "transitions": [{"trigger": "start", "from": "planned", "to": "started"}, {"trigger": "finish", "from": "started", "to": "done"}],
}


def a_list(list_id, title, people, tasks, kind=None):
    header = {"id": list_id, "title": title, "year": 2017, **({"kind": kind} if kind else {})}
    unit = {"u": {"name": title + "办"}}
    return {
        "checklist": header,
        "units": unit,
        "people": {pid: {"name": name, "roles": roles, "unit": "u"} for pid, (name, roles) in people.items()},
        "workflows": {"project": WORKFLOW},
        "tasks": [{"unit": "u", **task} for task in tasks],
    }


def county(quotas=(("town-a", 400), ("town-b", 600)), villages=(("town-a", ["村A", "村B"]), ("town-b", ["村C"])), target=None):
    return a_list(
        "county",
        "县清单",
        {"wang": ("王科长", ["staff"]), "zhao": ("赵县长", ["leader", "head"])},
        [
            {
                "id": "C3",
                "title": "送戏下乡",
                "responsible": "wang",
                "leader": "zhao",
                "target": {"quantity": target or sum(q for _, q in quotas), "unit": "场"},
                "deadlines": {"done": "2017-11-30"},
                "assign": [{"to": to, "quantity": q} for to, q in quotas],
            },
            {
                "id": "W1",
                "title": "文化广场",
                "responsible": "wang",
                "leader": "zhao",
                "workflow": "project",
                "items": ["村A", "村B", "村C"],
                "deadlines": {"started": "2017-06-30", "done": "2017-10-31"},
                "assign": [{"to": to, "items": list(names)} for to, names in villages],
            },
        ],
    )


def town(list_id, quota, villages, due="2017-11-15", assign=None):
    people = {f"s-{list_id}": ("书记" + list_id[-1], ["head", "leader"]), f"c-{list_id}": ("干部" + list_id[-1], ["staff"])}
    people["zhao"] = ("赵县长", ["leader"])  # the county leader is named here too: one person, one name
    c3 = {
        "id": "T3",
        "title": "送戏下乡",
        "responsible": f"c-{list_id}",
        "leader": f"s-{list_id}",
        "fulfils": "county:C3",
        "target": {"quantity": quota, "unit": "场"},
        "deadlines": {"done": due},
        "escalate": [{"after": "5 workdays", "to": "parent:leader"}],
    }
    if assign:
        c3["assign"] = assign
    w1 = {
        "id": "T1",
        "title": "文化广场",
        "responsible": f"c-{list_id}",
        "leader": f"s-{list_id}",
        "workflow": "project",
        "fulfils": "county:W1",
        "items": villages,
        "deadlines": {"started": "2017-06-20", "done": "2017-10-31"},
    }
    return a_list(list_id, list_id + "镇", people, [c3, w1], kind="乡镇")


def village(list_id, parent, quota):
    return a_list(
        list_id,
        list_id + "村",
        {f"v-{list_id}": ("村主任" + list_id[-1], ["staff", "head"])},
        [
            {
                "id": "V3",
                "title": "送戏进村",
                "responsible": f"v-{list_id}",
                "leader": f"v-{list_id}",
                "fulfils": f"{parent}:T3",
                "target": {"quantity": quota, "unit": "场"},
                "deadlines": {"done": "2017-11-10"},
            }
        ],
        kind="村",
    )


def checked(data, steps, name="list.yaml"):
    text = re.sub(r"'(\d{4}-\d\d-\d\d)'", r"\1", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))  # dates, not text
    return validate_text(text, name, steps)


def compiled(data, steps):
    result = checked(data, steps)
    assert result.ok, [p.format() for p in result.errors]
    return result.definition


@pytest.fixture
def family(steps):
    """county (1000 = 400 + 600), town-a (its 400 split among two villages), town-b, village-1, village-2."""
    split = [{"to": "village-1", "quantity": 150}, {"to": "village-2", "quantity": 250}]
    return {
        "county": compiled(county(), steps),
        "town-a": compiled(town("town-a", 400, ["村A", "村B"], assign=split), steps),
        "town-b": compiled(town("town-b", 600, ["村C"]), steps),
        "village-1": compiled(village("village-1", "town-a", 150), steps),
        "village-2": compiled(village("village-2", "town-a", 250), steps),
    }


def test_one_file_says_what_its_quotas_and_items_must_be(steps):
    short = checked(county(quotas=(("town-a", 400), ("town-b", 500)), target=1000), steps)
    assert any("合计 900" in p.message and "还差 100" in p.message for p in short.errors)
    unassigned = checked(county(villages=(("town-a", ["村A"]), ("town-b", ["村C"]))), steps)
    assert any("没有分配" in p.message and "村B" in p.message for p in unassigned.errors)
    twice = checked(county(villages=(("town-a", ["村A", "村B"]), ("town-b", ["村B", "村C"]))), steps)
    assert any("已分配给 town-a" in p.message for p in twice.errors)
    data = town("town-a", 400, ["村A", "村B"])
    data["tasks"][0]["fulfils"] = "county"
    assert any("fulfils 应写成" in p.message for p in checked(data, steps).errors)
    data = town("town-a", 400, ["村A", "村B"])
    del data["tasks"][0]["fulfils"]
    assert any("不能升级到上级" in p.message for p in checked(data, steps).errors)


def test_two_lists_must_agree_whichever_arrives_first(store, clock, steps, family):
    first = load(store, [family["town-b"]], clock=clock)[0]
    assert any("county 还没有载入" in w for w in first.warnings)
    wrong = compiled(town("town-a", 450, ["村A", "村B"]), steps)
    load(store, [family["county"]], clock=clock)
    with pytest.raises(InputError) as refused:
        load(store, [wrong], clock=clock)
    assert "目标是 450" in str(refused.value) and "county" in str(refused.value) and "town-a" in str(refused.value)
    late = compiled(town("town-a", 400, ["村A", "村B"], due="2017-12-05"), steps)
    with pytest.raises(InputError, match="晚于 county 的任务 C3"):
        load(store, [late], clock=clock)
    other_items = compiled(town("town-a", 400, ["村A"]), steps)
    with pytest.raises(InputError, match="缺少 村B"):
        load(store, [other_items], clock=clock)
    # both sides moved at once (400 → 450, 600 → 550) load together, not one by one
    moved_county = compiled(county(quotas=(("town-a", 450), ("town-b", 550))), steps)
    moved_b = compiled(town("town-b", 550, ["村C"]), steps)
    with pytest.raises(InputError, match="一起载入"):
        load(store, [moved_county], clock=clock)
    plain_a = compiled(town("town-a", 450, ["村A", "村B"]), steps)
    reports = load(store, [moved_county, plain_a, moved_b], clock=clock)
    assert [r.action for r in reports] == ["updated", "created", "updated"]


def test_one_person_id_one_name_in_every_list(store, clock, steps, family):
    load(store, [family["county"]], clock=clock)
    renamed = town("town-b", 600, ["村C"])
    renamed["people"]["zhao"]["name"] = "赵镇长"
    with pytest.raises(InputError) as refused:
        load(store, [compiled(renamed, steps)], clock=clock)
    assert "“zhao”" in str(refused.value) and "county" in str(refused.value) and "town-b" in str(refused.value)


def test_an_assigned_task_takes_no_work_and_plans_no_reminders(store, clock, steps, family, plugins):
    load(store, list(family.values()), clock=clock)
    with pytest.raises(QingdanError, match="已分解到下级清单"):
        report(store, task="county:C3", amount="5", actor="wang", clock=clock)
    with pytest.raises(QingdanError, match="已分解到下级清单"):
        report(store, task="town-a:T3", amount="5", actor="c-town-a", clock=clock)
    from engine.runtime.fire import fire

    with pytest.raises(QingdanError, match="已分解到下级清单"):
        fire(store, task="county:W1", item="村A", trigger="start", actor="wang", clock=clock, plugins=plugins)
    with store.read() as conn:
        from sqlalchemy import select

        planned = {r.checklist_id for r in conn.execute(select(schedule.c.checklist_id).where(schedule.c.pending.is_(True)))}
    assert "village-1" in planned and "town-b" in planned
    with store.read() as conn:
        from sqlalchemy import func, select

        from engine.store.tables import tasks

        county_c3 = conn.execute(
            select(func.count()).select_from(schedule.join(tasks, tasks.c.id == schedule.c.task_id)).where(tasks.c.key == "C3")
        ).scalar()
    assert county_c3 == 0


def test_figures_roll_up_three_levels_at_every_step(store, clock, steps, family, plugins):
    load(store, [family["county"], family["town-b"], family["village-2"]], clock=clock)  # town-a and village-1 on their way
    status = checklist_status(store, "county", clock, plugins)
    c3 = next(t for t in status.tasks if t.id == "C3")
    assert (c3.done, c3.target) == (0, 1000)
    assert [(c.checklist, c.loaded, c.target) for c in c3.children] == [("town-a", False, 400), ("town-b", True, 600)]
    assert c3.children[0].light is None
    load(store, [family["town-a"], family["village-1"]], clock=clock)
    cache = StatusCache()
    expected = Decimal(0)
    for who, task, amount in [("v-village-1", "village-1:V3", 30), ("c-town-b", "town-b:T3", 100), ("v-village-2", "village-2:V3", 45)]:
        report(store, task=task, amount=str(amount), actor=who, clock=clock)
        expected += amount
        status = cache.status(store, "county", clock, plugins).status
        c3 = next(t for t in status.tasks if t.id == "C3")
        assert c3.done == expected == sum(child.done for child in c3.children)
        fresh = checklist_status(store, "county", clock, plugins)
        assert status.as_json() == fresh.as_json()  # the cache saw the write three levels down
    town_a = checklist_status(store, "town-a", clock, plugins)
    assert next(t for t in town_a.tasks if t.id == "T3").done == 75
    assert [(p.checklist, p.task, p.own_task) for p in town_a.parents] == [("county", "C3", "T3"), ("county", "W1", "T1")]
    peers = status.peers
    assert {p.unit for p in peers} == {"town-a", "town-b"} and {p.kind for p in peers} == {"乡镇"}
    as_json = status.as_json()
    c3_json = next(t for t in as_json["tasks"] if t["id"] == "C3")
    assert c3_json["progress"] == {"done": 175, "target": 1000}
    assert {c["checklist"]: c["progress"]["done"] for c in c3_json["children"]} == {"town-a": 75, "town-b": 100}
    assert set(c3_json["children"][0]) >= {"checklist", "task", "progress", "overdue", "light"}


def test_an_overdue_village_is_overdue_in_the_county(store, steps, family, plugins):
    from engine.dates.clock import FixedClock

    load(store, list(family.values()), clock=FixedClock(at("2017-03-01T09:00")))
    late = FixedClock(at("2017-11-20T09:00"))  # village-1's 2017-11-10 has passed, the county's 11-30 has not
    report(store, task="village-2:V3", amount="250", actor="v-village-2", clock=late)
    status = checklist_status(store, "county", late, plugins)
    c3 = next(t for t in status.tasks if t.id == "C3")
    town_a = next(c for c in c3.children if c.checklist == "town-a")
    assert town_a.overdue == 1 and town_a.light == "red"
    assert c3.overdue == 1 + next(c for c in c3.children if c.checklist == "town-b").overdue
    assert c3.light == "red"


def test_a_family_copied_to_next_year_is_a_family_again(store, clock, steps):
    from engine.definition.yearcopy import copy_to_year
    from tests.conftest import CHECKLISTS, definition_of

    copies = [copy_to_year(definition_of(CHECKLISTS / f"{name}-2019.yaml", steps), 2020) for name in ("haoping", "huangjin", "longquan")]
    definitions = []
    for copied in copies:
        result = validate_text(copied.text, f"{copied.checklist_id}.yaml", steps)
        assert result.ok, [p.format() for p in result.errors]
        definitions.append(result.definition)
    village = next(d for d in definitions if d.id == "huangjin-2020")
    assert {t.fulfils[0] for t in village.tasks if t.fulfils} == {"haoping-2020"}
    reports = load(store, definitions, clock=clock)
    assert all(not r.warnings for r in reports)
    status = checklist_status(store, "haoping-2020", clock)
    assert {c.checklist for t in status.tasks for c in t.children} == {"huangjin-2020", "longquan-2020"}


def test_an_unanswered_supervision_notice_goes_up_to_the_parent_task(store, steps, family):
    """A 督办单 on a town task that nobody answers climbs the task's ladder up the levels: parent:responsible is the
    county task's responsible person, whom the town's list does not name."""
    from engine.dates.clock import FixedClock
    from engine.reminders.notices import inbox
    from engine.runtime import supervision

    data = town("town-b", 600, ["村C"])
    data["tasks"][0]["escalate"] = [{"after": "5 workdays", "to": "parent:responsible"}]
    lists = [family["county"], compiled(data, steps)]
    load(store, lists, clock=FixedClock(at("2017-03-01T09:00")))
    supervision.issue(
        store,
        task="town-b:T3",
        item=None,
        colour="red",
        instruction="限期上报送戏场次",
        reply_by="2017-03-03",
        actor="s-town-b",
        clock=FixedClock(at("2017-03-01T10:00")),
    )
    assert supervision.escalate_due(store, at("2017-03-06T09:00")) == 1
    told = [n for n in inbox(store, "wang") if n["kind"] == "supervision_overdue"]
    assert len(told) == 1 and told[0]["checklist"] == "town-b"


def test_forcing_one_side_never_loses_the_others_data(store, clock, steps, family, plugins):
    """The relation lives in the two files: a forced reload of the county that drops a task keeps the towns' reports,
    and the town's own forced reload leaves the county's rows alone."""
    load(store, [family["county"], family["town-b"]], clock=clock)
    report(store, task="town-b:T3", amount="40", actor="c-town-b", clock=clock)
    smaller = county()
    smaller["tasks"] = [task for task in smaller["tasks"] if task["id"] != "W1"]
    load(store, [compiled(smaller, steps)], clock=clock, force=True)
    town_b = checklist_status(store, "town-b", clock, plugins)
    assert next(t for t in town_b.tasks if t.id == "T3").done == 40
    assert next(t for t in checklist_status(store, "county", clock, plugins).tasks if t.id == "C3").done == 40
    trimmed = town("town-b", 600, ["村C"])
    trimmed["tasks"] = [task for task in trimmed["tasks"] if task["id"] != "T1"]
    load(store, [compiled(trimmed, steps)], clock=clock, force=True)
    c3 = next(t for t in checklist_status(store, "county", clock, plugins).tasks if t.id == "C3")
    assert c3.done == 40 and [c.loaded for c in c3.children] == [False, True]
