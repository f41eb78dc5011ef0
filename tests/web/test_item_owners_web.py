"""Items of their own on the web (issue 10, item 1): my work (我的工作) lists the items a person owns across tasks and
lists, with the owner's buttons on their own items only; the task page shows each item's owner, due date, share and
note."""

from __future__ import annotations

import re

from tests.engine.test_item_owners import LIST, compiled
from tests.web.conftest import PASSWORD
from tests.web.test_pages import text


def _entries(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="work[^"]*" data-task="(\w+)" data-item="([^"]+)"', page)


def _load_two_lists(store, clock, steps):
    from engine.accounts import create_account
    from engine.runtime.loader import load

    second = LIST.replace("id: own-2017", "id: own2-2017").replace("title: 帮扶清单", "title: 第二份帮扶清单")
    load(store, [compiled(LIST, steps), compiled(second, steps)], clock=clock)
    create_account(store, "wu", "staff", clock=clock, password=PASSWORD, display_name="吴刚", people=[("*", "wu")])


def test_my_work_lists_owned_items_across_lists_with_buttons_on_them_only(client, auth, store, clock, steps):
    _load_two_lists(store, clock, steps)
    auth.login("wu")
    page = text(client.get("/my/"))
    entries = _entries(page)
    assert entries.count(("T1", "王家户")) == 2  # one in each list
    assert ("T1", "李家户") not in entries and ("T1", "林农镇玉城村") not in entries  # chen's, and the task's own
    item = page.split('data-task="T1" data-item="王家户"')[1].split("\n  </li>")[0]
    assert 'data-trigger="finish"' in item  # the owner's button, as the responsible person's
    assert page.count('class="card duty" data-task="T2"') == 2  # the share 甲村 of T2, in each list


def test_task_page_shows_each_items_own(client, auth, store, clock, steps):
    _load_two_lists(store, clock, steps)
    auth.login("head")
    page = text(client.get("/board/own-2017/tasks/T1"))
    row = page.split('data-item="王家户"')[1].split("</tr>")[0]
    assert "负责人 吴刚" in row and "2017-06-30" in row and "因病" in row
    assert "wu" not in re.sub(r"<[^>]+>", "", row)  # the person's name, never the id
    assert "本项期限" in row
    target = text(client.get("/board/own-2017/tasks/T2"))
    share = target.split('data-item="甲村"')[1].split("</tr>")[0]
    assert "分担 4 万元" in share and "负责人 吴刚" in share
    # a staff member who owns nothing of T1 and is not of its unit does not see other people's items as theirs
    auth.logout()
    auth.login("wu")
    mine = text(client.get("/board/own-2017/tasks/T1"))
    rows = {name: mine.split(f'data-item="{name}"')[1].split("</tr>")[0] for name in ("王家户", "李家户")}
    assert 'data-trigger="finish"' in rows["王家户"] and 'data-trigger="finish"' not in rows["李家户"]


def test_status_json_lists_items_with_their_own(store, clock, steps):
    from engine.queries.status import checklist_status

    _load_two_lists(store, clock, steps)
    board = checklist_status(store, "own-2017", clock).as_json()
    t1 = next(t for t in board["tasks"] if t["id"] == "T1")
    assert t1["own_items"] == [
        {"name": "王家户", "owner": "wu", "due": "2017-06-30", "quantity": None, "note": "因病"},
        {"name": "李家户", "owner": "chen", "due": None, "quantity": None, "note": None},
    ]
    t2 = next(t for t in board["tasks"] if t["id"] == "T2")
    assert [(i["name"], i["quantity"]) for i in t2["own_items"]] == [("甲村", 4), ("乙村", 6)]
    assert t1["items"] == 3 and "progress" in t1  # the existing fields are unchanged


def test_a_holder_by_transfer_sees_the_task_page(client, auth, store):
    from sqlalchemy import update

    from engine.store.tables import items, tasks
    from tests.web.conftest import CHECKLIST

    auth.login("staff")  # zhang of 文化股; T2 is 广电股's (chen)
    assert client.get(f"/board/{CHECKLIST}/tasks/T2").status_code == 403
    with store.write() as conn:  # a transfer of one village to zhang (qingdan transfer writes items.owner)
        t2 = conn.execute(tasks.select().where(tasks.c.checklist_id == CHECKLIST, tasks.c.key == "T2")).first().id
        conn.execute(update(items).where(items.c.task_id == t2, items.c.name == "云溪三清村").values(owner="zhang"))
    page = client.get(f"/board/{CHECKLIST}/tasks/T2")
    assert page.status_code == 200
    assert client.get(f"/board/{CHECKLIST}/tasks/T3").status_code == 403  # nothing of T3 is theirs


def test_an_owner_asks_for_more_time_on_their_own_item_from_the_task_page(client, auth, store, clock, steps):
    """The extension form offers an owner their own items only (the responsible person every item), and an owner's
    request on another's item is refused by the route as by the engine."""
    _load_two_lists(store, clock, steps)
    auth.login("wu")
    page = text(client.get("/board/own-2017/tasks/T1"))
    form = page.split('id="extension-form"')[1].split("</form>")[0]
    assert "王家户|" in form and "李家户|" not in form and "林农镇玉城村|" not in form
    choice = re.search(r'<option value="(王家户\|[^"]+)"', form).group(1)
    asked = client.post(
        "/supervision/extension",
        data={"checklist": "own-2017", "task": "T1", "deadline_choice": choice, "requested_due": "2017-07-31", "reason": "户主住院"},
    )
    assert asked.status_code == 302
    assert "户主住院" in text(client.get("/board/own-2017/tasks/T1"))
    other = choice.replace("王家户", "李家户")
    refused = client.post(
        "/supervision/extension",
        data={"checklist": "own-2017", "task": "T1", "deadline_choice": other, "requested_due": "2017-07-31", "reason": "x"},
    )
    assert refused.status_code == 403
