"""The floor of ``bench.web``'s status API figures: a Flask app whose one view returns, from memory, the bytes the
real ``/api/checklists/<id>/status`` returned earlier in the same run.

``bench.web`` serves it with the same gunicorn command as the real app (``gunicorn -w 2 --threads 4
'bench.floor_app:create_app()'``) and loads both with the same clients, so the floor is what the server, Flask's
request handling, the loopback network and the clients cost for a body of that size, with no database, no token
check and no status computed. Not part of qingdan: nothing imports it but gunicorn, started by ``bench.web``.

Configured through the environment gunicorn passes on:

``QINGDAN_BENCH_FLOOR_BODY``  a file holding the response body (read once, at start-up)
``QINGDAN_BENCH_FLOOR_PATH``  the URL path to answer (other paths get Flask's 404)
``QINGDAN_BENCH_FLOOR_TYPE``  the ``Content-Type`` of the real answer (default ``application/json``)
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response


def create_app() -> Flask:
    body = Path(os.environ["QINGDAN_BENCH_FLOOR_BODY"]).read_bytes()
    path = os.environ["QINGDAN_BENCH_FLOOR_PATH"]
    content_type = os.environ.get("QINGDAN_BENCH_FLOOR_TYPE") or "application/json"
    app = Flask(__name__)

    def status():
        return Response(body, content_type=content_type)

    app.add_url_rule(path, endpoint="status", view_func=status)
    return app
