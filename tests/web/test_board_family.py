"""The boards of a family of lists (issue 9): a county list whose target C1 (1000 场) is split among two town lists
and a third not loaded yet, and whose workflow task W1 is split by villages between the two towns.

The parent's board shows under each such task every child list's share, light and overdue items with a link down to
the child list's board and to the child task's row there (未载入 and no link for the list not loaded), the task's own
row shows the rolled-up figures, and the child lists are ranked among their peers (乡镇) with links to their boards;
a child's board links up to the parent list and task, and its task rows say which parent task they fulfil. In a
browser at 390 and 1366 px nothing is wider than the screen and the task tables are cards on the phone; screenshots
go to tests/artifacts/. The lists are written by the test as YAML files and loaded as an office's files are.
"""

from __future__ import annotations

import re

import pytest

from tests import family_lists
from tests.conftest import at
from tests.family_lists import county_yaml
from tests.web.browser import ARTIFACTS, BROWSER, fits, open_as

COUNTY, LINNONG, BAJIAO, JINJI = "fam-county-2017", "fam-linnong-2017", "fam-bajiao-2017", "fam-jinji-2017"
IDS = (COUNTY, LINNONG, BAJIAO, JINJI)
TITLES = {COUNTY: "盐亭县2017年文化惠民任务清单", LINNONG: "林农镇2017年文化惠民任务清单", BAJIAO: "八角镇2017年文化惠民任务清单"}


COUNTY_YAML = county_yaml(COUNTY, TITLES[COUNTY], LINNONG, BAJIAO, JINJI)


def town_yaml(list_id: str, prefix: str, place: str, quota: int, villages: list[str], done: str, building: str) -> str:
    return family_lists.town_yaml(list_id, TITLES[list_id], COUNTY, prefix, place, quota, villages, done, building)


@pytest.fixture
def family(store, clock, steps, plugins, yanting, tmp_path):
    """The county and two of its three towns loaded from YAML files (金鸡镇's list never arrives), the towns' work
    reported at 2017-07-21: 林农镇 showed its 400 场 and built 玉城村 but not 花园村 (its 施工中 was due 06-15: one
    overdue village), 八角镇 showed 120 of 500 场 and started 八角村."""
    from engine.definition.validation import validate_file
    from engine.runtime.fire import fire
    from engine.runtime.loader import load
    from engine.runtime.progress import report

    clock.at = at("2017-07-21T09:00")
    files = {
        COUNTY: COUNTY_YAML,
        LINNONG: town_yaml(LINNONG, "ln", "林农", 400, ["玉城村", "花园村"], "2017-11-15", "2017-06-15"),
        BAJIAO: town_yaml(BAJIAO, "bj", "八角", 500, ["八角村"], "2017-11-30", "2017-06-30"),
    }
    definitions = []
    for list_id in (LINNONG, COUNTY, BAJIAO):  # any order: a child before its parent is a warning until it arrives
        path = tmp_path / f"{list_id}.yaml"
        path.write_text(files[list_id], encoding="utf-8")
        result = validate_file(str(path), steps)
        assert result.ok, [p.format() for p in result.errors]
        definitions.append(result.definition)
        load(store, [result.definition], clock=clock)
    report(store, task="LN1", amount=400, actor="ln_staff", clock=clock, checklist=LINNONG)
    report(store, task="BJ1", amount=120, actor="bj_staff", clock=clock, checklist=BAJIAO)
    for trigger in ("start", "finish"):
        fire(store, task="LN2", item="玉城村", trigger=trigger, actor="ln_staff", clock=clock, plugins=plugins, checklist=LINNONG)
    fire(store, task="BJ2", item="八角村", trigger="start", actor="bj_staff", clock=clock, plugins=plugins, checklist=BAJIAO)
    clock.at = at("2017-07-21T10:00")
    return definitions


def _row(html: str, task: str) -> str:
    """The board's row of ``task`` (``<tr … id="task-X">`` up to its ``</tr>``)."""
    found = re.search(rf'<tr class="task-row [^"]*" id="task-{task}">(.*?)</tr>', html, re.S)
    assert found, f"no row for {task}"
    return found.group(1)


def _children(row: str) -> dict[str, tuple[str, str]]:
    """child list id → (its light class, its words) in a parent task's row."""
    return {
        m.group(2): (m.group(1), _text(m.group(3)))
        for m in re.finditer(r'<li class="child (\w+)" data-checklist="([^"]+)">(.*?)</li>', row, re.S)
    }


