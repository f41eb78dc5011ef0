"""The admin's checklist upload: checked and loaded in one step; a slip shown at its own line in Chinese; a reload
that would strand recorded work explained in plain words (task titles, item names) with a confirmation that loads
the same text with force, without uploading the file again; the page at phone and desktop widths in a real browser."""

from __future__ import annotations

import html
import io
import os
import re

import pytest

from tests.conftest import HUANGJIN, YANTING, at

YANTING_ID = "yanting-wenguang-2017"


def _upload(client, text: str, name: str = "list.yaml", action: str = "load"):
    return client.post(
        "/admin/checklists",
        data={"action": action, "file": (io.BytesIO(text.encode("utf-8")), name)},
        content_type="multipart/form-data",
    )


def _with_fullwidth_colon() -> tuple[str, int, int]:
    """The Yanting list with one ``title:`` typed as ``title：``: the text, the line and the column of the slip."""
    lines = YANTING.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("    title:") and i > 70)
    lines[number - 1] = lines[number - 1].replace("title:", "title：", 1)
    return "\n".join(lines), number, lines[number - 1].index("：") + 1


def _reworked_yanting() -> str:
    """Yanting with the village 林农镇玉城村 of T1 renamed and task T8 gone."""
    text = YANTING.read_text(encoding="utf-8").replace("items: [林农镇玉城村,", "items: [林农镇玉城新村,", 1)
    return re.sub(r"\n  - id: T8\n(    .*\n|\n)*", "\n", text, count=1)


def _with_history(store, clock, plugins):
    from engine.runtime.fire import fire
    from engine.runtime.progress import report

    clock.at = at("2017-04-20T10:00")
    fire(store, task="T1", item="林农镇玉城村", trigger="approve_plan", actor="li", clock=clock, plugins=plugins, checklist=YANTING_ID)
    report(store, task="T8", amount=20, actor="he", clock=clock, checklist=YANTING_ID)


def test_a_valid_file_is_checked_and_loaded_in_one_step(client, auth, store):
    from engine.catalog import checklist_ids

    auth.login("admin")
    answer = _upload(client, HUANGJIN.read_text(encoding="utf-8"), "hj.yaml")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'id="load-result"' in page and "已载入" in page
    with store.read() as conn:
        assert "huangjin-village-2019" in checklist_ids(conn)


def test_a_fullwidth_colon_is_shown_on_its_own_line_and_nothing_loads(client, auth, store):
    from engine.catalog import checklist_ids

    auth.login("admin")
    text, number, column = _with_fullwidth_colon()
    answer = _upload(client, text.replace(YANTING_ID, "yanting-copy"), "copy.yaml")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="load-result"' not in page and 'id="load-button"' not in page
    row = page.split(f'id="L{number}"')[1].split(f'id="L{number + 1}"')[0]
    assert f"第 {number} 行第 {column} 列:这里用了全角冒号“：”,请改成半角冒号“:”后加一个空格。" in html.unescape(row)
    assert f"第 {column} 列:第" not in html.unescape(row)  # the place is named once
    with store.read() as conn:
        assert "yanting-copy" not in checklist_ids(conn)


