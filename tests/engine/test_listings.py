"""Read-only listings for boards (``engine.queries.listings``) and the audit log page's read (``engine.runtime.audit.recent``)."""

import datetime as dt

from engine import catalog
from engine.queries.listings import ItemView, items_in_step, items_of, step_states
from engine.runtime import audit
from engine.runtime.deadlines import add_item_deadline, clear_item_deadline
from engine.runtime.fire import fire


def test_items_of_all_tasks_in_order(store, yanting, clock):
    found = items_of(store, yanting.id)
    assert list(found) == [t.id for t in yanting.tasks]  # every task has items; a target or duty its one unnamed-state item
    t1 = found["T1"]
    assert [v.name for v in t1] == list(yanting.task_by_id["T1"].items)
    assert all(isinstance(v, ItemView) and v.task == "T1" and v.state == "planning" and v.item_deadlines == [] for v in t1)
    assert [v.position for v in t1] == sorted(v.position for v in t1)
    assert found["T6"][0].state == "script"
    assert [(v.name, v.state) for v in found["T3"]] == [(yanting.task_by_id["T3"].title, None)]
    assert t1[0].state_since == clock.now()


def test_items_of_filters_by_task_keys(store, yanting):
    found = items_of(store, yanting.id, ["T2", "T7"])
    assert set(found) == {"T2", "T7"}
    assert [v.name for v in found["T7"]] == ["安家镇鹅溪村"]
    assert list(items_of(store, yanting.id, ["T3", "nope"])) == ["T3"]
    assert items_of(store, yanting.id, []) == {}
    assert items_of(store, "no-such-list") == {}


def test_items_of_follows_fires(store, yanting, clock, plugins):
    clock.advance(hours=2)
    fire(store, task="T1", item="八角镇人民村", trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    view = next(v for v in items_of(store, yanting.id, ["T1"])["T1"] if v.name == "八角镇人民村")
    assert view.state == "plan_approved" and view.state_since == clock.now() and view.version > 1


def test_items_of_shows_open_item_deadlines_earliest_first(store, yanting, clock):
    task = yanting.task_by_id["T1"]
    with store.write() as conn:
        ref = catalog.find_task(conn, "T1", yanting.id)
        row = catalog.resolve_item(conn, ref, "茶亭燕来村")
        for key, label, due in (
            ("rectify", "整改", dt.date(2017, 5, 10)),
            ("sign", "签订合同", dt.date(2017, 4, 1)),
            ("gone", "已完成", dt.date(2017, 3, 20)),
        ):
            add_item_deadline(
                conn,
                definition=yanting,
                task=task,
                task_row_id=ref.task_row_id,
                item_id=row.id,
                key=key,
                label=label,
                due=due,
                reach_state="building" if key == "sign" else None,
                now=clock.now(),
            )
        clear_item_deadline(conn, item_id=row.id, key="gone", now=clock.now())
    views = {v.name: v for v in items_of(store, yanting.id, ["T1"])["T1"]}
    assert views["茶亭燕来村"].item_deadlines == [
        ("sign", "签订合同", dt.date(2017, 4, 1), "building"),
        ("rectify", "整改", dt.date(2017, 5, 10), None),
    ]
    assert all(v.item_deadlines == [] for name, v in views.items() if name != "茶亭燕来村")
    assert items_of(store, yanting.id, ["T2"])["T2"][0].item_deadlines == []  # other tasks' deadlines stay out


def test_items_in_step(store, yanting, clock, plugins):
    assert step_states(yanting, yanting.task_by_id["T1"], "acceptance") == {"inspecting"}
    assert step_states(yanting, yanting.task_by_id["T6"], "acceptance") == set()
    assert step_states(yanting, yanting.task_by_id["T3"], "acceptance") == set()
    assert items_in_step(store, yanting, "acceptance") == []
    for name in ("云溪三清村", "林农镇玉城村"):
        clock.advance(minutes=5)
        fire(store, task="T1", item=name, trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
        fire(store, task="T1", item=name, trigger="open_tender", actor="zhang", clock=clock, plugins=plugins)
    clock.advance(minutes=5)
    fire(store, task="T2", item="云溪三清村", trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    fire(store, task="T2", item="云溪三清村", trigger="open_tender", actor="chen", clock=clock, plugins=plugins)
    waiting = items_in_step(store, yanting, "tendering")
    assert [(task.id, view.name) for task, view in waiting] == [("T1", "云溪三清村"), ("T1", "林农镇玉城村"), ("T2", "云溪三清村")]
    assert all(view.state == "tendering" for _, view in waiting)
    assert [(t.id, v.name) for t, v in items_in_step(store, yanting, "tendering", ["T2", "T6"])] == [("T2", "云溪三清村")]
    assert items_in_step(store, yanting, "tendering", []) == []
    assert items_in_step(store, yanting, "acceptance") == []


def _events(store, chain, n, clock):
    with store.write() as conn:
        return [audit.append(conn, chain=chain, at=clock.now(), actor="test", kind="note", note=f"{chain} {i}")["seq"] for i in range(n)]


def test_recent_newest_first_with_limit_before_and_chain(store, clock):
    _events(store, "a", 3, clock)
    _events(store, "b", 2, clock)
    _events(store, "a", 1, clock)
    with store.read() as conn:
        everything = audit.recent(conn)
        assert [(e["chain"], e["seq"]) for e in everything] == [("a", 4), ("b", 2), ("b", 1), ("a", 3), ("a", 2), ("a", 1)]
        ids = [e["id"] for e in everything]
        assert ids == sorted(ids, reverse=True)
        first = everything[0]
        assert set(first) == {
            "id",
            "chain",
            "seq",
            "at",
            "actor",
            "kind",
            "task_key",
            "item_name",
            "trigger",
            "from_state",
            "to_state",
            "note",
            "data",
        }
        assert first["note"] == "a 0" and first["actor"] == "test" and first["kind"] == "note"
        assert [e["id"] for e in audit.recent(conn, limit=2)] == ids[:2]
        assert [e["id"] for e in audit.recent(conn, limit=2, before=ids[1])] == ids[2:4]
        assert audit.recent(conn, before=ids[-1]) == []
        assert [(e["chain"], e["seq"]) for e in audit.recent(conn, chain="a")] == [("a", 4), ("a", 3), ("a", 2), ("a", 1)]
        assert [e["seq"] for e in audit.recent(conn, chain="a", limit=2, before=ids[3])] == [2, 1]
        assert audit.recent(conn, chain="nobody") == []
        assert audit.recent(conn, chain="") == everything  # no chain filter, as the page passes it


def test_recent_sees_fires(store, yanting, clock, plugins):
    fire(store, task="T1", item="八角镇人民村", trigger="approve_plan", actor="li", clock=clock, plugins=plugins, note="方案审定")
    with store.read() as conn:
        newest = audit.recent(conn, limit=1)[0]
        assert (newest["chain"], newest["task_key"], newest["item_name"], newest["trigger"], newest["actor"]) == (
            yanting.id,
            "T1",
            "八角镇人民村",
            "approve_plan",
            "li",
        )
        assert (newest["from_state"], newest["to_state"], newest["note"]) == ("planning", "plan_approved", "方案审定")
        assert len(audit.recent(conn, chain=yanting.id)) == 2  # the load and the fire
