"""Every permission check of a fire is made inside the engine's write transaction against the state it writes: an item
that moves between the page's read and the engine's write cannot let an account's role fire what it may not.

The move is made at the one point where it matters, between ``web.operations.locate`` (the page's read) and the
engine's transaction, by a wrapper that calls the real ``locate`` and then lets another person fire, as a second
request would; everything else runs as in production."""

from __future__ import annotations

import pytest

from engine.errors import NotPermitted
from tests.web.conftest import PASSWORD

LIST = """\
checklist:
  id: sign-2017
  title: 签发清单
  year: 2017
units:
  office: {name: 办公室}
people:
  wang: {name: 王建国, roles: [head]}
  li: {name: 李文华, roles: [leader]}
  zhang: {name: 张明, unit: office}
workflows:
  review:
    title: 审签
    initial: draft
    states:
      draft: {label: 起草}
      returned: {label: 退回修改}
      signed: {label: 已签发, final: true}
    transitions:
      - {trigger: sign, from: draft, to: signed, by: [head]}
      - {trigger: send_back, from: draft, to: returned, by: [responsible]}
      - {trigger: redraft, from: returned, to: draft, by: [responsible]}
tasks:
  - id: S1
    title: 签发年度文件
    unit: office
    responsible: zhang
    leader: li
    workflow: review
"""


@pytest.fixture
def signing(store, clock, steps, app):
    """The list loaded beside Yanting, its item sent back (``sign`` is not valid there), and a staff account whose
    person is the list's head."""
    import engine
    from engine.accounts import create_account
    from engine.definition.validation import validate_text
    from engine.runtime.loader import load

    result = validate_text(LIST, "sign-2017.yaml", steps)
    assert result.ok, [p.format() for p in result.errors]
    load(store, [result.definition], clock=clock)
    create_account(store, "wang-staff", "staff", clock=clock, password=PASSWORD, people=[("sign-2017", "wang")])
    engine.fire(store, task="S1", item=None, trigger="send_back", actor="zhang", clock=clock, plugins=app.extensions["qingdan"].plugins)
    return result.definition


def state_of(store, clock) -> str:
    import engine

    with engine.task_transaction(store, "S1", None, checklist="sign-2017", workflow_only=False, write=False) as found:
        return found.item.state


@pytest.fixture
def moved_in_between(monkeypatch, store, clock, app):
    """After the page has read the item, zhang puts it back into draft (where ``sign`` is valid)."""
    import engine
    import web.operations

    real = web.operations.locate

    def read_then_someone_moves_it(task, item, checklist=None):
        found = real(task, item, checklist)
        engine.fire(store, task="S1", item=None, trigger="redraft", actor="zhang", clock=clock, plugins=app.extensions["qingdan"].plugins)
        return found

    monkeypatch.setattr(web.operations, "locate", read_then_someone_moves_it)


def test_staff_account_of_a_head_cannot_fire_a_head_transition_when_the_item_moves(signing, moved_in_between, client, store, clock):
    assert client.post("/login", data={"account": "wang-staff", "password": PASSWORD}).status_code == 302
    answer = client.post("/my/fire", data={"checklist": "sign-2017", "task": "S1", "trigger": "sign", "expect_state": "draft"})
    assert answer.status_code == 403
    assert state_of(store, clock) == "draft"  # moved by zhang, never signed


def test_the_api_is_checked_the_same_way(signing, moved_in_between, client, store, clock):
    from engine.accounts import issue_token
    from tests.web.conftest import bearer

    token = issue_token(store, "wang-staff", clock=clock)
    answer = client.post(
        "/api/fire", json={"checklist": "sign-2017", "task": "S1", "trigger": "sign", "expect_state": "draft"}, headers=bearer(token)
    )
    assert answer.status_code == 403 and "error" in answer.get_json()
    assert state_of(store, clock) == "draft"


def test_a_head_account_may_fire_it(signing, store, clock, client):
    from engine.accounts import create_account

    create_account(store, "wang-head", "head", clock=clock, password=PASSWORD, people=[("sign-2017", "wang")])
    import engine

    engine.fire(
        store, task="S1", item=None, trigger="redraft", actor="zhang", clock=clock, plugins=client.application.extensions["qingdan"].plugins
    )
    client.post("/login", data={"account": "wang-head", "password": PASSWORD})
    answer = client.post("/my/fire", data={"checklist": "sign-2017", "task": "S1", "trigger": "sign", "expect_state": "draft"})
    assert answer.status_code == 302
    assert state_of(store, clock) == "signed"


def test_engine_fire_checks_the_capacities_it_is_given(signing, store, clock, app):
    import engine

    plugins = app.extensions["qingdan"].plugins
    engine.fire(store, task="S1", item=None, trigger="redraft", actor="zhang", clock=clock, plugins=plugins)
    with pytest.raises(NotPermitted, match="以此账号的角色无权对任务 S1 执行 “转入已签发”"):  # the step in words, not “sign”
        engine.fire(
            store, task="S1", item=None, trigger="sign", actor="wang", clock=clock, plugins=plugins, within=frozenset({"responsible"})
        )
    assert state_of(store, clock) == "draft"
    result = engine.fire(
        store, task="S1", item=None, trigger="sign", actor="wang", clock=clock, plugins=plugins, within=frozenset({"head", "leader"})
    )
    assert result.to_state == "signed"
