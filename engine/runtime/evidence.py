"""Evidence files (photos, scanned minutes) stored by content: ``DIR/ab/abcdef…`` named by their SHA-256.

``DIR`` is ``QINGDAN_EVIDENCE_DIR``, else ``$QINGDAN_HOME/evidence``. The database keeps only
``{name, sha256, size}``; the same file stored twice is kept once, and a stored file is never
changed, so its hash in the (hash-chained) audit trail proves what was shown. A file stored for an
action that was then refused stays behind unreferenced; that is harmless. This module does not
touch the database.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine.errors import InputError, NotFound
from engine.i18n import say

CHUNK = 1 << 20
MAX_NAME = 200


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
    name = os.path.basename(str(name)).strip()[:MAX_NAME] or "evidence"
    root = directory or evidence_dir()
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
        sha = digest.hexdigest()
        target = root / sha[:2] / sha
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            os.unlink(temporary)
        else:
            os.chmod(temporary, 0o444)
            os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return Evidence(name, sha, size)
