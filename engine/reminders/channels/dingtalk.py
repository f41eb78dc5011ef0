"""Notices through a DingTalk (钉钉) custom group robot, with optional 加签 request signing.

Why not apprise: its ``dingtalk://`` plugin judges success by the HTTP status alone, and DingTalk
answers refusals such as a bad signature or a missing keyword with HTTP 200 and a non-zero
``errcode`` (310000 came back as success in our check). Reporting such a notice as delivered would
silently drop a reminder, so this small client checks ``errcode == 0`` itself (see ``robot.py``).

This module builds the URL, signature and payload; it must not retry or log, and never echoes the
webhook URL or secret in a result.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ssl
import time
import urllib.parse
from collections.abc import Callable

from engine.i18n import say
from engine.reminders.channels.base import DEFAULT_TIMEOUT, Channel, DeliveryResult, Message, Recipient
from engine.reminders.channels.config import DingTalkSettings, check_webhook_url
from engine.reminders.channels.robot import post_to_robot, robot_content

#: errcodes after which a later retry can succeed: 130101 = "send too fast" (20 a minute per robot)
RETRY_ERRCODES = frozenset({130101})


def sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's documented robot signature, before URL encoding.

    Base64 (the standard alphabet, as in DingTalk's own samples) of HMAC-SHA256 keyed with the
    secret over ``f"{timestamp}\\n{secret}"``. It is URL-encoded exactly once, when it is put in
    the query string.
    """
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_url(webhook: str, secret: str, timestamp_ms: int) -> str:
    """``webhook`` with ``timestamp`` and ``sign`` added to its query (access_token kept)."""
    parts = urllib.parse.urlsplit(webhook)
    extra = urllib.parse.urlencode({"timestamp": str(timestamp_ms), "sign": sign(secret, timestamp_ms)})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit(parts._replace(query=query))


class DingTalkChannel(Channel):
    name = "dingtalk"

    def __init__(
        self,
        settings: DingTalkSettings,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.time,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(timeout=timeout)
        self.settings = settings
        # DingTalk rejects timestamps more than an hour off, so the clock is injectable for tests.
        self._clock = clock
        self._ssl_context = ssl_context

    def configured(self) -> bool:
        return self.settings.configured

    def applies_to(self, recipient: Recipient) -> bool:
        return bool(recipient.dingtalk) or self.configured()

    def send(self, recipient: Recipient, message: Message) -> DeliveryResult:
        own = recipient.dingtalk
        url = own or self.settings.webhook
        if not url:
            return DeliveryResult.failed(
                say(
                    "钉钉消息未发送：未配置 QINGDAN_DINGTALK_WEBHOOK，{name} 也没有自己的机器人地址。",
                    "DingTalk message not sent: QINGDAN_DINGTALK_WEBHOOK is not set and {name} has no robot of their own.",
                    name=recipient.name,
                ),
                retryable=False,
            )
        if not check_webhook_url(url):
            return DeliveryResult.failed(
                say(
                    "钉钉消息未发送：{name} 的机器人地址不是有效的 http(s) 地址。",
                    "DingTalk message not sent: the robot URL for {name} is not a valid http(s) URL.",
                    name=recipient.name,
                ),
                retryable=False,
            )
        # The secret belongs to the site-wide robot; a person's own robot is posted to unsigned
        # unless it is that same robot (signing another robot's URL would only earn 310000).
        if self.settings.secret and url == self.settings.webhook:
            url = signed_url(url, self.settings.secret, round(self._clock() * 1000))
        payload = {"msgtype": "text", "text": {"content": robot_content(message)}}
        return post_to_robot(
            url,
            payload,
            service=say("钉钉机器人", "DingTalk robot"),
            timeout=self.timeout,
            retry_errcodes=RETRY_ERRCODES,
            ssl_context=self._ssl_context,
        )
