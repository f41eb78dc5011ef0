"""What the email channel does beyond the shared contract: the headers and encoding of the mail."""

from __future__ import annotations

from engine.reminders.channels import EmailChannel, Message, Recipient, SmtpSettings

MESSAGE = Message(subject="【逾期】档案整理（第二季度）", text="已逾期2天。\n请尽快处理。", kind="overdue")
PERSON = Recipient(person_id="p-1", name="张三", email="zhangsan@example.gov.cn")


def _channel(server, **settings):
    return EmailChannel(SmtpSettings(host=server.host, port=server.port, sender="清单系统 <qingdan@example.gov.cn>", **settings), timeout=5)


def test_mail_is_7bit_safe_and_carries_the_notice_headers(smtp_server):
    assert _channel(smtp_server).send(PERSON, MESSAGE).ok

    (mail,) = smtp_server.handler.mails
    assert mail.mail_from == "qingdan@example.gov.cn"
    assert mail.rcpt_tos == ["zhangsan@example.gov.cn"]
    headers = mail.message
    assert headers["To"].addresses[0].display_name == "张三"
    assert headers["From"].addresses[0].addr_spec == "qingdan@example.gov.cn"
    assert headers["X-Qingdan-Kind"] == "overdue"
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["Message-ID"].endswith("@example.gov.cn>")
    assert headers.get_content_charset() == "utf-8"
    assert headers["Content-Transfer-Encoding"] == "base64"
    # Chinese subject and body are encoded, so relays without 8BITMIME/SMTPUTF8 pass them intact.
    assert headers.as_bytes().isascii()


def test_works_without_login_when_no_user_is_configured(smtp_server):
    assert _channel(smtp_server).send(PERSON, MESSAGE).ok


def test_a_recipient_without_email_is_not_applicable(smtp_server):
    channel = _channel(smtp_server)
    nobody = Recipient(person_id="p-2", name="李四", dingtalk="https://oapi.dingtalk.com/robot/send")

    assert not channel.applies_to(nobody)
    result = channel.send(nobody, MESSAGE)
    assert (result.ok, result.retryable) == (False, False)
    assert smtp_server.handler.mails == []


def test_an_unusable_address_is_a_permanent_failure(smtp_server):
    result = _channel(smtp_server).send(Recipient("p-3", "王五", email="not an address <"), MESSAGE)

    assert (result.ok, result.retryable) == (False, False)
    assert smtp_server.handler.mails == []


def test_starttls_against_a_server_without_it_is_a_permanent_failure(smtp_server):
    # The test server offers no STARTTLS; sending the password in clear instead is not an option.
    result = _channel(smtp_server, tls="starttls").send(PERSON, MESSAGE)

    assert (result.ok, result.retryable) == (False, False)
    assert "QINGDAN_SMTP_TLS" in result.detail
    assert smtp_server.handler.mails == []
