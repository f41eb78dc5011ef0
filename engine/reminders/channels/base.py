"""The contract every delivery channel keeps: what a notice is, who gets it, what came of it.

A channel delivers one notice to one person, once per call, and reports the outcome precisely.
It must not touch the database, retry, sleep, or decide who is notified: the scheduler logs every
delivery, claims each notice once and retries the ones whose result says a retry could help.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

#: seconds a channel may wait on the network before giving up (``QINGDAN_CHANNEL_TIMEOUT``)
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Message:
    """One notice: a one-line ``subject`` and a Chinese ``text`` that may run over several lines.

    ``kind`` says why it is sent ("reminder", "overdue", "escalation"); channels may show it but
    never change their behaviour because of it.
    """

    subject: str
    text: str
    kind: str = "reminder"
    #: an optional HTML rendering of ``text`` (a daily digest's); a channel that can show it may send it beside the
    #: text (email, as multipart/alternative), the others ignore it
    html: str | None = None


@dataclass(frozen=True)
class Recipient:
    """A person to notify and the addresses they can be reached at.

    ``dingtalk`` and ``wecom`` are optional per-person group-robot webhook URLs; when set they take
    precedence over the site-wide robot for that person.
    """

    person_id: str
    name: str
    email: str | None = None
    dingtalk: str | None = None
    wecom: str | None = None


@dataclass(frozen=True)
class DeliveryResult:
    """What one ``send`` achieved.

    ``ok`` means the far end accepted the notice. ``detail`` is a sentence for the delivery log
    (the remote status, error code and message; never a password or token). ``retryable`` says
    whether sending the same notice again later could succeed (network trouble, rate limits, a
    temporary refusal); it is always False when ``ok`` is True.
    """

    ok: bool
    detail: str
    retryable: bool = False

    def __post_init__(self) -> None:
        # A delivered notice must never be retried: that would notify the person twice.
        if self.ok and self.retryable:
            raise ValueError("a successful delivery cannot be retryable")

    @classmethod
    def delivered(cls, detail: str) -> DeliveryResult:
        return cls(ok=True, detail=detail, retryable=False)

    @classmethod
    def failed(cls, detail: str, *, retryable: bool) -> DeliveryResult:
        return cls(ok=False, detail=detail, retryable=retryable)


class Channel(abc.ABC):
    """A way of delivering notices (email, a DingTalk robot, a WeCom robot, a plugin's own).

    Contract, checked for every built-in channel by ``tests/engine/channels/test_contract.py``:

    * ``name`` is a short stable identifier ("email", "dingtalk", ...) used in delivery logs.
    * ``configured()`` is True when the site-wide settings the channel needs are present. It does
      no IO. A robot channel that is not configured may still reach a person who has their own
      webhook, so callers choose channels per person with ``applies_to``.
    * ``applies_to(recipient)`` is True when ``send`` can be attempted for this person with the
      current settings (e.g. the person has an email address and SMTP is configured). No IO.
    * ``send(recipient, message)`` makes exactly one delivery attempt and returns a
      ``DeliveryResult``. It never raises for a delivery failure (network errors, refusals, bad
      statuses, unparsable answers, a recipient it does not apply to): those come back as
      ``ok=False`` with a detail and whether a retry could help. It gives up after ``timeout``
      seconds (default 10) on any single network wait instead of hanging. It does not retry.
    """

    name: str = ""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout

    @abc.abstractmethod
    def configured(self) -> bool:
        """Whether the site-wide settings this channel needs are present."""

    @abc.abstractmethod
    def applies_to(self, recipient: Recipient) -> bool:
        """Whether this channel can try to reach ``recipient``."""

    @abc.abstractmethod
    def send(self, recipient: Recipient, message: Message) -> DeliveryResult:
        """Deliver ``message`` to ``recipient`` once; never raise for a delivery failure."""

    def __repr__(self) -> str:
        # Deliberately no settings here: they hold passwords and webhook tokens.
        return f"<{type(self).__name__} {self.name!r} configured={self.configured()}>"
