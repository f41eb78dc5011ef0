"""Notices go out through real channels (a local SMTP server and a local robot webhook), with retries."""

import pytest

from engine.dates.clock import FixedClock
from engine.definition.validation import validate_text
from engine.reminders.channels import ChannelSettings, builtin_channels
from engine.reminders.channels.config import DingTalkSettings, SmtpSettings
from engine.reminders.delivery import delivery_log
from engine.reminders.notices import inbox
from engine.reminders.sweep import run_pass
from engine.runtime.loader import load
from tests.conftest import YANTING, at
from tests.engine.channels.conftest import robot_server, smtp_server  # noqa: F401  (fixtures)


@pytest.fixture
def mailed(store, steps):
    text = YANTING.read_text(encoding="utf-8").replace(
        "zhang: {name: 张明, roles: [staff], unit: culture}", "zhang: {name: 张明, roles: [staff], unit: culture, email: zhang@example.cn}"
    )
    definition = validate_text(text, "y.yaml", steps).definition
    load(store, [definition], clock=FixedClock(at("2017-06-01")))
    run_pass(store, FixedClock(at("2017-07-12T09:30")))  # T6's missed premiere, before any channel is set up
    return store


def channels_for(smtp_server, robot_server):
    settings = ChannelSettings(
        smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port, sender="qingdan@example.cn"),
        dingtalk=DingTalkSettings(webhook=robot_server.url(access_token="t")),
    )
    return [c for c in builtin_channels(settings) if c.configured()]


def test_notices_reach_email_and_robot(mailed, smtp_server, robot_server):
    channels = channels_for(smtp_server, robot_server)
    report = run_pass(mailed, FixedClock(at("2017-07-13T09:30")), channels=channels)
    sent_to_zhang = [n for n in report.notices if n.recipient == "zhang"]
    assert len(sent_to_zhang) == 11 and report.delivered == 11 + 11 and report.failed == 0
    assert len(smtp_server.handler.mails) == 11
    mail = smtp_server.handler.mails[0]
    assert mail.rcpt_tos == ["zhang@example.cn"] and mail.subject.startswith("【提醒】T1") and "期限:2017-07-20" in mail.body
    assert len(robot_server.requests) == 11 and "【提醒】T1" in robot_server.requests[0].json["text"]["content"]
    assert all(d["status"] == "sent" for d in delivery_log(mailed))


def test_a_failing_channel_is_retried_and_never_blocks_the_inbox(mailed, smtp_server, robot_server):
    channels = channels_for(smtp_server, robot_server)
    robot_server.reply(500, {"errcode": -1, "errmsg": "busy"})
    report = run_pass(mailed, FixedClock(at("2017-07-13T09:30")), channels=channels)
    assert report.failed == 11 and len(smtp_server.handler.mails) == 11
    assert len([n for n in inbox(mailed, "zhang") if n["task"] == "T1"]) == 11
    failed = delivery_log(mailed, failed_only=True)
    assert len(failed) == 11 and all(d["channel"] == "dingtalk" and d["attempts"] == 1 and "500" in d["error"] for d in failed)
    # not retried before the backoff has passed, then delivered once the robot recovers
    robot_server.reply(200, {"errcode": 0, "errmsg": "ok"})
    assert run_pass(mailed, FixedClock(at("2017-07-13T09:30:30")), channels=channels).delivered == 0
    later = run_pass(mailed, FixedClock(at("2017-07-13T09:45")), channels=channels)
    assert later.delivered == 11 and delivery_log(mailed, failed_only=True) == []
    assert len(smtp_server.handler.mails) == 11  # email was not sent twice


def test_permanent_refusal_is_abandoned_and_listed(mailed, smtp_server, robot_server):
    channels = channels_for(smtp_server, robot_server)
    robot_server.reply(200, {"errcode": 310000, "errmsg": "sign not match"})
    run_pass(mailed, FixedClock(at("2017-07-13T09:30")), channels=channels)
    failed = delivery_log(mailed, failed_only=True)
    assert len(failed) == 11 and {d["status"] for d in failed} == {"abandoned"} and "310000" in failed[0]["error"]


def test_cli_tick_inbox_and_deliveries(mailed, qingdan, smtp_server, robot_server):
    env = {
        "QINGDAN_SMTP_HOST": smtp_server.host,
        "QINGDAN_SMTP_PORT": str(smtp_server.port),
        "QINGDAN_SMTP_FROM": "q@example.cn",
        "QINGDAN_DINGTALK_WEBHOOK": robot_server.url(access_token="t"),
        "no_proxy": "127.0.0.1",
    }
    robot_server.reply(500, {"errcode": -1, "errmsg": "busy"})
    tick = qingdan("tick", "--json", now="2017-07-13T09:30", env=env)
    assert tick.returncode == 0, tick.stderr
    import json

    data = json.loads(tick.stdout)
    assert len(data["notices"]) == 11 and data["delivered"] == 11 and data["failed"] == 11, [
        (n["task"], n["item"], n["recipient"], n["kind"], n["due"]) for n in data["notices"]
    ]
    unread = json.loads(qingdan("inbox", "zhang", "--unread", "--json").stdout)
    assert len(unread) == 12 and unread[0]["kind"] == "reminder"  # T1's 11 reminders and T6's overdue notice
    assert qingdan("inbox", "zhang", "--read", str(unread[0]["id"])).returncode == 0
    assert len(json.loads(qingdan("inbox", "zhang", "--unread", "--json").stdout)) == 11
    assert qingdan("inbox", "li", "--read", str(unread[1]["id"])).returncode == 1  # not li's notice
    failed = qingdan("deliveries", "--failed")
    assert failed.returncode == 0 and failed.stdout.count("dingtalk") == 11
