"""A minimal client for chat group-robot webhooks (DingTalk, WeCom) on urllib.request.

Both robots answer HTTP 200 with a JSON body ``{"errcode": ..., "errmsg": ...}`` and only
``errcode == 0`` means the message was posted; this module turns one POST into a ``DeliveryResult``
accordingly. It knows nothing of either vendor's URLs or signing (see ``dingtalk.py``, ``wecom.py``),
must not retry, and must never put a webhook URL in a detail: the URL carries the robot's token.
"""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection

from engine.i18n import say
from engine.reminders.channels.base import DeliveryResult, Message

#: bytes of an answer worth reading; a robot's JSON reply is tiny
_MAX_ANSWER = 64 * 1024


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # urllib turns a redirected POST into a GET without the body, which would "succeed" without
    # posting anything; a robot URL that redirects is misconfigured, so report the 3xx instead.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def robot_content(message: Message, *, max_bytes: int | None = None) -> str:
    """The text a robot posts: the subject line, a blank line, then the message text.

    With ``max_bytes`` (WeCom refuses text over 2048 UTF-8 bytes) the text is shortened at a
    character boundary and ends with "…", so a long notice still arrives rather than failing.
    """
    content = f"{message.subject}\n\n{message.text}"
    if max_bytes is None or len(content.encode("utf-8")) <= max_bytes:
        return content
    budget = max_bytes - len("…".encode())
    cut = content.encode("utf-8")[:budget].decode("utf-8", "ignore")
    return cut + "…"


def post_to_robot(
    url: str,
    payload: dict,
    *,
    service: str,
    timeout: float,
    retry_errcodes: Collection[int] = (),
    ssl_context: ssl.SSLContext | None = None,
) -> DeliveryResult:
    """POST ``payload`` as JSON to ``url`` once and judge the answer by its ``errcode``.

    ``service`` names the robot in details ("钉钉机器人"/"DingTalk robot"); ``retry_errcodes`` are
    the vendor's rate-limit codes, after which a later retry can succeed.
    """
    host = urllib.parse.urlsplit(url).hostname or "?"
    where = f"{service} ({host})"
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"})
    handlers: list = [_NoRedirect()]
    if ssl_context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=timeout) as response:
            status, answer = response.status, response.read(_MAX_ANSWER)
    except urllib.error.HTTPError as exc:
        with exc:  # an HTTPError holds the open response; close it or the socket leaks
            status, answer = exc.code, _read_quietly(exc)
    except urllib.error.URLError as exc:
        return _network_failure(where, exc.reason)
    except (OSError, http.client.HTTPException) as exc:  # timeout or reset while reading
        return _network_failure(where, exc)
    return _judge(where, status, answer, retry_errcodes)


def _judge(where: str, status: int, answer: bytes, retry_errcodes: Collection[int]) -> DeliveryResult:
    reply = _parse(answer)
    if status != 200:
        said = f" errcode={reply[0]} errmsg={reply[1]}" if reply else ""
        # 5xx and 429 are the server's trouble or a throttle; other statuses mean a wrong URL.
        retryable = status >= 500 or status == 429
        return DeliveryResult.failed(
            say(
                "{where} 返回 HTTP {status}{said}{hint}。",
                "{where} answered HTTP {status}{said}{hint}.",
                where=where,
                status=status,
                said=said,
                hint=say("，稍后可重试", "; a retry may help") if retryable else say("，请检查 Webhook 地址", "; check the webhook URL"),
            ),
            retryable=retryable,
        )
    if reply is None:
        return DeliveryResult.failed(
            say(
                "{where} 的应答不是机器人的 JSON 应答（缺少 errcode）：{start}",
                "{where} gave no robot JSON answer (no errcode): {start!r}",
                where=where,
                start=answer[:120].decode("utf-8", "replace"),
            ),
            retryable=False,
        )
    errcode, errmsg = reply
    if errcode == 0:
        return DeliveryResult.delivered(say("{where} 已接收消息。", "{where} accepted the message.", where=where))
    retryable = errcode in retry_errcodes
    return DeliveryResult.failed(
        say(
            "{where} 拒绝了消息：errcode={errcode} errmsg={errmsg}{hint}。",
            "{where} refused the message: errcode={errcode} errmsg={errmsg}{hint}.",
            where=where,
            errcode=errcode,
            errmsg=errmsg,
            hint=say("（发送过快，稍后可重试）", " (rate limited; a retry may help)") if retryable else "",
        ),
        retryable=retryable,
    )


def _parse(answer: bytes) -> tuple[int, str] | None:
    try:
        data = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("errcode"), int):
        return None
    return data["errcode"], str(data.get("errmsg", ""))


def _network_failure(where: str, reason: object) -> DeliveryResult:
    if isinstance(reason, ssl.SSLCertVerificationError):
        # An untrusted certificate stays untrusted on retry: an operator has to act.
        return DeliveryResult.failed(
            say(
                "无法验证 {where} 的证书（{error}）。",
                "The certificate of {where} could not be verified ({error}).",
                where=where,
                error=reason.verify_message or reason,
            ),
            retryable=False,
        )
    error = f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__
    return DeliveryResult.failed(
        say("无法连接 {where}（{error}），稍后可重试。", "Could not reach {where} ({error}); a retry may help.", where=where, error=error),
        retryable=True,
    )


def _read_quietly(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read(_MAX_ANSWER)
    except (OSError, http.client.HTTPException):
        return b""
