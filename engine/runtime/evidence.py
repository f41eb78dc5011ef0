"""Evidence files (photos, scanned minutes) stored by content: ``DIR/ab/abcdef…`` named by their SHA-256.

``DIR`` is ``QINGDAN_EVIDENCE_DIR``, else ``$QINGDAN_HOME/evidence``. The database keeps only
``{name, sha256, size}``; the same file stored twice is kept once, and a stored file is never
changed, so its hash in the (hash-chained) audit trail proves what was shown.

Files taken for an action go through an ``Intake`` (``intake(store, checklist)``): the caller authorizes the action
first, the intake refuses files beyond the list's quota (``QINGDAN_EVIDENCE_QUOTA_MB``) before they are placed, and
when the action fails it removes the files it placed unless another action in flight holds them (a ``.hold-`` marker
beside them) or a recorded event references their hash. This module reads the database only for that (the list's
usage, whether a hash is referenced); it never writes to it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from engine.errors import InputError, NotFound, QingdanError
from engine.i18n import say

CHUNK = 1 << 20
MAX_NAME = 200
#: the default evidence quota of one list, in MiB (``QINGDAN_EVIDENCE_QUOTA_MB``)
DEFAULT_QUOTA_MB = 2048
MIB = 1 << 20


class QuotaExceeded(QingdanError):
    """The files would take a list's evidence beyond its quota; nothing was stored."""

    http_status = 413


@dataclass(frozen=True)
class Evidence:
    name: str
    sha256: str
    size: int

    def as_json(self) -> dict:
        return {"name": self.name, "sha256": self.sha256, "size": self.size}


def evidence_dir(environ=None) -> Path:
    from engine.store.db import data_home

    environ = os.environ if environ is None else environ
    return Path(environ.get("QINGDAN_EVIDENCE_DIR") or os.path.join(data_home(environ), "evidence"))


def quota_mb(environ=None) -> int:
    """``QINGDAN_EVIDENCE_QUOTA_MB`` (a whole number of MiB, 0 for no limit), else the default."""
    environ = os.environ if environ is None else environ
    text = (environ.get("QINGDAN_EVIDENCE_QUOTA_MB") or "").strip()
    if not text:
        return DEFAULT_QUOTA_MB
    if not text.isascii() or not text.isdigit():
        raise InputError(
            say(
                "QINGDAN_EVIDENCE_QUOTA_MB 应为整数(兆字节,0 表示不限),不是 “{v}”。",
                "QINGDAN_EVIDENCE_QUOTA_MB takes a whole number of MiB (0 for no limit), not '{v}'.",
                v=text,
            )
        )
    return int(text)


def path_of(sha256: str, directory: Path | None = None) -> Path:
    """Where the file with this hash lives (``NotFound`` when it is not stored)."""
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise NotFound(say("没有这个证明材料。", "no such evidence file."))
    found = (directory or evidence_dir()) / sha256[:2] / sha256
    if not found.is_file():
        raise NotFound(say("证明材料 {h} 不在存储目录中。", "the evidence file {h} is not in the store.", h=sha256[:12]))
    return found


def store_file(path: str | os.PathLike, directory: Path | None = None) -> Evidence:
    source = Path(path)
    if not source.is_file():
        raise InputError(say("找不到证明材料文件 {p}。", "cannot find the evidence file {p}.", p=source))
    try:
        with source.open("rb") as handle:
            return store_stream(source.name, handle, directory)
    except PermissionError:
        raise InputError(say("无法读取证明材料文件 {p}。", "cannot read the evidence file {p}.", p=source)) from None


def store_stream(name: str, stream, directory: Path | None = None) -> Evidence:
    """Store what ``stream`` (a binary file object) holds under its hash; ``name`` is what people called it."""
    root = directory or evidence_dir()
    evidence, temporary = _receive(name, stream, root)
    _place(temporary, root, evidence.sha256)
    return evidence


def _receive(name: str, stream, root: Path) -> tuple[Evidence, str]:
    """Copy the stream into a temporary file in ``root``: the evidence and the temporary file's path."""
    name = os.path.basename(str(name)).strip()[:MAX_NAME] or "evidence"
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, temporary = tempfile.mkstemp(prefix=".incoming-", dir=root)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except BaseException:
        _unlink(temporary)
        raise
    return Evidence(name, digest.hexdigest(), size), temporary


