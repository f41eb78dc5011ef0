"""A county list split among three towns and a department, each with its own list and people (issue 9), run through
2017 with the injected clock and the real sweep, on both databases (the lists: ``tests/engine/county_lists.py``).

What must hold: quotas are checked at load; the county's figures are the sum of the children's after every report
and firing; a town's overdue village shows under that town on the county's status and board; a town's escalation
reaches the county's leader; the lists may arrive in any order; one person named in two lists has one inbox; the
county ranks towns among towns and the department on its own.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from decimal import Decimal

import lxml.html
import pytest

import engine.accounts
from engine.accounts import create_account, link_person
from engine.catalog import checklist_ids, get_checklist
from engine.dates.clock import FixedClock
from engine.definition.validation import validate_file
from engine.errors import QingdanError
from engine.numbers import as_json_number
from engine.queries.status import checklist_status
from engine.reminders.notices import inbox
from engine.runtime.fire import fire
from engine.runtime.loader import load
from engine.runtime.people_directory import person_anywhere
from engine.runtime.progress import correct, report
from tests.conftest import definition_of
from tests.engine import county_lists as family_of
from tests.engine.county_lists import ALL, BAJIAO, CHILDREN, COUNTY, FULFILS, JINJI, LINNONG, QUOTAS, TITLES, TOWNS, VILLAGES, WENGUANG
from tests.engine.test_office_year import Days, clock_at, sent

#: who reports in each list (each task's responsible person)
CLERK = {COUNTY: "zhou", LINNONG: "ln_ma", BAJIAO: "bj_he", JINJI: "jj_luo", WENGUANG: "wg_deng"}
CORRECT = "correct"  # the event that reverses the list's last report on the task

#: the year: (day, list, task, amount | (village, trigger) | CORRECT), in the order of the year
YEAR = [
    ("2017-03-10", LINNONG, "L1", 40),
    ("2017-03-22", BAJIAO, "B1", 30),
    ("2017-04-12", JINJI, "J1", 50),
    ("2017-04-25", WENGUANG, "D1", 40),
    ("2017-05-05", LINNONG, "L2", ("玉城村", "start")),
    ("2017-05-18", BAJIAO, "B2", ("八角村", "start")),
    ("2017-05-26", LINNONG, "L1", 60),
    ("2017-06-02", BAJIAO, "B1", 45),
    ("2017-06-05", BAJIAO, "B1", CORRECT),  # 45 was a slip of the pen: reversed, then 35
    ("2017-06-05", BAJIAO, "B1", 35),
    ("2017-06-12", LINNONG, "L2", ("花园村", "start")),
    ("2017-06-28", JINJI, "J2", ("金鸡村", "start")),
    ("2017-07-10", JINJI, "J2", ("大兴村", "start")),  # ten days after its 06-30: escalated to 周建国 meanwhile
    ("2017-07-20", LINNONG, "L1", 80),
    ("2017-07-20", JINJI, "J1", 70),
    ("2017-07-20", WENGUANG, "D1", 50),
    ("2017-08-15", BAJIAO, "B1", 60),
    ("2017-09-08", BAJIAO, "B2", ("八角村", "finish")),
    ("2017-09-20", LINNONG, "L2", ("玉城村", "finish")),
    ("2017-09-20", JINJI, "J2", ("金鸡村", "finish")),
    ("2017-09-28", LINNONG, "L1", 80),
    ("2017-09-28", JINJI, "J1", 80),
    ("2017-09-28", WENGUANG, "D1", 50),
    ("2017-10-10", COUNTY, "C3", 1),  # the county's own task, after its 09-29: 周建国 was told in his own list
    ("2017-10-16", BAJIAO, "B1", 70),
    ("2017-10-26", JINJI, "J2", ("大兴村", "finish")),
    ("2017-10-30", WENGUANG, "D1", 30),
    ("2017-11-06", LINNONG, "L2", ("花园村", "finish")),  # three weeks after its 10-13: escalated to the county
    ("2017-11-08", WENGUANG, "D1", 30),  # 200, a week after its 10-31
    ("2017-11-08", LINNONG, "L1", 40),  # 300
    ("2017-11-17", BAJIAO, "B1", 35),  # 230 of 250 by its 11-20: escalated to the county
    ("2017-11-28", JINJI, "J1", 50),  # 250
    ("2017-12-05", BAJIAO, "B1", 20),  # 250, late
]
MONTH_ENDS = ["2017-01-31", "2017-02-28", "2017-03-31", "2017-04-28", "2017-05-31", "2017-06-30", "2017-07-31"]
MONTH_ENDS += ["2017-08-31", "2017-09-29", "2017-10-31", "2017-11-30", "2017-12-29"]


@pytest.fixture
def definitions(tmp_path, steps):
    paths = family_of.write(tmp_path / "lists", family_of.family())
    return {list_id: definition_of(path, steps) for list_id, path in paths.items()}


class County:
    """The five lists in one database: loaded, the sweep run every morning, the year's events applied in order, and
    what should have come of them kept (each child task's amount, each village's state)."""

    def __init__(self, store, definitions, plugins):
        self.store, self.definitions, self.plugins = store, definitions, plugins
        self.days = Days(store, "2017-01-03")
        self.amounts = {key: Decimal(0) for key in FULFILS if key[1] in ("L1", "B1", "J1", "D1")}
        self.rooms = {village: "planning" for town in TOWNS for village in VILLAGES[town]}
        self.entries: dict[tuple[str, str], int] = {}  # the last report entry on each (list, task), for a correction
        self.last_amount = Decimal(0)
        self.reports = []  # the LoadReports

    def load(self, order=ALL) -> None:
        for minute, list_id in enumerate(order):
            self.reports += load(self.store, [self.definitions[list_id]], clock=clock_at("2017-01-03", 8, minute))

    def run(self, until: str, after_each=None, checks=()) -> None:
        """The year's events up to ``until`` (inclusive) with the sweep each morning; ``after_each(day)`` after
        every event and on each day of ``checks``."""
        pending = sorted(set(checks))
        minute = {}
        for day, list_id, task, what in YEAR:
            if day > until:
                break
            while pending and pending[0] <= day:
                self._check(pending.pop(0), after_each)
            self.days.until(day)
            minute[day] = minute.get(day, -1) + 1
            self.apply(clock_at(day, 10, minute[day]), list_id, task, what)
            if after_each:
                after_each(day)
        for day in pending:
            if day <= until:
                self._check(day, after_each)
        self.days.until(until)

    def _check(self, day: str, after_each) -> None:
        self.days.until(day)
        if after_each:
            after_each(day)

    def apply(self, clock, list_id: str, task: str, what) -> None:
        actor = CLERK[list_id]
        if what == CORRECT:
            correct(self.store, task=task, entry=self.entries[(list_id, task)], actor=actor, clock=clock, checklist=list_id)
            self.amounts[(list_id, task)] -= self.last_amount
        elif isinstance(what, tuple):
            village, trigger = what
            fire(
                self.store, task=task, item=village, trigger=trigger, actor=actor, clock=clock, plugins=self.plugins, checklist=list_id
            )  # fmt: skip
            self.rooms[village] = {"start": "building", "finish": "completed"}[trigger]
        else:
            done = report(self.store, task=task, amount=what, actor=actor, clock=clock, checklist=list_id, note="放映场次台账")
            self.entries[(list_id, task)], self.last_amount = done.entry, Decimal(what)
            if (list_id, task) in self.amounts:
                self.amounts[(list_id, task)] += Decimal(what)


def statuses(store, day: str, hour: int = 18) -> dict:
    clock = clock_at(day, hour)
    return {list_id: checklist_status(store, list_id, clock) for list_id in ALL}


def task_status(status, task_id: str):
    return next(t for t in status.tasks if t.id == task_id)


def assert_rolled_up(found: dict, county: County | None = None) -> None:
    """The county's C1 and C2 are exactly the sum of the children's tasks that fulfil them, each child's entry in
    ``children`` is that child's own status, and (given ``county``) every figure is what the events made it."""
    parent_list = found[COUNTY]
    parent_json = {t["id"]: t for t in parent_list.as_json()["tasks"]}
    for parent_id in ("C1", "C2"):
        parent = task_status(parent_list, parent_id)
        kids = [(list_id, task_id) for (list_id, task_id), of in FULFILS.items() if of == parent_id]
        own = {list_id: task_status(found[list_id], task_id) for list_id, task_id in kids}
        assert parent.done == sum(o.done for o in own.values()), (parent_id, parent.done)
        assert parent.target == sum(o.target for o in own.values())
        assert parent.items == sum(o.items for o in own.values())
        assert parent.overdue == sum(o.overdue for o in own.values())
        states = sum((Counter(o.states) for o in own.values()), Counter())
        assert {k: v for k, v in parent.states.items() if v} == dict(states)
        assert parent_json[parent_id]["progress"] == {"done": as_json_number(parent.done), "target": as_json_number(parent.target)}
        # one entry per child, in the order of the county's assign:, each the child's own figures
        assert [(c.checklist, c.task) for c in parent.children] == kids
        for child, entry in zip(parent.children, parent_json[parent_id]["children"], strict=True):
            mine = own[child.checklist]
            assert child.loaded and child.title == TITLES[child.checklist]
            assert (child.done, child.target, child.items, child.overdue, child.light) == (
                mine.done,
                mine.target,
                mine.items,
                mine.overdue,
                mine.light,
            ), child.checklist
            assert child.quota == (Decimal(QUOTAS[child.checklist]) if parent_id == "C1" else None)
            assert entry["checklist"] == child.checklist and entry["task"] == child.task
            assert entry["progress"] == {"done": as_json_number(mine.done), "target": as_json_number(mine.target)}
            assert (entry["overdue"], entry["light"]) == (mine.overdue, str(mine.light))
    if county is None:
        return
    c1 = task_status(parent_list, "C1")
    assert c1.target == Decimal(1000)
    assert c1.done == sum(county.amounts.values())
    for (list_id, task_id), amount in county.amounts.items():
        assert task_status(found[list_id], task_id).done == amount, (list_id, task_id)
    expected_states = Counter(county.rooms.values())
    assert {k: v for k, v in task_status(parent_list, "C2").states.items() if v} == dict(expected_states)
    assert task_status(parent_list, "C2").items == len(county.rooms)


