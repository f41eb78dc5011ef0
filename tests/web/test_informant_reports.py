"""An informant (信息员) account on the web, and evidence on any report or firing (issue 10, item 2), on both
databases: the informant signs in, sees only the tasks it may report on, reports with photos; the photos are listed
on the task page (材料与数据, 整个任务) and in the history, and download only through that task for accounts that may
see it; a refused report stores nothing; a refused amount keeps the photos for the retry; ``audit verify`` passes.
"""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.engine.test_reporters_evidence import with_reporters
from tests.web.conftest import CHECKLIST, PASSWORD
from tests.web.test_forms_and_evidence import evidence, png, send  # noqa: F401 (evidence: the fixture)

T3_PAGE = f"/board/{CHECKLIST}/tasks/T3"


@pytest.fixture
def yanting(store, clock, steps):
    """The Yanting list with an informant (xiao, 肖丽) named on T3 by role, and 刘强 named on T4 by person."""
    from engine.definition.validation import validate_text
    from engine.runtime.loader import load

    result = validate_text(with_reporters(), "yanting.yaml", steps)
    assert result.ok, [p.format() for p in result.errors]
    load(store, [result.definition], clock=clock)
    return result.definition


@pytest.fixture
def informant(accounts, store, clock):
    from engine.accounts import create_account

    create_account(store, "informant", "informant", clock=clock, password=PASSWORD, display_name="肖丽", people=[(CHECKLIST, "xiao")])
    return "informant"


def text(response) -> str:
    return response.get_data(as_text=True)


