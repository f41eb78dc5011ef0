"""Items of their own (issue 10, item 1): an item written as a mapping with an owner, a due date, a share and a
note beside plain names; validated with its place in the file; stored by the loader; a reload that moves the
owner in the list moves the item, one that leaves it alone keeps a transfer made since."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select, update

from engine.definition.validation import validate_text
from engine.runtime.loader import load
from engine.store.tables import events, items, tasks

LIST = """\
checklist:
  id: own-2017
  title: 帮扶清单
  year: 2017
units:
  team: {name: 驻村工作队}
people:
  wang: {name: 王建国, roles: [head]}
  li: {name: 李文华, roles: [leader]}
  zhang: {name: 张明, roles: [staff], unit: team}
  wu: {name: 吴刚, roles: [staff], unit: team}
  chen: {name: 陈红, roles: [staff], unit: team}
workflows:
  help:
    title: 帮扶
    initial: todo
    states:
      todo: {label: 待办}
      done: {label: 已脱贫, final: true}
    transitions:
      - {trigger: finish, from: todo, to: done, by: [responsible]}
defaults:
  remind: [3 workdays]
  escalate:
    - {after: 1 workday, to: leader}
tasks:
  - id: T1
    title: 结对帮扶
    unit: team
    responsible: zhang
    leader: li
    workflow: help
    items: [林农镇玉城村, {name: 王家户, owner: wu, due: 2017-06-30, note: 因病}, {name: 李家户, owner: chen}]
    deadlines: {done: 2017-11-30}
  - id: T2
    title: 小额贷款回收
    unit: team
    responsible: zhang
    leader: li
    target: {quantity: 10, unit: 万元}
    items: [{name: 甲村, quantity: 4, owner: wu}, {name: 乙村, quantity: 6}]
    deadlines: {done: 2017-12-29}