# ---- quotas and deadlines are checked when the lists are loaded --------------------------------------------------


def refusal(store, folder, steps, lists: dict, order) -> str:
    """Validate and load ``lists`` one file at a time in ``order``; the message of the first refusal (a validation
    error of one file, or a load refused as a whole). Fails when everything goes through."""
    paths = family_of.write(folder, lists)
    for minute, list_id in enumerate(order):
        checked = validate_file(str(paths[list_id]), steps)
        if not checked.ok:
            return "\n".join(p.format() for p in checked.errors)
        try:
            load(store, [checked.definition], clock=clock_at("2017-01-03", 8, minute))
        except QingdanError as refused:
            with store.read() as conn:
                assert list_id not in checklist_ids(conn)  # all or nothing: the refused list is not there
            return str(refused)
    raise AssertionError(f"nothing refused, loading {order}")


def test_quotas_that_do_not_add_up_are_refused_naming_the_difference(store, tmp_path, steps):
    lists = family_of.changed(lambda f: family_of.task_of(f, COUNTY, "C1")["target"].update(quantity=1050))
    message = refusal(store, tmp_path / "sum", steps, lists, ALL)
    assert "1000" in message and "1050" in message and re.search(r"(?<![\d.])50(?![\d.])", message), message
    assert "yanting-county-2017.yaml" in message  # a validation error of the parent file


