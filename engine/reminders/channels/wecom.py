"""Notices through a WeCom (企业微信) group robot webhook.

Why not apprise: its ``wecombot://`` plugin judges success by the HTTP status alone, while WeCom
answers refusals (an invalid key, an oversized message, a rate limit) with HTTP 200 and a non-zero
``errcode``. Reporting such a notice as delivered would silently drop a reminder, so this small
client checks ``errcode == 0`` itself (see ``robot.py``).

This module builds the payload only; it must not retry or log, and never echoes the webhook URL
(it carries the robot's key) in a result.
"""

from __future__ import annotations

import ssl

from engine.i18n import say
from engine.reminders.channels.base import DEFAULT_TIMEOUT, Channel, DeliveryResult, Message, Recipient
from engine.reminders.channels.config import WeComSettings, check_webhook_url
from engine.reminders.channels.robot import post_to_robot, robot_content

#: errcodes after which a later retry can succeed: 45009 = API frequency limit (20 a minute per robot)
RETRY_ERRCODES = frozenset({45009})
#: WeCom refuses text content longer than this many UTF-8 bytes
MAX_CONTENT_BYTES = 2048


class WeComChannel(Channel):
    name = "wecom"

    def __init__(self, settings: WeComSettings, *, timeout: float = DEFAULT_TIMEOUT, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(timeout=timeout)
        self.settings = settings
        self._ssl_context = ssl_context

    def configured(self) -> bool:
        return self.settings.configured

    def applies_to(self, recipient: Recipient) -> bool:
        return bool(recipient.wecom) or self.configured()

    def send(self, recipient: Recipient, message: Message) -> DeliveryResult:
        url = recipient.wecom or self.settings.webhook
        if not url:
            return DeliveryResult.failed(
                say(
                    "企业微信消息未发送：未配置 QINGDAN_WECOM_WEBHOOK，{name} 也没有自己的机器人地址。",
                    "WeCom message not sent: QINGDAN_WECOM_WEBHOOK is not set and {name} has no robot of their own.",
                    name=recipient.name,
                ),
                retryable=False,
            )
        if not check_webhook_url(url):
            return DeliveryResult.failed(
                say(
                    "企业微信消息未发送：{name} 的机器人地址不是有效的 http(s) 地址。",
                    "WeCom message not sent: the robot URL for {name} is not a valid http(s) URL.",
                    name=recipient.name,
                ),
                retryable=False,
            )
        content = robot_content(message, max_bytes=MAX_CONTENT_BYTES)
        payload = {"msgtype": "text", "text": {"content": content}}
        return post_to_robot(
            url,
            payload,
            service=say("企业微信机器人", "WeCom robot"),
            timeout=self.timeout,
            retry_errcodes=RETRY_ERRCODES,
            ssl_context=self._ssl_context,
        )
