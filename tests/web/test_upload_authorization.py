"""Evidence uploads are authorized before a byte is stored, stay within the list's quota, and leave nothing behind
when the action is refused or fails (engine.runtime.evidence ``Intake``; web.operations.fire; the inspection page)."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from engine.queries.listings import items_of
from engine.runtime.evidence import Intake, intake, path_of
from engine.runtime.fire import fire
from tests.web.conftest import CHECKLIST, PASSWORD

ITEM = "林农镇玉城村"
FIVE_MIB = 5 * 1024 * 1024


def text(response) -> str:
    return response.get_data(as_text=True)


def send(client, url: str, form: dict):
    """POST ``form`` as multipart, encoded in memory (the test client's own encoding spools big bodies to a temporary
    file it never closes); ``(BytesIO, name)`` pairs, alone or in a list, are files."""
    values = MultiDict()
    for key, value in form.items():
        for one in value if isinstance(value, list) else [value]:
            values.add(key, FileStorage(one[0], one[1]) if isinstance(one, tuple) else one)
    boundary, data = encode_multipart(values)
    return client.post(url, data=data, content_type=f"multipart/form-data; boundary={boundary}")


def tree(folder: Path) -> set[str]:
    """Every file and folder under ``folder`` (hidden ones too: temporary files, holds)."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


@pytest.fixture
def evidence(app, tmp_path):
    """The evidence folder of the app, with one file already in it (so "unchanged" is not "empty")."""
    folder = tmp_path / "evidence"
    app.config["EVIDENCE_DIR"] = str(folder)
    (folder / "00").mkdir(parents=True)
    (folder / "00" / ("00" * 32)).write_bytes(b"earlier")
    return folder


