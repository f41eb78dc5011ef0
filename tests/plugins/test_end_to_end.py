"""The issue's "done when": one item of the Yanting list from planning to accepted through the real command,
with the tendering rules, a failed inspection, its rectification deadline (reminded), the passing
re-inspection and the contract deadline, all visible in history; then the same in-process."""

from __future__ import annotations

import json

from sqlalchemy import select

from engine.store.tables import inspections, item_deadlines, items
from tests.conftest import YANTING
from tests.plugins.conftest import AWARD, ITEM, PASSING, move, to_tendering

FAILING = dict(PASSING, 文化广场面积="180")


def _checks(values):
    return [arg for name, value in values.items() for arg in ("--check", f"{name}={value}")]


def _ok(result):
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result


def test_planning_to_accepted_through_the_command(qingdan, tmp_path):
    photo = tmp_path / "广场.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of a 180 m2 square")
    env = {"QINGDAN_EVIDENCE_DIR": str(tmp_path / "evidence")}
    _ok(qingdan("load", YANTING, now="2017-03-01"))
    _ok(qingdan("fire", "T1", ITEM, "approve_plan", "--as", "li", now="2017-04-10"))
    _ok(qingdan("fire", "T1", ITEM, "open_tender", "--as", "zhang", now="2017-05-02"))

    # tender data recorded beforehand; a 13-day bidding period is warned about now and refused at the award
    done = _ok(
        qingdan(
            "record", "T1", ITEM, "--as", "zhang", "--data", "announced=2017-05-02", "--data", "bid_deadline=2017-05-15", now="2017-05-03"
        )
    )
    assert "少于法定的 20 日" in done.stderr
    refused = qingdan("fire", "T1", ITEM, "award", "--as", "zhang", now="2017-06-20")
    assert refused.returncode == 1 and "winner" in refused.stderr and "award_notice" in refused.stderr
    award = ["--data", "winner=四川蜀建建设有限公司", "--data", "amount=45.6", "--data", "award_notice=2017-06-19"]
    refused = qingdan("fire", "T1", ITEM, "award", "--as", "zhang", *award, now="2017-06-20")
    assert refused.returncode == 1 and "第二十四条" in refused.stderr and "13 日" in refused.stderr
    # corrected bid deadline; the winning candidate was published only 2 days before the notice: a warning
    done = _ok(
        qingdan(
            "fire",
            "T1",
            ITEM,
            "award",
            "--as",
            "zhang",
            *award,
            "--data",
            "bid_deadline=2017-05-25",
            "--data",
            "publicity=2017-06-17",
            now="2017-06-20",
        )
    )
    assert "tendering → building" in done.stdout
    assert "公示期不得少于 3 日" in done.stderr and "第五十四条" in done.stderr

    # the contract deadline (award notice + 30 days) is reminded like any deadline, until the signing is recorded
    tick = json.loads(_ok(qingdan("tick", "--no-deliver", "--json", now="2017-07-12T10:00")).stdout)
    contract = [n for n in tick["notices"] if n["item"] == ITEM and n["due"] == "2017-07-19"]
    assert contract and all(n["recipient"] == "zhang" and n["kind"] == "reminder" for n in contract)
    shown = _ok(qingdan("record", "T1", ITEM, now="2017-07-12")).stdout
    assert "签订书面合同(contract):2017-07-19" in shown
    _ok(qingdan("record", "T1", ITEM, "--as", "zhang", "--data", "contract_signed=2017-07-14", now="2017-07-14"))
    assert "(contract)" not in _ok(qingdan("record", "T1", ITEM, now="2017-07-14")).stdout

    _ok(qingdan("fire", "T1", ITEM, "finish", "--as", "zhang", now="2017-09-01"))
    _ok(qingdan("fire", "T1", ITEM, "request_inspection", "--as", "zhang", now="2017-09-04"))

    # pass without a round, the responsible person inspecting, a non-inspector: all refused
    refused = qingdan("fire", "T1", ITEM, "pass", "--as", "zhao", now="2017-09-29")
    assert refused.returncode == 1 and "qingdan inspect" in refused.stderr
    assert qingdan("inspect", "T1", ITEM, "--as", "zhang", *_checks(PASSING), now="2017-09-29").returncode == 1
    assert qingdan("inspect", "T1", ITEM, "--as", "chen", *_checks(PASSING), now="2017-09-29").returncode == 1

    failed = _ok(
        qingdan(
            "inspect",
            "T1",
            ITEM,
            "--as",
            "zhao",
            *_checks(FAILING),
            "--evidence",
            photo,
            "--note",
            "广场面积不足",
            now="2017-09-29",
            env=env,
        )
    )
    assert "第 1 轮验收未通过:文化广场面积 180 < 200 平方米" in failed.stdout
    assert "inspecting → rectifying" in failed.stdout
    # 2017-09-29 failed; 10 working days: 09-30 (调休), 10-09 … 10-13, 10-16 … 10-19 (国庆 10-01…10-08 not counted)
    assert "整改期限:2017-10-19" in failed.stdout
    assert len(list((tmp_path / "evidence").rglob("*"))) == 2  # one directory, one file

    refused = qingdan("fire", "T1", ITEM, "pass", "--as", "zhao", now="2017-09-30")
    assert refused.returncode == 1
    tick = json.loads(_ok(qingdan("tick", "--no-deliver", "--json", now="2017-10-12T10:00")).stdout)
    assert any(n["item"] == ITEM and n["due"] == "2017-10-19" and "整改" in n["subject"] for n in tick["notices"])

    _ok(qingdan("fire", "T1", ITEM, "request_inspection", "--as", "zhang", now="2017-10-13"))
    refused = qingdan("fire", "T1", ITEM, "pass", "--as", "zhao", now="2017-10-16")
    assert refused.returncode == 1, "the round before rectifying does not count for the re-inspection"
    passed = _ok(qingdan("inspect", "T1", ITEM, "--as", "zhao", *_checks(dict(PASSING, 文化广场面积="210平方米")), now="2017-10-16"))
    assert "第 2 轮验收通过" in passed.stdout and "inspecting → accepted" in passed.stdout

    history = json.loads(_ok(qingdan("history", "T1", ITEM, "--json")).stdout)
    kinds = [(e["kind"], e["trigger"] or e["data"].get("key") or e["data"].get("round")) for e in history if e["kind"] != "notice"]
    assert kinds == [
        ("transition", "approve_plan"),
        ("transition", "open_tender"),
        ("step_data", None),
        ("transition", "award"),
        ("deadline", "contract"),
        ("step_data", None),
        ("deadline_met", "contract"),
        ("transition", "finish"),
        ("transition", "request_inspection"),
        ("inspection", 1),
        ("transition", "fail"),
        ("deadline", "rectify"),
        ("transition", "request_inspection"),
        ("deadline_met", "rectify"),
        ("inspection", 2),
        ("transition", "pass"),
    ]
    by_kind = {(e["kind"], e["data"].get("round")): e for e in history}
    first = by_kind[("inspection", 1)]
    assert first["data"]["unmet"] == ["文化广场面积 180 < 200 平方米"] and first["note"] == "广场面积不足"
    assert first["data"]["evidence"][0]["name"] == "广场.jpg" and len(first["data"]["evidence"][0]["sha256"]) == 64
    award_event = next(e for e in history if e["trigger"] == "award")
    assert award_event["data"]["winner"] == "四川蜀建建设有限公司" and award_event["data"]["bid_deadline"] == "2017-05-25"
    text = _ok(qingdan("history", "T1", ITEM)).stdout
    assert "2017-10-19" in text and "inspection" in text
    _ok(qingdan("audit", "verify"))


