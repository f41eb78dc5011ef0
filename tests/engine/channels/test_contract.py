"""The ``Channel`` contract (engine/reminders/channels/base.py), run against every built-in channel.

Each channel gets a harness that points it at a real local server, reads back what that server
received, and knows how to make the server refuse. The tests themselves are channel-agnostic.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from engine.reminders.channels import (
    Channel,
    DeliveryResult,
    DingTalkChannel,
    DingTalkSettings,
    EmailChannel,
    Message,
    Recipient,
    SmtpSettings,
    WeComChannel,
    WeComSettings,
)

from .conftest import HOST, SMTP_PASSWORD, SMTP_USER

MESSAGE = Message(
    subject="【提醒】2024年度安全生产检查将于3天后到期",
    text="张三同志：\n您负责的“消防设施季度检查”将于2024年6月28日（星期五）到期。\n请及时办理并在系统中提交材料。",
    kind="reminder",
)
PERSON = Recipient(person_id="p-001", name="张三", email="zhangsan@example.gov.cn")
DING_TOKEN, DING_SECRET, WECOM_KEY = "ding-token-0001", "SECding-secret-0001", "wecom-key-0001"


@dataclass
class Harness:
    """How to run the contract against one channel."""

    #: build the channel against host:port with this timeout
    make: Callable[[str, int, float], Channel]
    #: the configured server's port
    port: int
    #: (subject, text, addressed to) of every notice the server accepted, as a reader sees it
    received: Callable[[], list[tuple[str, str, str]]]
    #: what ``received`` reports as the destination of a notice to PERSON
    destination: str
    #: an unconfigured channel of the same kind
    unconfigured: Channel
    #: scenario name -> (make the server refuse, expected retryable, strings the detail must show)
    refusals: dict[str, tuple[Callable[[], None], bool, tuple[str, ...]]]
    #: credentials that must never appear in a detail
    secrets: tuple[str, ...]

    def channel(self, timeout: float = 5.0) -> Channel:
        return self.make(HOST, self.port, timeout)


def _email(request) -> Harness:
    server = request.getfixturevalue("smtp_server")
    handler = server.handler

    def make(host, port, timeout):
        return EmailChannel(
            SmtpSettings(host=host, port=port, user=SMTP_USER, password=SMTP_PASSWORD, sender="清单系统 <qingdan@example.gov.cn>"),
            timeout=timeout,
        )

    def refuse_rcpt(reply):
        return lambda: setattr(handler, "rcpt_reply", reply)

    return Harness(
        make=make,
        port=server.port,
        # MIME text travels with CRLF line ends and a final line end; a mail reader shows neither
        received=lambda: [(m.subject, m.body.replace("\r\n", "\n").removesuffix("\n"), ",".join(m.rcpt_tos)) for m in handler.mails],
        destination=PERSON.email,
        unconfigured=EmailChannel(SmtpSettings()),
        refusals={
            "rcpt 550": (refuse_rcpt("550 5.1.1 <zhangsan@example.gov.cn>: User unknown"), False, ("550", "User unknown")),
            "rcpt 451": (refuse_rcpt("451 4.7.1 Greylisted, try again later"), True, ("451", "Greylisted")),
            "data 554": (lambda: setattr(handler, "data_reply", "554 5.7.1 Rejected as spam"), False, ("554", "spam")),
            "auth 535": (lambda: setattr(handler, "password", "another"), False, ("535",)),
        },
        secrets=(SMTP_PASSWORD,),
    )


def _robot_refusals(robot, rate_limit: int, refusal: tuple[int, str]):
    def answer(status, body):
        return lambda: robot.reply(status, body)

    code, msg = refusal
    return {
        f"errcode {code}": (answer(200, {"errcode": code, "errmsg": msg}), False, (str(code), msg)),
        f"errcode {rate_limit}": (answer(200, {"errcode": rate_limit, "errmsg": "send too fast"}), True, (str(rate_limit),)),
        "http 500": (answer(500, b"Internal Server Error"), True, ("500",)),
        "http 502 with errcode": (answer(502, {"errcode": -1, "errmsg": "system busy"}), True, ("502",)),
        "http 404": (answer(404, b"not found"), False, ("404",)),
        "http 200 not json": (answer(200, b"<html>portal login</html>"), False, ("errcode", "portal login")),
    }


def _robot_received(robot, token_param):
    def received():
        out = []
        for r in robot.requests:
            content = r.json["text"]["content"]
            subject, _, text = content.partition("\n\n")
            out.append((subject, text, r.query[token_param][0]))
        return out

    return received


def _dingtalk(request) -> Harness:
    robot = request.getfixturevalue("robot_server")

    def make(host, port, timeout):
        url = f"http://{host}:{port}/robot/send?access_token={DING_TOKEN}"
        return DingTalkChannel(DingTalkSettings(webhook=url, secret=DING_SECRET), timeout=timeout)

    return Harness(
        make=make,
        port=robot.port,
        received=_robot_received(robot, "access_token"),
        destination=DING_TOKEN,
        unconfigured=DingTalkChannel(DingTalkSettings()),
        refusals=_robot_refusals(robot, 130101, (310000, "sign not match")),
        secrets=(DING_TOKEN, DING_SECRET),
    )


def _wecom(request) -> Harness:
    robot = request.getfixturevalue("robot_server")

    def make(host, port, timeout):
        return WeComChannel(WeComSettings(webhook=f"http://{host}:{port}/cgi-bin/webhook/send?key={WECOM_KEY}"), timeout=timeout)

    return Harness(
        make=make,
        port=robot.port,
        received=_robot_received(robot, "key"),
        destination=WECOM_KEY,
        unconfigured=WeComChannel(WeComSettings()),
        refusals=_robot_refusals(robot, 45009, (93000, "invalid webhook url")),
        secrets=(WECOM_KEY,),
    )


HARNESSES = {"email": _email, "dingtalk": _dingtalk, "wecom": _wecom}
REFUSALS = [("email", s) for s in ("rcpt 550", "rcpt 451", "data 554", "auth 535")] + [
    (c, s)
    for c, (rate, code) in {"dingtalk": (130101, 310000), "wecom": (45009, 93000)}.items()
    for s in (f"errcode {code}", f"errcode {rate}", "http 500", "http 502 with errcode", "http 404", "http 200 not json")
]


@pytest.fixture(params=sorted(HARNESSES))
def harness(request) -> Harness:
    return HARNESSES[request.param](request)


def _assert_no_secrets(harness: Harness, result: DeliveryResult) -> None:
    for secret in harness.secrets:
        assert secret not in result.detail


def test_delivers_chinese_message_exactly(harness):
    channel = harness.channel()
    assert channel.configured() and channel.applies_to(PERSON)

    result = channel.send(PERSON, MESSAGE)

    assert result == DeliveryResult(ok=True, detail=result.detail, retryable=False)
    assert result.detail
    assert harness.received() == [(MESSAGE.subject, MESSAGE.text, harness.destination)]
    _assert_no_secrets(harness, result)


@pytest.mark.parametrize("harness, scenario", REFUSALS, indirect=["harness"], ids=[f"{c}-{s}" for c, s in REFUSALS])
def test_refusal_is_reported_with_retryable_flag(harness, scenario):
    refuse, retryable, shown = harness.refusals[scenario]
    refuse()

    result = harness.channel().send(PERSON, MESSAGE)

    assert result.ok is False
    assert result.retryable is retryable
    for fragment in shown:
        assert fragment in result.detail
    _assert_no_secrets(harness, result)


def test_unreachable_server_fails_quickly_and_retryably(harness, closed_port):
    started = time.monotonic()

    result = harness.make(HOST, closed_port, 5.0).send(PERSON, MESSAGE)

    assert (result.ok, result.retryable) == (False, True)
    assert result.detail
    assert time.monotonic() - started < 2.0
    _assert_no_secrets(harness, result)


def test_silent_server_times_out_instead_of_hanging(harness, silent_port):
    started = time.monotonic()

    result = harness.make(HOST, silent_port, 0.5).send(PERSON, MESSAGE)

    assert (result.ok, result.retryable) == (False, True)
    assert 0.4 < time.monotonic() - started < 3.0
    _assert_no_secrets(harness, result)


def test_unconfigured_channel_says_so_and_does_not_raise(harness):
    channel = harness.unconfigured

    assert channel.configured() is False
    assert channel.applies_to(PERSON) is False
    result = channel.send(PERSON, MESSAGE)
    assert (result.ok, result.retryable) == (False, False)
    assert result.detail
    assert harness.received() == []


def test_channel_has_a_stable_name_and_a_safe_repr(harness):
    channel = harness.channel()

    assert channel.name in {"email", "dingtalk", "wecom"}
    for secret in harness.secrets:
        assert secret not in repr(channel)
