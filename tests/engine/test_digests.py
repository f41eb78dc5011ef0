"""Daily digests through the real SMTP server the tests start: a head gets one message a day listing what was due,
overdue and escalated to him, each line once; immediate people still get one message per notice; two scheduler
processes make and send each digest once."""

import collections
import datetime as dt
import json
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from engine.dates.clock import FixedClock
from engine.definition.validation import validate_text
from engine.kinds import RuleKind
from engine.reminders.channels import ChannelSettings, builtin_channels
from engine.reminders.channels.config import SmtpSettings
from engine.reminders.delivery import delivery_log
from engine.reminders.digest import digest_log
from engine.reminders.notices import inbox
from engine.reminders.sweep import run_pass
from engine.runtime.loader import load
from engine.store.tables import deliveries, digests, notices
from tests.conftest import YANTING, at
from tests.engine.channels.conftest import smtp_server  # noqa: F401  (fixture)

T1_TITLE = "完善提升贫困村综合文化服务中心"
VILLAGES = [
    "林农镇玉城村",
    "八角镇人民村",
    "茶亭燕来村",
    "石牛庙红联村",
    "云溪石牌村",
    "金安华龙村",
    "云溪三清村",
    "金安龙华村",
    "黑坪高罐村",
    "林农安定村",
    "麻秧天水村",
]
RULE_KINDS = {kind.value for kind in RuleKind}


def yanting_with_addresses(steps, *, head_notify: str = ""):
    text = (
        YANTING.read_text(encoding="utf-8")
        .replace("wang:  {name: 王建国, roles: [head]}", "wang:  {name: 王建国, roles: [head], email: wang@example.cn" + head_notify + "}")
        .replace("li:    {name: 李文华, roles: [leader]}", "li:    {name: 李文华, roles: [leader], email: li@example.cn, notify: digest}")
        .replace(
            "zhang: {name: 张明, roles: [staff], unit: culture}",
            "zhang: {name: 张明, roles: [staff], unit: culture, email: zhang@example.cn}",
        )
    )
    result = validate_text(text, "y.yaml", steps)
    assert result.ok, [p.format() for p in result.errors]
    return result.definition


def email_only(server):
    settings = ChannelSettings(smtp=SmtpSettings(host=server.host, port=server.port, sender="qingdan@example.cn"))
    return [c for c in builtin_channels(settings) if c.configured()]


def days(first: dt.date, last: dt.date):
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


def mails_to(server, address):
    return [m for m in server.handler.mails if m.rcpt_tos == [address]]


def test_a_simulated_quarter_gives_the_head_one_digest_a_day_with_each_line_once(store, steps, smtp_server):
    load(store, [yanting_with_addresses(steps)], clock=FixedClock(at("2017-06-01")))
    channels = email_only(smtp_server)
    for day in days(dt.date(2017, 7, 1), dt.date(2017, 9, 30)):
        run_pass(store, FixedClock(at(f"{day}T09:01")), channels=channels)
        if day.day in (5, 20, 28):  # a later pass the same day (or a restarted process) sends nothing more
            run_pass(store, FixedClock(at(f"{day}T16:30")), channels=channels)

    head = mails_to(smtp_server, "wang@example.cn")
    head_notices = [n for n in inbox(store, "wang", limit=10_000) if n["kind"] in RULE_KINDS]
    assert head_notices and all(m.subject.startswith("【每日汇总】") for m in head)
    sent_days = [m.subject.split()[0].removeprefix("【每日汇总】") for m in head]
    assert len(sent_days) == len(set(sent_days)), "one digest a day, never two"
    assert len(head) == len({n["sent_at"][:10] for n in head_notices}), "a digest on every day with something for him"
    # every notice of his is one line of exactly one digest; the inbox keeps one entry per notice
    lines = [line for m in head for line in m.body.splitlines() if line.startswith("  · ")]
    assert len(lines) == len(head_notices)
    assert sum(log["notices"] for log in digest_log(store, person="wang")) == len(head_notices)

    # 2017-07-20 missed by all 11 villages: escalated to the head on 07-28, each village once, in his digest of that day
    (july_28,) = [m for m in head if m.subject.startswith("【每日汇总】2017年7月28日")]
    assert "王建国:" in july_28.body and f"{T1_TITLE}(责任人 张明)" in july_28.body
    for village in VILLAGES:
        line = f"  · 【督办】{village}:施工中(期限 2017年7月20日,已逾期 5 个工作日,责任人 张明)"
        assert sum(1 for m in head for text in m.body.splitlines() if text == line) == 1, line
    # the summary by unit, worst first: 文化股 holds T1's 11 villages
    body = july_28.body.replace("\r\n", "\n")
    summary = body.split("督办汇总(按单位,最严重的在前):\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert summary == ["· 文化股:11 项,最长逾期 5 个工作日(完善提升贫困村综合文化服务中心 / 林农镇玉城村)"]
    # grouped by list and task, in the task's order of items
    listed = body.split("【盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单】\n", 1)[1].splitlines()
    assert listed[0] == f"{T1_TITLE}(责任人 张明)" and [x.split("】", 1)[1].split(":")[0] for x in listed[1:12]] == VILLAGES
    assert "督办 11 项" in july_28.subject
    # the same words as HTML beside the text, for mail readers that show it
    page = july_28.message.get_body(preferencelist=("html",)).get_content()
    assert "<h3>【盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单】</h3>" in page
    assert "<li>【督办】林农镇玉城村:施工中(期限 2017年7月20日,已逾期 5 个工作日,责任人 张明)</li>" in page
    # Chinese words only: no person, task or state id, no ISO date
    for mail in head:
        for word in ("zhang", "wang", "T1", "building", "2017-0"):
            assert word not in mail.subject + mail.body, (word, mail.subject)

    # the leader chose digests in the list; the staff member gets one message per notice, as before
    leader = mails_to(smtp_server, "li@example.cn")
    assert leader and all(m.subject.startswith("【每日汇总】") for m in leader)
    staff = mails_to(smtp_server, "zhang@example.cn")
    staff_notices = [n for n in inbox(store, "zhang", limit=10_000) if n["kind"] in RULE_KINDS]
    assert len(staff) == len(staff_notices) and not any(m.subject.startswith("【每日汇总】") for m in staff)
    assert sum(1 for m in staff if m.subject == "【逾期】T1 林农镇玉城村:施工中 已逾期") == 1

    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(deliveries).where(deliveries.c.status == "held")).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(digests).where(digests.c.status != "sent")).scalar_one() == 0


