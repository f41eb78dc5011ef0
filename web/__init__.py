"""The web board and JSON API of qingdan: a Flask app in the shape of the Flask tutorial's ``flaskr``.

``create_app(test_config=None)`` layers configuration (``web.config`` defaults → ``config.py`` in the
instance folder → ``QINGDAN_*`` environment variables → ``test_config``), opens the store, binds the
extensions (Flask-Login, CSRF) with ``init_app`` and registers one blueprint per area. Everything
the pages do is done by the engine; this package only shapes requests and answers.
"""
from __future__ import annotations

import logging

from flask import Flask

from web import config as web_config


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = web_config.instance_path(test_config)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    web_config.configure(app, test_config)
    app.json.ensure_ascii = False  # Chinese as it is in API answers

    from web import errors, extensions, i18n, security, services, templating

    services.init_app(app)
    extensions.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    errors.init_app(app)

    from web import admin, api, auth, board, inspection, mywork

    for module in (auth, board, mywork, inspection, admin, api):
        app.register_blueprint(module.bp)
    extensions.csrf.exempt(api.bp)  # the API authenticates with Bearer tokens, never with the session cookie

    app.add_url_rule("/", endpoint="index", view_func=auth.home)
    if not app.debug:
        logging.getLogger("web").setLevel(logging.INFO)
    return app
