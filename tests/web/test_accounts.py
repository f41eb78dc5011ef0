"""engine.accounts: passwords, lockout, tokens, people links, role capacities, audit events."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine import account_rules, accounts
from engine.errors import InputError, NotFound, NotPermitted
from engine.store.tables import accounts as accounts_table
from engine.store.tables import api_tokens
from tests.web.conftest import CHECKLIST, PASSWORD


def test_create_and_read(store, clock, yanting):
    made = accounts.create_account(
        store, "zhang1", "staff", clock=clock, password=PASSWORD, display_name="张明", people=[(CHECKLIST, "zhang")]
    )
    assert (made.role, made.people, made.has_password, made.disabled) == ("staff", ((CHECKLIST, "zhang"),), True, False)
    assert made.person_in(yanting) == "zhang"
    assert [a.id for a in accounts.list_accounts(store)] == ["zhang1"]
    with store.read() as conn:
        stored = conn.execute(select(accounts_table.c.password_hash)).scalar_one()
    assert stored.startswith("scrypt:") and PASSWORD not in stored


@pytest.mark.parametrize(
    "account_id, role, password, message",
    [
        ("ok", "boss", PASSWORD, "角色 “boss” 不存在"),
        ("bad id", "staff", PASSWORD, "只能由字母"),
        ("ok", "staff", "short", "密码至少 8 个字符"),
    ],
)
def test_create_refusals(store, clock, account_id, role, password, message):
    with pytest.raises(InputError, match=message):
        accounts.create_account(store, account_id, role, clock=clock, password=password)


def test_duplicate_and_unknown(store, clock):
    accounts.create_account(store, "a1", "staff", clock=clock, password=PASSWORD)
    with pytest.raises(InputError, match="已存在"):
        accounts.create_account(store, "a1", "head", clock=clock, password=PASSWORD)
    with pytest.raises(NotFound, match="没有账号"):
        accounts.set_disabled(store, "ghost", True, clock=clock)


def test_authenticate_lockout_and_reset(store, clock):
    accounts.create_account(store, "a1", "staff", clock=clock, password=PASSWORD)
    assert accounts.authenticate(store, "a1", PASSWORD, clock=clock).ok
    assert accounts.authenticate(store, "nobody", PASSWORD, clock=clock).reason == "unknown"
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        assert accounts.authenticate(store, "a1", "wrong-password", clock=clock).reason == "password"
    assert accounts.authenticate(store, "a1", PASSWORD, clock=clock).ok  # a success resets the count
    for _ in range(accounts.MAX_FAILED_LOGINS):
        accounts.authenticate(store, "a1", "wrong-password", clock=clock)
    assert accounts.authenticate(store, "a1", PASSWORD, clock=clock).reason == "locked"
    clock.advance(minutes=16)
    assert accounts.authenticate(store, "a1", PASSWORD, clock=clock).ok
    before = accounts.get_account(store, "a1").session_version
    new = accounts.reset_password(store, "a1", clock=clock)
    assert accounts.get_account(store, "a1").session_version == before + 1
    assert not accounts.authenticate(store, "a1", PASSWORD, clock=clock).ok
    assert accounts.authenticate(store, "a1", new, clock=clock).ok


def test_disabled_account_cannot_log_in_or_use_tokens(store, clock):
    accounts.create_account(store, "a1", "staff", clock=clock, password=PASSWORD)
    token = accounts.issue_token(store, "a1", clock=clock)
    assert accounts.account_for_token(store, token, clock=clock).id == "a1"
    accounts.set_disabled(store, "a1", True, clock=clock)
    assert accounts.authenticate(store, "a1", PASSWORD, clock=clock).reason == "disabled"
    assert accounts.account_for_token(store, token, clock=clock) is None
    accounts.set_disabled(store, "a1", False, clock=clock)
    assert accounts.account_for_token(store, token, clock=clock) is None  # disabling revoked it for good
    assert accounts.account_for_token(store, accounts.issue_token(store, "a1", clock=clock), clock=clock).id == "a1"


def test_tokens_are_stored_hashed_and_revocable(store, clock):
    accounts.create_account(store, "a1", "staff", clock=clock, password=PASSWORD)
    token = accounts.issue_token(store, "a1", clock=clock)
    assert token.startswith("qd_") and len(token) > 40
    with store.read() as conn:
        stored = conn.execute(select(api_tokens.c.token_sha256, api_tokens.c.last_used_at)).one()
    assert token not in stored.token_sha256 and len(stored.token_sha256) == 64
    assert accounts.account_for_token(store, token + "x", clock=clock) is None
    assert accounts.account_for_token(store, "not-a-token", clock=clock) is None
    accounts.account_for_token(store, token, clock=clock)
    with store.read() as conn:
        assert conn.execute(select(api_tokens.c.last_used_at)).scalar_one() == clock.now().astimezone(dt.UTC)
    assert accounts.count_tokens(store) == {"a1": 1}
    assert accounts.revoke_tokens(store, "a1", clock=clock) == 1
    assert accounts.account_for_token(store, token, clock=clock) is None


def test_person_links_any_checklist_and_specific(store, clock, yanting):
    accounts.create_account(store, "a1", "staff", clock=clock, password=PASSWORD, people=[("*", "chen")])
    assert accounts.get_account(store, "a1").person_in(yanting) == "chen"
    accounts.link_person(store, "a1", "zhang", checklist_id=CHECKLIST, clock=clock)
    assert accounts.get_account(store, "a1").person_in(yanting) == "zhang"  # a specific link wins over '*'
    accounts.unlink_person(store, "a1", "zhang", checklist_id=CHECKLIST, clock=clock)
    assert accounts.get_account(store, "a1").person_in(yanting) == "chen"
    accounts.create_account(store, "a2", "staff", clock=clock, password=PASSWORD, people=[("*", "nobody")])
    assert accounts.get_account(store, "a2").person_in(yanting) is None


def test_role_narrows_what_the_person_may_do(store, clock, yanting):
    """A staff account linked to the head still acts only as a responsible person; an inspector never reports."""
    t1, t5 = yanting.task_by_id["T1"], yanting.task_by_id["T5"]
    approve = yanting.workflows["construction"].transition("approve_plan", "planning")
    accounts.create_account(store, "wang-as-staff", "staff", clock=clock, password=PASSWORD, people=[(CHECKLIST, "wang")])
    accounts.create_account(store, "wang", "head", clock=clock, password=PASSWORD, people=[(CHECKLIST, "wang")])
    accounts.create_account(store, "zhao", "inspector", clock=clock, password=PASSWORD, people=[(CHECKLIST, "zhao")])
    accounts.create_account(store, "root", "admin", clock=clock, password=PASSWORD)
    as_staff, head, inspector, admin = (accounts.get_account(store, i) for i in ("wang-as-staff", "wang", "zhao", "root"))
    # the step is named by its label (审定方案), as people read it, never by its trigger id
    with pytest.raises(NotPermitted, match=f"无权对任务 T1 执行 “{yanting.workflows['construction'].action_label('approve_plan')}”"):
        account_rules.check_account_fire(as_staff, yanting, t1, approve.by, "approve_plan")
    assert account_rules.check_account_fire(head, yanting, t1, approve.by, "approve_plan") == "wang"
    with pytest.raises(NotPermitted, match="无权为任务 T5 报送进度"):
        account_rules.check_account_report(inspector, yanting, t5)
    with pytest.raises(NotPermitted, match="没有关联清单"):
        account_rules.check_account_report(admin, yanting, t5)
    assert account_rules.may_view_task(inspector, yanting, t1) and not account_rules.may_view_task(inspector, yanting, t5)


def test_account_changes_are_audited_without_secrets(store, clock):
    from engine.runtime.audit import SYSTEM_CHAIN, verify
    from engine.store.tables import events

    accounts.create_account(store, "a1", "staff", clock=clock, password=PASSWORD)
    token = accounts.issue_token(store, "a1", clock=clock)
    password = accounts.reset_password(store, "a1", clock=clock)
    with store.read() as conn:
        rows = conn.execute(select(events.c.kind, events.c.data).where(events.c.chain == SYSTEM_CHAIN).order_by(events.c.seq)).all()
        assert verify(conn).ok
    assert [r.kind for r in rows] == ["account_created", "token_issued", "password_set"]
    assert not any(secret in r.data for r in rows for secret in (PASSWORD, token, password))
