"""One person across lists, on the pages (issue 9, section 3): the county leader li, named in the county list and in
the town Linnong's list, has one account linked to the person (not to one list's entry); his inbox page and his
我的工作 page show the items of both lists, and the escalation that reached him from Bajiao (a town list that does
not name him) once, linked to its task there. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from engine.dates.clock import FixedClock
from engine.runtime.loader import load
from tests.conftest import at
from tests.engine.test_people_across_lists import BAJIAO, COUNTY, LINNONG, family, sweep
from tests.web.conftest import PASSWORD
from tests.web.test_inbox_notices import badge, groups, text


@pytest.fixture
def family_app(store, clock, plugins, steps, tmp_path):
    from engine.accounts import create_account
    from web import create_app

    lists = family(steps)
    load(store, [lists["county"], lists["linnong"], lists["bajiao"]], clock=FixedClock(at("2017-06-01")))
    sweep(store, dt.date(2017, 7, 4), dt.date(2017, 7, 4))  # C1 and L1 missed 06-30: escalated to their leader li
    sweep(store, dt.date(2017, 11, 23), dt.date(2017, 11, 23))  # L3 and B3 missed 11-15: up to the county
    # the account is linked to the person, in no list in particular (the default)
    create_account(store, "county.leader", "leader", clock=clock, password=PASSWORD, people=[("*", "li")])
    create_account(store, "county.staff", "staff", clock=clock, password=PASSWORD, people=[("*", "sun")])
    clock.at = at("2017-11-24T10:00")
    return create_app(
        {
            "TESTING": True,
            "STORE": store,
            "CLOCK": clock,
            "PLUGINS": plugins,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "WTF_CSRF_ENABLED": False,
        }
    )


@pytest.fixture
def client(family_app):
    client = family_app.test_client()
    return client


def log_in(client, account_id: str) -> None:
    assert client.post("/login", data={"account": account_id, "password": PASSWORD}).status_code == 302


def test_the_county_leaders_inbox_shows_the_notices_of_every_list_once(client):
    log_in(client, "county.leader")
    page = text(client.get("/my/inbox"))
    found = dict(groups(page))
    # C1 of the county, L1 of Linnong (which names him too), B3 of Bajiao (which does not): one notice each
    assert found == {"C1": 1, "L1": 1, "B3": 1}
    for checklist_id, task in ((COUNTY, "C1"), (LINNONG, "L1"), (BAJIAO, "B3")):
        assert f'href="/board/{checklist_id}/tasks/{task}"' in page
    # the list is named beside the task when the inbox spans lists
    assert "八角镇2017年脱贫攻坚任务清单" in page and "林农镇2017年脱贫攻坚任务清单" in page
    assert badge(page) == 3
    # marking all read reaches the notices of every list, the one from Bajiao too
    assert client.post("/my/inbox/read").status_code == 302
    assert badge(text(client.get("/my/inbox"))) == 0


def test_the_county_leaders_my_work_shows_the_tasks_of_both_his_lists(client):
    log_in(client, "county.leader")
    page = text(client.get("/my/"))
    duties = dict(re.findall(r'<section class="card duty" data-task="(\w+)">\s*<h3>.*?href="/board/([^/]+)/tasks/', page, re.S))
    assert duties.get("C1") == COUNTY and duties.get("L1") == LINNONG
    # C3 is done in the towns (assign:): on his to-do while they are behind, with their rolled-up figures and no form
    assert duties.get("C3") == COUNTY
    c3 = page.split('<section class="card duty" data-task="C3">')[1].split("</section>")[0]
    assert "0/1000" in c3 and "<form" not in c3
    assert re.search(r'id="inbox-link">[^<]*<strong>3</strong>', page)


def test_the_county_staffs_inbox_has_the_towns_escalation(client):
    log_in(client, "county.staff")
    page = text(client.get("/my/inbox"))
    # Linnong's L3 escalated to parent:responsible, the county task C3's sun: under the town's list and task, linked,
    # since the parent task's responsible person may see the child task that fulfils it (account_rules.may_view_task)
    assert ("L3", 1) in groups(page) and "林农镇2017年脱贫攻坚任务清单" in page and "L3:完成目标 逾期 5 个工作日" in page
    assert f'href="/board/{LINNONG}/tasks/L3"' in page
    assert client.get(f"/board/{LINNONG}/tasks/L3").status_code == 200


def test_a_link_is_to_the_person_in_every_list_by_default(family_app, store, qingdan):
    from engine.accounts import get_account
    from web.admin import person_choices

    made = qingdan("users", "add", "li2", "--role", "leader", "--person", "li", "--password-stdin", input=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    account = get_account(store, "li2")
    assert account.people == (("*", "li"),)
    with store.read() as conn:
        from engine.runtime.people_directory import every_loaded

        definitions = {d.id: d for d in every_loaded(conn)}
    assert account.person_in(definitions[COUNTY]) == "li" and account.person_in(definitions[LINNONG]) == "li"
    assert account.person_in(definitions[BAJIAO]) is None  # a list that does not name him
    # the accounts page offers each person once, with the lists naming them
    choices = dict(person_choices(definitions))
    assert choices["li"] == "李县长 · 林农镇2017年脱贫攻坚任务清单、盐亭县2017年脱贫攻坚任务清单"


def test_the_api_inbox_spans_the_lists_too(family_app, client, store, clock):
    from engine.accounts import issue_token

    token = issue_token(store, "county.leader", clock=clock)
    found = client.get("/api/inbox", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert sorted((n["checklist"], n["task"]) for n in found["notices"]) == [(BAJIAO, "B3"), (LINNONG, "L1"), (COUNTY, "C1")]
    assert found["unread"] == 3
