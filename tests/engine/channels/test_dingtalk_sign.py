"""DingTalk 加签: the request carries ``timestamp`` and ``sign`` computed as DingTalk documents.

Documented algorithm (open.dingtalk.com, custom robot security settings): string_to_sign =
timestamp + "\\n" + secret; HMAC-SHA256 keyed with the secret; Base64; then URL-encode (UTF-8).
The test recomputes it from what the server received, independently of the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from engine.reminders.channels import DingTalkChannel, DingTalkSettings, Message, Recipient
from engine.reminders.channels.dingtalk import sign

SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
MESSAGE = Message(subject="【逾期】防汛物资盘点", text="已逾期1天，请尽快办理。", kind="overdue")
PERSON = Recipient(person_id="p-2", name="李四")


def expected_sign(secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _channel(robot, secret=SECRET, **kwargs):
    url = robot.url(access_token="tok")
    return DingTalkChannel(DingTalkSettings(webhook=url, secret=secret), timeout=5, **kwargs)


def test_signature_matches_the_documented_algorithm(robot_server):
    before = time.time() * 1000

    result = _channel(robot_server).send(PERSON, MESSAGE)

    assert result.ok, result.detail
    (received,) = robot_server.requests
    timestamp = received.query["timestamp"][0]
    assert before - 1000 <= int(timestamp) <= time.time() * 1000 + 1000  # milliseconds, now
    assert received.query["sign"] == [expected_sign(SECRET, timestamp)]
    assert received.query["access_token"] == ["tok"]  # the webhook's own query is kept


def test_signature_is_url_encoded_exactly_once(robot_server):
    # For this secret and time the Base64 signature contains "+", "/" and "=", which must reach
    # DingTalk percent-encoded once (a raw "+" would be read as a space, a double encoding as "%2B").
    channel = _channel(robot_server, secret="secret", clock=lambda: 1_700_000_000.0)

    assert channel.send(PERSON, MESSAGE).ok
    (received,) = robot_server.requests
    assert received.query["timestamp"] == ["1700000000000"]
    raw = dict(pair.split("=", 1) for pair in received.raw_query.split("&"))
    # The same value DingTalk-signing implementations elsewhere give for this input (e.g. the
    # `dingding` Rust crate's own test), so the algorithm is not only checked against itself.
    assert raw["sign"] == "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"
    assert received.query["sign"] == [expected_sign("secret", "1700000000000")]


def test_sign_function_returns_standard_base64_before_encoding():
    assert sign("secret", 1_700_000_000_000) == "OuzzJR5+xZ4/EYwqtNt6sMYZQMTa/HEGvc9miJe7XzY="


def test_no_secret_means_no_signature_parameters(robot_server):
    assert _channel(robot_server, secret=None).send(PERSON, MESSAGE).ok

    (received,) = robot_server.requests
    assert set(received.query) == {"access_token"}


def test_a_persons_own_robot_is_not_signed_with_the_site_secret(robot_server):
    own = Recipient(person_id="p-3", name="王五", dingtalk=robot_server.url("/own", access_token="own"))

    assert _channel(robot_server).send(own, MESSAGE).ok

    (received,) = robot_server.requests
    assert received.path == "/own"
    assert set(received.query) == {"access_token"}
