"""Layered configuration: defaults here, then the instance folder's ``config.py``, then ``QINGDAN_*`` environment
variables, then ``test_config``. The secret key is never in the code: it comes from configuration or is generated
once into the instance folder (``secret_key``, readable by its owner only).

The instance folder is ``QINGDAN_INSTANCE`` if set, else ``web-instance`` beside the embedded database
(``$QINGDAN_HOME``, see the README), so the data and the key that signs its sessions live together.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

DEFAULTS = {
    "DATABASE_URL": None,  # None: engine.store.default_database_url()
    "NOW": None,  # ISO-8601: fix the engine clock (tests, drills); see NOW_RUNS
    "NOW_RUNS": False,  # with NOW: start the clock there and let it run (a drill) instead of freezing it
    "CLOCK": None,  # an engine.dates.clock.Clock object (tests)
    "LANGUAGE": "zh",  # default language of pages; people switch with /lang/en
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # set True behind HTTPS (docs/deploy.md)
    "SESSION_COOKIE_NAME": "qingdan_session",
    "SESSION_IDLE_MINUTES": 120,  # a session unused this long ends (checked on the server)
    "SESSION_MAX_HOURS": 12,  # a session ends this long after its login, used or not; also the cookie's lifetime
    "SESSION_CLOCK": None,  # a callable giving wall-clock seconds (tests); None: time.time
    "REMEMBER_COOKIE_DURATION": dt.timedelta(days=7),
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # uploads: checklists and evidence
    "LOGIN_IP_LIMIT": 20,  # failed logins per client address in LOGIN_IP_WINDOW seconds, then 429
    "LOGIN_IP_WINDOW": 300,
    "PROXY_FIX": 0,  # number of trusted reverse proxies in front (X-Forwarded-For/-Proto), docs/deploy.md
    "EVIDENCE_DIR": None,  # default: the engine's evidence store (QINGDAN_EVIDENCE_DIR or $QINGDAN_HOME/evidence)
    "EVIDENCE_QUOTA_MB": 2048,  # evidence one list may take on disk, in MiB (0: no limit); docs/security.md "Uploads"
    "BOARD_TIMELINE_ROWS": 60,  # tasks drawn on the timeline before asking to filter
    "BOARD_ROWS": 200,  # task rows listed on a board before the most urgent are kept (?all=1 lists every one)
}

#: environment variables read (QINGDAN_ + key); values are strings, booleans accept 1/0/true/false
ENVIRONMENT = {
    "DATABASE_URL": str,
    "NOW": str,
    "NOW_RUNS": bool,
    "LANGUAGE": str,
    "SECRET_KEY": str,
    "SESSION_COOKIE_SECURE": bool,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_MAX_HOURS": int,
    "PROXY_FIX": int,
    "EVIDENCE_DIR": str,
    "EVIDENCE_QUOTA_MB": int,
    "LOGIN_IP_LIMIT": int,
}


def instance_path(test_config: dict | None) -> str:
    if test_config and test_config.get("INSTANCE_PATH"):
        return str(test_config["INSTANCE_PATH"])
    if os.environ.get("QINGDAN_INSTANCE"):
        return os.path.abspath(os.environ["QINGDAN_INSTANCE"])
    home = os.environ.get("QINGDAN_HOME") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share"), "qingdan"
    )
    return os.path.join(home, "web-instance")


def _convert(kind, text: str):
    if kind is bool:
        return text.strip().lower() in ("1", "true", "yes", "on")
    return kind(text)


def configure(app, test_config: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    for key, kind in ENVIRONMENT.items():
        value = os.environ.get(f"QINGDAN_{key}")
        if value not in (None, ""):
            app.config[key] = _convert(kind, value)
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _instance_secret(folder: Path) -> str:
    """Read the instance folder's secret key, creating it (mode 0600) on first use. Written to a temporary file and
    hard-linked into place, so workers starting together all read the same complete key."""
    path = folder / "secret_key"
    if not path.exists():
        temporary = folder / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()
