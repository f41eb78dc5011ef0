"""The admin page accepts the Excel list as it arrives: it is drafted into a checklist file, the cells to check
are listed with their Excel positions, and the draft loads with one more click."""

from __future__ import annotations

import io

from tests.conftest import SHARED_EXAMPLES

XLSX = SHARED_EXAMPLES / "huangjin-town-2019.xlsx"


def _upload(client, data: bytes, name: str, **fields):
    return client.post(
        "/admin/checklists",
        data={"action": "validate", "file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def test_an_excel_list_is_drafted_shown_with_its_cells_to_check_and_loaded(client, auth, store):
    from engine.catalog import checklist_ids

    auth.login("admin")
    answer = _upload(client, XLSX.read_bytes(), "huangjin-town-2019.xlsx")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page[:2000]
    assert 'id="import-findings"' in page
    assert "2019年任务分解表!D7" in page and "培训3期150人次" in page  # the cell and what it said
    assert "猜测" in page  # the guesses are marked in the draft shown below
    assert 'id="load-button"' in page
    text = page.split('<textarea name="text" hidden>')[1].split("</textarea>")[0]
    import html

    loaded = client.post("/admin/checklists", data={"action": "load", "name": "hj.yaml", "text": html.unescape(text)})
    assert loaded.status_code == 200 and 'id="load-result"' in loaded.get_data(as_text=True)
    with store.read() as conn:
        assert any(cid.endswith("2019") for cid in checklist_ids(conn))


def test_a_file_that_is_not_a_workbook_is_refused_in_plain_words(client, auth):
    auth.login("admin")
    answer = _upload(client, b"not a workbook at all", "清单.xlsx")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400, page[:1000]
    assert "Traceback" not in page and "清单.xlsx" in page


def test_a_bad_year_is_refused(client, auth):
    auth.login("admin")
    answer = _upload(client, XLSX.read_bytes(), "huangjin-town-2019.xlsx", year="19年")
    assert answer.status_code == 400 and "19年" in answer.get_data(as_text=True)


def test_a_year_in_other_digits_is_refused_not_a_crash(client, auth):
    auth.login("admin")
    answer = _upload(client, XLSX.read_bytes(), "huangjin-town-2019.xlsx", year="²⁰¹⁹")
    assert answer.status_code == 400 and "Traceback" not in answer.get_data(as_text=True)


def test_the_audit_page_takes_any_before(client, auth):
    auth.login("admin")
    for before in ("9223372036854775808", "²", "-1", "abc", "12"):
        assert client.get("/admin/audit", query_string={"before": before}).status_code == 200, before
