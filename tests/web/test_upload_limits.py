"""The checklist upload refuses a file over engine.definition.limits.MAX_FILE_BYTES before reading it all, and a file
with a control character is answered with the character's own line and column."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from engine.definition import limits
from tests.conftest import YANTING


def _upload(client, raw: bytes, name: str = "list.yaml"):
    # encoded here in memory: the test client spools a large body to a temporary file it never closes
    boundary, body = encode_multipart({"action": "validate", "file": FileStorage(io.BytesIO(raw), name)})
    return client.post("/admin/checklists", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_an_upload_over_the_limit_is_refused_with_413(client, auth):
    auth.login("admin")
    raw = YANTING.read_bytes() + b"#" * limits.MAX_FILE_BYTES + b"\n"
    response = _upload(client, raw)
    assert response.status_code == 413
    assert "文件太大(超过 4 MiB)" in response.get_data(as_text=True)


def test_an_upload_at_the_limit_is_checked(client, auth):
    auth.login("admin")
    base = YANTING.read_bytes()
    raw = base + b"#" * (limits.MAX_FILE_BYTES - len(base) - 1) + b"\n"
    assert len(raw) == limits.MAX_FILE_BYTES
    response = _upload(client, raw)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]


def test_a_control_character_in_an_upload_is_shown_where_it_stands(client, auth):
    auth.login("admin")
    raw = YANTING.read_text(encoding="utf-8").replace("checklist:\n", "checklist:\n\x07", 1).encode()
    response = _upload(client, raw)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "第 4 行第 1 列有一个看不见的控制字符(U+0007),请删除。" in page
