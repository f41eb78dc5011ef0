"""No internal word reaches a reader: every page, for every role, in the Chinese UI shows no trigger, state, person,
part, unit, rule, milestone or step-data id of the loaded lists, no engine word (``deadline_met``, ``system``,
``overdue`` …), no ISO/UTC timestamp and no raw JSON; the English UI shows no id either (English words are fine
there). Only what a reader sees is read: text nodes and the ``<title>`` (scripts, styles and attribute values are
skipped, so ``data-trigger="award"`` and hidden form values may hold ids).

The store has a history first: fired steps (tender data, an inspection failure and its rectification deadline),
reports with a part, a correction, funds entries and the sweep's notices; the flash messages and refusal pages of
those actions are checked as well.

The pages are ``tests/web/every_page.py``'s for each account (boards, documents, task pages in scope, my work, the
inbox, admin and plugin pages, error pages), plus every page of every area requested as every role (a page a role
may not use answers with the refusal page, which is read too). The accounts have ids and names that are no id of
the list and no engine word (``wjg`` 王建国 …), so what is found is a real leak, not the test's own data.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

import engine
from engine.runtime.fire import fire
from tests.conftest import CHECKLISTS, HUANGJIN, YANTING, at, definition_of
from tests.web.conftest import CHECKLIST, PASSWORD
from tests.web.every_page import urls_for
from tests.web.test_pages import AWARD

TOWN = CHECKLISTS / "town-rectification-2019.yaml"
FAILING_ROUND = {"c0": "260", "c1": "60", "c2": "1", "c3": "2", "c4": "1", "c5": "1"}
#: account id → (role, person, display name): no id of the list, no engine word
ACCOUNTS = {
    "wjg": ("head", "wang", "王局长"),
    "lwh": ("leader", "li", "李副局长"),
    "zm": ("staff", "zhang", "张明"),
    "ch": ("staff", "chen", "陈红"),
    "zm2": ("inspector", "zhao", "赵敏"),
    "gly": ("admin", None, "管理员"),
}
BY_ROLE = {"head": "wjg", "leader": "lwh", "staff": "zm", "staff2": "ch", "inspector": "zm2", "admin": "gly"}
#: Latin words of the test's own data a page may show: account ids (login names)
ALLOWED = frozenset(ACCOUNTS)
#: the lists' ids, which the admin's checklists page shows whole (the command line, the API and the addresses use them)
LIST_IDS = (CHECKLIST, "huangjin-village-2019", "town-rectification-2019")
TASKS = ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8")
INSPECTED = "林农镇玉城村"

#: engine words that must never be shown in the Chinese UI (whole tokens)
ENGINE_WORDS = {
    "deadline_met", "deadline_missed", "system", "overdue", "reminder", "escalation", "transition", "report",
    "correction", "notice", "inspection", "funds", "record", "load", "reload", "forced_reload", "forced_state",
    "on_time", "late", "missed", "open", "void", "red", "yellow", "green", "done", "passed", "failed",
    "pending", "sent", "abandoned", "allocate", "disburse", "spend", "head", "leader", "staff", "inspector",
    "admin", "responsible", "workflow", "target", "recurring", "tendering", "acceptance", "null", "None", "True",
    "False",
}  # fmt: skip
#: Latin words a Chinese page may show: the language link, the brand, file kinds and programs people know
LATIN_WORDS = {"English", "qingdan", "PDF", "Excel", "Word", "WPS", "YAML", "docx", "xlsx", "xls", "yaml", "pdf", "png", "jpg"}
LATIN_WORDS |= {"jpeg", "JPG", "PNG", "API", "CSRF", "Bearer", "GB", "KB", "MB", "A4"}
TASK_ID = re.compile(r"^[A-Z]{1,3}\d{1,4}$")  # T1, R5, Z2: the task numbers the lists themselves print
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z\b|[+-]00:00\b|\d{2}:\d{2}:\d{2}\.\d+")
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Visible(HTMLParser):
    """The text a reader sees: text nodes outside script/style, and the title."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    parser.close()
    return "\n".join(p for p in parser.parts if p.strip())


def definition_ids(definitions) -> set[str]:
    """Every id of the loaded definitions: triggers, states, people, units, parts, workflows, milestones, step-data
    keys and derived-deadline rule ids of the step types in use."""
    from engine.pluginmanager import get_plugin_manager, step_types

    found: set[str] = set()
    steps = step_types(get_plugin_manager())
    for definition in definitions:
        found |= set(definition.people) | set(definition.units) | set(definition.workflows)
        for workflow in definition.workflows.values():
            found |= set(workflow.states)
            for transition in workflow.transitions:
                found.add(transition.trigger)
            for state in workflow.states.values():
                step = steps.get(state.step) if state.step else None
                if step is not None:
                    found.add(step.name)
                    found |= {f.key for f in getattr(step, "data_fields", ())}
                    found |= {r.key for r in getattr(step, "derived_deadlines", ()) if hasattr(r, "key")}
        for task in definition.tasks:
            found |= set(task.deadlines) | {p.id for p in task.parts} | set(task.options)
    found |= {"rectify", "contract"}  # the acceptance and tendering plugins' deadline rules
    return {i for i in found if i and not i.isdigit()}


