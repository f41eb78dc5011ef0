"""Downloads of the office's documents from the board: heads, leaders and admins of the list get the files
``qingdan export`` writes; others are refused; a bad date comes back beside its field with the choice kept."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.web.conftest import CHECKLIST, PASSWORD

PAGE = f"/board/{CHECKLIST}/documents"


@pytest.mark.parametrize("kind, suffix", [("ledger", "xlsx"), ("dispatch", "xlsx"), ("circular", "docx"), ("report", "docx")])
def test_a_head_downloads_each_document(auth, client, kind, suffix):
    auth.login("head")
    answer = client.get(PAGE, query_string={"kind": kind, "as_of": "2017-06-30"})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert "attachment" in answer.headers["Content-Disposition"]
    assert (
        answer.headers["Content-Disposition"].endswith(f"2017-06-30.{suffix}")
        or f"2017-06-30.{suffix}" in answer.headers["Content-Disposition"]
    )
    data = answer.get_data()
    assert zipfile.is_zipfile(io.BytesIO(data))
    if suffix == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data))
        text = " ".join(str(c.value) for ws in book for row in ws.iter_rows(max_row=4) for c in row if c.value)
        book.close()
    else:
        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "6月30日" in text or "2017-06-30" in text or "2017年6月30日" in text


def test_the_board_links_to_the_downloads_for_the_lists_head(auth, client):
    auth.login("head")
    board = client.get(f"/board/{CHECKLIST}").get_data(as_text=True)
    assert 'id="doc-links"' in board and "台账" in board and "工作汇报" in board
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="export-form"' in page and 'value="2017-07-21"' in page


def test_a_date_after_today_is_explained_beside_its_field_and_the_choice_is_kept(auth, client):
    auth.login("leader")
    answer = client.get(PAGE, query_string={"kind": "report", "as_of": "2017-08-01", "period": "year"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="as-of-error"' in page and "2017-08-01" in page and "之后" in page
    assert 'value="report" required checked' in page and '<option value="year" selected>' in page
    before = client.get(PAGE, query_string={"kind": "ledger", "as_of": "2016-12-31"})
    assert before.status_code == 422 and "早于清单的年度" in before.get_data(as_text=True)
    garbled = client.get(PAGE, query_string={"kind": "ledger", "as_of": "6月30日"})
    assert garbled.status_code == 422 and "看不懂" in garbled.get_data(as_text=True)


def test_accounts_outside_the_list_cannot_download(auth, client, store, clock):
    from engine.accounts import create_account

    create_account(store, "head-elsewhere", "head", clock=clock, password=PASSWORD, display_name="他县主任", people=[])
    auth.login("head-elsewhere")
    assert client.get(PAGE, query_string={"kind": "ledger"}).status_code == 403
    board = client.get(f"/board/{CHECKLIST}").get_data(as_text=True)
    assert 'id="doc-links"' not in board
    auth.logout()
    auth.login("staff")
    assert client.get(PAGE, query_string={"kind": "ledger"}).status_code == 403