@pytest.mark.parametrize("parent_first", [True, False], ids=["county-first", "town-first"])
def test_a_child_target_other_than_its_quota_is_refused_naming_both_lists(store, tmp_path, steps, parent_first):
    lists = family_of.changed(lambda f: family_of.task_of(f, BAJIAO, "B1")["target"].update(quantity=280))
    order = (COUNTY, BAJIAO) if parent_first else (BAJIAO, COUNTY)
    message = refusal(store, tmp_path / "quota", steps, lists, order)
    assert COUNTY in message and BAJIAO in message and "280" in message and "250" in message, message


@pytest.mark.parametrize("parent_first", [True, False], ids=["county-first", "town-first"])
def test_a_child_deadline_later_than_the_county_s_is_refused(store, tmp_path, steps, parent_first):
    lists = family_of.changed(lambda f: family_of.task_of(f, JINJI, "J1")["deadlines"].update(done=dt.date(2017, 12, 15)))
    order = (COUNTY, JINJI) if parent_first else (JINJI, COUNTY)
    message = refusal(store, tmp_path / "late", steps, lists, order)
    assert JINJI in message and COUNTY in message and "2017-12-15" in message and "2017-11-30" in message, message


def test_a_town_s_villages_other_than_its_assigned_ones_are_refused(store, tmp_path, steps):
    lists = family_of.changed(lambda f: family_of.task_of(f, LINNONG, "L2")["items"].append("新华村"))
    message = refusal(store, tmp_path / "items", steps, lists, (COUNTY, LINNONG))
    assert COUNTY in message and LINNONG in message and "新华村" in message, message


