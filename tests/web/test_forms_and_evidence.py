"""Forms that keep what was typed and evidence people can see (issue 12, items 4 and 6), on both databases:

- buttons named by the workflow's ``label:`` (a sensible default without one); required fields marked ``required``;
- an incomplete step form comes back on the same page (422) with the values typed, the message beside the field in
  the page's words (never the CLI's), and the uploaded photo kept (signed into the page) so the retry needs no file;
- the evidence download is scope-checked: only through a task a record of which names the file, only for accounts
  that may see the task; photos inline, anything else as a download;
- the task page shows the tender data under the fields' labels and the photo as a thumbnail; the inspection page
  links its rounds' files.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from engine.definition.definitions import StateDef, TransitionDef, WorkflowDef
from engine.runtime.fire import fire
from tests.web.conftest import CHECKLIST
from web.actions import button_label

ITEM = "林农镇玉城村"
TASK_PAGE = f"/board/{CHECKLIST}/tasks/T1"


def text(response) -> str:
    return response.get_data(as_text=True)


def png(width: int = 8, height: int = 6, rgb=(200, 30, 30)) -> bytes:
    """A real PNG (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class Got:
    """A response read whole and closed (a file response left open warns)."""

    def __init__(self, response):
        with response:
            self.status_code, self.data, self.mimetype, self.headers = (
                response.status_code,
                response.get_data(),
                response.mimetype,
                response.headers,
            )


def fetch(client, url: str, **kwargs) -> Got:
    return Got(client.get(url, **kwargs))


def send(client, url: str, form: dict):
    values = MultiDict()
    for key, value in form.items():
        for one in value if isinstance(value, list) else [value]:
            values.add(key, FileStorage(io.BytesIO(one[0]), one[1]) if isinstance(one, tuple) else one)
    boundary, data = encode_multipart(values)
    return client.post(url, data=data, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def evidence(app, tmp_path):
    folder = tmp_path / "evidence"
    app.config["EVIDENCE_DIR"] = str(folder)
    return folder


def to_tendering(store, clock, plugins):
    fire(store, task="T1", item=ITEM, trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    fire(store, task="T1", item=ITEM, trigger="open_tender", actor="zhang", clock=clock, plugins=plugins)


PARTLY = {
    "data_winner": "盐亭县某建筑公司",
    "data_announced": "2017-05-02",
    "data_bid_deadline": "2017-05-25",
    "note": "定标会议纪要见附件",
}
REST = {"data_amount": "30.5", "data_award_notice": "2017-06-01", "data_contract_signed": "2017-06-10"}


def award_form(**extra):
    return {"checklist": CHECKLIST, "task": "T1", "item": ITEM, "trigger": "award", "expect_state": "tendering", "next": TASK_PAGE, **extra}


def test_buttons_are_named_by_the_action(client, auth, store, clock, plugins):
    auth.login("staff")
    page = text(client.get("/my/"))
    assert re.search(r'data-trigger="script_done"[^>]*>完成剧本</button>', page)
    assert "→ 演员选拔" not in page  # not the target state any more
    auth.logout()
    auth.login("leader")
    assert re.search(r'data-trigger="approve_plan"[^>]*>审定方案</button>', text(client.get(TASK_PAGE)))
    to_tendering(store, clock, plugins)
    auth.logout()
    auth.login("staff")
    assert "<summary>定标</summary>" in text(client.get(TASK_PAGE))


def test_a_transition_without_a_label_says_where_it_leads():
    states = {"a": StateDef("a", "编制方案", None, False, 0), "b": StateDef("b", "施工中", None, False, 1)}
    workflow = WorkflowDef("w", "建设", "a", states, (TransitionDef("go", ("a",), "b", ("responsible",)),))
    assert button_label(workflow.transitions[0], workflow) == "转入施工中"
    labelled = TransitionDef("go", ("a",), "b", ("responsible",), "开工")
    assert button_label(labelled, WorkflowDef("w", "建设", "a", states, (labelled,))) == "开工"


def test_required_fields_are_required_in_the_browser(client, auth, store, clock, plugins):
    to_tendering(store, clock, plugins)
    auth.login("staff")
    page = text(client.get(TASK_PAGE))
    for key in ("announced", "bid_deadline", "winner", "amount", "award_notice"):
        assert re.search(rf'<input name="data_{key}"[^>]*\srequired', page), key
    assert not re.search(r'<input name="data_contract_signed"[^>]*\srequired', page)  # optional field
    assert 'accept="image/*,application/pdf"' in page  # tender documents: scans and PDFs
    report = text(client.get(f"/board/{CHECKLIST}/tasks/T5"))
    assert re.search(r'<input name="amount"[^>]*required', report)


def test_an_incomplete_step_form_comes_back_with_what_was_typed_and_the_photo(client, auth, store, clock, plugins, evidence):
    to_tendering(store, clock, plugins)
    auth.login("staff")
    photo = png()
    sent = send(client, "/my/fire", award_form(**PARTLY, evidence=[(photo, "中标通知书.png")]))
    page = text(sent)
    assert sent.status_code == 422
    assert "<h1>" in page and "T1" in page and 'id="items"' in page  # the task page itself, not an error page
    assert "--data" not in page and "qingdan record" not in page and "“award”" not in page  # not the CLI's words
    assert "还需填写:中标金额、中标通知书发出日期。" in page
    assert re.search(
        r'name="data_amount"[^>]*aria-invalid="true"[^>]*><small class="field-error" id="error-data_amount" role="alert">请填写中标金额。',
        page,
    )
    assert 'value="盐亭县某建筑公司"' in page and 'value="2017-05-02"' in page and 'value="定标会议纪要见附件"' in page
    assert "已上传" in page and "中标通知书.png" in page and page.count('name="kept"') == 1
    sha = hashlib.sha256(photo).hexdigest()
    assert (evidence / sha[:2] / sha).read_bytes() == photo  # stored already: the retry sends no file
    token = re.search(r'name="kept" value="([^"]+)"', page).group(1)

    done = send(client, "/my/fire", award_form(**PARTLY, **REST, kept=token))
    assert done.status_code == 302, text(done)
    page = text(client.get(TASK_PAGE))
    assert "施工中" in page
    records = page[page.index('id="step-data"') :]
    assert "<dt>中标单位</dt><dd>盐亭县某建筑公司</dd>" in records and "<dt>中标金额</dt><dd>30.5</dd>" in records
    assert "<dt>winner</dt>" not in records and "<dt>amount</dt>" not in records  # labels, never keys
    assert f'<img src="/files/{CHECKLIST}/T1/{sha}"' in records


def test_a_forged_or_foreign_kept_token_attaches_nothing(client, auth, store, clock, plugins, evidence):
    to_tendering(store, clock, plugins)
    auth.login("staff")
    forged = send(client, "/my/fire", award_form(**PARTLY, **REST, kept="eyJlIjp7Im5hbWUiOiJ4In19.forged"))
    assert forged.status_code == 302
    page = text(client.get(TASK_PAGE))
    assert "/files/" not in page  # nothing attached


def test_a_report_form_comes_back_as_typed(client, auth):
    auth.login("staff")
    page = f"/board/{CHECKLIST}/tasks/T5"
    refused = client.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "", "note": "送演出", "next": page})
    assert refused.status_code == 422 and 'value="送演出"' in text(refused) and 'id="history"' in text(refused)
    assert '<small class="field-error" id="error-amount" role="alert">请填写数量。' in text(refused)


def test_a_form_the_page_no_longer_offers_gets_its_message_on_top(client, auth):
    auth.login("leader")
    form = {"checklist": CHECKLIST, "task": "T1", "item": ITEM, "trigger": "approve_plan", "expect_state": "planning", "on": "2016-01-01"}
    beside = client.post("/my/fire", data={**form, "next": "/my/"})
    assert beside.status_code == 422 and 'value="2016-01-01"' in text(beside)
    assert re.search(r'<small class="field-error" id="error-on" role="alert">发生日期 2016-01-01 太早', text(beside))
    elsewhere = client.post("/my/fire", data={**form, "next": f"/board/{CHECKLIST}/tasks/T5"})  # a page without that form
    assert elsewhere.status_code == 422 and 'id="history"' in text(elsewhere)
    assert re.search(r'<p class="flash error" role="status">[^<]*太早', text(elsewhere))
    inbox = client.post("/my/fire", data={**form, "next": "/my/inbox"})  # the inbox offers the same buttons
    assert inbox.status_code == 422 and 'id="inbox-unread"' in text(inbox)
    assert re.search(r'<p class="flash error" role="status">发生日期 2016-01-01 太早', text(inbox))  # no notice offers it here


def _awarded_with(client, auth, store, clock, plugins, files):
    to_tendering(store, clock, plugins)
    auth.login("staff")
    response = send(client, "/my/fire", award_form(**PARTLY, **REST, evidence=files))
    assert response.status_code == 302, text(response)
    auth.logout()


def test_the_download_is_scope_checked(client, auth, store, clock, plugins, evidence):
    photo, page_bytes = png(rgb=(10, 120, 10)), b"<html><script>alert(1)</script></html>"
    _awarded_with(client, auth, store, clock, plugins, [(photo, "现场.png"), (page_bytes, "notice.html")])
    sha, html_sha = hashlib.sha256(photo).hexdigest(), hashlib.sha256(page_bytes).hexdigest()
    url = f"/files/{CHECKLIST}/T1/{sha}"
    for who in ("staff", "head", "leader", "inspector", "admin"):  # all may see T1
        auth.login(who)
        got = fetch(client, url)
        assert got.status_code == 200 and got.data == photo and got.mimetype == "image/png", who
        assert "attachment" not in got.headers.get("Content-Disposition", "")
        auth.logout()
    auth.login("staff2")  # 广电股: may not see T1
    assert fetch(client, url).status_code == 403
    assert fetch(client, f"/files/{CHECKLIST}/T2/{sha}").status_code == 404  # its own task names no such file
    auth.logout()
    auth.login("staff")
    assert fetch(client, f"/files/{CHECKLIST}/T5/{sha}").status_code == 404  # a task of theirs, but no record there
    assert fetch(client, f"/files/{CHECKLIST}/T1/{'ab' * 32}").status_code == 404  # any hash: nothing
    assert fetch(client, f"/files/{CHECKLIST}/T1/not-a-hash").status_code == 404
    html = fetch(client, f"/files/{CHECKLIST}/T1/{html_sha}")
    assert html.status_code == 200 and html.mimetype == "application/octet-stream"
    assert html.headers["Content-Disposition"].startswith("attachment")  # never rendered in the site's origin
    assert fetch(client, url, query_string={"download": "1"}).headers["Content-Disposition"].startswith("attachment")
    assert fetch(client, f"/files/other-list/T1/{sha}").status_code == 404
    page = text(client.get(TASK_PAGE))
    assert f'href="/files/{CHECKLIST}/T1/{html_sha}"' in page and "notice.html" in page  # other files: links


def test_inspection_rounds_link_their_files(client, auth, store, clock, plugins, evidence):
    _awarded_with(client, auth, store, clock, plugins, [])
    for trigger in ("finish", "request_inspection"):
        fire(store, task="T1", item=ITEM, trigger=trigger, actor="zhang", clock=clock, plugins=plugins)
    auth.login("inspector")
    inspect = f"/inspect/{CHECKLIST}/T1"
    form = text(client.get(inspect, query_string={"item": ITEM}))
    assert 'accept="image/*" capture="environment"' in form  # a phone opens its camera
    photo = png(rgb=(20, 20, 200))
    values = {"c0": "260", "c1": "60", "c2": "1", "c3": "2", "c4": "1", "c5": "1"}
    sent = send(
        client, inspect, {"item": ITEM, "expect_state": "inspecting", "note": "面积不足", **values, "evidence": [(photo, "活动室.png")]}
    )
    assert sent.status_code == 302, text(sent)
    sha = hashlib.sha256(photo).hexdigest()
    page = text(client.get(inspect, query_string={"item": ITEM}))
    assert f"/files/{CHECKLIST}/T1/{sha}" in page and f"({sha[:8]})" not in page
    assert fetch(client, f"/files/{CHECKLIST}/T1/{sha}").data == photo
    task_page = text(client.get(TASK_PAGE))
    records = task_page[task_page.index('id="step-data"') :]
    assert "第 1 轮验收" in records and "不通过" in records and "文化活动室面积: 60" in records
