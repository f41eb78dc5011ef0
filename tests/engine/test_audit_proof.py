"""The audit trail proves the state: forging needs the key, lost chains show in the checkpoints, and every table
that holds state is replayed from the events. Each tampering edits the real database with SQL."""

import os

import pytest
from sqlalchemy import select, text

from engine.accounts import create_account, set_role
from engine.runtime.audit import GENESIS, event_hash, verify
from engine.runtime.audit_keys import database_label, keyring, write_checkpoint
from engine.runtime.fire import fire
from engine.runtime.progress import report
from engine.store.tables import chain_heads, events

CHAIN = "yanting-wenguang-2017"


@pytest.fixture(autouse=True)
def instance(tmp_path, monkeypatch):
    """A key file and checkpoints file of this test's own (the instance folder of the engine and the command)."""
    env = {"QINGDAN_AUDIT_KEY_FILE": str(tmp_path / "home" / "audit.key"), "QINGDAN_AUDIT_CHECKPOINTS": str(tmp_path / "cp.jsonl")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def busy(store, yanting, clock, plugins):
    for name in yanting.task_by_id["T1"].items[:3]:
        fire(store, task="T1", item=name, trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    report(store, task="T4", amount="5", actor="chen", clock=clock)
    create_account(store, "li", "leader", clock=clock, people=[(CHAIN, "li")])
    return store


def check(store):
    with store.read() as conn:
        return verify(conn)


def sql(store, statement, **params):
    with store.write() as conn:
        conn.execute(text(statement), params)


def rechain_with_public_hash(store, chain, edit):
    """Edit an event and recompute the chain after it with the public algorithm, moving the head too."""
    with store.write() as conn:
        rows = [dict(r) for r in conn.execute(select(events).where(events.c.chain == chain).order_by(events.c.seq)).mappings()]
        prev = GENESIS
        for row in rows:
            edit(row)
            row["prev_hash"] = prev
            row["hash"] = prev = event_hash(row)
            conn.execute(
                events.update().where(events.c.id == row["id"]).values(data=row["data"], prev_hash=row["prev_hash"], hash=row["hash"])
            )
        conn.execute(chain_heads.update().where(chain_heads.c.chain == chain).values(hash=prev))


def test_whole_trail_verifies_and_is_keyed(busy, instance):
    result = check(busy)
    assert result.ok, result.problems
    assert result.marks[CHAIN]["mac_from"] == 1 and result.marks["_system"]["mac_from"] == 1
    assert os.stat(instance["QINGDAN_AUDIT_KEY_FILE"]).st_mode & 0o777 == 0o600
    assert any("检查点核对" in n for n in result.notes)  # the checkpoint written when the key was made


def test_event_edited_and_rechained_with_the_public_algorithm_is_found(busy):
    def edit(row):
        if row["kind"] == "report":
            row["data"] = row["data"].replace('"amount":"5"', '"amount":"500"')

    rechain_with_public_hash(busy, CHAIN, edit)
    result = check(busy)
    assert result.finding is not None and result.finding.what == "unkeyed" and result.finding.seq == 1
    assert "没有密钥校验码" in result.finding.message


def test_whole_chain_deleted_with_its_head_is_found_from_the_checkpoint(busy, qingdan, instance):
    written = qingdan("audit", "checkpoint", env=instance)
    assert written.returncode == 0, written.stderr
    assert "检查点已写入" in written.stdout
    sql(busy, "DELETE FROM events WHERE chain = '_system'")
    sql(busy, "DELETE FROM chain_heads WHERE chain = '_system'")
    sql(busy, "DELETE FROM account_people")
    sql(busy, "DELETE FROM accounts")
    result = check(busy)
    assert result.finding is not None and result.finding.what == "deleted" and result.finding.chain == "_system"
    assert "整条链连同链头都不见了" in result.finding.message
    verified = qingdan("audit", "verify", env=instance)
    assert verified.returncode == 2 and "整条链连同链头都不见了" in verified.stderr


def test_lost_chain_of_a_loaded_list_is_found_from_the_state_without_a_checkpoint(busy):
    sql(busy, "DELETE FROM events WHERE chain = :c", c=CHAIN)
    sql(busy, "DELETE FROM chain_heads WHERE chain = :c", c=CHAIN)
    result = check(busy)
    assert not result.ok
    assert any("清单 yanting-wenguang-2017 在审计记录中没有载入记录" in d for d in result.differences)


def test_checkpoint_edited_is_reported(busy, qingdan, instance):
    assert qingdan("audit", "checkpoint", env=instance).returncode == 0
    path = instance["QINGDAN_AUDIT_CHECKPOINTS"]
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    lines[-1] = lines[-1].replace('"written": "', '"written": "1', 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    result = check(busy)
    assert any("签名不对" in d for d in result.differences)


@pytest.mark.parametrize(
    "statement, words",
    [
        (
            "UPDATE items SET state = 'accepted' WHERE name = '林农镇玉城村'",
            "子项 T1/林农镇玉城村 的状态是“已验收销号”,但审计记录中它最后进入的是“方案已审定”。",
        ),
        ("UPDATE progress SET amount = amount * 100", "报送编号 1 的数量是 500,审计记录中是 5。"),
        ("UPDATE accounts SET role = 'admin' WHERE id = 'li'", "账号 li 的角色是 admin,审计记录中是 leader。"),
        ("UPDATE accounts SET disabled = TRUE WHERE id = 'li'", "账号 li 现在已停用,审计记录中它在用。"),
        ("INSERT INTO account_people VALUES ('li', '*', 'wang')", "账号 li 关联的人员是"),
        ("UPDATE checklists SET definition = replace(definition, '5472', '547')", "存储的定义"),
        ("DELETE FROM progress", "审计记录中的报送编号 1(数量 5)在数据库里不见了。"),
        ("UPDATE items SET state = 'tendering' WHERE name = '林农镇玉城村'", "子项 T1/林农镇玉城村 的状态是“"),
    ],
)
def test_state_beside_the_trail_is_checked(busy, statement, words):
    assert check(busy).ok
    sql(busy, statement)
    result = check(busy)
    assert not result.ok and result.finding is None
    assert any(words in d for d in result.differences), result.differences


def test_item_that_never_moved_is_compared_with_the_initial_state(busy, yanting):
    untouched = yanting.task_by_id["T1"].items[-1]
    sql(busy, "UPDATE items SET state = 'accepted' WHERE name = :n", n=untouched)
    result = check(busy)
    assert any(f"子项 T1/{untouched} 的状态是“已验收销号”,但审计记录中它从未变动" in d for d in result.differences)


def test_report_row_inserted_without_event_is_found(busy):
    sql(
        busy,
        "INSERT INTO progress (task_id, amount, actor, at, on_date) SELECT task_id, 7, 'chen', at, on_date FROM progress",
    )
    assert any("在审计记录中没有" in d and "7" in d for d in check(busy).differences)


@pytest.fixture
def worked(store, clock, plugins, steps):
    """The funded Yanting list: an item tendered, awarded, inspected (failed, so a round is kept) and a funds entry."""
    from engine.definition.validation import validate_text
    from engine.runtime.loader import load
    from plugins.acceptance import record as inspect
    from plugins.funds import record as book
    from tests.plugins.conftest import ITEM, PASSING, to_inspecting
    from tests.plugins.test_funds import FUNDED

    load(store, [validate_text(FUNDED, "funded.yaml", steps).definition], clock=clock)
    to_inspecting(store, clock, plugins)
    inspect(store, task="T1", item=ITEM, inspector="zhao", values=dict(PASSING, 文化广场面积="180"), clock=clock, plugins=plugins)
    book(store, task="T8", action="allocate", amount="100", on_date="2017-09-04", document="盐财[2017]1号", actor="he", clock=clock)
    assert check(store).ok, check(store).problems
    return store


@pytest.mark.parametrize(
    "statement, words",
    [
        (
            "UPDATE step_records SET value = '四川某公司' WHERE key = 'winner'",
            "子项 T1/林农镇玉城村 的步骤数据 winner 是 四川某公司,审计记录中是 四川蜀建建设有限公司。",
        ),
        ("DELETE FROM inspections", "审计记录中子项 T1/林农镇玉城村 第 1 轮验收在数据库里不见了。"),
        ("UPDATE inspections SET passed = TRUE", "子项 T1/林农镇玉城村 第 1 轮验收 的结论是 合格,审计记录中是 不合格。"),
        ("UPDATE inspections SET inspector = 'li'", "子项 T1/林农镇玉城村 第 1 轮验收 的验收人是 li,审计记录中是 zhao。"),
        ("UPDATE funds_entries SET amount = 1000", "资金记录 1 的金额是 1000,审计记录中是 100。"),
        ("UPDATE funds_entries SET document = NULL", "资金记录 1 的文号是 无,审计记录中是 盐财[2017]1号。"),
    ],
)
def test_plugins_state_is_replayed(worked, statement, words):
    sql(worked, statement)
    result = check(worked)
    assert not result.ok and any(words in d for d in result.differences), result.differences


def test_verify_command_names_every_difference_and_exits_2(busy, qingdan, instance):
    assert qingdan("audit", "verify", env=instance).returncode == 0
    sql(busy, "UPDATE progress SET amount = amount * 100")
    sql(busy, "UPDATE accounts SET role = 'admin'")
    broken = qingdan("audit", "verify", env=instance)
    assert broken.returncode == 2
    assert "报送编号 1 的数量是 500,审计记录中是 5。" in broken.stderr and "账号 li 的角色是 admin,审计记录中是 leader。" in broken.stderr
    english = qingdan("audit", "verify", env=instance, lang="en")
    assert english.returncode == 2 and "account li has the role admin; the audit trail says leader." in english.stderr


def test_verify_output_says_where_macs_begin_on_an_older_database(busy, monkeypatch, tmp_path):
    """Events written before the key existed keep verifying, and the output says where MACs begin."""
    # make the first 4 events of the list's chain look as they were written before the key (plain hashes)
    with busy.write() as conn:
        rows = [dict(r) for r in conn.execute(select(events).where(events.c.chain == CHAIN).order_by(events.c.seq)).mappings()]
    from engine.runtime.audit import event_mac

    ring = keyring()
    prev = GENESIS
    with busy.write() as conn:
        for row in rows:
            row["prev_hash"] = prev
            row["hash"] = prev = event_hash(row) if row["seq"] <= 2 else event_mac(row, ring, ring.current)
            conn.execute(events.update().where(events.c.id == row["id"]).values(prev_hash=row["prev_hash"], hash=row["hash"]))
        conn.execute(chain_heads.update().where(chain_heads.c.chain == CHAIN).values(hash=prev))
        second = rows[1]["hash"]
        database = database_label(conn.engine.url)
    assert check(busy).finding.what == "unkeyed"  # plain events with no checkpoint saying they predate the key
    write_checkpoint(ring, database, {CHAIN: {"seq": 2, "hash": second, "mac_from": None}}, reason="key-created")
    result = check(busy)
    assert result.ok, result.problems
    assert any("第 1–2 条记录早于审计密钥" in n and "第 3 条起有密钥校验" in n for n in result.notes)
    # editing a pre-key event and rechaining only the plain part breaks the link to the first keyed event
    sql(busy, "UPDATE events SET note = 'x' WHERE chain = :c AND seq = 1", c=CHAIN)
    assert check(busy).finding.what == "edited"


def test_rotated_key_keeps_older_events_verifying(busy, qingdan, instance, clock, plugins, yanting):
    first = keyring().current
    rotated = qingdan("audit", "rotate-key", env=instance)
    assert rotated.returncode == 0, rotated.stderr
    assert "新的审计密钥" in rotated.stdout and "检查点已写入" in rotated.stdout
    assert keyring().current != first and first in keyring().keys
    clock.advance(minutes=5)
    fire(busy, task="T1", item=yanting.task_by_id["T1"].items[4], trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    result = check(busy)
    assert result.ok, result.problems
    verified = qingdan("audit", "verify", env=instance)
    assert verified.returncode == 0 and "已与" in verified.stdout


def test_set_role_then_tampered_back(busy, clock):
    set_role(busy, "li", "staff", clock=clock)
    assert check(busy).ok
    sql(busy, "UPDATE accounts SET role = 'leader' WHERE id = 'li'")
    assert "账号 li 的角色是 leader,审计记录中是 staff。" in check(busy).differences