def stored(folder) -> set[str]:
    return {p.name for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")} if folder.exists() else set()


def fetch(client, url: str):
    with client.get(url) as response:
        return response.status_code, response.get_data()


def test_an_informant_reports_with_photos(client, auth, informant, evidence, store):
    roof, sheet = png(rgb=(10, 120, 200)), b"%PDF-1.4 sign-in sheet"
    assert auth.login("informant").status_code == 302
    work = client.get("/my/")
    assert work.status_code == 200
    page = text(work)
    assert "实现今年退出贫困户广播电视户户通" in page and "面向贫困村送文艺演出" not in page  # T3, not T5
    assert 'action="/my/report"' in page and 'name="evidence"' in page
    assert client.get(T3_PAGE).status_code == 200
    assert client.get(f"/board/{CHECKLIST}/tasks/T5").status_code == 403
    assert client.get(f"/board/{CHECKLIST}/tasks/T1").status_code == 403
    assert client.get("/board/").status_code == 403  # no board for an informant

    # a report on a task that does not name informants stores nothing
    refused = send(client, "/my/report", {"checklist": CHECKLIST, "task": "T5", "amount": "1", "evidence": [(roof, "屋顶.png")]})
    assert refused.status_code == 403 and not stored(evidence)

    # a refused amount comes back with the photo kept, the retry needs no file
    form = {"checklist": CHECKLIST, "task": "T3", "amount": "abc", "next": T3_PAGE, "evidence": [(roof, "屋顶.png")]}
    back = send(client, "/my/report", form)
    assert back.status_code == 422, text(back)
    assert "已上传" in text(back) and "屋顶.png" in text(back)
    tokens = re.findall(r'name="kept" value="([^"]+)"', text(back))
    assert len(tokens) == 1
    done = send(client, "/my/report", {**form, "amount": "12", "kept": tokens, "evidence": [(sheet, "签到表.pdf")]})
    assert done.status_code == 302, text(done)
    assert stored(evidence) == {hashlib.sha256(roof).hexdigest(), hashlib.sha256(sheet).hexdigest()}

    page = text(client.get(T3_PAGE))
    assert "材料与数据" in page and "整个任务" in page
    photo_url = f"/files/{CHECKLIST}/T3/{hashlib.sha256(roof).hexdigest()}"
    assert f'<img src="{photo_url}"' in page  # a thumbnail
    assert page.count("签到表.pdf") >= 2  # listed with the records and in the history row
    assert fetch(client, photo_url) == (200, roof)
    assert fetch(client, f"/files/{CHECKLIST}/T4/{hashlib.sha256(roof).hexdigest()}")[0] == 403  # a task it may not see

    for account, status in (("staff2", 200), ("staff", 403), ("head", 200)):  # chen is T3's responsible; zhang not
        auth.login(account)
        assert fetch(client, photo_url)[0] == status, account
    assert fetch(client, f"/files/{CHECKLIST}/T4/{hashlib.sha256(roof).hexdigest()}")[0] == 404  # the head: not T4's record

    from engine.runtime.audit_verify import verify

    with store.read() as conn:
        result = verify(conn)
    assert result.ok, result.problems


def test_a_person_named_on_a_task_reports_and_others_are_refused(client, auth, accounts, evidence, store, clock):
    from engine.accounts import create_account

    create_account(store, "liu", "staff", clock=clock, password=PASSWORD, display_name="刘强", people=[(CHECKLIST, "liu")])
    auth.login("liu")
    assert "全年完成全县农村放映公益电影" in text(client.get("/my/"))  # T4 names him
    ok = send(client, "/my/report", {"checklist": CHECKLIST, "task": "T4", "amount": "30", "evidence": [(b"\xff\xd8 film", "放映.jpg")]})
    assert ok.status_code == 302, text(ok)
    refused = send(client, "/my/report", {"checklist": CHECKLIST, "task": "T3", "amount": "3"})
    assert refused.status_code == 403
    assert "刘强" in text(client.get(f"/board/{CHECKLIST}/tasks/T4"))


def test_evidence_on_a_firing_no_step_asks_for(client, auth, evidence, store):
    minutes = b"%PDF-1.4 minutes"
    auth.login("leader")
    page = text(client.get(f"/board/{CHECKLIST}/tasks/T1"))
    assert "附佐证材料" in page  # the folded file input beside 审定方案
    form = {
        "checklist": CHECKLIST,
        "task": "T1",
        "item": "林农镇玉城村",
        "trigger": "approve_plan",
        "evidence": [(minutes, "会议纪要.pdf")],
    }
    done = send(client, "/my/fire", {**form, "next": f"/board/{CHECKLIST}/tasks/T1"})
    assert done.status_code == 302, text(done)
    page = text(client.get(f"/board/{CHECKLIST}/tasks/T1"))
    url = f"/files/{CHECKLIST}/T1/{hashlib.sha256(minutes).hexdigest()}"
    assert page.count(url) >= 2  # in 材料与数据 and in the history
    assert fetch(client, url + "?download=1") == (200, minutes)


#: what an informant account gets on each page (the authorization matrix's rows, for the role it does not list)
INFORMANT_ROUTES = [
    ("GET", "/", None, 302),
    ("GET", "/board/", None, 403),
    ("GET", f"/board/{CHECKLIST}", None, 403),
    ("GET", f"/board/{CHECKLIST}/documents", None, 403),
    ("GET", f"/board/{CHECKLIST}/tasks/T1", None, 403),
    ("GET", T3_PAGE, None, 200),
    ("GET", "/my/", None, 200),
    ("GET", "/my/inbox", None, 200),
    ("GET", "/account/password", None, 200),
    ("POST", "/my/fire", {}, 403),
    ("POST", "/my/report", {}, 422),  # past the role check: the amount is missing
    ("POST", "/my/correct", {}, 400),
    ("POST", "/my/inbox/read", {}, 302),
    ("POST", "/supervision/issue", {}, 403),
    ("POST", "/supervision/999/reply", {}, 403),
    ("POST", "/supervision/extension", {}, 403),
    ("POST", "/transfer", {}, 403),
    ("GET", "/inspect/", None, 403),
    ("GET", "/admin/accounts", None, 403),
]


def test_what_an_informant_account_may_open(client, auth, informant):
    assert auth.login("informant").status_code == 302
    assert client.get("/").headers["Location"].endswith("/my/")  # its start page
    wrong = []
    for method, url, body, expected in INFORMANT_ROUTES:
        response = client.get(url) if method == "GET" else client.post(url, data=body)
        if response.status_code != expected:
            wrong.append((method, url, expected, response.status_code))
        assert b"Traceback" not in response.data
        response.close()
    assert not wrong