def _place(temporary: str, root: Path, sha: str) -> bool:
    """Move the temporary file to its place (read only); True when this call put it there, False when it was there."""
    target = root / sha[:2] / sha
    try:
        for _ in range(5):  # a failed intake may remove the emptied folder between mkdir and replace
            target.parent.mkdir(exist_ok=True)
            if target.exists():
                return False
            os.chmod(temporary, 0o444)
            try:
                os.replace(temporary, target)
            except FileNotFoundError:
                if not os.path.exists(temporary):
                    raise
                continue
            return True
        raise OSError(f"cannot place evidence file {sha}")
    finally:
        _unlink(temporary)


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _hashes_in(value, found: dict[str, int]) -> None:
    """Every ``{sha256, size}`` in a JSON value (event data), into ``found``."""
    if isinstance(value, dict):
        sha = value.get("sha256")
        if isinstance(sha, str) and isinstance(value.get("size"), int):
            found[sha] = value["size"]
        for inner in value.values():
            _hashes_in(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _hashes_in(inner, found)


def list_usage(conn, checklist_id: str) -> dict[str, int]:
    """The evidence a list's events reference: ``{sha256: size}`` (each file counted once)."""
    from sqlalchemy import select

    from engine.store.tables import events

    found: dict[str, int] = {}
    rows = conn.execute(select(events.c.data).where(events.c.checklist_id == checklist_id, events.c.data.like('%"sha256"%')))
    for (data,) in rows:
        _hashes_in(json.loads(data), found)
    return found


def referenced(conn, sha256: str) -> bool:
    """Whether any recorded event (of any list) or inspection round names this hash."""
    from sqlalchemy import select

    from engine.store.tables import events, inspections

    pattern = f"%{sha256}%"
    for column in (events.c.data, inspections.c.evidence):
        if conn.execute(select(1).select_from(column.table).where(column.like(pattern)).limit(1)).first():
            return True
    return False


class Intake:
    """The evidence files of one action, taken only after the action was authorized.

    ``add`` stores a file (refusing it, unstored, when the list's quota would be exceeded) and holds it with a
    ``.hold-SHA-TOKEN`` marker until the action ends; ``release`` drops the holds after the action was recorded;
    ``discard`` removes the files this intake placed, unless another intake holds them or ``is_referenced(sha)``
    says a record names them. A hold left by a killed process only keeps a file: it never loses one.
    """

    def __init__(self, directory: Path | None = None, *, checklist: str = "", quota: int = 0, used: dict[str, int] | None = None):
        self.root = directory or evidence_dir()
        self.checklist = checklist
        self.quota = quota  # bytes; 0 = no limit
        self.used = dict(used or {})
        self.token = uuid.uuid4().hex
        self.placed: list[str] = []
        self.holds: list[Path] = []

    def add(self, name: str, stream) -> Evidence:
        evidence, temporary = _receive(name, stream, self.root)
        try:
            if self.quota and evidence.sha256 not in self.used:
                total = sum(self.used.values())
                if total + evidence.size > self.quota:
                    raise QuotaExceeded(
                        say(
                            "清单 {c} 的证明材料已占用 {u} MB,再存 “{n}”({s} MB)将超过 {q} MB 的限额,本次操作未保存任何文件。"
                            "请压缩或删减文件后重试,或请管理员调高 QINGDAN_EVIDENCE_QUOTA_MB。",
                            "the evidence of list {c} takes {u} MB; storing '{n}' ({s} MB) would exceed its {q} MB quota, so "
                            "nothing was stored. Compress or leave out files and try again, or ask an administrator to raise "
                            "QINGDAN_EVIDENCE_QUOTA_MB.",
                            c=self.checklist,
                            u=_mb(total),
                            n=evidence.name,
                            s=_mb(evidence.size),
                            q=_mb(self.quota),
                        )
                    )
            hold = self.root / f".hold-{evidence.sha256}-{self.token}"
            hold.touch()
            self.holds.append(hold)
            if _place(temporary, self.root, evidence.sha256):
                self.placed.append(evidence.sha256)
        finally:
            _unlink(temporary)
        self.used[evidence.sha256] = evidence.size
        return evidence

    def release(self) -> None:
        for hold in self.holds:
            _unlink(hold)
        self.holds.clear()
        self.placed.clear()

    def discard(self, is_referenced) -> None:
        """Remove what this intake placed (the action failed), except files another action holds or a record names."""
        try:
            for sha in self.placed:
                target = self.root / sha[:2] / sha
                doomed = self.root / f".doomed-{sha}-{self.token}"
                try:
                    os.replace(target, doomed)  # from here on nobody finds it: a new intake places its own copy
                except FileNotFoundError:
                    continue
                own = f".hold-{sha}-{self.token}"
                held = any(h.name != own for h in self.root.glob(f".hold-{sha}-*"))
                if held or is_referenced(sha):
                    os.replace(doomed, target)
                    continue
                os.chmod(doomed, 0o644)
                _unlink(doomed)
                try:
                    target.parent.rmdir()
                except OSError:
                    pass  # other files live there
        finally:
            self.release()


def _mb(size: int) -> str:
    value = size / MIB
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


@contextmanager
def intake(store, checklist_id: str, directory: Path | None = None, quota: int | None = None):
    """An ``Intake`` for one action on a list: yields it, releases its holds when the block succeeds, removes its
    files when the block raises. ``quota`` is in MiB (default ``quota_mb()``; 0 for no limit)."""
    limit = (quota_mb() if quota is None else quota) * MIB
    used: dict[str, int] = {}
    if limit:
        with store.read() as conn:
            used = list_usage(conn, checklist_id)
    taking = Intake(directory, checklist=checklist_id, quota=limit, used=used)
    try:
        yield taking
    except BaseException:

        def is_referenced(sha: str) -> bool:
            with store.read() as conn:
                return referenced(conn, sha)

        taking.discard(is_referenced)
        raise
    taking.release()
