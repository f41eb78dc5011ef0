"""The funds extension: the budget option, the ledger's rules, and what the status board shows."""

from __future__ import annotations

import re
import threading
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from engine.definition.validation import validate_text
from engine.errors import InputError, NotPermitted, QingdanError
from engine.store.tables import funds_entries
from plugins.funds import record, summary
from tests.conftest import YANTING, at

FUNDED = (
    YANTING.read_text(encoding="utf-8")
    .replace(
        "    target: {quantity: 172.12, unit: 万元}\n    deadlines: {done: 2017-10-31}\n",
        "    target: {quantity: 172.12, unit: 万元}\n    deadlines: {done: 2017-10-31}\n    funds: {budget: 172.12, unit: 万元}\n",
    )
    .replace(
        "    tendering: {mandatory: true}\n    acceptance:\n      - {check: 广播通响率",
        "    tendering: {mandatory: true}\n    funds: {budget: 60}\n    acceptance:\n      - {check: 广播通响率",
    )
)


@pytest.fixture
def funded(store, clock, steps):
    from engine.runtime.loader import load

    result = validate_text(FUNDED, "funded.yaml", steps)
    assert result.ok, [p.format() for p in result.errors]
    assert not [p for p in result.warnings if "funds" in p.message]  # applies to any task: no "has no effect" warning
    load(store, [result.definition], clock=clock)
    return result.definition


def book(store, clock, action, amount, day="2017-03-01", task="T8", actor="he", doc="盐财教[2017]12号"):
    return record(store, task=task, action=action, amount=amount, on_date=day, document=doc, actor=actor, clock=clock)


def test_the_ledger_keeps_its_order_allocated_disbursed_spent(store, funded, clock):
    with pytest.raises(InputError, match="本次拨付 10 万元 后累计拨付 10 万元,超过已下达 0 万元"):
        book(store, clock, "disburse", "10")
    assert book(store, clock, "allocate", "100").totals.allocated == 100
    assert book(store, clock, "拨付", "60").totals.disbursed == 60
    with pytest.raises(InputError, match="超过已拨付 60 万元:不能支出多于拨付"):
        book(store, clock, "spend", "60.0001")
    result = book(store, clock, "支出", "50")
    assert (result.totals.spent, result.totals.execution_rate, result.warnings) == (50, Decimal("0.2905"), ())
    over = book(store, clock, "allocate", "100")
    assert over.totals.allocated == 200 and "超过预算 172.12 万元" in over.warnings[0]
    with store.read() as conn:
        assert [
            (r.kind, float(r.amount), r.document)
            for r in conn.execute(
                select(funds_entries.c.kind, funds_entries.c.amount, funds_entries.c.document).order_by(funds_entries.c.id)
            )
        ] == [
            ("allocated", 100, "盐财教[2017]12号"),
            ("disbursed", 60, "盐财教[2017]12号"),
            ("spent", 50, "盐财教[2017]12号"),
            ("allocated", 100, "盐财教[2017]12号"),
        ]


@pytest.mark.parametrize(
    "changes,error,message",
    [
        ({"action": "borrow"}, InputError, "allocate(下达)、disburse(拨付)或 spend(支出)"),
        ({"amount": "0"}, InputError, "必须大于 0"),
        ({"amount": "1.23456"}, InputError, "最多保留 4 位小数"),
        ({"day": "2017-3-1"}, InputError, "YYYY-MM-DD"),
        ({"day": "2017-03-02"}, InputError, "晚于今天 2017-03-01"),
        ({"doc": " "}, InputError, "--doc"),
        ({"actor": "zhao"}, NotPermitted, "赵敏 无权"),
        ({"task": "T1"}, InputError, "任务 T1 没有资金预算"),
    ],
)
def test_refusals(store, funded, clock, changes, error, message):
    arguments = {"action": "allocate", "amount": "5", **changes}
    with pytest.raises(error, match=re.escape(message)):
        book(store, clock, **arguments)


def test_each_entry_is_an_audit_event(store, funded, clock):
    from engine.queries.history import task_history

    book(store, clock, "allocate", "100", actor="wang")
    [entry] = task_history(store, "T8")
    assert (entry["kind"], entry["actor"], entry["data"]["kind"], entry["data"]["amount"], entry["data"]["date"]) == (
        "funds",
        "wang",
        "allocated",
        "100",
        "2017-03-01",
    )
    assert entry["data"]["totals"]["allocated"] == 100