def _text(html: str) -> str:
    """What a reader sees: tags (and so attribute values) removed, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _visible(html: str) -> str:
    body = html.split("<main", 1)[1]
    return _text(re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S))


def test_the_parent_board_shows_each_child_lists_share_light_and_overdue_with_links_down(family, client, auth):
    auth.login("head")
    page = client.get(f"/board/{COUNTY}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)

    c1 = _row(html, "C1")
    shares = _children(c1)
    assert list(shares) == [LINNONG, BAJIAO, JINJI]  # as the county assigned them
    assert shares[LINNONG] == ("done", f"已完成 {TITLES[LINNONG]} 400/400 场")
    assert shares[BAJIAO][0] in ("green", "yellow", "red") and shares[BAJIAO][1].endswith(f"{TITLES[BAJIAO]} 120/500 场")
    assert shares[JINJI] == ("missing", "未载入的下级清单 未载入 配额 100 场")  # no title known yet, and no link
    assert f'href="/board/{LINNONG}"' in c1 and f'href="/board/{LINNONG}#task-LN1"' in c1
    assert f'href="/board/{BAJIAO}#task-BJ1"' in c1 and f"/board/{JINJI}" not in c1
    # the task's own row: the roll-up of its children, as the engine computed it
    assert "520/1000 场" in _text(c1) and "下级清单 3 个" in _text(c1) and "未载入 1 个" in _text(c1)

    w1 = _row(html, "W1")
    shares = _children(w1)
    assert list(shares) == [LINNONG, BAJIAO]
    assert shares[LINNONG][0] == "red" and "逾期 1 项" in shares[LINNONG][1] and "项" in shares[LINNONG][1]
    assert "逾期" not in shares[BAJIAO][1]
    assert f'href="/board/{LINNONG}#task-LN2"' in w1 and f'href="/board/{BAJIAO}#task-BJ2"' in w1
    assert "逾期 1 项" in _text(w1.split('<details class="family"')[0] + w1.split("</details>")[1])  # the roll-up's own

    # the child lists ranked among their peers (乡镇), each linking to its board; the unit ranking is still there
    peers = html.split('id="peers"', 1)[1].split("</table>", 1)[0]
    assert f'href="/board/{LINNONG}"' in peers and f'href="/board/{BAJIAO}"' in peers and TITLES[LINNONG] in peers
    assert 'id="ranking"' in html and "下级清单排名 乡镇" in _text(html)
    assert not any(list_id in _visible(html) for list_id in IDS)  # ids only in links, never in the words


def test_a_child_board_links_up_and_its_tasks_say_what_they_fulfil(family, client, auth):
    auth.login("head")
    html = client.get(f"/board/{LINNONG}").get_data(as_text=True)
    up = html.split('id="family-up"', 1)[1].split("</p>", 1)[0]
    assert f'href="/board/{COUNTY}"' in up and f"《{TITLES[COUNTY]}》" in _text(up)
    assert f'href="/board/{COUNTY}#task-C1"' in up and f'href="/board/{COUNTY}#task-W1"' in up
    assert "上级清单" in _text(up) and "本清单 LN1" in _text(up)
    for own, parent in (("LN1", "C1"), ("LN2", "W1")):
        row = _row(html, own)
        assert f"承接上级任务 《{TITLES[COUNTY]}》{parent}" in _text(row) and f'href="/board/{COUNTY}#task-{parent}"' in row
    assert 'id="peers"' not in html and '<details class="family"' not in html  # a child without children of its own
    assert not any(list_id in _visible(html) for list_id in IDS)

    # the task page of a fulfilling task and of a parent task (when task.html includes _family_task.html)
    county_task = client.get(f"/board/{COUNTY}/tasks/C1")
    assert county_task.status_code == 200


def test_the_family_in_english(family, client, auth):
    auth.login("head")
    client.get("/lang/en")
    county = _visible(client.get(f"/board/{COUNTY}").get_data(as_text=True))
    assert "3 child lists" in county and "not loaded yet" in county and "Child lists ranked" in county and "400/400 场" in county
    town = _visible(client.get(f"/board/{LINNONG}").get_data(as_text=True))
    assert "Parent list" in town and "Fulfils" in town
    assert not any(word in county + town for word in ("上级", "下级", "承接", "未载入", "本清单", "配额", "逾期"))


@BROWSER[0]
@BROWSER[1]
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_family_boards_fit_a_phone_and_a_desktop(family, live, browser, shot, size):
    page = open_as(browser, live, "head", size)
    page.goto(f"{live}/board/{COUNTY}")
    fits(page)
    assert page.locator("#task-C1 li.child").count() == 3 and page.locator("#peers a").count() == 2
    if size == "phone":  # the task table is cards: no header row shown, each row a block
        assert page.locator("table.tasks thead").first.is_hidden()
        assert page.evaluate("getComputedStyle(document.querySelector('#task-C1')).display") == "block"
    shot(page, "county")
    page.locator("#task-W1").screenshot(path=str(ARTIFACTS / f"{shot.prefix}-county-W1-row.png"))
    page.click(f"#task-C1 a[href='/board/{LINNONG}#task-LN1']")
    page.wait_for_url(re.compile(rf".*/board/{LINNONG}#task-LN1$"))
    fits(page)
    assert page.locator("#family-up a.parent-board").inner_text() == f"《{TITLES[COUNTY]}》"
    shot(page, "town")
    page.click(f"#family-up a[href='/board/{COUNTY}#task-C1']")
    page.wait_for_url(re.compile(rf".*/board/{COUNTY}#task-C1$"))
    if size == "desktop":  # print: an A4 page, every light with its word, the child lists unfolded under their task
        page.emulate_media(media="print")
        lights = page.evaluate(
            "[...document.querySelectorAll('main .light')].filter(e => e.getClientRects().length).map(e => e.innerText.trim())"
        )
        assert lights and all(lights), lights
        assert page.locator("header.top").is_hidden() and page.locator("#task-C1 li.child").nth(1).is_visible()
        fits(page)
        shot(page, "county-print")
        pdf = ARTIFACTS / f"{shot.prefix}-county.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        assert pdf.read_bytes().startswith(b"%PDF")
    page.context.close()


def test_a_board_lists_only_the_child_lists_that_need_a_look_when_there_are_many():
    """More than FOLD_AFTER child lists under a task: the board keeps the red, yellow and missing ones and says how
    many others are on track; the task page (brief=False) keeps them all."""
    from decimal import Decimal
    from types import SimpleNamespace

    from engine.queries.rollup import ChildShare
    from web.family import FOLD_AFTER, children_of

    lights = ["green", "done", "red", "yellow", None] + ["green"] * FOLD_AFTER
    shares = [
        ChildShare(f"town-{i}", f"镇{i}", "乡镇", "T1" if light else None, True, Decimal(10), Decimal(5), Decimal(10), 1, 0, light)
        for i, light in enumerate(lights)
    ]
    task = SimpleNamespace(id="C1", kind="target", target_unit="场")
    definition = SimpleNamespace(task_by_id={"C1": task})
    status = SimpleNamespace(tasks=[SimpleNamespace(id="C1", children=shares)])
    brief = children_of(definition, status, brief=True)["C1"]
    assert [row.checklist for row in brief.rows] == ["town-2", "town-3", "town-4"]
    assert brief.hidden == len(lights) - 3 and brief.folded
    assert len(children_of(definition, status)["C1"].rows) == len(lights)


def test_the_status_api_of_a_county_sees_a_towns_report_at_once(family, client, tokens, store, clock):
    """A cached county answer asks the family's version (the sum over its lists' chains) with the token: a report in a
    town changes it, so the county's next answer has the town's new figure."""
    from sqlalchemy import event

    from engine.runtime.progress import report
    from tests.web.conftest import bearer

    path, head = f"/api/checklists/{COUNTY}/status", bearer(tokens["head"])

    def c1_done(answer) -> float:
        return next(t for t in answer.get_json()["tasks"] if t["id"] == "C1")["progress"]["done"]

    first = client.get(path, headers=head)
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement != "BEGIN":
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        cached = client.get(path, headers=head)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert first.status_code == cached.status_code == 200 and cached.get_data() == first.get_data()
    assert len(seen) == 1 and "chain_heads" in seen[0] and " IN " in seen[0], seen
    report(store, task="BJ1", amount=30, actor="bj_staff", clock=clock, checklist=BAJIAO)
    after = client.get(path, headers=head | {"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and c1_done(after) == c1_done(first) + 30
