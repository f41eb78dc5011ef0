"""The language of each request: ``engine.i18n.use_language`` around the request, chosen by the person
(``/lang/en``, kept in the session) or the configured default (Chinese). Templates write both texts side by
side with ``say("中文", "English")``, like the engine does."""

from __future__ import annotations

from flask import current_app, g, session

from engine.i18n import SUPPORTED, language, say, use_language


def chosen_language() -> str:
    lang = session.get("lang") or current_app.config.get("LANGUAGE") or "zh"
    return lang if lang in SUPPORTED else "zh"


def init_app(app) -> None:
    @app.before_request
    def _enter():
        manager = use_language(chosen_language())
        manager.__enter__()
        g._qingdan_language = manager

    @app.teardown_request
    def _leave(_error=None):
        manager = g.pop("_qingdan_language", None)
        if manager is not None:
            manager.__exit__(None, None, None)

    app.jinja_env.globals.update(say=say, language=language)
