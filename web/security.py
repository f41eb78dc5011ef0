"""Security headers on every answer, the trusted-proxy fix, throttling of failed logins per client address, and
the check of ``next`` redirects (no open redirect).

Per-account lockout lives in the database (``engine.accounts.authenticate``) so every worker sees it; the
per-address limit here is per process, a first brake against password spraying across accounts.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from urllib.parse import urlsplit

from flask import request

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def init_app(app) -> None:
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.extensions["qingdan_login_throttle"] = LoginThrottle(app.config["LOGIN_IP_LIMIT"], app.config["LOGIN_IP_WINDOW"])

    @app.before_request
    def _no_nul():
        # PostgreSQL text cannot hold U+0000: refused here for every path, query and form, in words, never a 500
        # (JSON bodies are checked where the API reads them)
        values = [request.path, *request.args.keys(), *request.args.values()]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += [*request.form.keys(), *request.form.values()]
        if any("\x00" in value for value in values):
            from engine.i18n import say
            from web.errors import refuse

            refuse(
                400,
                say(
                    "请求中有看不见的控制字符(U+0000),请删除后重试。",
                    "the request holds an invisible control character (U+0000); remove it and try again.",
                ),
            )

    always = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Content-Security-Policy", CSP),
    ]
    if app.config.get("SESSION_COOKIE_SECURE"):
        always.append(("Strict-Transport-Security", "max-age=31536000"))

    @app.after_request
    def _headers(response):
        # each header only where the view did not set its own (one pass over the answer's few headers: Werkzeug's
        # setdefault looks each one up by raising and catching a KeyError, a measurable part of a cached API answer)
        headers = response.headers
        present = {key.lower() for key in headers.keys()}
        wanted = [(key, value) for key, value in always if key.lower() not in present]
        if request.endpoint != "static" and "cache-control" not in present:
            wanted.append(("Cache-Control", "no-store"))
        headers.extend(wanted)
        return response


class LoginThrottle:
    """At most ``limit`` failed logins per client address in a sliding window of ``window`` seconds.

    A login takes a place (``take``) before its password is checked, under the lock, so parallel logins from one
    address cannot check more than ``limit`` passwords; a success gives back only its own place (``give_back``), never
    the address's earlier failures."""

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self.failures: dict[str, deque] = {}
        self.lock = threading.Lock()

    def _trim(self, address: str) -> deque:
        found = self.failures.setdefault(address, deque())
        edge = self.clock() - self.window
        while found and found[0] < edge:
            found.popleft()
        return found

    def blocked(self, address: str) -> bool:
        with self.lock:
            return len(self._trim(address)) >= self.limit

    def take(self, address: str) -> float | None:
        """Count an attempt from ``address`` as failed until ``give_back``; None (nothing counted) when the address
        has used up its limit."""
        with self.lock:
            found = self._trim(address)
            if len(found) >= self.limit:
                return None
            stamp = self.clock()
            found.append(stamp)
            if len(self.failures) > 10000:  # forget quiet addresses
                for key in [k for k, v in self.failures.items() if not v][:5000]:
                    del self.failures[key]
            return stamp

    def failed(self, address: str) -> None:
        self.take(address)

    def give_back(self, address: str, stamp: float) -> None:
        """A login that succeeded was no failure: remove its own place (one entry), nothing else."""
        with self.lock:
            found = self.failures.get(address)
            if found is not None:
                try:
                    found.remove(stamp)
                except ValueError:  # already out of the window
                    pass


def _plain_path(target: str) -> bool:
    """A same-site relative path: starts with one ``/``, no scheme or host, no backslash, and no control character
    (a CR or LF would split the Location header, which Werkzeug refuses with an error)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return False
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc)


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback``."""
    if not target or not isinstance(target, str) or len(target) > 2000 or not _plain_path(target):
        return fallback
    return target
