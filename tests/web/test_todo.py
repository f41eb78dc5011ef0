"""The to-do of /my/ (engine.queries.todo, web.todo): a leader sees only what needs them — approvals they may give
now and overdue items of their tasks — never a finished item and never an item they can do nothing about; staff
keep every unfinished item of their tasks."""

from __future__ import annotations

import re

from tests.web.conftest import CHECKLIST
from tests.web.test_pages import text


def _entries(page: str) -> set[tuple[str, str]]:
    return set(re.findall(r'<li class="work[^"]*" data-task="(\w+)" data-item="([^"]+)"', page))


def _fire(store, clock, plugins, task, item, *triggers, actor="zhang"):
    from engine.runtime.fire import fire

    for trigger in triggers:
        fire(store, task=task, item=item, trigger=trigger, actor=actor, clock=clock, plugins=plugins)


def test_leader_sees_an_approval_with_its_button(client, auth):
    auth.login("leader")
    page = text(client.get("/my/"))
    assert ("T7", "安家镇鹅溪村") in _entries(page)  # in planning: 审定方案 is the leader's (approve_plan by leader, head)
    item = page.split('data-task="T7" data-item="安家镇鹅溪村"')[1].split("\n  </li>")[0]
    assert 'data-trigger="approve_plan"' in item and "待您审定" in item
    assert "当前没有您可执行的操作" not in page
    assert "需要您处理的子项" in page


def test_finished_item_leaves_the_to_do(client, auth, store, clock, plugins):
    auth.login("leader")
    before = text(client.get("/my/"))
    assert any(task == "T6" for task, _ in _entries(before))  # overdue (premiere 07-01)
    t6 = before.split('data-task="T6"')[1].split("\n  </li>")[0]
    assert "已逾期" in t6 and "到任务页督办" in t6  # nothing to fire in 剧本编写, but overdue: pressed from the task page
    assert f'href="/board/{CHECKLIST}/tasks/T6#supervision"' in t6  # where the 督办单 is issued
    _fire(store, clock, plugins, "T6", None, "script_done", "cast_done", "premiere")
    after = text(client.get("/my/"))
    assert not any(task == "T6" for task, _ in _entries(after))
    auth.logout()
    auth.login("staff")  # and nobody else's to-do holds it either
    assert not any(task == "T6" for task, _ in _entries(text(client.get("/my/"))))


def test_item_with_nothing_for_the_leader_is_left_off(client, auth, store, clock, plugins):
    auth.login("leader")
    assert ("T2", "云溪三清村") in _entries(text(client.get("/my/")))  # waiting for the leader's 审定方案
    _fire(store, clock, plugins, "T2", "云溪三清村", "approve_plan", actor="li")  # now the responsible person's turn
    page = text(client.get("/my/"))
    entries = _entries(page)
    assert ("T2", "云溪三清村") not in entries  # not overdue (T2's first milestone is 09-30), nothing to approve
    assert ("T2", "金安龙华村") in entries  # its neighbours still wait for approval
    assert "当前没有您可执行的操作" not in page
    assert "另有 1 个子项正在办理" in page  # said how many are left off, and where to see them
    auth.logout()
    auth.login("staff2")  # chen, T2's responsible person, keeps it: 开标 is theirs now
    mine = text(client.get("/my/"))
    assert ("T2", "云溪三清村") in _entries(mine)
    assert 'data-trigger="open_tender"' in mine.split('data-item="云溪三清村"')[1].split("\n  </li>")[0]


def test_leader_targets_only_when_behind(client, auth, store, clock):
    """Targets and recurring duties of a leader's tasks appear only while they are behind; staff always see theirs."""
    auth.login("leader")
    page = text(client.get("/my/"))
    assert 'class="card duty"' not in page  # T3-T5 are not behind on 2017-07-21
    assert "您分管的数量目标和周期性工作都没有逾期" in page
    auth.logout()
    auth.login("staff")
    assert 'class="card duty" data-task="T5"' in text(client.get("/my/"))


def test_rule_in_the_engine(yanting):
    from engine.queries.todo import item_need

    workflow = yanting.workflows["construction"]
    assert item_need("leader", workflow, "accepted", None, True) is None  # final: on nobody's to-do
    assert item_need("staff", workflow, "accepted", None, True) is None
    assert item_need("leader", workflow, "building", None, False) is None  # nothing to do, not late
    assert item_need("staff", workflow, "building", None, False) is not None  # staff keep their work
    assert item_need("head", workflow, "planning", None, True).approval


def test_supervision_waiting_on_the_to_do(client, auth, store, clock):
    """From engine.runtime.supervision.awaiting: the responsible person sees the notice to answer, the leader the
    reply to read and the extension request to decide, each linking to the task page."""
    from engine.runtime import extension_requests, supervision

    issued = supervision.issue(
        store, task="T2", item="云溪三清村", colour="yellow", instruction="请说明进度", reply_by="2017-07-25", actor="li", clock=clock
    )
    auth.login("staff2")
    page = text(client.get("/my/"))
    waiting = page.split('id="todo-supervision"')[1].split("</ul>")[0]
    assert "督办单待您回复,回复期限 2017-07-25" in waiting and "黄色督办" in waiting and "云溪三清村" in waiting
    assert f'href="/board/{CHECKLIST}/tasks/T2"' in waiting
    supervision.reply(store, supervision_id=issued.id, text="已开标", actor="chen", clock=clock)
    extension_requests.request(
        store, task="T2", item="金安龙华村", requested_due="2017-10-20", reason="雨季施工", actor="chen", clock=clock, milestone="completed"
    )
    auth.logout()
    auth.login("leader")
    waiting = text(client.get("/my/")).split('id="todo-supervision"')[1].split("</ul>")[0]
    assert "督办单已回复,请阅处" in waiting and "延期申请待您审批(现期限 2017-09-30)" in waiting and "金安龙华村" in waiting
