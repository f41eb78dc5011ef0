"""The web board and JSON API of qingdan: a Flask app in the shape of the Flask tutorial's ``flaskr``.

``create_app(test_config=None)`` layers configuration (``web.config`` defaults → ``config.py`` in the
instance folder → ``QINGDAN_*`` environment variables → ``test_config``), opens the store, binds the
extensions (Flask-Login, CSRF) with ``init_app``, registers one blueprint per area and then the plugins'
blueprints (``qingdan_register_blueprints``, e.g. the acceptance plugin's inspection pages). Everything
the pages do is done by the engine (``engine``'s public API); this package only shapes requests and answers.

The names in ``__all__`` are the web app's face for plugins' pages: the role decorator every view carries,
the current account, the scope check, the engine objects of the app and the evidence upload.
"""

from __future__ import annotations

import importlib
import logging

from flask import Flask

from web import config as web_config

_EXPORTS = {
    "roles": ("web.access", "roles"),
    "account": ("web.access", "account"),
    "require_task_view": ("web.access", "require_task_view"),
    "current_services": ("web.services", "get"),
    "store_evidence": ("web.operations", "store_evidence"),
    "evidence_intake": ("web.operations", "evidence_intake"),
}

__all__ = ["account", "create_app", "current_services", "evidence_intake", "require_task_view", "roles", "store_evidence"]


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = web_config.instance_path(test_config)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    web_config.configure(app, test_config)
    app.json.ensure_ascii = False  # Chinese as it is in API answers

    from web import errors, extensions, i18n, plugin_pages, security, services, templating

    services.init_app(app)
    extensions.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    errors.init_app(app)

    from web import evidence_files, form_retry

    form_retry.init_app(app)
    evidence_files.init_app(app)
    app.register_blueprint(evidence_files.bp)

    from web import admin, api, auth, board, documents, mywork, supervision, transfer, yearend

    for module in (auth, board, documents, mywork, supervision, transfer, yearend, admin, api):
        app.register_blueprint(module.bp)
    extensions.csrf.exempt(api.bp)  # the API authenticates with Bearer tokens, never with the session cookie
    plugin_pages.register(app, app.extensions["qingdan"].plugins)

    app.add_url_rule("/", endpoint="index", view_func=auth.home)
    if not app.debug:
        logging.getLogger("web").setLevel(logging.INFO)
    return app


def __getattr__(name: str):
    try:
        module_name, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'web' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module_name), attribute)
