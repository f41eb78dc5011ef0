"""The audit key (a secret in the instance folder, never in the database) and the signed checkpoints file.

The key file (``$QINGDAN_HOME/audit.key`` or ``QINGDAN_AUDIT_KEY_FILE``) holds one key per line,
``id secret-hex created``; the last line is the current key, older lines verify older events. It is created
with mode 0600 the first time a key is needed. The checkpoints file (``$QINGDAN_HOME/audit-checkpoints.jsonl``
or ``QINGDAN_AUDIT_CHECKPOINTS``) is append-only JSON lines, each signed with the current key, meant to be
shipped off the database host. This module reads and writes those two files; it must not touch the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from engine.errors import StoreError
from engine.i18n import say
from engine.store.db import data_home

#: the environment variables the key file's place depends on (``data_home`` reads the last three)
_PLACE_VARIABLES = ("QINGDAN_AUDIT_KEY_FILE", "QINGDAN_HOME", "XDG_DATA_HOME", "HOME")
_places: dict[tuple, Path] = {}


def key_path(environ=None) -> Path:
    """The key file (every event written asks it: the place is worked out once per setting of its variables)."""
    environ = os.environ if environ is None else environ
    setting = tuple(environ.get(name) for name in _PLACE_VARIABLES)
    found = _places.get(setting)
    if found is None:
        found = Path(environ.get("QINGDAN_AUDIT_KEY_FILE") or os.path.join(data_home(environ), "audit.key"))
        if len(_places) < 64:
            _places[setting] = found
    return found


def checkpoints_path(environ=None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("QINGDAN_AUDIT_CHECKPOINTS") or os.path.join(data_home(environ), "audit-checkpoints.jsonl"))


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]  # id -> secret, oldest first
    current: str

    def mac(self, key_id: str, message: bytes) -> str:
        return hmac.new(self.keys[key_id], message, hashlib.sha256).hexdigest()


def key_id_of(secret: bytes) -> str:
    return hashlib.sha256(b"qingdan audit key id\0" + secret).hexdigest()[:12]


_cache: dict[str, tuple[float, Keyring]] = {}


def keyring(path: Path | None = None, *, create: bool = True) -> Keyring | None:
    """The keys of ``path`` (the configured key file by default), created on first use when ``create``."""
    path = path or key_path()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        if not create:
            return None
        _write_new(path, exclusive=True)
        stamp = path.stat().st_mtime_ns
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    ring = _read(path)
    _cache[str(path)] = (stamp, ring)
    return ring


def rotate(path: Path | None = None) -> str:
    """Add a new current key to the key file (older keys stay for verifying); returns its id."""
    path = path or key_path()
    if not path.exists():
        keyring(path)
    return _write_new(path, exclusive=False)


def _write_new(path: Path, *, exclusive: bool) -> str:
    secret = secrets.token_bytes(32)
    key_id = key_id_of(secret)
    line = f"{key_id} {secret.hex()} {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_EXCL if exclusive else 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _read(path).current
    except OSError as error:
        raise StoreError(
            say(
                "无法建立审计密钥文件 {p}:{e}。请确认实例目录可写,或用 QINGDAN_AUDIT_KEY_FILE 指定位置。",
                "cannot create the audit key file {p}: {e}. Make the instance folder writable or set QINGDAN_AUDIT_KEY_FILE.",
                p=path,
                e=error.strerror,
            )
        ) from error
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(line)
        out.flush()
        os.fsync(out.fileno())
    return key_id


def _read(path: Path) -> Keyring:
    keys: dict[str, bytes] = {}
    for number, line in enumerate(path.read_text(encoding="ascii").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        try:
            secret = bytes.fromhex(parts[1])
        except (IndexError, ValueError):
            secret = b""
        if len(secret) < 16 or key_id_of(secret) != parts[0]:
            raise StoreError(
                say(
                    "审计密钥文件 {p} 第 {n} 行坏了(应为“编号 密钥 建立时间”);请从备份恢复该文件。",
                    "line {n} of the audit key file {p} is damaged (expected 'id secret created'); restore the file from a backup.",
                    p=path,
                    n=number,
                )
            )
        keys[parts[0]] = secret
    if not keys:
        raise StoreError(
            say("审计密钥文件 {p} 是空的;请从备份恢复。", "the audit key file {p} is empty; restore it from a backup.", p=path)
        )
    return Keyring(keys, list(keys)[-1])


# ---------------------------------------------------------------- checkpoints


def database_label(url) -> str:
    """The database a checkpoint describes: its URL without the password."""
    try:
        return url.render_as_string(hide_password=True)
    except AttributeError:
        return str(url)


def _signed_body(record: dict) -> bytes:
    body = {k: v for k, v in record.items() if k != "mac"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def write_checkpoint(ring: Keyring, database: str, heads: dict[str, dict], *, path: Path | None = None, reason: str = "checkpoint") -> dict:
    """Append a signed checkpoint of ``heads`` ({chain: {"seq", "hash", "mac_from"}}) and return it."""
    path = path or checkpoints_path()
    record = {
        "type": reason,
        "database": database,
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "key": ring.current,
        "chains": heads,
    }
    record["mac"] = ring.mac(ring.current, _signed_body(record))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return record


@dataclass(frozen=True)
class Checkpoint:
    record: dict | None  # the newest checkpoint of the database whose signature verifies
    problems: tuple[str, ...]  # lines of this database that do not verify


def latest_checkpoint(ring: Keyring | None, database: str, path: Path | None = None) -> Checkpoint:
    """The newest validly signed checkpoint of ``database`` in the checkpoints file, and the lines that fail."""
    path = path or checkpoints_path()
    if not path.exists():
        return Checkpoint(None, ())
    newest, problems = None, []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            problems.append(say("检查点文件第 {n} 行不是完整的记录。", "line {n} of the checkpoints file is not a whole record.", n=number))
            continue
        if not isinstance(record, dict) or record.get("database") != database:
            continue
        key = record.get("key")
        if ring is None or key not in ring.keys:
            problems.append(
                say(
                    "检查点文件第 {n} 行用的密钥 {k} 不在密钥文件中,无法核对。",
                    "line {n} of the checkpoints file uses key {k}, which is not in the key file: it cannot be checked.",
                    n=number,
                    k=key,
                )
            )
            continue
        if not hmac.compare_digest(ring.mac(key, _signed_body(record)), str(record.get("mac"))):
            problems.append(
                say(
                    "检查点文件第 {n} 行的签名不对:检查点被改动过。",
                    "the signature of line {n} of the checkpoints file does not match: the checkpoint was edited.",
                    n=number,
                )
            )
            continue
        newest = record
    return Checkpoint(newest, tuple(problems))
