"""Measured indicators (``target: {measure: latest|max|min}``): reports are readings, the value may go down, and
status, light, pace, the ``done`` milestone, restatements, corrections and the documents all agree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine.definition.validation import validate_text
from engine.documents.facts import gather
from engine.errors import InputError
from engine.queries.status import checklist_status
from engine.runtime.loader import load
from engine.runtime.progress import correct, report
from tests.conftest import YANTING, at

MEASURED_TASKS = """
  - id: M1
    title: 广播电视户户通通响率
    unit: radio
    responsible: chen
    leader: li
    target: {quantity: 95, unit: "%", measure: latest}
    deadlines: {done: 2017-10-31}
    pace: true

  - id: M2
    title: 景区单日最高接待游客
    unit: tourism
    responsible: liu
    leader: li
    target: {quantity: 5000, unit: 人次, measure: max}
    deadlines: {done: 2017-10-31}

  - id: M3
    title: 农家书屋图书完好率(最低一次抽查)
    unit: culture
    responsible: zhang
    leader: li
    target: {quantity: 90, unit: "%", measure: min}
    deadlines: {done: 2017-10-31}
"""


def measured_text(extra: str = MEASURED_TASKS) -> str:
    return YANTING.read_text(encoding="utf-8").rstrip() + "\n" + extra


@pytest.fixture
def measured_list(store, clock, steps):
    result = validate_text(measured_text(), "measured.yaml", steps)
    assert result.ok, [p.format() for p in result.errors]
    load(store, [result.definition], clock=clock)
    return result.definition


def status_of(store, clock, task_id, as_of=None):
    return next(t for t in checklist_status(store, "yanting-wenguang-2017", clock, as_of=as_of).tasks if t.id == task_id)


def on(clock, day: str):
    clock.at = at(day + "T10:00")


def test_a_rate_goes_down_and_up_and_status_light_pace_follow(store, clock, measured_list):
    on(clock, "2017-07-03")  # about 60 % of the time to October 31 has gone by
    first = report(store, task="M1", amount="80", actor="chen", clock=clock, on="2017-06-30")
    assert first.total == Decimal("80") and not first.reached
    status = status_of(store, clock, "M1")
    assert (status.done, status.reading_on, status.light) == (Decimal("80"), dt.date(2017, 6, 30), "green")
    assert status.as_json()["measure"] == "latest" and status.as_json()["reading_on"] == "2017-06-30"

    down = report(store, task="M1", amount="40", actor="chen", clock=clock)  # a reading, not an increment: it went down
    assert down.total == Decimal("40")
    status = status_of(store, clock, "M1")
    assert status.done == Decimal("40") and status.light == "yellow" and status.reason == "pace"
    assert status.pace["done"] == pytest.approx(40 / 95, abs=0.001)

    up = report(store, task="M1", amount="96.5", actor="chen", clock=clock)  # above the target is no overshoot
    assert up.reached and not up.over and up.total == Decimal("96.5")
    status = status_of(store, clock, "M1")
    assert status.complete and status.light == "done" and status.next_deadline is None

    on(clock, "2017-08-01")
    report(store, task="M1", amount="93", actor="chen", clock=clock)  # it may fall back below the target
    status = status_of(store, clock, "M1")
    assert status.done == Decimal("93") and not status.complete and status.light == "green"
    assert status.next_deadline == dt.date(2017, 10, 31)

    on(clock, "2017-11-02")  # the deadline passed below the target: overdue, red
    status = status_of(store, clock, "M1")
    assert status.light == "red" and status.overdue == 1


def test_zero_is_a_reading_and_bad_readings_are_refused(store, clock, measured_list):
    on(clock, "2017-07-03")
    assert report(store, task="M3", amount="0", actor="zhang", clock=clock).total == Decimal("0")
    with pytest.raises(InputError):
        report(store, task="M3", amount="abc", actor="zhang", clock=clock)
    with pytest.raises(InputError):
        report(store, task="M3", amount="1e3", actor="zhang", clock=clock)


def test_max_and_min(store, clock, measured_list):
    on(clock, "2017-07-03")
    for amount, day in (("4200", "2017-06-10"), ("5300", "2017-06-20"), ("3900", "2017-07-01")):
        report(store, task="M2", amount=amount, actor="liu", clock=clock, on=day)
        report(store, task="M3", amount=str(Decimal(amount) / 50), actor="zhang", clock=clock, on=day)  # 84, 106, 78
    highest = status_of(store, clock, "M2")
    assert (highest.done, highest.reading_on, highest.complete) == (Decimal("5300"), dt.date(2017, 6, 20), True)
    lowest = status_of(store, clock, "M3")
    assert (lowest.done, lowest.reading_on, lowest.complete) == (Decimal("78"), dt.date(2017, 7, 1), False)
    # the highest reading reached 5000 on June 20 and stays (a later, lower reading does not undo a maximum)
    done = highest.judged.items[0].milestones[0]
    assert done.verdict.reached_on == dt.date(2017, 6, 20)


def test_corrections_withdraw_a_reading(store, clock, measured_list):
    on(clock, "2017-07-03")
    report(store, task="M1", amount="90", actor="chen", clock=clock, on="2017-06-30")
    wrong = report(store, task="M1", amount="9", actor="chen", clock=clock)  # meant 96
    assert status_of(store, clock, "M1").done == Decimal("9")
    fixed = correct(store, task="M1", entry=wrong.entry, actor="chen", clock=clock, note="少录一位")
    assert fixed.total == Decimal("90")  # the reading before it stands again
    assert status_of(store, clock, "M1").reading_on == dt.date(2017, 6, 30)
    high = report(store, task="M2", amount="6000", actor="liu", clock=clock)
    assert status_of(store, clock, "M2").complete
    correct(store, task="M2", entry=high.entry, actor="liu", clock=clock)
    m2 = status_of(store, clock, "M2")
    assert m2.done == Decimal("0") and m2.reading_on is None and not m2.complete


def test_as_of_restates_the_reading_of_that_date(store, clock, measured_list):
    on(clock, "2017-07-20")
    report(store, task="M1", amount="70", actor="chen", clock=clock, on="2017-06-25")
    report(store, task="M1", amount="96", actor="chen", clock=clock, on="2017-07-05")
    report(store, task="M1", amount="91", actor="chen", clock=clock, on="2017-07-15")
    assert status_of(store, clock, "M1").done == Decimal("91")
    june = status_of(store, clock, "M1", as_of=dt.date(2017, 6, 30))
    assert (june.done, june.reading_on, june.light) == (Decimal("70"), dt.date(2017, 6, 25), "green")
    july = status_of(store, clock, "M1", as_of=dt.date(2017, 7, 10))
    assert july.done == Decimal("96") and july.light == "done"


def test_documents_agree_with_status(store, clock, measured_list, plugins, tmp_path):
    on(clock, "2017-07-03")
    report(store, task="M1", amount="88", actor="chen", clock=clock, on="2017-06-10")
    report(store, task="M1", amount="82", actor="chen", clock=clock, on="2017-06-30")
    facts = gather(store, "yanting-wenguang-2017", clock, plugins, as_of=dt.date(2017, 6, 30), period="quarter")
    status = status_of(store, clock, "M1", as_of=dt.date(2017, 6, 30))
    m1 = next(t for t in facts.tasks if t.task.id == "M1")
    assert (m1.done, m1.target, m1.light) == (status.done, status.target, status.light) == (Decimal("82"), Decimal("95"), "green")
    assert m1.period_done is None  # readings do not add up over a quarter
    assert m1.remaining == Decimal("13")
    ledger = [i for i in facts.items if i.task.id == "M1"]
    assert ledger and all(i.done == Decimal("82") for i in ledger)
    # the dispatch table and the ledger show the reading, and the work report calls it one
    from openpyxl import load_workbook

    from engine.documents.dispatch import write_dispatch
    from engine.documents.ledger import write_ledger
    from engine.documents.work_report import context

    write_dispatch(facts, tmp_path / "dispatch.xlsx")
    write_ledger(facts, tmp_path / "ledger.xlsx")
    for name in ("dispatch.xlsx", "ledger.xlsx"):
        rows = [[c for c in row if c is not None] for row in load_workbook(tmp_path / name).active.iter_rows(values_only=True)]
        row = next(r for r in rows if any(isinstance(c, str) and "通响率" in c for c in r))
        assert 82 in row and 88 not in row and 170 not in row, (name, row)
    text = str(context(facts))
    assert "最新读数为82%（6月30日）" in text and "累计完成82" not in text
    assert "距目标95%还差13%，确保10月31日前达到" in text and "还需完成13%" not in text


def test_validation_refuses_unknown_measures_and_parts(steps):
    bad = validate_text(measured_text(MEASURED_TASKS.replace("measure: max", "measure: avg")), "m.yaml", steps)
    assert not bad.ok
    found = [p.format() for p in bad.errors]
    line = measured_text().splitlines().index("    target: {quantity: 5000, unit: 人次, measure: max}") + 1
    assert any(f"m.yaml:{line}" in text and "不认识的计量方式 “avg”" in text and "latest(最新读数)" in text for text in found), found
    parted = MEASURED_TASKS.replace(
        '    target: {quantity: 95, unit: "%", measure: latest}',
        '    target: {quantity: 95, unit: "%", measure: latest}\n    parts: [{id: poor, title: 贫困村, quantity: 90}]',
    )
    bad = validate_text(measured_text(parted), "m.yaml", steps)
    assert any("按读数计的目标(measure: latest)不能分项" in p.format() for p in bad.errors)
    assert validate_text(measured_text(MEASURED_TASKS.replace("measure: max", "measure: sum")), "m.yaml", steps).ok


def test_the_command_line_speaks_of_readings(qingdan, tmp_path):
    listing = tmp_path / "measured.yaml"
    listing.write_text(measured_text(), encoding="utf-8")
    assert qingdan("load", listing, now="2017-07-01T09:00").returncode == 0
    first = qingdan("report", "M1", "90", "--as", "chen", "--on", "2017-06-30", now="2017-07-03T09:00")
    assert first.returncode == 0 and "已记录读数(报送编号 1):M1 读数 90(2017-06-30),最新读数 90/95" in first.stdout
    second = qingdan("report", "M1", "0", "--as", "chen", now="2017-07-03T09:00")
    assert second.returncode == 0 and "最新读数 0/95" in second.stdout and "+" not in second.stdout
    fixed = qingdan("correct", "M1", "2", "--as", "chen", "--note", "漏了一位", now="2017-07-03T09:05")
    assert fixed.returncode == 0 and "已冲销读数 2(更正编号 3),最新读数 90。" in fixed.stdout
    status = qingdan("status", "--json", now="2017-07-03T10:00")
    import json

    m1 = next(t for t in json.loads(status.stdout)["tasks"] if t["id"] == "M1")
    assert m1["progress"] == {"done": 90, "target": 95} and m1["reading_on"] == "2017-06-30"
    table = qingdan("status", now="2017-07-03T10:00").stdout
    line = next(row for row in table.splitlines() if "M1" in row)
    assert "90/95%" in line and "最新读数 2017-06-30" in line, line
    restated = qingdan("status", "--json", "--as-of", "2017-06-29", now="2017-07-03T10:00")
    m1 = next(t for t in json.loads(restated.stdout)["tasks"] if t["id"] == "M1")
    assert m1["progress"]["done"] == 0 and m1["reading_on"] is None


def test_item_shares_are_refused_on_a_measured_target(steps):
    shared = MEASURED_TASKS.replace(
        "    deadlines: {done: 2017-10-31}\n    pace: true",
        "    items: [{name: 城区, quantity: 50}, 乡镇]\n    deadlines: {done: 2017-10-31}\n    pace: true",
    )
    assert "城区" in shared
    bad = validate_text(measured_text(shared), "m.yaml", steps)
    found = [p.format() for p in bad.errors]
    assert any("按读数计的目标(measure: latest)不分担" in text for text in found), found
