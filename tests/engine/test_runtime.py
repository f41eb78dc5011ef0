"""Firing transitions: the checks in order, one transaction, and concurrent fires."""

import threading

import pytest
from sqlalchemy import func, select

from engine.errors import Conflict, GuardRefused, InvalidTrigger, NotFound, NotPermitted
from engine.hookspecs import hookimpl
from engine.queries.history import task_history
from engine.runtime.fire import fire
from engine.store.tables import events, items


def state_of(store, name):
    with store.read() as conn:
        return conn.execute(select(items.c.state).where(items.c.name == name)).scalar_one()


def test_fire_moves_the_item_and_records_an_event(store, yanting, clock, plugins):
    result = fire(store, task="T1", item="林农镇玉城村", trigger="approve_plan", actor="li", clock=clock, plugins=plugins, note="方案审定")
    assert (result.from_state, result.to_state) == ("planning", "plan_approved")
    assert state_of(store, "林农镇玉城村") == "plan_approved"
    [event] = [e for e in task_history(store, "T1", "林农镇玉城村") if e["kind"] == "transition"]
    assert (event["actor"], event["trigger"], event["from"], event["to"], event["note"]) == (
        "li",
        "approve_plan",
        "planning",
        "plan_approved",
        "方案审定",
    )
    assert event["at"] == "2017-03-01T09:30:00+08:00"


def test_single_item_task_needs_no_item(store, yanting, clock, plugins):
    assert fire(store, task="T6", item=None, trigger="script_done", actor="zhang", clock=clock, plugins=plugins).to_state == "casting"


def test_item_required_when_several(store, yanting, clock, plugins):
    with pytest.raises(NotFound, match="有多个子项"):
        fire(store, task="T1", item=None, trigger="approve_plan", actor="li", clock=clock, plugins=plugins)


def test_trigger_not_valid_from_state_lists_valid_ones(store, yanting, clock, plugins):
    with pytest.raises(InvalidTrigger, match="现在可以执行:approve_plan"):
        fire(store, task="T1", item="八角镇人民村", trigger="award", actor="zhang", clock=clock, plugins=plugins)
    with pytest.raises(InvalidTrigger, match="没有动作 “fly”"):
        fire(store, task="T1", item="八角镇人民村", trigger="fly", actor="zhang", clock=clock, plugins=plugins)


@pytest.mark.parametrize("actor,allowed", [("li", True), ("wang", True), ("zhang", False), ("zhao", False), ("chen", False)])
def test_by_leader_or_head(store, yanting, clock, plugins, actor, allowed):
    # approve_plan is by [leader, head]: li is T1's leader, wang holds the head role
    if allowed:
        fire(store, task="T1", item="八角镇人民村", trigger="approve_plan", actor=actor, clock=clock, plugins=plugins)
    else:
        with pytest.raises(NotPermitted, match="只有分管领导、主要负责人可以"):
            fire(store, task="T1", item="八角镇人民村", trigger="approve_plan", actor=actor, clock=clock, plugins=plugins)


def test_responsible_means_the_tasks_own(store, yanting, clock, plugins):
    # chen is responsible for T2, not T6
    with pytest.raises(NotPermitted):
        fire(store, task="T6", item=None, trigger="script_done", actor="chen", clock=clock, plugins=plugins)
    with pytest.raises(NotFound, match="没有人员 “nobody”"):
        fire(store, task="T6", item=None, trigger="script_done", actor="nobody", clock=clock, plugins=plugins)


def test_refusal_writes_nothing(store, yanting, clock, plugins):
    with store.read() as conn:
        before = conn.execute(select(func.count()).select_from(events)).scalar_one()
    with pytest.raises(NotPermitted):
        fire(store, task="T6", item=None, trigger="script_done", actor="chen", clock=clock, plugins=plugins)
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(events)).scalar_one() == before


class RefuseOnSundays:
    @hookimpl
    def qingdan_guard_transition(self, context):
        return "周日不办公" if context.trigger == "script_done" else None


class FailsAfterWrite:
    @hookimpl
    def qingdan_after_transition(self, context):
        from engine.errors import InputError

        raise InputError("after-hook refused")


def test_plugin_guard_refuses_with_its_message(store, yanting, clock):
    from engine.pluginmanager import get_plugin_manager

    plugins = get_plugin_manager(extra=[RefuseOnSundays()])
    with pytest.raises(GuardRefused, match="周日不办公"):
        fire(store, task="T6", item=None, trigger="script_done", actor="zhang", clock=clock, plugins=plugins)
    assert state_of(store, "创作小品《第一书记》") == "script"


def test_after_hook_failure_rolls_back_state_and_event(store, yanting, clock):
    from engine.errors import InputError
    from engine.pluginmanager import get_plugin_manager

    plugins = get_plugin_manager(extra=[FailsAfterWrite()])
    with pytest.raises(InputError):
        fire(store, task="T6", item=None, trigger="script_done", actor="zhang", clock=clock, plugins=plugins)
    assert state_of(store, "创作小品《第一书记》") == "script"
    assert [e["kind"] for e in task_history(store, "T6")] == []


def test_expected_state_mismatch_is_a_conflict(store, yanting, clock, plugins):
    with pytest.raises(Conflict):
        fire(store, task="T6", item=None, trigger="script_done", actor="zhang", clock=clock, plugins=plugins, expect_state="casting")


def test_target_task_has_no_triggers(store, yanting, clock, plugins):
    with pytest.raises(InvalidTrigger, match="它的进度请报送数量") as refused:
        fire(store, task="T4", item=None, trigger="finish", actor="chen", clock=clock, plugins=plugins)
    assert refused.value.field == "report"


def test_two_simultaneous_fires_exactly_one_wins(db_url, store, yanting, clock):
    """Threads, each with its own connection, fire the same trigger on the same item at once."""
    from engine.pluginmanager import get_plugin_manager
    from engine.store import open_store

    barrier = threading.Barrier(4)
    outcomes = []

    def worker():
        own = open_store(db_url)
        plugins = get_plugin_manager()
        barrier.wait()
        try:
            fire(own, task="T1", item="茶亭燕来村", trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
            outcomes.append("won")
        except (Conflict, InvalidTrigger) as err:
            outcomes.append(type(err).__name__)
        finally:
            own.dispose()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1 and len(outcomes) == 4
    assert state_of(store, "茶亭燕来村") == "plan_approved"
    assert len([e for e in task_history(store, "T1", "茶亭燕来村") if e["kind"] == "transition"]) == 1


def test_concurrent_fires_on_different_items_all_succeed(db_url, store, yanting, clock):
    from engine.pluginmanager import get_plugin_manager
    from engine.store import open_store

    names = list(yanting.task_by_id["T1"].items)
    errors = []

    def worker(chunk):
        own = open_store(db_url)
        plugins = get_plugin_manager()
        try:
            for name in chunk:
                fire(own, task="T1", item=name, trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
        except Exception as err:  # collected and asserted below
            errors.append(err)
        finally:
            own.dispose()

    threads = [threading.Thread(target=worker, args=(names[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(items).where(items.c.state == "plan_approved")).scalar_one() == len(names)
        from engine.runtime.audit import verify

        assert verify(conn).ok
