"""Language selection for user-facing text.

Messages are written where they are raised, in both languages, with ``say(zh, en, **values)``:
keeping the two texts side by side keeps them in step. Chinese is the default; ``QINGDAN_LANG=en``
or ``use_language("en")`` (the web sets it per request) switches to English.
"""

from __future__ import annotations

import contextlib
import contextvars
import os

SUPPORTED = ("zh", "en")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("qingdan_lang", default=None)

_SHARED = {
    "warning_prefix": ("警告:", "warning: "),
}


def language() -> str:
    chosen = _current.get() or os.environ.get("QINGDAN_LANG", "zh")
    chosen = chosen.lower()[:2]
    return chosen if chosen in SUPPORTED else "zh"


@contextlib.contextmanager
def use_language(lang: str):
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def say(zh: str, en: str, /, **values) -> str:
    """Return the message in the current language, with ``values`` filled in."""
    template = en if language() == "en" else zh
    return template.format(**values) if values else template


def t(key: str, /, **values) -> str:
    zh, en = _SHARED[key]
    return say(zh, en, **values)
