"""Email delivery over SMTP with the standard library (smtplib, email.message.EmailMessage).

One connection per notice: connect (optionally STARTTLS or implicit TLS), log in if a user is
configured, send, quit. SMTP replies are classified by class: 5xx is a permanent refusal (a retry
cannot help), 4xx and connection trouble are temporary. It must not retry, queue or log itself.
"""

from __future__ import annotations

import email.policy
import email.utils
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage

from engine.i18n import say
from engine.reminders.channels.base import DEFAULT_TIMEOUT, Channel, DeliveryResult, Message, Recipient
from engine.reminders.channels.config import SmtpSettings


class EmailChannel(Channel):
    name = "email"

    def __init__(self, settings: SmtpSettings, *, timeout: float = DEFAULT_TIMEOUT, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(timeout=timeout)
        self.settings = settings
        # Injectable so a site with a private CA (common on government intranets) can trust it.
        self._ssl_context = ssl_context

    def configured(self) -> bool:
        return self.settings.configured

    def applies_to(self, recipient: Recipient) -> bool:
        return self.configured() and bool(recipient.email)

    def send(self, recipient: Recipient, message: Message) -> DeliveryResult:
        if not self.applies_to(recipient):
            return DeliveryResult.failed(
                say(
                    "邮件未发送：未配置 SMTP 或 {name} 没有邮箱地址。",
                    "Email not sent: SMTP is not configured or {name} has no email address.",
                    name=recipient.name,
                ),
                retryable=False,
            )
        try:
            mail = self._compose(recipient, message)
        except (ValueError, TypeError) as exc:  # an address the email package cannot represent
            return DeliveryResult.failed(
                say(
                    "邮件未发送：地址 {address} 无效（{error}）。",
                    "Email not sent: address {address!r} is invalid ({error}).",
                    address=recipient.email,
                    error=exc,
                ),
                retryable=False,
            )
        try:
            return self._deliver(mail, recipient)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            return _refused(code, reply)
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, auth, HELO
            return _refused(exc.smtp_code, exc.smtp_error)
        except smtplib.SMTPNotSupportedError as exc:  # e.g. STARTTLS or SMTPUTF8 not offered
            return DeliveryResult.failed(
                say(
                    "邮件未发送：邮件服务器不支持所需功能（{error}），请检查 QINGDAN_SMTP_TLS 设置。",
                    "Email not sent: the mail server lacks a needed feature ({error}); check QINGDAN_SMTP_TLS.",
                    error=exc,
                ),
                retryable=False,
            )
        except ssl.SSLCertVerificationError as exc:
            # Retrying will not make an untrusted certificate trusted; an operator has to act.
            return DeliveryResult.failed(
                say(
                    "邮件未发送：邮件服务器证书无法验证（{error}）。",
                    "Email not sent: the mail server's certificate could not be verified ({error}).",
                    error=exc.verify_message or exc,
                ),
                retryable=False,
            )
        except (OSError, smtplib.SMTPException) as exc:  # refused/reset/timeout/disconnected
            return DeliveryResult.failed(
                say(
                    "邮件未发送：无法连接邮件服务器 {host}:{port}（{error}），稍后可重试。",
                    "Email not sent: could not talk to mail server {host}:{port} ({error}); a retry may help.",
                    host=self.settings.host,
                    port=self.settings.port,
                    error=_describe(exc),
                ),
                retryable=True,
            )

    def _compose(self, recipient: Recipient, message: Message) -> EmailMessage:
        mail = EmailMessage(policy=email.policy.SMTP)
        mail["Subject"] = message.subject
        mail["From"] = self.settings.sender
        mail["To"] = Address(display_name=recipient.name, addr_spec=recipient.email)
        mail["Date"] = email.utils.formatdate(localtime=True)
        domain = email.utils.parseaddr(self.settings.sender)[1].rpartition("@")[2]
        # An explicit domain: make_msgid() would otherwise do a possibly slow DNS lookup.
        mail["Message-ID"] = email.utils.make_msgid(domain=domain or None)
        # RFC 3834: stops out-of-office replies from bouncing back to the sender address.
        mail["Auto-Submitted"] = "auto-generated"
        mail["X-Qingdan-Kind"] = message.kind
        # base64 keeps Chinese text intact through relays without 8BITMIME.
        mail.set_content(message.text, charset="utf-8", cte="base64")
        if message.html:
            mail.add_alternative(message.html, subtype="html", charset="utf-8", cte="base64")
        return mail

    def _deliver(self, mail: EmailMessage, recipient: Recipient) -> DeliveryResult:
        s = self.settings
        if s.tls == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=self._context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        try:
            if s.tls == "starttls":
                smtp.starttls(context=self._context())
            if s.user:
                smtp.login(s.user, s.password or "")
            smtp.send_message(mail)
            # From here on the server has the mail: nothing below may turn this into a failure,
            # or the scheduler would retry and the person would get it twice.
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
        finally:
            smtp.close()
        return DeliveryResult.delivered(
            say("邮件已交给 {host} 投递至 {address}。", "Email handed to {host} for {address}.", host=s.host, address=recipient.email)
        )

    def _context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()


def _refused(code: int, reply: bytes | str) -> DeliveryResult:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    permanent = 500 <= code <= 599
    if permanent:
        return DeliveryResult.failed(
            say(
                "邮件被服务器拒绝：{code} {reply}（永久性拒绝，重试无效）。",
                "Email refused by the server: {code} {reply} (permanent; retrying will not help).",
                code=code,
                reply=text,
            ),
            retryable=False,
        )
    return DeliveryResult.failed(
        say(
            "邮件被服务器暂时拒绝：{code} {reply}，稍后可重试。",
            "Email temporarily refused by the server: {code} {reply}; a retry may help.",
            code=code,
            reply=text,
        ),
        retryable=True,
    )


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