def test_one_id_with_two_names_is_refused_naming_the_id_and_both_lists(store, tmp_path, steps):
    lists = family_of.changed(lambda f: f[JINJI]["people"]["zhou"].update(name="周建民"))
    message = refusal(store, tmp_path / "names", steps, lists, (COUNTY, JINJI))
    assert "zhou" in message and COUNTY in message and JINJI in message, message


# ---- the year: the county's figures are the children's, at every step --------------------------------------------


def test_the_county_figures_are_the_sum_of_the_towns_at_every_step(store, definitions, plugins):
    county = County(store, definitions, plugins)
    county.load()
    first = statuses(store, "2017-01-03")
    assert_rolled_up(first, county)
    # each child knows the county task it fulfils
    for (list_id, task_id), parent_task in FULFILS.items():
        links = {(p.checklist, p.task, p.own_task) for p in first[list_id].parents}
        assert (COUNTY, parent_task, task_id) in links, list_id
        assert all(p.title == TITLES[COUNTY] for p in first[list_id].parents)
    assert first[COUNTY].parents == []

    checked = []

    def check(day):
        assert_rolled_up(statuses(store, day), county)
        checked.append(day)

    county.run("2017-12-29", after_each=check, checks=MONTH_ENDS)
    assert len(checked) == len(YEAR) + len(MONTH_ENDS)

    end = statuses(store, "2017-12-29")
    c1, c2 = task_status(end[COUNTY], "C1"), task_status(end[COUNTY], "C2")
    assert (c1.done, c1.target, c1.complete) == (Decimal(1000), Decimal(1000), True)
    assert (c2.items, c2.states.get("completed"), c2.finished, c2.complete) == (5, 5, 5, True)
    # the tasks the children fulfil take no work in the county: reports and firings there are refused, and they
    # send nothing of their own (the county's own C3 does)
    with pytest.raises(QingdanError):
        report(store, task="C1", amount=1, actor="zhou", clock=clock_at("2017-12-29", 11), checklist=COUNTY)
    with pytest.raises(QingdanError):
        fire(
            store,
            task="C2",
            item="玉城村",
            trigger="start",
            actor="zhou",
            clock=clock_at("2017-12-29", 11),
            plugins=plugins,
            checklist=COUNTY,
        )
    assert not sent(store, COUNTY, task="C1") and not sent(store, COUNTY, task="C2")
    assert sent(store, COUNTY, task="C3", kind="overdue")
    assert task_status(statuses(store, "2017-12-29", 19)[COUNTY], "C1").done == Decimal(1000)  # nothing changed by the refusals


# ---- a town's overdue village on the county's status and board ----------------------------------------------------