def test_a_head_may_choose_immediate_notices(store, steps, smtp_server):
    load(store, [yanting_with_addresses(steps, head_notify=", notify: immediate")], clock=FixedClock(at("2017-06-01")))
    channels = email_only(smtp_server)
    run_pass(store, FixedClock(at("2017-07-27T09:01")), channels=channels)
    before = len(mails_to(smtp_server, "wang@example.cn"))
    run_pass(store, FixedClock(at("2017-07-28T09:01")), channels=channels)
    head = mails_to(smtp_server, "wang@example.cn")
    assert all(m.subject.startswith("【督办】") for m in head)
    assert len(head) - before == 11 and sum(1 for m in head if m.subject.startswith("【督办】T1 ")) == 11


def test_a_digest_waits_for_the_latest_notify_time_of_the_persons_lists(store, steps, smtp_server):
    first = yanting_with_addresses(steps)
    evening = validate_text(
        YANTING.read_text(encoding="utf-8")
        .replace("id: yanting-wenguang-2017", "id: yanting-evening")
        .replace("title: 盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单", "title: 盐亭县晚间清单")
        .replace('notify_at: "09:00"', 'notify_at: "17:30"')
        .replace("wang:  {name: 王建国, roles: [head]}", "wang:  {name: 王建国, roles: [head], email: wang@example.cn}"),
        "e.yaml",
        steps,
    ).definition
    load(store, [first, evening], clock=FixedClock(at("2017-06-01")))
    channels = email_only(smtp_server)
    run_pass(store, FixedClock(at("2017-07-27T17:31")), channels=channels)
    assert [m.subject.split()[0] for m in mails_to(smtp_server, "wang@example.cn")] == ["【每日汇总】2017年7月27日"]
    # the morning list's escalations are made at 09:00, the evening list's at 17:30: one digest after both
    run_pass(store, FixedClock(at("2017-07-28T09:01")), channels=channels)
    assert len(mails_to(smtp_server, "wang@example.cn")) == 1
    run_pass(store, FixedClock(at("2017-07-28T17:31")), channels=channels)
    head = mails_to(smtp_server, "wang@example.cn")
    assert len(head) == 2 and head[1].subject.startswith("【每日汇总】2017年7月28日 督办 22 项")
    body = head[1].body
    assert "【盐亭县晚间清单】" in body and "【盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单】" in body
    assert "· 文化股:22 项,最长逾期 5 个工作日" in body


def test_a_notice_held_after_the_days_digest_goes_into_the_next_days(store, steps, smtp_server):
    load(store, [yanting_with_addresses(steps)], clock=FixedClock(at("2017-06-01")))
    channels = email_only(smtp_server)
    run_pass(store, FixedClock(at("2017-07-28T09:01")), channels=channels)
    # a delivery held after the digest went (as a notice made by another process a moment too late would be)
    with store.write() as conn:
        wangs = select(deliveries.c.id).join(notices, notices.c.id == deliveries.c.notice_id).where(notices.c.recipient == "wang")
        late = conn.execute(wangs.where(deliveries.c.status == "digest").limit(1)).scalar_one()
        conn.execute(deliveries.update().where(deliveries.c.id == late).values(status="held", digest_id=None))
    run_pass(store, FixedClock(at("2017-07-28T16:00")), channels=channels)
    assert len(mails_to(smtp_server, "wang@example.cn")) == 1
    run_pass(store, FixedClock(at("2017-07-29T09:01")), channels=channels)
    head = mails_to(smtp_server, "wang@example.cn")
    assert len(head) == 2 and head[1].subject.startswith("【每日汇总】2017年7月29日") and head[1].body.count("  · ") == 1