def offences(html: str, ids: set[str], *, chinese: bool, allowed: frozenset = frozenset()) -> list[str]:
    """The internal words ``html`` shows. In Chinese, any other Latin word is one too, unless ``allowed`` (account
    ids, which are what people log in with) or ``LATIN_WORDS`` or a task number: a new English word in a Chinese page
    fails here before anyone reads it."""
    shown = visible(html)
    for list_id in LIST_IDS:
        shown = shown.replace(list_id, " ")
    tokens = set(TOKEN.findall(shown))
    found = sorted(t for t in tokens if t in ids or (chinese and t in ENGINE_WORDS))
    if chinese:
        found += sorted(
            t for t in tokens - set(found) if t not in LATIN_WORDS and t not in allowed and not TASK_ID.match(t) and not t.startswith("_")
        )
    if chinese:
        found += [m.group(0) for m in TIMESTAMP.finditer(shown)]
        found += ['{"'] if '{"' in shown else []
    return found


def context(html: str, word: str) -> str:
    shown = visible(html)
    at_ = shown.find(word)
    return shown[max(0, at_ - 60) : at_ + 60].replace("\n", " | ")


# ---------------------------------------------------------------- a store with a history


@pytest.fixture
def accounts(store, clock, yanting):
    """Overrides the web tests' accounts (ids ``head``, ``staff`` … would be found as engine words)."""
    from engine.accounts import create_account

    for account_id, (role, person, name) in ACCOUNTS.items():
        people = [(CHECKLIST, person)] if person else []
        create_account(store, account_id, role, clock=clock, password=PASSWORD, display_name=name, people=people, actor="gly")
    return ACCOUNTS


def _login(client, account):
    client.post("/logout")
    response = client.post("/login", data={"account": account, "password": PASSWORD})
    assert response.status_code == 302, account