def body(size: int, seed: str) -> bytes:
    """``size`` bytes that no other test uses (so a stored file is certainly new)."""
    block = hashlib.sha256(seed.encode()).digest() * 2048
    return (block * (size // len(block) + 1))[:size]


def to_tendering(store, clock, plugins):
    fire(store, task="T1", item=ITEM, trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    fire(store, task="T1", item=ITEM, trigger="open_tender", actor="zhang", clock=clock, plugins=plugins)


def award_form(files, **extra):
    return {"checklist": CHECKLIST, "task": "T1", "item": ITEM, "trigger": "award", "evidence": files, **extra}


AWARD_DATA = {
    "data_announced": "2017-05-02",
    "data_bid_deadline": "2017-05-25",
    "data_winner": "某公司",
    "data_amount": "30",
    "data_award_notice": "2017-06-01",
    "data_contract_signed": "2017-06-10",
}


def test_a_refused_fire_stores_nothing(client, auth, store, clock, plugins, evidence):
    from engine.accounts import create_account

    to_tendering(store, clock, plugins)
    create_account(store, "ghost", "staff", clock=clock, password=PASSWORD, display_name="ghost", people=[])
    before = tree(evidence)
    for account_id in ("ghost", "staff2"):  # linked to no person; linked, but not T1's responsible person
        auth.login(account_id)
        for attempt in range(3):
            files = [(io.BytesIO(body(FIVE_MIB, f"{account_id}{attempt}")), "现场照片.jpg")]
            response = send(client, "/my/fire", award_form(files, **AWARD_DATA))
            assert response.status_code == 403, text(response)
        auth.logout()
        assert tree(evidence) == before
    views = {v.name: v for v in items_of(store, CHECKLIST, ["T1"])["T1"]}
    assert views[ITEM].state == "tendering"


def test_a_failing_fire_leaves_nothing(client, auth, store, clock, plugins, evidence):
    to_tendering(store, clock, plugins)
    before = tree(evidence)
    auth.login("staff")
    # award leaves the tendering step without its required data: the engine refuses it after the files were stored,
    # and the form comes back carrying them (web/form_retry.py): they stay, signed into the page, for the retry
    files = [(io.BytesIO(body(FIVE_MIB, "guard")), "中标通知书.pdf"), (io.BytesIO(b"second file"), "合同.pdf")]
    response = send(client, "/my/fire", award_form(files))
    assert response.status_code == 422, text(response)
    assert text(response).count('name="kept"') == 2 and "已上传" in text(response)
    assert len([n for n in tree(evidence) - before if (evidence / n).is_file()]) == 2 and not [
        n for n in tree(evidence) if n.startswith(".")
    ]
    before = tree(evidence)
    # a stale form (the item moved on meanwhile) is refused too, and leaves nothing
    stale = [(io.BytesIO(body(1024, "stale")), "照片.jpg")]
    response = send(client, "/my/fire", award_form(stale, expect_state="building", **AWARD_DATA))
    assert response.status_code == 409, text(response)
    assert tree(evidence) == before
    # the same firing with its data is recorded, and its file is kept
    kept = body(2048, "kept")
    response = send(client, "/my/fire", award_form([(io.BytesIO(kept), "中标通知书.pdf")], **AWARD_DATA))
    assert response.status_code == 302, text(response)
    stored = path_of(hashlib.sha256(kept).hexdigest(), evidence)
    assert stored.read_bytes() == kept and not [n for n in tree(evidence) if n.startswith(".")]
    # a failing firing with a file a record already names keeps that file
    files = [(io.BytesIO(kept), "again.pdf")]
    response = send(client, "/my/fire", award_form(files, **AWARD_DATA))
    assert response.status_code == 409
    assert stored.read_bytes() == kept


def test_uploads_on_a_firing_no_step_asks_evidence_for(client, auth, store, clock, plugins, evidence):
    # issue 10: evidence may go with any firing (审定方案 enters no step), stored once the account may fire it
    auth.login("staff")  # not the leader: refused before any file is stored
    form = {"checklist": CHECKLIST, "task": "T1", "item": ITEM, "trigger": "approve_plan", "evidence": [(io.BytesIO(b"x" * 100), "a.jpg")]}
    before = tree(evidence)
    assert send(client, "/my/fire", form).status_code == 403
    assert tree(evidence) == before
    auth.login("leader")
    form["evidence"] = [(io.BytesIO(b"x" * 100), "a.jpg")]
    response = send(client, "/my/fire", form)
    assert response.status_code == 302, text(response)
    assert path_of(hashlib.sha256(b"x" * 100).hexdigest(), evidence).read_bytes() == b"x" * 100


def test_the_quota_refuses_and_stores_nothing(app, client, auth, store, clock, plugins, evidence):
    app.config["EVIDENCE_QUOTA_MB"] = 6
    to_tendering(store, clock, plugins)
    before = tree(evidence)
    auth.login("staff")
    files = [(io.BytesIO(body(FIVE_MIB, "q1")), "一.jpg"), (io.BytesIO(body(FIVE_MIB, "q2")), "二.jpg")]  # 10 MiB > 6 MiB
    response = send(client, "/my/fire", award_form(files, **AWARD_DATA))
    assert response.status_code == 413
    page = text(response)
    assert "超过 6 MB 的限额" in page and "本次操作未保存任何文件" in page and "二.jpg" in page
    assert tree(evidence) == before
    # within the quota it is stored; what is recorded counts against the next upload
    response = send(client, "/my/fire", award_form([(io.BytesIO(body(FIVE_MIB, "q1")), "一.jpg")], **AWARD_DATA))
    assert response.status_code == 302, text(response)
    fire(store, task="T1", item=ITEM, trigger="finish", actor="zhang", clock=clock, plugins=plugins)
    form = {
        "checklist": CHECKLIST,
        "task": "T1",
        "item": ITEM,
        "trigger": "request_inspection",
        "evidence": [(io.BytesIO(body(FIVE_MIB, "q3")), "三.jpg")],
    }
    response = send(client, "/my/fire", form)
    assert response.status_code == 413 and "已占用 5 MB" in text(response)
    # the file already counted does not count twice
    form["evidence"] = [(io.BytesIO(body(FIVE_MIB, "q1")), "一(副本).jpg")]
    assert send(client, "/my/fire", form).status_code == 302


def test_the_inspection_page_authorizes_first_and_cleans_up(client, auth, store, clock, plugins, evidence):
    from engine.accounts import create_account

    to_tendering(store, clock, plugins)
    fire(
        store,
        task="T1",
        item=ITEM,
        trigger="award",
        actor="zhang",
        clock=clock,
        plugins=plugins,
        data={k[5:]: v for k, v in AWARD_DATA.items()},
    )
    fire(store, task="T1", item=ITEM, trigger="finish", actor="zhang", clock=clock, plugins=plugins)
    fire(store, task="T1", item=ITEM, trigger="request_inspection", actor="zhang", clock=clock, plugins=plugins)
    create_account(store, "ghost-inspector", "inspector", clock=clock, password=PASSWORD, display_name="g", people=[])
    url = f"/inspect/{CHECKLIST}/T1"
    before = tree(evidence)
    auth.login("ghost-inspector")
    form = {"item": ITEM, "expect_state": "inspecting", "c0": "260", "evidence": [(io.BytesIO(body(FIVE_MIB, "insp")), "验收.jpg")]}
    assert send(client, url, form).status_code in (403, 404)
    auth.logout()
    assert tree(evidence) == before
    auth.login("inspector")
    # an activity date before the list's year: recording the round fails after the files were taken
    form = {**form, "evidence": [(io.BytesIO(body(FIVE_MIB, "insp2")), "验收.jpg")], "on": "2016-01-01"}
    response = send(client, url, form)
    assert response.status_code == 400, text(response)
    assert tree(evidence) == before


def test_a_held_file_survives_a_failed_twin(store, tmp_path):
    """Two actions store the same file at once; the one that fails does not remove what the other still needs."""
    folder = tmp_path / "ev"
    content = b"the same photo"
    sha = hashlib.sha256(content).hexdigest()
    other = Intake(folder, checklist=CHECKLIST)
    with pytest.raises(RuntimeError):
        with intake(store, CHECKLIST, folder) as first:
            first.add("a.jpg", io.BytesIO(content))
            other.add("b.jpg", io.BytesIO(content))  # placed by the first, held by the other (still in flight)
            raise RuntimeError("the first action fails")
    assert path_of(sha, folder).read_bytes() == content
    other.release()
    assert sorted(os.listdir(folder)) == [sha[:2]]
    # when nobody holds it and nothing names it, a failure removes it, and its emptied folder
    with pytest.raises(RuntimeError):
        with intake(store, CHECKLIST, folder) as alone:
            alone.add("c.jpg", io.BytesIO(b"another photo"))
            raise RuntimeError("fails")
    assert sorted(os.listdir(folder)) == [sha[:2]]