"""


def compiled(text, steps):
    result = validate_text(text, "own.yaml", steps)
    assert result.ok, [p.format() for p in result.errors]
    return result.definition


def errors(text, steps):
    return [p.format() for p in validate_text(text, "own.yaml", steps).problems if p.severity == "error"]


def warnings(text, steps):
    return [p.format() for p in validate_text(text, "own.yaml", steps).problems if p.severity == "warning"]


def test_mixed_items_keep_their_names_and_gain_their_own(steps):
    definition = compiled(LIST, steps)
    task = definition.task_by_id["T1"]
    assert task.items == ("林农镇玉城村", "王家户", "李家户")  # names, as existing code reads them
    assert task.item("林农镇玉城村").owner is None
    own = task.item("王家户")
    assert (own.owner, own.due, own.quantity, own.note) == ("wu", dt.date(2017, 6, 30), None, "因病")
    assert definition.task_by_id["T2"].item("甲村").quantity == Decimal(4)
    # the stored definition rebuilds to the same items
    from engine.definition.definitions import rebuild_checklist

    assert rebuild_checklist(definition.source_json).task_by_id["T1"].item_defs == task.item_defs


def test_unknown_owner_is_named_at_its_line(steps):
    text = LIST.replace("owner: chen}", "owner: chenn}")
    assert errors(text, steps) == ["own.yaml:33:91: 人员 “chenn” 没有定义,是不是 “chen”?"]


def test_shares_over_the_target_are_refused_where_they_tip_over(steps):
    text = LIST.replace("{name: 乙村, quantity: 6}", "{name: 乙村, quantity: 7}")
    assert errors(text, steps) == ["own.yaml:41:70: 子项分担数量合计 11 超过任务目标 10(到子项 “乙村” 为止)。"]


def test_a_share_needs_a_target(steps):
    text = LIST.replace("{name: 李家户, owner: chen}", "{name: 李家户, owner: chen, quantity: 1}")
    assert errors(text, steps) == ["own.yaml:33:97: 子项的 quantity(分担数量)只用于数量目标(target)任务。"]


def test_bad_due_dates(steps):
    not_a_date = LIST.replace("due: 2017-06-30", "due: 六月底")
    found = errors(not_a_date, steps)
    assert found == ["own.yaml:33:49: 应为日期(YYYY-MM-DD),实际是 “六月底”。"]
    late = LIST.replace("due: 2017-06-30", "due: 2017-12-15")
    assert "own.yaml:33:49: 警告:子项 “王家户” 的期限 2017-12-15 晚于任务的最终期限 2017-11-30。" in warnings(late, steps)
    other_year = LIST.replace("due: 2017-06-30", "due: 2016-06-30")
    assert "own.yaml:33:49: 警告:子项期限 2016-06-30 不在清单年度 2017 内。" in warnings(other_year, steps)


def test_a_recurring_duty_takes_no_item_due(steps):
    text = LIST.replace(
        "    target: {quantity: 10, unit: 万元}\n    items: [{name: 甲村, quantity: 4, owner: wu}, {name: 乙村, quantity: 6}]\n"
        "    deadlines: {done: 2017-12-29}",
        "    recurring: {every: month}\n    items: [{name: 甲村, owner: wu, due: 2017-05-31}, 乙村]",
    )
    assert errors(text, steps) == ["own.yaml:41:35: 周期性任务按周期计算期限,子项不用 due。"]


def test_an_unknown_key_in_an_item_suggests_the_right_one(steps):
    text = LIST.replace("note: 因病", "notes: 因病")
    assert errors(text, steps) == ["own.yaml:33:61: 不认识的键 “notes”,是不是 “note”?"]


def _own(store, task_key):
    with store.read() as conn:
        rows = conn.execute(
            select(items.c.name, items.c.owner, items.c.due, items.c.quantity, items.c.note)
            .join(tasks, tasks.c.id == items.c.task_id)
            .where(tasks.c.checklist_id == "own-2017", tasks.c.key == task_key)
            .order_by(items.c.position)
        ).all()
    return {r.name: (r.owner, r.due, None if r.quantity is None else Decimal(r.quantity), r.note) for r in rows}


def test_loader_stores_each_items_own(store, clock, steps):
    load(store, [compiled(LIST, steps)], clock=clock)
    assert _own(store, "T1") == {
        "林农镇玉城村": (None, None, None, None),
        "王家户": ("wu", dt.date(2017, 6, 30), None, "因病"),
        "李家户": ("chen", None, None, None),
    }
    assert _own(store, "T2") == {"甲村": ("wu", None, Decimal(4), None), "乙村": (None, None, Decimal(6), None)}


def test_reload_keeps_a_transfer_unless_the_list_moves_the_item(store, clock, steps):
    load(store, [compiled(LIST, steps)], clock=clock)
    with store.write() as conn:  # a transfer made since (qingdan transfer writes items.owner)
        conn.execute(update(items).where(items.c.name == "李家户").values(owner="wu"))
    # a reload that changes something else leaves the transfer alone, and follows the list's new due and note
    edited = LIST.replace("due: 2017-06-30, note: 因病", "due: 2017-07-31, note: 因病致贫")
    load(store, [compiled(edited, steps)], clock=clock)
    own = _own(store, "T1")
    assert own["李家户"][0] == "wu"
    assert own["王家户"] == ("wu", dt.date(2017, 7, 31), None, "因病致贫")
    # a reload whose list gives 王家户 to chen moves it, with an audit event and a 交办 notice
    moved = edited.replace("{name: 王家户, owner: wu", "{name: 王家户, owner: chen")
    load(store, [compiled(moved, steps)], clock=clock)
    assert _own(store, "T1")["王家户"][0] == "chen"
    assert _own(store, "T1")["李家户"][0] == "wu"
    with store.read() as conn:
        moves = conn.execute(select(events.c.item_name, events.c.data).where(events.c.kind == "owner_changed")).all()
        from engine.store.tables import notices

        told = conn.execute(select(notices.c.recipient, notices.c.subject).where(notices.c.kind == "assigned")).all()
    assert [(m.item_name, json.loads(m.data)["from"], json.loads(m.data)["to"]) for m in moves] == [("王家户", "wu", "chen")]
    assert [(t.recipient, "王家户" in t.subject) for t in told] == [("chen", True)]


# ---------------------------------------------------------------- acting, reporting and notices as an owner


def _loaded(store, steps, text=LIST, when="2017-03-01T09:30"):
    from engine.dates.clock import FixedClock
    from tests.conftest import at

    definition = compiled(text, steps)
    load(store, [definition], clock=FixedClock(at(when)))
    return definition


def test_an_owner_fires_and_reports_on_their_own_item_only(store, steps, plugins):
    import pytest

    from engine.dates.clock import FixedClock
    from engine.errors import NotPermitted
    from engine.runtime.fire import fire
    from engine.runtime.progress import report
    from tests.conftest import at

    _loaded(store, steps)
    clock = FixedClock(at("2017-05-02T10:00"))
    done = fire(store, task="T1", item="王家户", trigger="finish", actor="wu", clock=clock, plugins=plugins)
    assert done.to_state == "done"
    with pytest.raises(NotPermitted, match="吴刚 无权执行"):
        fire(store, task="T1", item="李家户", trigger="finish", actor="wu", clock=clock, plugins=plugins)  # chen's
    with pytest.raises(NotPermitted):
        fire(store, task="T1", item="林农镇玉城村", trigger="finish", actor="wu", clock=clock, plugins=plugins)
    # the task's responsible person still acts on every item
    fire(store, task="T1", item="李家户", trigger="finish", actor="zhang", clock=clock, plugins=plugins)
    assert report(store, task="T2", item="甲村", amount="2", actor="wu", clock=clock).amount == Decimal(2)
    with pytest.raises(NotPermitted):
        report(store, task="T2", item="乙村", amount="2", actor="wu", clock=clock)
    with pytest.raises(NotPermitted):
        report(store, task="T2", amount="2", actor="wu", clock=clock)  # not on the task as a whole


def test_an_account_acts_as_owner_on_its_item_only(steps):
    from engine.account_rules import may_act, may_view_task
    from engine.accounts import Account

    definition = compiled(LIST, steps)
    task = definition.task_by_id["T1"]
    wu = Account("wu", "staff", None, False, 1, (("own-2017", "wu"),))
    assert may_act(wu, definition, task, ("responsible",), holder="wu")
    assert not may_act(wu, definition, task, ("responsible",), holder="chen")
    assert not may_act(wu, definition, task, ("responsible",))
    informant = Account("chen", "informant", None, False, 1, (("own-2017", "chen"),))
    assert may_view_task(informant, definition, task)  # the list gives chen 李家户 of this task
    assert not may_view_task(informant, definition, definition.task_by_id["T2"])


def _notices(store):
    from engine.store.tables import notices

    with store.read() as conn:
        rows = conn.execute(
            select(notices.c.kind, notices.c.recipient, items.c.name, notices.c.due_date, notices.c.item_deadline_id)
            .join(items, items.c.id == notices.c.item_id)
            .order_by(notices.c.id)
        ).all()
    return [(r.kind, r.recipient, r.name, r.due_date.isoformat(), r.item_deadline_id is not None) for r in rows]


def test_an_items_own_due_date_reminds_its_owner_and_escalates_up_the_task(store, steps):
    from engine.dates.clock import FixedClock
    from engine.reminders.sweep import run_pass
    from engine.runtime.progress import report
    from tests.conftest import at

    text = LIST.replace("{name: 甲村, quantity: 4, owner: wu}", "{name: 甲村, quantity: 4, owner: wu, due: 2017-06-30}").replace(
        "{name: 乙村, quantity: 6}", "{name: 乙村, quantity: 6, owner: chen, due: 2017-06-30}"
    )
    _loaded(store, steps, text)
    # 甲村's share is reported in full before its date; 乙村's is not
    report(store, task="T2", item="甲村", amount="4", actor="wu", clock=FixedClock(at("2017-06-20T10:00")))
    report(store, task="T2", item="乙村", amount="1", actor="chen", clock=FixedClock(at("2017-06-20T10:00")))
    for day in ("2017-06-27T10:00", "2017-07-03T10:00", "2017-07-04T10:00"):
        run_pass(store, FixedClock(at(day)))
    found = _notices(store)
    assert found == [
        ("reminder", "wu", "王家户", "2017-06-30", True),
        ("reminder", "chen", "乙村", "2017-06-30", True),
        ("overdue", "wu", "王家户", "2017-06-30", True),
        ("overdue", "chen", "乙村", "2017-06-30", True),
        ("escalation", "li", "王家户", "2017-06-30", True),
        ("escalation", "li", "乙村", "2017-06-30", True),
    ], found


def test_reaching_the_final_state_meets_the_items_own_due_date(store, steps, plugins):
    from engine.dates.clock import FixedClock
    from engine.reminders.sweep import run_pass
    from engine.runtime.fire import fire
    from tests.conftest import at

    _loaded(store, steps)
    fire(store, task="T1", item="王家户", trigger="finish", actor="wu", clock=FixedClock(at("2017-06-29T10:00")), plugins=plugins)
    for day in ("2017-06-27T10:00", "2017-07-04T10:00"):
        run_pass(store, FixedClock(at(day)))
    assert _notices(store) == []


def test_a_reload_moves_an_items_own_due_date(store, steps):
    from engine.store.tables import item_deadlines

    _loaded(store, steps)
    _loaded(store, steps, LIST.replace("due: 2017-06-30", "due: 2017-08-31"))
    _loaded(store, steps, LIST.replace("due: 2017-06-30, ", ""))  # and drops it
    with store.read() as conn:
        rows = conn.execute(
            select(item_deadlines.c.due_date, item_deadlines.c.outcome, item_deadlines.c.cleared_at.is_(None).label("open")).order_by(
                item_deadlines.c.id
            )
        ).all()
    assert [(r.due_date.isoformat(), r.outcome, r.open) for r in rows] == [
        ("2017-06-30", "superseded", False),
        ("2017-08-31", "superseded", False),
    ]


def test_a_reload_drops_one_items_date_and_keeps_the_others(store, steps):
    """Two items of T1 with dates of their own; the reload takes 李家户's away: its deadline goes (superseded), 王家户's
    stays open, and nothing is written twice."""
    from engine.store.tables import item_deadlines

    two = LIST.replace("{name: 李家户, owner: chen}", "{name: 李家户, owner: chen, due: 2017-09-30}")
    _loaded(store, steps, two)
    _loaded(store, steps, two)  # unchanged: nothing new
    _loaded(store, steps)
    with store.read() as conn:
        rows = conn.execute(
            select(items.c.name, item_deadlines.c.due_date, item_deadlines.c.outcome, item_deadlines.c.cleared_at.is_(None).label("open"))
            .join(items, items.c.id == item_deadlines.c.item_id)
            .order_by(item_deadlines.c.id)
        ).all()
    assert sorted((r.name, r.due_date.isoformat(), r.outcome, r.open) for r in rows) == [
        ("李家户", "2017-09-30", "superseded", False),
        ("王家户", "2017-06-30", None, True),
    ]


def test_an_owner_asks_for_more_time_on_their_own_item_only(store, steps):
    import pytest

    from engine.dates.clock import FixedClock
    from engine.errors import NotPermitted
    from engine.runtime.extension_requests import request
    from tests.conftest import at

    _loaded(store, steps)
    clock = FixedClock(at("2017-06-20T10:00"))
    asked = request(store, task="T1", item="王家户", requested_due="2017-07-31", reason="户主住院", actor="wu", clock=clock)
    assert asked is not None
    with pytest.raises(NotPermitted):
        request(store, task="T1", item="李家户", requested_due="2017-12-15", reason="x", actor="wu", clock=clock)


def test_an_owner_attaches_evidence_on_their_own_item_only(store, steps, plugins):
    """The files of an action are taken once the action is allowed: the same owner rule as the action's own."""
    import pytest

    from engine.errors import NotPermitted
    from engine.runtime.attachments import authorize_fire, authorize_report

    _loaded(store, steps)
    assert authorize_fire(store, task="T1", item="王家户", trigger="finish", actor="wu") == "own-2017"
    with pytest.raises(NotPermitted, match="吴刚 无权执行"):
        authorize_fire(store, task="T1", item="李家户", trigger="finish", actor="wu")
    assert authorize_report(store, task="T2", item="甲村", actor="wu") == "own-2017"
    with pytest.raises(NotPermitted):
        authorize_report(store, task="T2", item="乙村", actor="wu")
    with pytest.raises(NotPermitted):
        authorize_report(store, task="T2", actor="wu")
