"""Delivery channels for notices: email, DingTalk robot, WeCom robot.

Each channel delivers one notice once per call and reports a precise ``DeliveryResult``; the
scheduler decides whom to notify, logs deliveries and retries. Nothing here touches the database.
"""

from __future__ import annotations

from engine.reminders.channels.base import DEFAULT_TIMEOUT, Channel, DeliveryResult, Message, Recipient
from engine.reminders.channels.config import (
    ChannelSettings,
    DingTalkSettings,
    SmtpSettings,
    WeComSettings,
    settings_from_env,
)
from engine.reminders.channels.dingtalk import DingTalkChannel
from engine.reminders.channels.email import EmailChannel
from engine.reminders.channels.wecom import WeComChannel

__all__ = [
    "DEFAULT_TIMEOUT",
    "Channel",
    "ChannelSettings",
    "DeliveryResult",
    "DingTalkChannel",
    "DingTalkSettings",
    "EmailChannel",
    "Message",
    "Recipient",
    "SmtpSettings",
    "WeComChannel",
    "WeComSettings",
    "builtin_channels",
    "settings_from_env",
]


def builtin_channels(settings: ChannelSettings) -> list[Channel]:
    """Every built-in channel, configured or not, in a stable order (email, dingtalk, wecom).

    Unconfigured robot channels are included on purpose: a person's own webhook still reaches
    them. Pick per person with ``channel.applies_to(recipient)``.
    """
    return [
        EmailChannel(settings.smtp, timeout=settings.timeout),
        DingTalkChannel(settings.dingtalk, timeout=settings.timeout),
        WeComChannel(settings.wecom, timeout=settings.timeout),
    ]