@pytest.fixture
def populated(app, client, store, clock, plugins, steps, tmp_path):
    """The Yanting list with funds on T8, a day's work done through the pages and the engine, notices swept.

    Returns the pages the actions answered (flash messages, refusals) as (what, html, is_chinese)."""
    from engine.definition.validation import validate_text
    from engine.reminders.sweep import run_pass
    from engine.runtime.loader import load
    from engine.runtime.progress import report
    from plugins.funds import record as funds

    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    text_ = YANTING.read_text(encoding="utf-8").replace(
        "    target: {quantity: 172.12, unit: 万元}\n", "    target: {quantity: 172.12, unit: 万元}\n    funds: {budget: 172.12}\n"
    )
    checked = validate_text(text_, "yanting.yaml", steps)
    assert checked.ok, [p.format() for p in checked.errors]
    load(store, [checked.definition], clock=clock, actor="gly")

    def step(minutes=1):
        clock.at = clock.at + dt.timedelta(minutes=minutes)

    for item in (INSPECTED, "茶亭燕来村"):
        for trigger, actor, data in (
            ("approve_plan", "li", None),
            ("open_tender", "zhang", None),
            ("award", "zhang", AWARD),
            ("finish", "zhang", None),
            ("request_inspection", "zhang", None),
        ):
            step()
            fire(store, task="T1", item=item, trigger=trigger, actor=actor, clock=clock, plugins=plugins, data=data, note="按计划推进")
    step()
    report(store, task="T4", amount=12, part="poor", actor="chen", clock=clock, note="贫困村放映", checklist=CHECKLIST)
    for action, amount in (("allocate", "172.12"), ("disburse", "100"), ("spend", "43.03")):
        step()
        funds(store, task="T8", action=action, amount=amount, on_date="2017-07-01", document="川财教〔2017〕137号", actor="he", clock=clock)
    pages = []

    def keep(what, response, chinese=True):
        pages.append((what, response.get_data(as_text=True), chinese))
        return response

    # an inspection failure: the item goes to rectification with a deadline
    _login(client, BY_ROLE["inspector"])
    step()
    data = {**FAILING_ROUND, "item": INSPECTED, "expect_state": "inspecting", "note": "活动室面积不足"}
    keep("inspection failed", client.post(f"/inspect/{CHECKLIST}/T1", data=data, follow_redirects=True))
    keep("inspection incomplete", client.post(f"/inspect/{CHECKLIST}/T1", data={"item": "茶亭燕来村", "c0": "300"}))
    # the leader approves a plan; the staff member moves the sketch on, reports, corrects; stale and refused forms
    _login(client, BY_ROLE["leader"])
    step()
    fired = {"checklist": CHECKLIST, "task": "T1", "item": "八角镇人民村", "trigger": "approve_plan", "expect_state": "planning"}
    keep("leader fires", client.post("/my/fire", data=fired, follow_redirects=True))
    keep("stale form", client.post("/my/fire", data=fired))
    _login(client, BY_ROLE["staff"])
    step()
    sketch = {"checklist": CHECKLIST, "task": "T6", "trigger": "script_done", "expect_state": "script"}
    keep("staff fires", client.post("/my/fire", data=sketch, follow_redirects=True))
    keep("staff may not", client.post("/my/fire", data={**fired, "item": "石牛庙红联村"}))
    keep("stale state", client.post("/my/fire", data={**sketch, "trigger": "cast_done"}))
    keep("no such step now", client.post("/my/fire", data={"checklist": CHECKLIST, "task": "T6", "trigger": "premiere"}))
    award = {"checklist": CHECKLIST, "task": "T1", "item": "八角镇人民村", "trigger": "open_tender", "expect_state": "plan_approved"}
    keep("staff opens the tender", client.post("/my/fire", data=award, follow_redirects=True))
    award = {**award, "trigger": "award", "expect_state": "tendering", "data_winner": "某公司"}
    keep("award without its data", client.post("/my/fire", data=award, follow_redirects=True))
    step()
    keep(
        "report",
        client.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "3", "note": "送戏下乡"}, follow_redirects=True),
    )
    keep("report over", client.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "300"}))
    keep("report elsewhere", client.post("/my/report", data={"checklist": CHECKLIST, "task": "T4", "amount": "1"}))
    entry = max(e["data"]["entry"] for e in engine.task_history(store, "T5", None, CHECKLIST) if e["kind"] == "report")
    step()
    keep(
        "correction",
        client.post(
            "/my/correct", data={"checklist": CHECKLIST, "task": "T5", "entry": str(entry), "note": "重复报送"}, follow_redirects=True
        ),
    )
    _login(client, BY_ROLE["staff2"])
    keep(
        "report part",
        client.post("/my/report", data={"checklist": CHECKLIST, "task": "T4", "amount": "1", "part": "poor"}, follow_redirects=True),
    )
    # 督办: a red notice with its reply; an extension asked and approved; the other shipped lists, with a step each
    from engine.runtime import extension_requests, supervision

    step()
    issued = supervision.issue(
        store,
        task="T1",
        item="八角镇人民村",
        colour="red",
        instruction="尽快开标",
        reply_by="2017-07-25",
        actor="li",
        clock=clock,
        checklist=CHECKLIST,
    )
    step()
    supervision.reply(store, supervision_id=issued.id, text="本周内开标", actor="zhang", clock=clock)
    step()
    asked = extension_requests.request(
        store, task="T1", item=INSPECTED, requested_due="2017-08-20", reason="雨季停工", actor="zhang", clock=clock, checklist=CHECKLIST
    )
    step()
    extension_requests.decide(store, request_id=asked.id, approve=True, actor="li", clock=clock, note="同意")
    others = [definition_of(path, steps) for path in (HUANGJIN, TOWN)]
    load(store, others, clock=clock, actor="gly")
    # the sweep at 09:00 the next working day: reminders, overdue notices, escalations
    clock.at = at("2017-07-24T09:30")
    run_pass(store, clock, channels=())
    # two deliveries that failed, one to be retried (its next attempt is a UTC instant in the table); the address and
    # error are left empty here: they are the channel's own words (an e-mail address, a robot's answer), shown as given
    from sqlalchemy import insert, select

    from engine.store.tables import deliveries, notices

    with store.write() as conn:
        first, second = conn.execute(select(notices.c.id).order_by(notices.c.id).limit(2)).scalars().all()
        conn.execute(
            insert(deliveries),
            [
                {"notice_id": first, "channel": "dingtalk", "status": "failed", "attempts": 2, "next_attempt_at": clock.now()},
                {"notice_id": second, "channel": "email", "status": "abandoned", "attempts": 5, "next_attempt_at": None},
            ],
        )
    return pages