def test_status_fields_and_the_yellow_light(store, funded, clock, plugins):
    from engine.queries.status import checklist_status

    book(store, clock, "allocate", "100")
    book(store, clock, "disburse", "100")
    book(store, clock, "allocate", "20", task="T2", actor="chen")
    clock.at = at("2017-09-25")  # T8 is due 2017-10-31: more than 30 days away
    board = {t.id: t for t in checklist_status(store, funded.id, clock, plugins).tasks}
    assert board["T8"].extra["funds"] == {
        "budget": 172.12,
        "unit": "万元",
        "allocated": 100,
        "disbursed": 100,
        "spent": 0,
        "execution_rate": 0,
    }
    assert board["T8"].light == "green"
    assert board["T2"].extra["funds"]["unit"] == "万元" and board["T2"].extra["funds"]["allocated"] == 20
    assert "funds" not in board["T1"].extra
    clock.at = at("2017-10-02")  # within 30 days of the deadline with 72.12 of the budget still to come
    with store.read() as conn:
        answer = plugins.hook.qingdan_checklist_status(checklist=funded, connection=conn, today=clock.now().date())
    [mine] = [a for a in answer if a]
    assert mine["T8"]["light"] == "yellow" and "72.12 万元 未拨付" in mine["T8"]["reason"]
    assert mine["T2"]["light"] == "yellow"  # T2 is due 2017-09-30 … 10-31; 60 budgeted, nothing disbursed
    board = {t.id: t for t in checklist_status(store, funded.id, clock, plugins).tasks}
    assert board["T8"].light == "yellow"


def test_one_query_for_the_whole_checklist(store, funded, clock):
    book(store, clock, "allocate", "100")
    book(store, clock, "allocate", "20", task="T2", actor="chen")
    statements = []
    with store.read() as conn:
        event.listen(conn, "before_cursor_execute", lambda *args: statements.append(args[2]))
        found = summary(conn, funded)
    assert len(statements) == 1 and set(found) == {"T2", "T8"}


def test_no_budget_no_query(store, yanting, clock):
    with store.read() as conn:
        assert summary(conn, yanting) == {}


def test_budget_option_is_checked_with_its_line(steps):
    bad = FUNDED.replace("funds: {budget: 60}", "funds: {budget: -60, currency: 元}")
    errors = [p.format() for p in validate_text(bad, "f.yaml", steps).errors]
    assert len(errors) == 2 and all(e.startswith("f.yaml:103:") for e in errors)
    assert any("currency" in e for e in errors)


def test_two_disbursements_at_once_cannot_overdraw(db_url, store, funded, clock):
    """Both would fit alone; together they exceed the allocation: exactly one is refused."""
    from engine.store import open_store

    book(store, clock, "allocate", "100")
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        own = open_store(db_url)
        try:
            barrier.wait()
            book(own, clock, "disburse", "60")
            outcomes.append("ok")
        except QingdanError as refused:
            outcomes.append(type(refused).__name__)
        finally:
            own.dispose()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["InputError", "ok"]


def test_the_command(qingdan, tmp_path):
    path = tmp_path / "funded.yaml"
    path.write_text(FUNDED, encoding="utf-8")
    assert qingdan("load", path, now="2017-03-01").returncode == 0
    done = qingdan("funds", "T8", "allocate", "100", "--date", "2017-03-01", "--doc", "盐财[2017]1号", "--as", "he", now="2017-03-02")
    assert done.returncode == 0 and "已记录(编号 1):T8 下达 100 万元。预算 172.12,已下达 100" in done.stdout
    refused = qingdan("funds", "T8", "spend", "1", "--date", "2017-03-01", "--doc", "x", "--as", "he", now="2017-03-02", lang="en")
    assert refused.returncode == 1 and "more than the 0 万元 disbursed: refused" in refused.stderr
    refused = qingdan("funds", "T8", "spend", "-1", "--date", "2017-03-01", "--doc", "x", "--as", "he", now="2017-03-02")
    assert refused.returncode == 1 and "大于 0" in refused.stderr
    refused = qingdan("funds", "T8", "spend", "1", now="2017-03-02")
    assert refused.returncode == 1 and "用法" in refused.stderr
    shown = qingdan("funds", "T8")
    assert "#1  2017-03-01  下达  100 万元  盐财[2017]1号  he" in shown.stdout
    status = qingdan("status", "--json", now="2017-03-02")
    assert '"execution_rate": 0' in status.stdout
