"""Evidence files stored by content: where, how, and what comes back."""

from __future__ import annotations

import hashlib
import io

import pytest

from engine.errors import InputError, NotFound
from engine.runtime.evidence import evidence_dir, path_of, store_file, store_stream


def test_the_directory_follows_the_environment(tmp_path):
    assert evidence_dir({"QINGDAN_EVIDENCE_DIR": str(tmp_path / "ev")}) == tmp_path / "ev"
    assert evidence_dir({"QINGDAN_HOME": str(tmp_path)}) == tmp_path / "evidence"


def test_stored_by_hash_once_and_read_only(tmp_path):
    body = b"\x89PNG minutes of the inspection" * 100_000  # several chunks
    first = store_stream("../../验收纪要.png", io.BytesIO(body), tmp_path)
    again = store_stream("copy.png", io.BytesIO(body), tmp_path)
    assert first.sha256 == again.sha256 == hashlib.sha256(body).hexdigest()
    assert (first.name, first.size) == ("验收纪要.png", len(body))  # no directories in a name
    stored = path_of(first.sha256, tmp_path)
    assert stored.read_bytes() == body and not stored.stat().st_mode & 0o222
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [stored]  # no temporary files left


def test_missing_files_and_unknown_hashes(tmp_path):
    with pytest.raises(InputError, match="找不到证明材料文件"):
        store_file(tmp_path / "nope.jpg", tmp_path)
    with pytest.raises(NotFound):
        path_of("0" * 64, tmp_path)
    with pytest.raises(NotFound):
        path_of("../../etc/passwd", tmp_path)