def test_planning_to_accepted_in_process(store, yanting, clock, plugins, tmp_path):
    from engine.queries.history import task_history
    from engine.runtime.evidence import store_file
    from engine.runtime.stepdata import record as record_data
    from plugins.acceptance import record as inspect

    to_tendering(store, clock, plugins)
    record_data(
        store, task="T1", item=ITEM, data={k: AWARD[k] for k in ("announced", "bid_deadline")}, actor="zhang", clock=clock, plugins=plugins
    )
    award = move(
        store, clock, plugins, ("award", "zhang", "2017-06-20", {k: v for k, v in AWARD.items() if k not in ("announced", "bid_deadline")})
    )
    assert award.warnings == ()
    move(store, clock, plugins, ("finish", "zhang", "2017-09-01"), ("request_inspection", "zhang", "2017-09-04"))
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"photo")
    failed = inspect(
        store,
        task="T1",
        item=ITEM,
        inspector="zhao",
        values=FAILING,
        clock=clock,
        plugins=plugins,
        evidence=[store_file(photo, tmp_path / "ev")],
        note="广场面积不足",
    )
    assert (failed.round, failed.passed, failed.unmet) == (1, False, ("文化广场面积 180 < 200 平方米",))
    assert failed.fired.to_state == "rectifying" and str(failed.rectify_due) == "2017-09-18"
    move(store, clock, plugins, ("request_inspection", "zhang", "2017-09-11"))
    clock.at = clock.at.replace(day=12)
    passed = inspect(
        store,
        task="T1",
        item=ITEM,
        inspector="zhao",
        values={str(i): v for i, v in enumerate(PASSING.values(), 1)},
        clock=clock,
        plugins=plugins,
    )
    assert passed.passed and passed.fired.to_state == "accepted" and passed.rectify_due is None
    with store.read() as conn:
        item_id = conn.execute(select(items.c.id).where(items.c.name == ITEM)).scalar_one()
        rounds = conn.execute(
            select(inspections.c.round, inspections.c.passed, inspections.c.evidence)
            .where(inspections.c.item_id == item_id)
            .order_by(inspections.c.round)
        ).all()
        deadlines = conn.execute(
            select(item_deadlines.c.key, item_deadlines.c.due_date, item_deadlines.c.cleared_at)
            .where(item_deadlines.c.item_id == item_id)
            .order_by(item_deadlines.c.id)
        ).all()
    assert [(r.round, r.passed) for r in rounds] == [(1, False), (2, True)]
    assert json.loads(rounds[0].evidence)[0]["size"] == 5
    assert [(d.key, str(d.due_date), d.cleared_at is not None) for d in deadlines] == [
        ("contract", "2017-07-19", False),
        ("rectify", "2017-09-18", True),
    ]
    assert [e["trigger"] for e in task_history(store, "T1", ITEM) if e["kind"] == "transition"] == [
        "approve_plan",
        "open_tender",
        "award",
        "finish",
        "request_inspection",
        "fail",
        "request_inspection",
        "pass",
    ]