def test_a_reload_that_strands_work_is_explained_and_confirmed_without_a_new_upload(client, auth, store, clock, plugins):
    from sqlalchemy import select

    from engine.store.tables import items, tasks

    _with_history(store, clock, plugins)
    auth.login("admin")
    answer = _upload(client, _reworked_yanting(), "yanting.yaml")
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 409 and 'id="confirm"' in page and 'id="load-result"' not in page
    assert "--force" not in page and "force" not in page.split('id="confirm"')[0].split("<h2>")[-1]
    stranded = page.split('id="stranded"')[1].split("</ul>")[0]
    assert "任务“文化惠民村级文化室建设”" in stranded or "林农镇玉城村" in stranded
    assert "子项“林农镇玉城村”已有 1 条记录,新文件里没有它" in stranded and "新名字“林农镇玉城新村”会从头开始" in stranded
    assert "任务“公共文化服务体系建设专项资金拨付使用”已有" in stranded and "会被归档" in stranded
    assert not re.search(r"\bT[0-9]\b|approve_plan|plan_approved", stranded)
    with store.read() as conn:  # nothing loaded yet
        names = {r.name: r.removed for r in conn.execute(select(items.c.name, items.c.removed))}
    assert names["林农镇玉城村"] is False and "林农镇玉城新村" not in names

    # the confirmation carries the uploaded text: no file is sent again
    confirm = page.split('id="confirm"')[1]
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', confirm))
    kept = confirm.split('<textarea name="text" hidden>')[1].split("</textarea>")[0]
    assert kept.strip() == _reworked_yanting().strip() and form["force"] == "1" and form["name"] == "yanting.yaml"
    loaded = client.post("/admin/checklists", data={"action": "load", "force": "1", "name": form["name"], "text": kept})
    done = loaded.get_data(as_text=True)
    assert loaded.status_code == 200 and 'id="load-result"' in done and "已更新为第 2 版" in done
    with store.read() as conn:
        names = {r.name: r.removed for r in conn.execute(select(items.c.name, items.c.removed))}
        t8 = conn.execute(select(tasks.c.removed).where(tasks.c.key == "T8")).scalar()
    assert names["林农镇玉城村"] is True and names["林农镇玉城新村"] is False and t8 is True


def test_a_check_only_upload_offers_the_load_button_with_the_text(client, auth):
    auth.login("admin")
    answer = _upload(client, HUANGJIN.read_text(encoding="utf-8"), "hj.yaml", action="validate")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'id="load-button"' in page and 'id="load-result"' not in page
    assert "--force" not in page


# ---------------------------------------------------------------- in a real browser


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("QINGDAN_SKIP_BROWSER") == "1", reason="QINGDAN_SKIP_BROWSER=1 was set")
def test_upload_page_in_a_browser_at_phone_and_desktop_widths(live, browser, store, clock, plugins):
    from tests.web.browser import ARTIFACTS, fits, log_in, new_page

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _with_history(store, clock, plugins)
    clock.at = at("2017-07-21T10:00")
    slipped, number, column = _with_fullwidth_colon()
    files = {"slip": slipped.replace(YANTING_ID, "yanting-copy"), "rework": _reworked_yanting()}
    for width, height in ((390, 844), (1366, 900)):
        page = new_page(browser, live, width, height)
        log_in(page, "admin")
        page.goto(f"{live}/admin/checklists")
        fits(page)
        page.screenshot(path=str(ARTIFACTS / f"upload-{width}-1-form.png"), full_page=True)

        page.set_input_files("input[name=file]", files=[{"name": "slip.yaml", "mimeType": "text/yaml", "buffer": files["slip"].encode()}])
        page.click("#check-load")
        page.wait_for_load_state()
        problem = page.locator(f"#L{number} + tr.problem")
        assert f"第 {number} 行第 {column} 列:这里用了全角冒号" in problem.inner_text()
        problem.scroll_into_view_if_needed()
        fits(page)
        page.screenshot(path=str(ARTIFACTS / f"upload-{width}-2-slip.png"))

        page.goto(f"{live}/admin/checklists")
        page.set_input_files(
            "input[name=file]", files=[{"name": "yanting.yaml", "mimeType": "text/yaml", "buffer": files["rework"].encode()}]
        )
        page.click("#check-load")
        page.wait_for_load_state()
        confirm = page.locator("#confirm")
        assert "林农镇玉城村" in confirm.inner_text() and "--force" not in page.content()
        fits(page)
        page.screenshot(path=str(ARTIFACTS / f"upload-{width}-3-confirm.png"))
        if width == 1366:  # load once, with the confirmation: the file is not chosen again
            page.click("#confirm-load")
            page.wait_for_load_state()
            assert "已更新为第 2 版" in page.locator("#load-result").inner_text()
            fits(page)
            page.screenshot(path=str(ARTIFACTS / f"upload-{width}-4-loaded.png"))
        page.context.close()
