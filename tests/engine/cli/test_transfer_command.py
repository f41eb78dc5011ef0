"""``qingdan transfer``, run as installed: an item moves to another holder keeping its state and history, with an
audit event and a notice to both people; a unit means its person in charge; staff are refused in words; the audit
replay accounts for the move."""

import pytest

from tests.conftest import YANTING


@pytest.fixture
def loaded(qingdan):
    assert qingdan("load", YANTING, now="2017-03-01T09:00").returncode == 0
    return qingdan


def test_transfer_keeps_state_and_history_and_tells_both(loaded):
    q = loaded
    assert q("fire", "T1", "林农镇玉城村", "approve_plan", "--as", "li", now="2017-03-01T10:00").returncode == 0
    moved = q(
        "transfer", "yanting-wenguang-2017:T1", "林农镇玉城村", "--to", "chen", "--as", "li", "--note", "人员调整", now="2017-03-02T10:00"
    )
    assert moved.returncode == 0, moved.stderr
    assert "由 张明 转交 陈红 负责" in moved.stdout
    history = q("history", "T1", "林农镇玉城村", now="2017-03-02T11:00")
    assert history.returncode == 0, history.stderr
    lines = history.stdout.splitlines()
    assert "planning → plan_approved" in lines[0]  # the earlier step stays in the item's history
    assert "transfer" in lines[1] and '"from": "zhang", "to": "chen"' in lines[1] and "人员调整" in lines[1]
    status = q("status", "--json", now="2017-03-02T11:00")
    assert '"plan_approved": 1' in status.stdout  # the state is kept
    assert q("audit", "verify", now="2017-03-02T12:00").returncode == 0
    inbox_chen = q("inbox", "chen", now="2017-03-02T12:00")
    assert "已交由您负责" in inbox_chen.stdout or "交办" in inbox_chen.stdout, inbox_chen.stdout
    inbox_zhang = q("inbox", "zhang", now="2017-03-02T12:00")
    assert "已转交 陈红" in inbox_zhang.stdout, inbox_zhang.stdout
    again = q("transfer", "T1", "林农镇玉城村", "--to", "chen", "--as", "wang", now="2017-03-02T13:00")
    assert again.returncode == 1 and "无需转办" in again.stderr


def test_transfer_to_a_unit_and_refusals(loaded):
    q = loaded
    to_unit = q("transfer", "T1", "八角镇人民村", "--to", "广电股", "--as", "wang", now="2017-03-01T10:00")
    assert to_unit.returncode == 0, to_unit.stderr
    assert "转交 陈红" in to_unit.stdout
    staff = q("transfer", "T1", "茶亭燕来村", "--to", "chen", "--as", "zhang", now="2017-03-01T10:00")
    assert staff.returncode == 1 and "无权" in staff.stderr and "转办" in staff.stderr and "Traceback" not in staff.stderr
    nobody = q("transfer", "T1", "茶亭燕来村", "--to", "nobody", "--as", "li", now="2017-03-01T10:00")
    assert nobody.returncode == 1 and "没有人员或单位" in nobody.stderr
    assert q("audit", "verify", now="2017-03-01T12:00").returncode == 0