SIMULATE = """
import datetime as dt, pathlib, sys, time
from engine.dates.clock import FixedClock
from engine.store import open_store
from engine.reminders.channels import ChannelSettings, builtin_channels
from engine.reminders.channels.config import SmtpSettings
from engine.reminders.sweep import run_pass
store = open_store(sys.argv[1])
settings = ChannelSettings(smtp=SmtpSettings(host=sys.argv[2], port=int(sys.argv[3]), sender="qingdan@example.cn"))
channels = [c for c in builtin_channels(settings) if c.configured()]
me, barrier = sys.argv[4], pathlib.Path(sys.argv[5])
zone = dt.timezone(dt.timedelta(hours=8))
day = dt.date(2017, 7, 20)
while day <= dt.date(2017, 8, 10):
    for minute in (1, 2):
        run_pass(store, FixedClock(dt.datetime.combine(day, dt.time(9, minute), zone)), channels=channels, batch=3)
    # the two processes' clocks agree, as real ones do: neither starts a day before the other has finished the last
    (barrier / f"{me}-{day}").touch()
    while len(list(barrier.glob(f"*-{day}"))) < 2:
        time.sleep(0.01)
    day += dt.timedelta(days=1)
"""


@pytest.mark.slow
def test_two_scheduler_processes_send_each_digest_once(store, db_url, steps, smtp_server, tmp_path):
    load(store, [yanting_with_addresses(steps)], clock=FixedClock(at("2017-06-01")))
    script = tmp_path / "simulate.py"
    script.write_text(SIMULATE, encoding="utf-8")
    argv = [sys.executable, str(script), db_url, smtp_server.host, str(smtp_server.port)]
    procs = [subprocess.Popen([*argv, str(n), str(tmp_path)], stderr=subprocess.PIPE, text=True) for n in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    head = mails_to(smtp_server, "wang@example.cn")
    per_day = collections.Counter(m.subject.split()[0] for m in head)
    assert head and set(per_day.values()) == {1}, per_day
    lines = [line for m in head for line in m.body.splitlines() if line.startswith("  · ")]
    head_notices = [n for n in inbox(store, "wang", limit=10_000) if n["kind"] in RULE_KINDS]
    assert len(lines) == len(set(lines)) == len(head_notices) >= 11


def test_a_digest_that_fails_is_listed_retried_and_sent_once(store, steps, smtp_server):
    load(store, [yanting_with_addresses(steps)], clock=FixedClock(at("2017-06-01")))
    channels = email_only(smtp_server)
    smtp_server.handler.data_reply = "451 4.3.0 try again later"
    report = run_pass(store, FixedClock(at("2017-07-28T09:01")), channels=channels)
    assert report.digests_made >= 1 and report.digests_sent == 0
    failed = [d for d in delivery_log(store, failed_only=True) if d["digest"]]
    assert [d["recipient"] for d in failed if d["digest"] == "2017-07-28"].count("wang") == 1
    assert failed[0]["subject"].startswith("【每日汇总】") and "451" in failed[0]["error"]
    smtp_server.handler.data_reply = None
    later = run_pass(store, FixedClock(at("2017-07-28T09:30")), channels=channels)
    assert later.digests_made == 0 and later.digests_sent == len(failed)
    assert len(mails_to(smtp_server, "wang@example.cn")) == 1
    assert not [d for d in delivery_log(store, failed_only=True) if d["digest"]]


def test_cli_tick_tells_the_digests(store, steps, qingdan, smtp_server):
    load(store, [yanting_with_addresses(steps)], clock=FixedClock(at("2017-06-01")))
    env = {"QINGDAN_SMTP_HOST": smtp_server.host, "QINGDAN_SMTP_PORT": str(smtp_server.port), "QINGDAN_SMTP_FROM": "q@example.cn"}
    tick = qingdan("tick", "--json", now="2017-07-28T09:01", env=env)
    assert tick.returncode == 0, tick.stderr
    data = json.loads(tick.stdout)
    assert data["digests_made"] == data["digests_sent"] == 2  # the head's and the leader's
    assert [m.subject.split()[0] for m in mails_to(smtp_server, "wang@example.cn")] == ["【每日汇总】2017年7月28日"]
    again = qingdan("tick", now="2017-07-28T10:00", env=env)
    assert again.returncode == 0 and "每日汇总" not in again.stderr and len(mails_to(smtp_server, "wang@example.cn")) == 1
    log = json.loads(qingdan("deliveries", "--json").stdout)
    assert sorted(d["recipient"] for d in log if d["digest"] == "2017-07-28") == ["li", "wang"]
