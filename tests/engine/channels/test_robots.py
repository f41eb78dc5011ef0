"""What the DingTalk and WeCom robot channels do beyond the shared contract: per-person webhooks,
the payload they post, oversized text, redirects."""

from __future__ import annotations

import pytest

from engine.reminders.channels import (
    DingTalkChannel,
    DingTalkSettings,
    Message,
    Recipient,
    WeComChannel,
    WeComSettings,
)

MESSAGE = Message(subject="【督办】网络安全自查报告", text="请于本周五前提交。\n联系人：办公室", kind="escalation")


def _dingtalk(global_url):
    return DingTalkChannel(DingTalkSettings(webhook=global_url), timeout=5)


def _wecom(global_url):
    return WeComChannel(WeComSettings(webhook=global_url), timeout=5)


ROBOTS = pytest.mark.parametrize("make, field", [(_dingtalk, "dingtalk"), (_wecom, "wecom")], ids=["dingtalk", "wecom"])


@ROBOTS
def test_posts_a_text_message_starting_with_the_subject(robot_server, make, field):
    result = make(robot_server.url()).send(Recipient("p-1", "张三"), MESSAGE)

    assert result.ok, result.detail
    (received,) = robot_server.requests
    assert received.headers["Content-Type"] == "application/json; charset=utf-8"
    assert received.json == {"msgtype": "text", "text": {"content": f"{MESSAGE.subject}\n\n{MESSAGE.text}"}}
    assert received.json["text"]["content"].splitlines()[0] == MESSAGE.subject


@ROBOTS
def test_a_persons_own_webhook_takes_precedence(robot_server, make, field):
    person = Recipient("p-1", "张三", **{field: robot_server.url("/own", key="own")})

    assert make(robot_server.url("/global", key="global")).send(person, MESSAGE).ok

    assert [(r.path, r.query["key"]) for r in robot_server.requests] == [("/own", ["own"])]


@ROBOTS
def test_an_unconfigured_robot_still_reaches_a_person_with_own_webhook(robot_server, make, field):
    channel = make(None)
    person = Recipient("p-1", "张三", **{field: robot_server.url("/own")})

    assert not channel.configured()
    assert channel.applies_to(person)
    assert channel.send(person, MESSAGE).ok
    assert not channel.applies_to(Recipient("p-2", "李四"))


@ROBOTS
@pytest.mark.parametrize("bad", ["file:///etc/passwd", "oapi.dingtalk.com/robot/send", "https://"])
def test_an_invalid_own_webhook_is_refused_without_a_request(robot_server, make, field, bad):
    result = make(robot_server.url()).send(Recipient("p-1", "张三", **{field: bad}), MESSAGE)

    assert (result.ok, result.retryable) == (False, False)
    assert robot_server.requests == []


@ROBOTS
def test_a_redirect_is_reported_not_followed(robot_server, make, field):
    # urllib would re-send a redirected POST as a bodiless GET; that must not count as delivered.
    robot_server.reply(302, b"", Location=robot_server.url("/elsewhere"))

    result = make(robot_server.url()).send(Recipient("p-1", "张三"), MESSAGE)

    assert (result.ok, result.retryable) == (False, False)
    assert "302" in result.detail
    assert len(robot_server.requests) == 1


def test_wecom_shortens_text_beyond_its_2048_byte_limit(robot_server):
    long = Message(subject="【提醒】年度考核材料", text="请按清单逐项准备。" * 300)

    assert _wecom(robot_server.url()).send(Recipient("p-1", "张三"), long).ok

    content = robot_server.requests[0].json["text"]["content"]
    assert len(content.encode("utf-8")) <= 2048
    assert content.startswith(long.subject + "\n\n请按清单逐项准备。")
    assert content.endswith("…")


def test_dingtalk_does_not_shorten_text(robot_server):
    long = Message(subject="【提醒】年度考核材料", text="请按清单逐项准备。" * 300)

    assert _dingtalk(robot_server.url()).send(Recipient("p-1", "张三"), long).ok

    assert robot_server.requests[0].json["text"]["content"] == f"{long.subject}\n\n{long.text}"