def page_urls(app, account_id) -> list[str]:
    """``every_page``'s pages of the account, then every page of every area (refusals included)."""
    inspect_item = f"/inspect/{CHECKLIST}/T1?item={INSPECTED}"
    every = urls_for(app, account_id)
    return every + [url for url in [
        "/",
        "/board/",
        f"/board/{CHECKLIST}",
        f"/board/{CHECKLIST}?light=red",
        f"/board/{CHECKLIST}/documents",
        f"/funds/{CHECKLIST}/T8",
        *[f"/board/{CHECKLIST}/tasks/{t}" for t in TASKS],
        f"/board/{CHECKLIST}/tasks/T99",
        "/my/",
        "/my/inbox",
        "/inspect/",
        inspect_item,
        f"/inspect/{CHECKLIST}/T1?item=茶亭燕来村",
        "/admin/accounts",
        "/admin/checklists",
        "/admin/audit",
        "/admin/deliveries",
        "/account/password",
        "/no-such-page",
    ] if url not in every]  # fmt: skip


def _walk(app, client, role, ids, *, chinese):
    found = {}
    for url in page_urls(app, BY_ROLE[role]):
        response = client.get(url, follow_redirects=True)
        html = response.get_data(as_text=True)
        assert "<title>" in html, (role, url, response.status_code)
        for word in offences(html, ids, chinese=chinese, allowed=ALLOWED):
            found.setdefault(word, f"{role} {url}: …{context(html, word)}…")
    return found


def loaded(app):
    from web import services

    return list(services.Services.definitions(app.extensions["qingdan"]).values())


def test_no_internal_ids_in_the_chinese_pages(app, client, populated, yanting):
    ids = definition_ids(loaded(app))
    found = {}
    for what, html, chinese in populated:
        for word in offences(html, ids, chinese=chinese, allowed=ALLOWED):
            found.setdefault(word, f"{what}: …{context(html, word)}…")
    for role in BY_ROLE:
        _login(client, BY_ROLE[role])
        found.update({k: v for k, v in _walk(app, client, role, ids, chinese=True).items() if k not in found})
    # what the ids became is there: a step by its label, people by name, times in the list's zone
    _login(client, BY_ROLE["admin"])
    deliveries = visible(client.get("/admin/deliveries").get_data(as_text=True))
    assert "钉钉" in deliveries and "失败,将重试" in deliveries and "2017-07-24 09:30" in deliveries and "已放弃" in deliveries
    audit = visible(client.get("/admin/audit").get_data(as_text=True))
    assert "系统" in audit and "赵敏" in audit and "数量:12" in audit and "分项:贫困村放映" in audit
    _login(client, BY_ROLE["head"])
    history = visible(client.get(f"/board/{CHECKLIST}/tasks/T4").get_data(as_text=True))
    assert "(贫困村放映)" in history
    assert not found, "internal words shown:\n" + "\n".join(f"{k!r} in {v}" for k, v in sorted(found.items()))


def test_no_internal_ids_in_the_english_pages(app, client, populated, yanting):
    """English words are fine in the English UI (``award amount``, ``close``), ids are not: the ids that cannot be
    English words are looked for, those written with ``_`` or a digit (``approve_plan``, ``bid_deadline``) and the
    people's pinyin ids (``zhang``), except the few that are English words too (``he``, ``sun``)."""
    definitions = loaded(app)
    people = {p for d in definitions for p in d.people} - {"he", "sun", "song", "long", "fan", "man", "bin", "an"}
    ids = {i for i in definition_ids(definitions) if "_" in i or any(c.isdigit() for c in i)} | people
    found = {}
    for role in BY_ROLE:
        _login(client, BY_ROLE[role])
        client.get("/lang/en")
        found.update({k: v for k, v in _walk(app, client, role, ids, chinese=False).items() if k not in found})
    assert not found, "ids shown in the English pages:\n" + "\n".join(f"{k!r} in {v}" for k, v in sorted(found.items()))


def test_the_checker_sees_what_a_reader_sees():
    """Attribute values and scripts are not read; text nodes and the title are; whole tokens only."""
    html = '<title>award · 任务</title><p data-trigger="award">开标<script>var x = "zhang"</script> zhangsan</p>'
    assert offences(html, {"award", "zhang"}, chinese=False) == ["award"]  # whole tokens: zhangsan is not zhang
    assert offences(html, {"award", "zhang"}, chinese=True) == ["award", "zhangsan"]  # any other Latin word in Chinese
    assert offences('<p>2017-07-21T02:00:00+00:00 {"a": 1}</p>', set(), chinese=True, allowed=frozenset({"a"})) == [
        "2017-07-21T02:00",
        "+00:00",
        '{"',
    ]
    assert offences("<p>系统 2017-07-21 10:00</p>", {"system"}, chinese=True) == []
    assert offences("<p>T1 PDF gly due</p>", set(), chinese=True, allowed=frozenset({"gly"})) == ["due"]
