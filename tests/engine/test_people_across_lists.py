"""People across lists (issue 9, section 3): a person id is one person in every list. The same id and name in a county
list and a town list is one person with one inbox; the same id with another name is refused, naming the id, both
names and both lists; a town task's escalation to ``parent:responsible`` / ``parent:leader`` reaches the county
task's person (their inbox under the county list, their email through the test SMTP server), and the child's own
leader while the county list is not loaded. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.accounts import ANY_CHECKLIST, create_account, get_account, link_person
from engine.dates.clock import FixedClock
from engine.definition.validation import validate_text
from engine.errors import InputError
from engine.reminders.channels import ChannelSettings, builtin_channels
from engine.reminders.channels.config import SmtpSettings
from engine.reminders.notices import inbox, unread_count
from engine.reminders.sweep import run_pass
from engine.runtime.loader import load
from engine.runtime.people_directory import check_people, person_anywhere
from tests.conftest import at
from tests.engine.channels.conftest import smtp_server  # noqa: F401  (fixture)

COUNTY = "yt-county-2017"
LINNONG = "linnong-2017"
BAJIAO = "bajiao-2017"

COUNTY_YAML = """
checklist: {id: yt-county-2017, title: 盐亭县2017年脱贫攻坚任务清单, year: 2017}
units: {office: {name: 县脱贫办}}
people:
  zhou: {name: 周书记, roles: [head], email: zhou@example.cn, notify: immediate}
  li:   {name: 李县长, roles: [leader], email: li@example.cn}
  sun:  {name: 孙干事, roles: [staff], unit: office, email: sun@example.cn}
tasks:
  - id: C1
    title: 县级文艺下乡
    unit: office
    responsible: sun
    leader: li
    target: {quantity: 10, unit: 场}
    deadlines: {done: 2017-06-30}
    escalate: [{after: 1 workday, to: leader}]
  - id: C3
    title: 送文化下乡演出
    unit: office
    responsible: sun
    leader: li
    target: {quantity: 1000, unit: 场}
    deadlines: {done: 2017-11-30}
    assign:
      - {to: linnong-2017, quantity: 400}
      - {to: bajiao-2017, quantity: 600}
"""

LINNONG_YAML = """
checklist: {id: linnong-2017, title: 林农镇2017年脱贫攻坚任务清单, year: 2017, kind: 乡镇}
units: {town: {name: 林农镇党政办}}
people:
  wu: {name: 吴镇长, roles: [head]}
  ma: {name: 马专干, roles: [staff], unit: town, email: ma@example.cn}
  li: {name: LI_NAME, roles: [leader], email: li@example.cn}
tasks:
  - id: L1
    title: 林农镇挂点文艺演出
    unit: town
    responsible: ma
    leader: li
    target: {quantity: 5, unit: 场}
    deadlines: {done: 2017-06-30}
    escalate: [{after: 1 workday, to: leader}]
  - id: L3
    title: 林农镇送文化下乡演出
    unit: town
    responsible: ma
    leader: wu
    fulfils: yt-county-2017:C3
    target: {quantity: 400, unit: 场}
    deadlines: {done: 2017-11-15}
    escalate: [{after: 5 workdays, to: parent:responsible}]
"""

BAJIAO_YAML = """
checklist: {id: bajiao-2017, title: 八角镇2017年脱贫攻坚任务清单, year: 2017, kind: 乡镇}
units: {town: {name: 八角镇党政办}}
people:
  hu:   {name: 胡镇长, roles: [leader], email: hu@example.cn}
  qian: {name: 钱专干, roles: [staff], unit: town}
tasks:
  - id: B3
    title: 八角镇送文化下乡演出
    unit: town
    responsible: qian
    leader: hu
    fulfils: yt-county-2017:C3
    target: {quantity: 600, unit: 场}
    deadlines: {done: 2017-11-15}
    escalate: [{after: 5 workdays, to: parent:leader}]
