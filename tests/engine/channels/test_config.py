"""Reading channel settings from an environment mapping, and the built-in channel list."""

from __future__ import annotations

import pytest

from engine.errors import InputError
from engine.i18n import use_language
from engine.reminders.channels import (
    ChannelSettings,
    DingTalkSettings,
    SmtpSettings,
    WeComSettings,
    builtin_channels,
    settings_from_env,
)

FULL = {
    "QINGDAN_SMTP_HOST": "smtp.example.gov.cn",
    "QINGDAN_SMTP_PORT": "587",
    "QINGDAN_SMTP_USER": "qingdan",
    "QINGDAN_SMTP_PASSWORD": "smtp-pass-123",
    "QINGDAN_SMTP_FROM": "清单系统 <qingdan@example.gov.cn>",
    "QINGDAN_SMTP_TLS": "STARTTLS",
    "QINGDAN_DINGTALK_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=ding-token-9",
    "QINGDAN_DINGTALK_SECRET": "SECsign-secret-9",
    "QINGDAN_WECOM_WEBHOOK": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-9",
    "QINGDAN_CHANNEL_TIMEOUT": "7.5",
}


def test_empty_environment_configures_nothing():
    settings = settings_from_env({})

    assert settings == ChannelSettings()
    assert (settings.smtp.port, settings.smtp.tls, settings.timeout) == (25, "none", 10.0)
    assert [c.configured() for c in builtin_channels(settings)] == [False, False, False]


def test_full_environment():
    settings = settings_from_env(FULL)

    assert settings == ChannelSettings(
        smtp=SmtpSettings(
            host="smtp.example.gov.cn",
            port=587,
            user="qingdan",
            password="smtp-pass-123",
            sender="清单系统 <qingdan@example.gov.cn>",
            tls="starttls",
        ),
        dingtalk=DingTalkSettings(webhook=FULL["QINGDAN_DINGTALK_WEBHOOK"], secret="SECsign-secret-9"),
        wecom=WeComSettings(webhook=FULL["QINGDAN_WECOM_WEBHOOK"]),
        timeout=7.5,
    )
    channels = builtin_channels(settings)
    assert [c.name for c in channels] == ["email", "dingtalk", "wecom"]
    assert all(c.configured() and c.timeout == 7.5 for c in channels)


def test_secrets_stay_out_of_reprs():
    settings = settings_from_env(FULL)
    shown = repr(settings) + "".join(repr(c) for c in builtin_channels(settings))

    for secret in ("smtp-pass-123", "ding-token-9", "SECsign-secret-9", "wecom-key-9"):
        assert secret not in shown


def test_blank_variables_count_as_unset():
    settings = settings_from_env(
        {"QINGDAN_SMTP_HOST": "  ", "QINGDAN_SMTP_PORT": "", "QINGDAN_WECOM_WEBHOOK": "", "QINGDAN_CHANNEL_TIMEOUT": ""}
    )

    assert settings == ChannelSettings()


def test_implicit_tls_defaults_to_port_465():
    env = {"QINGDAN_SMTP_HOST": "smtp.example.gov.cn", "QINGDAN_SMTP_FROM": "a@example.gov.cn", "QINGDAN_SMTP_TLS": "ssl"}

    assert settings_from_env(env).smtp.port == 465
    assert settings_from_env(env | {"QINGDAN_SMTP_PORT": "2465"}).smtp.port == 2465


@pytest.mark.parametrize(
    "change, named",
    [
        ({"QINGDAN_SMTP_TLS": "tls"}, "QINGDAN_SMTP_TLS"),
        ({"QINGDAN_SMTP_PORT": "smtp"}, "QINGDAN_SMTP_PORT"),
        ({"QINGDAN_SMTP_PORT": "70000"}, "QINGDAN_SMTP_PORT"),
        ({"QINGDAN_CHANNEL_TIMEOUT": "0"}, "QINGDAN_CHANNEL_TIMEOUT"),
        ({"QINGDAN_CHANNEL_TIMEOUT": "nan"}, "QINGDAN_CHANNEL_TIMEOUT"),
        ({"QINGDAN_CHANNEL_TIMEOUT": "ten"}, "QINGDAN_CHANNEL_TIMEOUT"),
        ({"QINGDAN_SMTP_FROM": ""}, "QINGDAN_SMTP_FROM"),
        ({"QINGDAN_SMTP_FROM": "qingdan"}, "QINGDAN_SMTP_FROM"),
        ({"QINGDAN_SMTP_PASSWORD": ""}, "QINGDAN_SMTP_PASSWORD"),
        ({"QINGDAN_SMTP_USER": ""}, "QINGDAN_SMTP_USER"),
        ({"QINGDAN_DINGTALK_WEBHOOK": ""}, "QINGDAN_DINGTALK_WEBHOOK"),
        ({"QINGDAN_DINGTALK_WEBHOOK": "ding-token-9"}, "QINGDAN_DINGTALK_WEBHOOK"),
        ({"QINGDAN_WECOM_WEBHOOK": "file:///etc/passwd"}, "QINGDAN_WECOM_WEBHOOK"),
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_values_are_refused_naming_the_variable(change, named, lang):
    with use_language(lang), pytest.raises(InputError) as caught:
        settings_from_env(FULL | change)

    assert named in str(caught.value)
    # A token pasted into the wrong place is not echoed back.
    assert "ding-token-9" not in str(caught.value)
