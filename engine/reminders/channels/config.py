"""Channel settings, read from an environment mapping into frozen dataclasses.

Passwords, robot tokens and signing secrets come from configuration or the environment, never from a
checklist. This module only parses and checks values; it must not read ``os.environ`` itself (the
caller passes the mapping in, so tests and the web's layered config control it), open connections,
or print settings: the ``repr`` of every secret-bearing field is suppressed.
"""

from __future__ import annotations

import email.utils
import math
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.errors import InputError
from engine.i18n import say
from engine.reminders.channels.base import DEFAULT_TIMEOUT

TLS_MODES = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None = None
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str | None = None
    tls: str = "none"

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)


@dataclass(frozen=True)
class DingTalkSettings:
    #: full robot URL including ``access_token`` (a credential, hence not in the repr)
    webhook: str | None = field(default=None, repr=False)
    #: the robot's signing secret ("SEC..."), when the robot uses 加签 security
    secret: str | None = field(default=None, repr=False)

    @property
    def configured(self) -> bool:
        return bool(self.webhook)


@dataclass(frozen=True)
class WeComSettings:
    #: full robot URL including ``key`` (a credential, hence not in the repr)
    webhook: str | None = field(default=None, repr=False)

    @property
    def configured(self) -> bool:
        return bool(self.webhook)


@dataclass(frozen=True)
class ChannelSettings:
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    dingtalk: DingTalkSettings = field(default_factory=DingTalkSettings)
    wecom: WeComSettings = field(default_factory=WeComSettings)
    timeout: float = DEFAULT_TIMEOUT


def settings_from_env(environ: Mapping[str, str]) -> ChannelSettings:
    """Build ``ChannelSettings`` from ``QINGDAN_*`` variables; raise ``InputError`` on a bad value.

    An empty variable counts as unset (``.env`` files often carry ``NAME=``). Half a configuration
    (an SMTP host without a sender, a user without a password, a signing secret without a webhook)
    is refused here, at start-up, rather than discovered as failed deliveries later.
    """

    def get(name: str) -> str | None:
        return (environ.get(name) or "").strip() or None

    tls = (get("QINGDAN_SMTP_TLS") or "none").lower()
    if tls not in TLS_MODES:
        raise InputError(
            say(
                "QINGDAN_SMTP_TLS 的值 {value} 无效：请填写 none、starttls 或 ssl。",
                "QINGDAN_SMTP_TLS is {value!r}; use none, starttls or ssl.",
                value=tls,
            )
        )
    # 25 is the brief's default; implicit TLS on port 25 never works, so "ssl" defaults to 465.
    port = _port(get("QINGDAN_SMTP_PORT"), default=465 if tls == "ssl" else 25)
    smtp = SmtpSettings(
        host=get("QINGDAN_SMTP_HOST"),
        port=port,
        user=get("QINGDAN_SMTP_USER"),
        password=environ.get("QINGDAN_SMTP_PASSWORD") or None,  # not stripped: spaces may matter
        sender=get("QINGDAN_SMTP_FROM"),
        tls=tls,
    )
    _check_smtp(smtp)

    dingtalk = DingTalkSettings(
        webhook=_webhook("QINGDAN_DINGTALK_WEBHOOK", get("QINGDAN_DINGTALK_WEBHOOK")),
        secret=get("QINGDAN_DINGTALK_SECRET"),
    )
    if dingtalk.secret and not dingtalk.webhook:
        raise InputError(
            say(
                "设置了 QINGDAN_DINGTALK_SECRET 却没有设置 QINGDAN_DINGTALK_WEBHOOK：请补上机器人的 Webhook 地址。",
                "QINGDAN_DINGTALK_SECRET is set but QINGDAN_DINGTALK_WEBHOOK is not; add the robot's webhook URL.",
            )
        )
    wecom = WeComSettings(webhook=_webhook("QINGDAN_WECOM_WEBHOOK", get("QINGDAN_WECOM_WEBHOOK")))
    return ChannelSettings(smtp=smtp, dingtalk=dingtalk, wecom=wecom, timeout=_timeout(get("QINGDAN_CHANNEL_TIMEOUT")))


def check_webhook_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL with a host.

    Other schemes are refused because urllib would happily "POST" to ``file:`` or ``ftp:`` URLs,
    and per-person webhooks come from data people edit.
    """
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_smtp(smtp: SmtpSettings) -> None:
    if smtp.host and not smtp.sender:
        raise InputError(
            say(
                "设置了 QINGDAN_SMTP_HOST 却没有设置 QINGDAN_SMTP_FROM：请填写发件地址。",
                "QINGDAN_SMTP_HOST is set but QINGDAN_SMTP_FROM is not; set the sender address.",
            )
        )
    if smtp.sender and "@" not in email.utils.parseaddr(smtp.sender)[1]:
        raise InputError(
            say(
                "QINGDAN_SMTP_FROM 的值 {value} 不是邮件地址：请填写如 qingdan@example.gov.cn 的地址。",
                "QINGDAN_SMTP_FROM is {value!r}, not an email address; use e.g. qingdan@example.gov.cn.",
                value=smtp.sender,
            )
        )
    if bool(smtp.user) != bool(smtp.password):
        raise InputError(
            say(
                "QINGDAN_SMTP_USER 与 QINGDAN_SMTP_PASSWORD 须同时设置或同时留空。",
                "Set both QINGDAN_SMTP_USER and QINGDAN_SMTP_PASSWORD, or neither.",
            )
        )


def _port(raw: str | None, *, default: int) -> int:
    if raw is None:
        return default
    if raw.isdigit() and 1 <= int(raw) <= 65535:
        return int(raw)
    raise InputError(
        say(
            "QINGDAN_SMTP_PORT 的值 {value} 无效：请填写 1 到 65535 之间的端口号。",
            "QINGDAN_SMTP_PORT is {value!r}; use a port number from 1 to 65535.",
            value=raw,
        )
    )


def _timeout(raw: str | None) -> float:
    if raw is None:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if math.isfinite(value) and value > 0:
        return value
    raise InputError(
        say(
            "QINGDAN_CHANNEL_TIMEOUT 的值 {value} 无效：请填写大于 0 的秒数，如 10。",
            "QINGDAN_CHANNEL_TIMEOUT is {value!r}; use a number of seconds above 0, such as 10.",
            value=raw,
        )
    )


def _webhook(name: str, raw: str | None) -> str | None:
    if raw is None or check_webhook_url(raw):
        return raw
    # The value itself is not echoed: it may be a token pasted into the wrong variable.
    raise InputError(
        say(
            "{name} 不是有效的 Webhook 地址：请填写机器人设置页给出的完整 https:// 地址。",
            "{name} is not a valid webhook URL; paste the full https:// address from the robot's settings.",
            name=name,
        )
    )
