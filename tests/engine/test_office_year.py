"""The offices' own lists run through their year (issue 10): the shipped ``huangjin-village-2020`` (a village work team
whose cadres own their households, an information clerk's head count and safe-water rate) and
``town-consolidation-2023`` (micro-loans due each on its own date, the county's review that may answer 不予认定),
loaded as shipped and simulated day by day with the injected clock and the real sweep, on both databases."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from decimal import Decimal

import pytest
from sqlalchemy import select

from engine.dates.clock import FixedClock
from engine.errors import ListClosed, NotPermitted
from engine.reminders.sweep import run_pass
from engine.runtime.fire import fire
from engine.runtime.loader import load
from engine.runtime.progress import report
from engine.store.tables import items, notices, tasks
from tests.conftest import CHECKLISTS, definition_of

VILLAGE = CHECKLISTS / "huangjin-village-2020.yaml"
TOWN = CHECKLISTS / "town-consolidation-2023.yaml"
ZONE = dt.timezone(dt.timedelta(hours=8))


def clock_at(day: dt.date | str, hour: int = 10, minute: int = 0) -> FixedClock:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return FixedClock(dt.datetime.combine(day, dt.time(hour, minute), ZONE))


class Days:
    """The sweep run every morning after the lists' notify_at (08:30), from ``start`` on; ``until(day)`` runs the
    mornings not yet run up to and including ``day`` (entries go forward in time: the audit chain refuses back-dating)."""

    def __init__(self, store, start: str):
        self.store = store
        self.next = dt.date.fromisoformat(start)

    def until(self, day: str) -> None:
        last = dt.date.fromisoformat(day)
        while self.next <= last:
            run_pass(self.store, clock_at(self.next, 8, 40))
            self.next += dt.timedelta(days=1)


def sent(store, checklist: str, since: str = "", **where) -> list[tuple]:
    """(local day, kind, task, item, recipient) of the list's notices, oldest first, made on ``since`` or later and
    filtered by ``where``."""
    with store.read() as conn:
        keys = {r.id: r.key for r in conn.execute(select(tasks.c.id, tasks.c.key).where(tasks.c.checklist_id == checklist))}
        names = dict(conn.execute(select(items.c.id, items.c.name)).all())
        rows = conn.execute(select(notices).where(notices.c.task_id.in_(keys)).order_by(notices.c.id)).mappings().all()
    found = []
    for row in rows:
        entry = {
            "day": row["created_at"].astimezone(ZONE).date().isoformat(),
            "kind": row["kind"],
            "task": keys[row["task_id"]],
            "item": names.get(row["item_id"]),
            "to": row["recipient"],
        }
        if entry["day"] >= since and all(entry[k] == v for k, v in where.items()):
            found.append(tuple(entry.values()))
    return found


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small real PNG (one colour), as a phone photo stands in for in a test."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def village(store, steps):
    load(store, [definition_of(VILLAGE, steps)], clock=clock_at("2020-01-02", 8))
    return store


@pytest.fixture
def town(store, steps):
    load(store, [definition_of(TOWN, steps)], clock=clock_at("2023-01-03", 8))
    return store


def status_of(store, checklist: str, day: str, task: str):
    from engine.queries.status import checklist_status

    found = checklist_status(store, checklist, clock_at(day, 18))
    return next(t for t in found.tasks if t.id == task)


# ---- the village team: cadres and their households ------------------------------------------------------------


def test_cadres_visit_and_report_on_their_own_households_only(village, plugins):
    store = village
    days = Days(store, "2020-01-02")
    days.until("2020-03-10")
    # 孙磊 visits his own household; 周丽's is not his to report on
    visit = report(store, task="V1", item="一组刘改艳户", amount=1, actor="sun", clock=clock_at("2020-03-10"), note="入户核实务工收入")
    assert visit.item == "一组刘改艳户"
    with pytest.raises(NotPermitted):
        report(store, task="V1", item="三组李长顺户", amount=1, actor="sun", clock=clock_at("2020-03-10", 11))
    for name in ("三组李长顺户", "三组吴桂花户", "四组赵明义户", "四组杨金凤户", "四组周立根户"):
        report(store, task="V1", item=name, amount=1, actor="zhou", clock=clock_at("2020-03-12"))
    # each cadre's monthly report is on his own line of V2
    report(store, task="V2", item="何军包联户情况", amount=1, actor="hejun", clock=clock_at("2020-03-20"))
    with pytest.raises(NotPermitted):
        report(store, task="V2", item="孙磊包联户情况", amount=1, actor="hejun", clock=clock_at("2020-03-20", 11))
    days.until("2020-04-10")

    # the month's reminders (5 days before its end) went to each household's own cadre, none to the team leader,
    # and only for the households not yet visited: 周丽 visited all hers and got none
    reminded = sent(store, "huangjin-village-2020", since="2020-03-02", kind="reminder", task="V1")
    assert {(item, to) for _, _, _, item, to in reminded} == {
        (name, "sun") for name in ("一组王德福户", "一组刘春生户", "二组陈秀兰户", "二组张大山户")
    } | {(name, "hejun") for name in ("龙泉五组张玉梅户", "龙泉五组胡德才户", "龙泉六组邓小英户", "龙泉六组罗成贵户", "龙泉七组黄秀珍户")}
    assert {day for day, *_ in reminded} == {"2020-03-26"}
    # the unvisited households are overdue to their own cadres after the month; escalations go up the task's chain
    overdue = sent(store, "huangjin-village-2020", since="2020-04-01", kind="overdue", task="V1")
    assert {to for *_, to in overdue} == {"sun", "hejun"}
    assert ("一组刘改艳户" not in {item for _, _, _, item, _ in overdue}) and len(overdue) == 9
    escalated = {to for *_, to in sent(store, "huangjin-village-2020", since="2020-04-01", kind="escalation", task="V1")}
    assert escalated and escalated <= {"wu"}  # V1's leader is the head 吴主任: neither cadre escalates to himself


# ---- the town: micro-loans, each due on its own date, reminded to its own watcher -----------------------------


def test_loans_are_reminded_before_and_overdue_after_their_own_maturity_dates(town, plugins):
    store = town
    days = Days(store, "2023-04-01")
    days.until("2023-05-15")
    # 石门村王建军户 pays back two days before its date (5-18); 双丰村刘光明户 (4-20) was let run over
    fire(store, task="J1", item="石门村王建军户5万元", trigger="repay", actor="deng", clock=clock_at("2023-05-16"), plugins=plugins)
    days.until("2023-05-31")

    early = sent(store, "town-consolidation-2023", task="J1", item="双丰村刘光明户5万元")
    # 5 working days and 1 before 2023-04-20 (a Thursday), to its watcher 石玉兰; overdue the next day, to her; then up
    assert [e for e in early if e[1] == "reminder"] == [
        ("2023-04-13", "reminder", "J1", "双丰村刘光明户5万元", "shi"),
        ("2023-04-19", "reminder", "J1", "双丰村刘光明户5万元", "shi"),
    ]
    assert [e for e in early if e[1] == "overdue"] == [("2023-04-21", "overdue", "J1", "双丰村刘光明户5万元", "shi")]
    assert [e[4] for e in early if e[1] == "escalation"] == ["fang", "tang"]  # J1: after 1 workday the leader, 5 the head
    assert all(e[0] > "2023-04-20" for e in early if e[1] == "escalation")

    repaid = sent(store, "town-consolidation-2023", task="J1", item="石门村王建军户5万元")
    assert [(day, kind, to) for day, kind, _, _, to in repaid] == [
        ("2023-05-11", "reminder", "deng")
    ]  # 5 workdays before; 1 before: repaid
    # loans due later said nothing yet, and nobody else got J1's notices
    assert not sent(store, "town-consolidation-2023", task="J1", item="青山村周大勇户5万元")
    assert {e[4] for e in sent(store, "town-consolidation-2023", task="J1", kind="reminder")} <= {"shi", "deng"}
    # a loan is watched by its own owner: 邓国平 may not mark 石玉兰's loan as repaid (the task's responsible 石玉兰 may)
    with pytest.raises(NotPermitted):
        fire(store, task="J1", item="双丰村陈有才户3万元", trigger="warn", actor="deng", clock=clock_at("2023-06-01"), plugins=plugins)


# ---- measured indicators ---------------------------------------------------------------------------------------


def test_a_measured_rate_goes_down_and_up_and_the_light_follows(village):
    store = village
    # readings by the information clerk, in the order of the year: 饮水安全保障率 (V5, measure: latest, 100% by
    # 2020-10-30) and 外出务工人数 (V4, latest, 353 by 2020-11-30)
    readings = [
        ("2020-02-20", "V5", "52"),
        ("2020-03-31", "V4", "296"),
        ("2020-05-20", "V5", "78"),
        ("2020-06-30", "V4", "353"),
        ("2020-07-31", "V4", "341"),  # some came home in July: the count goes down below what was reached in June
        ("2020-08-12", "V5", "71"),  # a drought dried two springs: the rate goes down
        ("2020-09-30", "V4", "360"),
        ("2020-10-28", "V5", "100"),
        ("2020-12-10", "V4", "340"),
    ]
    seen = []
    for day, task, value in readings:
        report(store, task=task, amount=value, actor="liuxy", clock=clock_at(day), note="信息员入户核查")
        status = status_of(store, "huangjin-village-2020", day, task)
        assert status.reading_on.isoformat() == day
        seen.append((day, task, status.done, status.complete, status.light))
    assert [(day, task, done, complete) for day, task, done, complete, _ in seen] == [
        ("2020-02-20", "V5", Decimal("52"), False),
        ("2020-03-31", "V4", Decimal("296"), False),
        ("2020-05-20", "V5", Decimal("78"), False),
        ("2020-06-30", "V4", Decimal("353"), True),
        ("2020-07-31", "V4", Decimal("341"), False),
        ("2020-08-12", "V5", Decimal("71"), False),
        ("2020-09-30", "V4", Decimal("360"), True),
        ("2020-10-28", "V5", Decimal("100"), True),
        ("2020-12-10", "V4", Decimal("340"), False),
    ]
    # the light follows the value: done while a reading meets the target, back to green when it falls below before
    # the date, red when it is below after the date, whatever was reached once before
    assert [str(light) for *_, light in seen] == ["green", "green", "green", "done", "green", "green", "done", "done", "red"]


# ---- the information clerk reports, with photos -----------------------------------------------------------------


def test_the_information_clerk_reports_with_photos(village, qingdan, tmp_path, steps):
    from engine.queries.evidence import WHOLE_TASK, task_file, task_records
    from engine.queries.history import task_history

    store = village
    photo = tmp_path / "务工台账.png"
    photo.write_bytes(png(24, 16, (200, 40, 40)))
    sign_in = tmp_path / "入户签到表.png"
    sign_in.write_bytes(png(16, 24, (40, 40, 200)))
    done = qingdan(
        "report", "V4", "296", "--as", "liuxy", "--note", "截至3月底外出务工人数", "--evidence", photo, "--evidence", sign_in,
        now="2020-03-31T16:00",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # the clerk is named by V4 (reporters: [informant]) and by nothing else: the residence days are not hers
    refused = qingdan("report", "V6", "20", "--as", "liuxy", "--evidence", photo, now="2020-03-31T16:10")
    assert refused.returncode != 0 and "刘小燕" in refused.stderr and "Traceback" not in refused.stderr

    history = task_history(store, "V4", checklist="huangjin-village-2020")
    reported = [h for h in history if h["kind"] == "report"]
    assert len(reported) == 1 and reported[0]["actor"] == "liuxy"
    files = reported[0]["data"]["evidence"]
    assert sorted(f["name"] for f in files) == ["入户签到表.png", "务工台账.png"]
    assert all(len(f["sha256"]) == 64 and f["size"] > 60 for f in files)
    status = status_of(store, "huangjin-village-2020", "2020-03-31", "V4")
    assert status.done == Decimal("296")
    # the task page's list of files has them (a report on the whole target), and the download's scope check finds them
    # through V4 only
    with store.read() as conn:
        listed = task_records(conn, "huangjin-village-2020", "V4", steps)[WHOLE_TASK].files
        assert sorted((f.name, f.kind) for f in listed) == [("入户签到表.png", "report"), ("务工台账.png", "report")]
        digest = next(f.sha256 for f in listed if f.name == "务工台账.png")
        assert task_file(conn, "huangjin-village-2020", "V4", digest)["name"] == "务工台账.png"
        assert task_file(conn, "huangjin-village-2020", "V6", digest) is None


# ---- transfer, rejection, year end ------------------------------------------------------------------------------


def test_a_household_transferred_to_another_cadre_keeps_its_history(village, plugins):
    from engine.queries.history import task_history
    from engine.runtime.transfer import transfer

    store = village
    report(store, task="V1", item="一组刘春生户", amount=1, actor="sun", clock=clock_at("2020-04-08"), note="送医疗救助政策")
    # 孙磊 goes to another post in May: the team leader's leader moves 一组刘春生户 to 何军
    moved = transfer(store, task="V1", item="一组刘春生户", to="hejun", actor="wu", clock=clock_at("2020-05-06"), note="孙磊调整岗位")
    assert (moved.before, moved.after) == ("sun", "hejun")
    report(store, task="V1", item="一组刘春生户", amount=1, actor="hejun", clock=clock_at("2020-05-12"))
    with pytest.raises(NotPermitted):
        report(store, task="V1", item="一组刘春生户", amount=1, actor="sun", clock=clock_at("2020-05-13"))
    # the April visit by 孙磊 and the transfer stay in the item's history, beside 何军's May visit
    history = task_history(store, "V1", item="一组刘春生户", checklist="huangjin-village-2020")
    assert [(h["kind"], h["actor"]) for h in history if h["kind"] in ("report", "transfer")] == [
        ("report", "sun"),
        ("transfer", "wu"),
        ("report", "hejun"),
    ]
    # both cadres are told, and the May month-end reminders for it go to 何军
    told = sent(store, "huangjin-village-2020", task="V1", item="一组刘春生户")
    assert {to for *_, to in told} >= {"sun", "hejun"}
    Days(store, "2020-05-14").until("2020-06-30")
    june = sent(store, "huangjin-village-2020", task="V1", item="一组刘春生户", kind="reminder")
    assert june and {to for *_, to in june} == {"hejun"}


def test_the_county_refusing_to_recognise_a_household_ends_its_item(town, plugins):
    from plugins.acceptance import record

    store = town
    days = Days(store, "2023-05-01")
    clerk = {"pan": ("双丰村杨德明户", "石门村刘玉珍户"), "lei": ("柳河村黄永强户", "青山村马秀芳户")}
    for actor, names in clerk.items():
        for name in names:
            fire(store, task="J2", item=name, trigger="submit", actor=actor, clock=clock_at("2023-05-10"), plugins=plugins)
    days.until("2023-05-20")
    values = {
        "家庭人均纯收入低于当年监测标准或刚性支出骤增": True,
        "两不愁三保障及饮水安全存在风险": True,
        "入户核查表和评议公示材料齐全": True,
    }
    record(store, task="J2", item="双丰村杨德明户", inspector="yao", values=values, clock=clock_at("2023-05-22"), plugins=plugins)
    # 马秀芳户's accident was covered by insurance: the county does not recognise it (不予认定), with no round needed
    fire(
        store,
        task="J2",
        item="青山村马秀芳户",
        trigger="refuse",
        actor="yao",
        clock=clock_at("2023-05-23"),
        plugins=plugins,
        note="意外事故已获保险理赔,收入未骤减",
    )
    # the town may not end its own item that way (separation of duties)
    with pytest.raises(NotPermitted):
        fire(store, task="J2", item="柳河村黄永强户", trigger="refuse", actor="qian", clock=clock_at("2023-05-23", 11), plugins=plugins)
    days.until("2023-07-31")

    with store.read() as conn:
        states = dict(
            conn.execute(select(items.c.name, items.c.state).join(tasks, tasks.c.id == items.c.task_id).where(tasks.c.key == "J2")).all()
        )
    assert states["青山村马秀芳户"] == "rejected" and states["双丰村杨德明户"] == "recognised"
    status = status_of(store, "town-consolidation-2023", "2023-07-31", "J2")
    assert (status.ended, status.finished) == (1, 1)
    # the rejected household says nothing more: no reminder or overdue after its end; the two left in review are
    # overdue past 6-30 to their own cadre
    assert not [e for e in sent(store, "town-consolidation-2023", task="J2", item="青山村马秀芳户") if e[0] > "2023-05-23"]
    late = sent(store, "town-consolidation-2023", task="J2", kind="overdue")
    assert {(item, to) for _, _, _, item, to in late} == {("石门村刘玉珍户", "pan"), ("柳河村黄永强户", "lei")}
    # and the household's own cadre 雷永福, who answers for it, was told it ended
    told = {to for *_, to in sent(store, "town-consolidation-2023", task="J2", item="青山村马秀芳户", kind="inspection_ended")}
    assert told == {"lei"}


def test_a_closed_year_is_quiet_and_copies_into_the_next(town, plugins, qingdan, tmp_path, steps):
    from engine.runtime.closing import close

    store = town
    fire(store, task="J1", item="双丰村刘光明户5万元", trigger="repay", actor="shi", clock=clock_at("2023-04-18"), plugins=plugins)
    close(store, "town-consolidation-2023", actor="tang", clock=clock_at("2023-04-20"), note="演示:提前归档")
    Days(store, "2023-04-20").until("2023-06-30")
    assert not [e for e in sent(store, "town-consolidation-2023") if e[0] >= "2023-04-20"]  # no notices once closed
    with pytest.raises(ListClosed):
        report(store, task="J5", amount=10, part="solar", actor="kong", clock=clock_at("2023-05-04"))
    # still readable
    assert status_of(store, "town-consolidation-2023", "2023-06-30", "J1").finished == 1

    target = tmp_path / "town-consolidation-2024.yaml"
    copied = qingdan("copy", "town-consolidation-2023", "--year", "2024", "-o", target, now="2023-12-29T10:00")
    assert copied.returncode == 0, copied.stderr
    next_year = definition_of(target, steps)
    assert (next_year.id, next_year.year) == ("town-consolidation-2024", 2024) and "2024年" in next_year.title
    loans = next_year.task_by_id["J1"]
    # each loan keeps its owner; its date moves a year, back onto a working day when it falls on a day off
    assert (loans.item("双丰村刘光明户5万元").owner, loans.item("双丰村刘光明户5万元").due) == (
        "shi",
        dt.date(2024, 4, 19),
    )  # 4-20 is a Saturday
    assert loans.item("石门村王建军户5万元").due == dt.date(2024, 5, 17)  # 5-18 is a Saturday
    assert loans.item("青山村周大勇户5万元").due == dt.date(2024, 12, 13)  # 12-15 is a Sunday
    assert next_year.task_by_id["J2"].item("青山村马秀芳户").owner == "lei"
    assert next_year.task_by_id["J2"].deadlines["recognised"] == dt.date(2024, 6, 28)  # 6-30 is a Sunday
    # no progress carried: loaded, the new list starts from nothing
    load(store, [next_year], clock=clock_at("2024-01-02", 8))
    assert status_of(store, next_year.id, "2024-01-02", "J1").finished == 0