def web_client(store, clock, plugins, folder, monkeypatch, account: str, role: str, person: str | None = None):
    """The web app over the test's database at ``clock``, logged in as a new ``account`` (linked to ``person``, in
    every list naming them, when given)."""
    from web import create_app

    monkeypatch.setattr(engine.accounts, "PASSWORD_METHOD", "scrypt:1024:8:1")  # cheap hashes, as tests/web do
    create_account(store, account, role, clock=clock, password="correct-horse-1", display_name=account)
    if person:
        link_person(store, account, person, clock=clock)
    app = create_app(
        {
            "TESTING": True,
            "STORE": store,
            "CLOCK": clock,
            "PLUGINS": plugins,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(folder / "instance"),
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    assert client.post("/login", data={"account": account, "password": "correct-horse-1"}).status_code in (200, 302)
    return client


def rows_naming(html: str, list_id: str) -> list[str]:
    """The text of the innermost rows (tr / li) of the page that link down to ``list_id``'s board or name its title."""
    doc = lxml.html.fromstring(html)
    found = []
    for row in doc.iter("tr", "li"):
        links = [a.get("href") or "" for a in row.iter("a")]
        text = " ".join(row.text_content().split())
        if any(href.split("?")[0].rstrip("/").endswith(f"/board/{list_id}") for href in links) or TITLES[list_id] in text:
            found.append(row)
    innermost = [row for row in found if not any(other is not row and other in row.iterdescendants() for other in found)]
    return [" ".join(row.text_content().split()) for row in innermost]


def test_a_town_s_overdue_village_shows_under_that_town_on_the_county_status_and_board(
    store, definitions, plugins, tmp_path, monkeypatch
):  # fmt: skip
    county = County(store, definitions, plugins)
    county.load()
    county.run("2017-10-20")  # 林农镇's 花园村 was due built by 10-13 and is still being built
    found = statuses(store, "2017-10-20")
    assert_rolled_up(found, county)
    c2 = task_status(found[COUNTY], "C2")
    overdue = {c.checklist: c.overdue for c in c2.children}
    assert overdue == {LINNONG: 1, BAJIAO: 0, JINJI: 0}
    assert c2.overdue == 1
    c2_json = next(t for t in found[COUNTY].as_json()["tasks"] if t["id"] == "C2")
    shown = {e["checklist"]: e for e in c2_json["children"]}
    assert shown[LINNONG]["overdue"] == 1 and shown[LINNONG]["title"] == TITLES[LINNONG]

    client = web_client(store, clock_at("2017-10-20", 18), plugins, tmp_path, monkeypatch, "county_admin", "admin")
    page = client.get(f"/board/{COUNTY}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = rows_naming(html, LINNONG)
    assert rows, "the county board names no row for 林农镇"
    # 林农镇's row of C2 carries its one overdue village (逾期 1 项); the towns with nothing overdue are there, with none
    assert any(re.search(r"逾期\s*1\s*项", row) for row in rows), rows
    for town in (BAJIAO, JINJI):
        shown = rows_naming(html, town)
        assert shown and not any("逾期" in row for row in shown), (town, shown)


# ---- escalation up the levels -------------------------------------------------------------------------------------


def test_a_town_s_escalation_reaches_the_county_leader_and_responsible(store, definitions, plugins):
    county = County(store, definitions, plugins)
    county.load()
    county.run("2017-12-01")
    # 林农镇's 花园村 (L2: after 3 workdays to parent:leader) reaches 李国华, the county task's leader
    to_leader = [n for n in inbox(store, "li") if n["kind"] == "escalation"]
    assert any(n["task"] == "L2" and n["item"] == "花园村" and n["checklist"] == LINNONG for n in to_leader), inbox(store, "li")
    assert all(n["due"] == "2017-10-13" for n in to_leader if n["task"] == "L2")
    # the town's own clerk was told first, in her own list (10-14 is a Saturday), the county three working days on
    told = sent(store, LINNONG, task="L2", item="花园村", kind="overdue")
    escalated = sent(store, LINNONG, task="L2", item="花园村", kind="escalation")
    assert [(to, day) for day, *_, to in told] == [("ln_ma", "2017-10-16")] and [(to, day) for day, *_, to in escalated] == [
        ("li", "2017-10-19")
    ]
    # 八角镇's short count (B1: after 2 workdays to parent:responsible) reaches 周建国, the county task's responsible
    to_responsible = [n for n in inbox(store, "zhou") if n["kind"] == "escalation" and n["checklist"] == BAJIAO]
    assert [n["task"] for n in to_responsible] == ["B1"], to_responsible
    # up the levels only: nobody in the towns is the county's leader, and the county's leader hears of no village
    # that was on time
    assert {n["item"] for n in to_leader if n["checklist"] in TOWNS} == {"花园村"}
    assert not [n for n in inbox(store, "li") if n["checklist"] in (BAJIAO, JINJI, WENGUANG)]


# ---- one person, one inbox ----------------------------------------------------------------------------------------


def test_the_county_cadre_named_in_a_town_list_sees_one_inbox(store, definitions, plugins):
    county = County(store, definitions, plugins)
    county.load()
    county.run("2017-10-31")
    # 周建国 is 金鸡镇's J2 leader (挂联) and the county's C3 responsible: 大兴村's escalation and C3's overdue notice
    # come to the one person, whatever list sent them
    mine = inbox(store, "zhou")
    lists = {n["checklist"] for n in mine}
    assert {COUNTY, JINJI} <= lists, mine
    assert any(n["checklist"] == JINJI and n["task"] == "J2" and n["item"] == "大兴村" and n["kind"] == "escalation" for n in mine)
    assert any(n["checklist"] == COUNTY and n["task"] == "C3" and n["kind"] == "overdue" for n in mine)
    # the person is one: both lists name him alike (the same id with another name is refused: see above)
    with store.read() as conn:
        assert {get_checklist(conn, list_id).people["zhou"].name for list_id in (COUNTY, JINJI)} == {"周建国"}
        assert person_anywhere(conn, "zhou").name == "周建国"
    # the towns' own people are not in it
    assert not inbox(store, "jj_luo", checklist=COUNTY)


def test_an_account_linked_to_the_cadre_reads_both_lists_notices_on_one_page(store, definitions, plugins, tmp_path, monkeypatch):
    """Accounts link to people, not to one list's entry (issue 9, 3.): 周建国's account, linked to him, shows on one
    inbox page what the county list and 金鸡镇's list sent him."""
    county = County(store, definitions, plugins)
    county.load()
    county.run("2017-10-31")
    client = web_client(store, clock_at("2017-10-31", 18), plugins, tmp_path, monkeypatch, "zhoujg", "staff", person="zhou")
    page = client.get("/my/inbox")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "大兴村" in html  # 金鸡镇's escalation to its 挂联 leader
    assert "县图书馆总分馆制建设方案" in html  # the county's own C3, overdue to its responsible


# ---- ranking among peers ------------------------------------------------------------------------------------------


def test_the_county_ranks_towns_among_towns_and_the_department_on_its_own(store, definitions, plugins):
    county = County(store, definitions, plugins)
    county.load()
    county.run("2017-11-01")  # 县文广新局 is at 170 of 200, a day after its 10-31; 林农镇's 花园村 is overdue
    found = statuses(store, "2017-11-01")
    peers = found[COUNTY].peers
    assert sorted(p.unit for p in peers) == sorted(CHILDREN)
    by_unit = {p.unit: p for p in peers}
    assert {p.unit: p.kind for p in peers} == {LINNONG: "乡镇", BAJIAO: "乡镇", JINJI: "乡镇", WENGUANG: "部门"}
    assert {p.unit: p.name for p in peers} == {unit: TITLES[unit] for unit in CHILDREN}
    # the kinds are never mixed: the towns stand together, the department apart
    kinds = [p.kind for p in peers]
    assert kinds in (["乡镇"] * 3 + ["部门"], ["部门"] + ["乡镇"] * 3), kinds
    towns = [by_unit[t] for t in TOWNS]
    for town in towns:  # a town's rank counts only the towns before it
        key = (-town.score, town.overdue, town.red)
        assert town.rank == 1 + sum(1 for o in towns if (-o.score, o.overdue, o.red) < key), town
    department = by_unit[WENGUANG]
    assert department.overdue == 1 and department.score < min(t.score for t in towns)  # last, were it among the towns
    assert department.rank == 1
    assert by_unit[LINNONG].overdue == 1 and by_unit[BAJIAO].overdue == 0 and by_unit[JINJI].overdue == 0
    shown = found[COUNTY].as_json()["peers"]
    assert [(p["checklist"], p["title"], p["kind"], p["rank"], p["overdue"]) for p in shown] == [
        (p.unit, p.name, p.kind, p.rank, p.overdue) for p in peers
    ]


# ---- any order of arrival ------------------------------------------------------------------------------------------

#: what each child does on its first day, right after it is loaded (its parent may not be there yet)
FIRST_DAY = {
    LINNONG: [("L1", 120), ("L2", ("玉城村", "start")), ("L2", ("玉城村", "finish"))],
    BAJIAO: [("B1", 75), ("B1", 30)],
    JINJI: [("J2", ("金鸡村", "start")), ("J1", 90)],
    WENGUANG: [("D1", 200)],
}


def orders() -> list[tuple[str, ...]]:
    """The county at each place among the children, the children reversed around it, and a few shuffles."""
    found = [CHILDREN[:place] + (COUNTY,) + CHILDREN[place:] for place in range(len(CHILDREN) + 1)]
    shuffle = random.Random(2017)
    while len(found) < 8:
        order = list(ALL)
        shuffle.shuffle(order)
        if tuple(order) not in found:
            found.append(tuple(order))
    return found


def run_in_order(store, definitions, plugins, order) -> dict:
    """Load the lists one at a time in ``order`` on 2017-03-01, each child doing its first day's work as soon as it
    is there; the status of every list as JSON on 2017-07-05, when the villages not started are late."""
    step = 0
    for number, list_id in enumerate(order):
        step += 1
        (loaded,) = load(store, [definitions[list_id]], clock=FixedClock(clock_at("2017-03-01", 9).now() + dt.timedelta(minutes=step)))
        # a side not there yet is a warning naming it, until it arrives
        missing = [other for other in ((COUNTY,) if list_id != COUNTY else CHILDREN) if other not in order[:number]]
        for other in missing:
            assert any(other in warning for warning in loaded.warnings), (list_id, other, loaded.warnings)
        if not missing:
            assert loaded.warnings == [], (list_id, loaded.warnings)
        for task, what in FIRST_DAY.get(list_id, []):
            step += 1
            clock = FixedClock(clock_at("2017-03-01", 9).now() + dt.timedelta(minutes=step))
            if isinstance(what, tuple):
                fire(store, task=task, item=what[0], trigger=what[1], actor=CLERK[list_id], clock=clock, plugins=plugins, checklist=list_id)
            else:
                report(store, task=task, amount=what, actor=CLERK[list_id], clock=clock, checklist=list_id)
    found = statuses(store, "2017-07-05")
    return {list_id: status.as_json() for list_id, status in found.items()}, found


def test_lists_loaded_in_any_order_give_the_same_county_status(db_url, tmp_path, definitions, plugins):
    results = {}
    for number, order in enumerate(orders()):
        with family_of.fresh_store(db_url, tmp_path, f"order{number}") as store:
            results[order], found = run_in_order(store, definitions, plugins, order)
            assert_rolled_up(found)
    first_order, first = next(iter(results.items()))
    c1 = next(t for t in first[COUNTY]["tasks"] if t["id"] == "C1")
    assert c1["progress"] == {"done": 515, "target": 1000}
    c2 = next(t for t in first[COUNTY]["tasks"] if t["id"] == "C2")
    assert c2["overdue"] == 3  # 花园村, 八角村 and 大兴村 not started by their dates (玉城村 built, 金鸡村 started)
    for order, result in results.items():
        assert result[COUNTY] == first[COUNTY], (first_order, order)
        assert result == first, (first_order, order)
    # and all five in one load, the county in the middle
    with family_of.fresh_store(db_url, tmp_path, "together") as store:
        middle = (LINNONG, BAJIAO, COUNTY, JINJI, WENGUANG)
        load(store, [definitions[list_id] for list_id in middle], clock=clock_at("2017-03-01", 9))
        step = 0
        for list_id in middle:
            for task, what in FIRST_DAY.get(list_id, []):
                step += 1
                clock = FixedClock(clock_at("2017-03-01", 10).now() + dt.timedelta(minutes=step))
                if isinstance(what, tuple):
                    fire(
                        store,
                        task=task,
                        item=what[0],
                        trigger=what[1],
                        actor=CLERK[list_id],
                        clock=clock,
                        plugins=plugins,
                        checklist=list_id,
                    )
                else:
                    report(store, task=task, amount=what, actor=CLERK[list_id], clock=clock, checklist=list_id)
        assert checklist_status(store, COUNTY, clock_at("2017-07-05", 18)).as_json() == first[COUNTY]