"""


def family(steps, *, li_in_town: str = "李县长") -> dict:
    """The county list and its two towns; the town Linnong names the county leader ``li`` too (as ``li_in_town``)."""
    found = {}
    for name, text in (("county", COUNTY_YAML), ("linnong", LINNONG_YAML.replace("LI_NAME", li_in_town)), ("bajiao", BAJIAO_YAML)):
        result = validate_text(text, f"{name}.yaml", steps)
        assert result.ok, [p.format() for p in result.errors]
        found[name] = result.definition
    return found


def days(first: dt.date, last: dt.date):
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


def sweep(store, first: dt.date, last: dt.date, channels=()) -> None:
    for day in days(first, last):
        run_pass(store, FixedClock(at(f"{day}T09:01")), channels=channels)


def email_only(server):
    settings = ChannelSettings(smtp=SmtpSettings(host=server.host, port=server.port, sender="qingdan@example.cn"))
    return [c for c in builtin_channels(settings) if c.configured()]


# ---------------------------------------------------------------- one person, one inbox


def test_the_same_id_and_name_in_two_lists_is_one_person_with_one_inbox(store, clock, steps):
    lists = family(steps)
    load(store, [lists["county"], lists["linnong"]], clock=FixedClock(at("2017-06-01")))
    sweep(store, dt.date(2017, 6, 28), dt.date(2017, 7, 6))

    # C1 (county) and L1 (Linnong) both missed 06-30 and escalated to their leader li: one person, one inbox
    found = inbox(store, "li")
    assert {(n["checklist"], n["task"], n["kind"]) for n in found} == {(COUNTY, "C1", "escalation"), (LINNONG, "L1", "escalation")}
    # narrowed to one list, each notice shows under exactly one of his lists
    by_list = {cid: {n["id"] for n in inbox(store, "li", checklist=cid)} for cid in (COUNTY, LINNONG)}
    assert by_list[COUNTY].isdisjoint(by_list[LINNONG]) and by_list[COUNTY] | by_list[LINNONG] == {n["id"] for n in found}
    assert unread_count(store, "li", COUNTY) + unread_count(store, "li", LINNONG) == unread_count(store, "li") == 2

    # an account linked to li without naming a list acts as li in every list that names him
    create_account(store, "li.county", "leader", clock=clock, password="correct-horse-1")
    account = link_person(store, "li.county", "li", clock=clock)
    assert account.people == ((ANY_CHECKLIST, "li"),)
    assert account.person_in(lists["county"]) == "li" and account.person_in(lists["linnong"]) == "li"
    # a link to one list's entry (older data) still works, in that list only
    create_account(store, "li.town", "leader", clock=clock, people=[(LINNONG, "li")])
    old = get_account(store, "li.town")
    assert old.person_in(lists["linnong"]) == "li" and old.person_in(lists["county"]) is None

    with store.read() as conn:
        assert person_anywhere(conn, "li").name == "李县长"
        assert person_anywhere(conn, "ma", prefer=lists["county"]).name == "马专干"  # not in the county list: found in the town's
        assert person_anywhere(conn, "nobody") is None


# ---------------------------------------------------------------- one id, two names: refused


def test_the_same_id_with_another_name_is_refused_naming_the_id_both_names_and_both_lists(store, steps):
    lists = family(steps, li_in_town="李刚")
    load(store, [lists["county"]], clock=FixedClock(at("2017-06-01")))
    with store.read() as conn, pytest.raises(InputError) as refused:
        check_people(conn, [lists["linnong"]])
    assert str(refused.value) == (
        "人员标识 “li” 在清单 yt-county-2017 中是 “李县长”,在清单 linnong-2017 中是 “李刚”:同一标识只能指同一个人,请改用不同标识。"
    )
    # within one batch too, one sentence per clash
    with store.read() as conn, pytest.raises(InputError) as both:
        check_people(conn, [lists["linnong"], lists["bajiao"]])
    assert str(both.value).count("人员标识") == 1
    # the same name is one person; a list being reloaded replaces its stored self
    with store.read() as conn:
        check_people(conn, [family(steps)["linnong"], lists["bajiao"]])
        renamed = validate_text(COUNTY_YAML.replace("李县长", "李刚"), "county.yaml", steps).definition
        check_people(conn, [renamed, lists["linnong"]])


def test_lists_loaded_before_the_rule_do_not_block_an_unrelated_list(store, steps, monkeypatch):
    import engine.runtime.loader

    lists = family(steps, li_in_town="李刚")
    with monkeypatch.context() as before_the_rule:  # a database where two lists gave li two names (older data)
        before_the_rule.setattr(engine.runtime.loader, "check_people", lambda conn, definitions: None)
        load(store, [lists["county"], lists["linnong"]], clock=FixedClock(at("2017-06-01")))
    load(store, [lists["bajiao"]], clock=FixedClock(at("2017-06-02")))  # names no li: loads
    # reloading either of the two is refused until one of them gives li another id
    with pytest.raises(InputError, match="人员标识 “li” 在清单 yt-county-2017 中是 “李县长”,在清单 linnong-2017 中是 “李刚”"):
        load(
            store,
            [validate_text(LINNONG_YAML.replace("LI_NAME", "李刚"), "l.yaml", steps).definition],
            clock=FixedClock(at("2017-06-03")),
        )


def test_qingdan_load_refuses_one_id_with_two_names(qingdan, tmp_path, steps):
    (tmp_path / "county.yaml").write_text(COUNTY_YAML, encoding="utf-8")
    (tmp_path / "linnong.yaml").write_text(LINNONG_YAML.replace("LI_NAME", "李刚"), encoding="utf-8")
    (tmp_path / "bajiao.yaml").write_text(BAJIAO_YAML, encoding="utf-8")
    assert qingdan("load", "county.yaml", "bajiao.yaml").returncode == 0
    refused = qingdan("load", "linnong.yaml")
    assert refused.returncode != 0
    assert "人员标识 “li” 在清单 yt-county-2017 中是 “李县长”,在清单 linnong-2017 中是 “李刚”" in refused.stderr + refused.stdout
    (tmp_path / "linnong.yaml").write_text(LINNONG_YAML.replace("LI_NAME", "李县长"), encoding="utf-8")
    assert qingdan("load", "linnong.yaml").returncode == 0


# ---------------------------------------------------------------- escalation up the levels


def test_a_towns_escalation_reaches_the_county_tasks_people_inbox_and_email(store, steps, smtp_server):
    lists = family(steps)
    load(store, [lists["county"], lists["linnong"], lists["bajiao"]], clock=FixedClock(at("2017-06-01")))
    sweep(store, dt.date(2017, 11, 13), dt.date(2017, 11, 29), email_only(smtp_server))

    # L3 (Linnong) missed 11-15: after 5 working days, to the county task C3's responsible person sun
    (up,) = [n for n in inbox(store, "sun") if n["kind"] == "escalation"]
    assert (up["checklist"], up["task"], up["due"]) == (LINNONG, "L3", "2017-11-15")
    assert "责任人 马专干" in up["subject"]  # whom to call: the town's responsible person
    assert [n["id"] for n in inbox(store, "sun", checklist=COUNTY) if n["kind"] == "escalation"] == [up["id"]]
    mails = [m.subject for m in smtp_server.handler.mails if m.rcpt_tos == ["sun@example.cn"]]
    assert [m for m in mails if m.startswith("【督办】")] == [up["subject"]]  # (besides C1's overdue notice, caught up)
    assert up["sent_at"].startswith("2017-11-23")

    # B3 (Bajiao, a list that does not name li) escalates to C3's leader li: under the county list in his inbox,
    # never twice (Linnong names him too), on his email with the county list's address
    (to_leader,) = [n for n in inbox(store, "li") if n["checklist"] == BAJIAO]
    assert to_leader["task"] == "B3" and to_leader["kind"] == "escalation"
    assert to_leader["id"] in {n["id"] for n in inbox(store, "li", checklist=COUNTY)}
    assert to_leader["id"] not in {n["id"] for n in inbox(store, "li", checklist=LINNONG)}
    mails = [m.subject for m in smtp_server.handler.mails if m.rcpt_tos == ["li@example.cn"]]
    assert [m for m in mails if "B3" in m] == [to_leader["subject"]]
    # the county task C3 is fulfilled by the towns: it sends nothing of its own
    assert not [n for person in ("sun", "li", "zhou") for n in inbox(store, person) if n["task"] == "C3"]


def test_while_the_parent_is_not_loaded_the_escalation_goes_to_the_childs_leader(store, steps, smtp_server):
    lists = family(steps)
    load(store, [lists["bajiao"]], clock=FixedClock(at("2017-06-01")))
    sweep(store, dt.date(2017, 11, 13), dt.date(2017, 11, 24), email_only(smtp_server))
    (fallback,) = [n for n in inbox(store, "hu") if n["kind"] == "escalation"]
    assert (fallback["checklist"], fallback["task"]) == (BAJIAO, "B3")
    assert [m.rcpt_tos for m in smtp_server.handler.mails] == [["hu@example.cn"]]
    assert inbox(store, "li") == []


def test_an_escalation_up_the_levels_follows_the_digest_choice_of_the_list_above(store, steps, smtp_server):
    lists = family(steps)
    county = validate_text(
        COUNTY_YAML.replace(
            "li:   {name: 李县长, roles: [leader], email: li@example.cn}",
            "li: {name: 李县长, roles: [leader], email: li@example.cn, notify: digest}",
        ),
        "county.yaml",
        steps,
    ).definition
    load(store, [county, lists["linnong"], lists["bajiao"]], clock=FixedClock(at("2017-06-01")))
    sweep(store, dt.date(2017, 11, 23), dt.date(2017, 11, 23), email_only(smtp_server))
    # B3's escalation reached li from a list that does not name him: as the county list (the one above) says, in a
    # digest, under Bajiao's list and task
    # (the catch-up of June's C1 and L1 escalations comes too: C1's in the digest, Linnong's L1 at once as its list says)
    mails = [m for m in smtp_server.handler.mails if m.rcpt_tos == ["li@example.cn"]]
    (mail,) = [m for m in mails if m.subject.startswith("【每日汇总】")]
    assert [m.subject for m in mails if m is not mail] == ["【督办】L1:完成目标 逾期 99 个工作日,责任人 马专干"]
    assert mail.subject.startswith("【每日汇总】2017年11月23日") and "李县长" in mail.body
    assert "【八角镇2017年脱贫攻坚任务清单】" in mail.body and "【督办】" in mail.body
    with store.read() as conn:
        assert person_anywhere(conn, "li", prefer=lists["bajiao"]).notify == "digest"  # the county's entry, the list above
        assert person_anywhere(conn, "li").notify is None  # no list given: the first by id (Linnong's)
