"""``qingdan serve --demo``: a first run that shows something. Loads the shipped checklists (``checklists/*.yaml``,
package data found by ``engine.definition.shipped``, so an installed wheel has them too) when they are not loaded yet;
on the first load of the Yanting list replays the state its source report describes at mid-year (plans approved,
tenders open, 2854 screenings of which 163 in poor villages ...); creates or resets one demo account per role linked to the Yanting
people, and returns their new passwords for the command to print.

Demo mode only: a normal ``qingdan serve`` never creates accounts or prints passwords.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.abc import Traversable
from pathlib import Path

from engine import accounts
from engine.dates.clock import FixedClock, parse_instant

YANTING = "yanting-wenguang-2017"
#: the demo clock, when no --now is given: the day the Yanting half-year report (seed 001) speaks of
DEMO_NOW = "2017-07-21T09:30"
DEMO_ACCOUNTS = {  # id → (role, Yanting person, name)
    "demo-head": ("head", "wang", "王建国(演示)"),
    "demo-leader": ("leader", "li", "李文华(演示)"),
    "demo-staff": ("staff", "zhang", "张明(演示)"),
    "demo-inspector": ("inspector", "zhao", "赵敏(演示)"),
    "demo-admin": ("admin", None, "系统管理员(演示)"),
}


@dataclass
class DemoSetup:
    loaded: list[str]
    seeded: bool
    passwords: dict[str, str]


def shipped_files(folder: Path | None = None) -> list[Traversable]:
    """The lists the demo loads: the shipped ones, or the ``*.yaml`` of ``folder``."""
    from engine.definition.shipped import shipped_lists

    if folder is None:
        return shipped_lists()
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def prepare(store, clock, plugins, folder: Path | None = None) -> DemoSetup:
    from engine.catalog import checklist_ids
    from engine.definition.validation import validate_text
    from engine.errors import ChecklistInvalid
    from engine.pluginmanager import step_types
    from engine.runtime.loader import load

    with store.read() as conn:
        present = set(checklist_ids(conn))
    definitions = []
    steps = step_types(plugins)
    for path in shipped_files(folder):
        checked = validate_text(path.read_text(encoding="utf-8-sig"), f"checklists/{path.name}", steps)
        if not checked.ok:
            raise ChecklistInvalid(checked.errors)
        if checked.definition.id not in present:
            definitions.append(checked.definition)
    loaded = (
        [
            r.checklist
            for r in load(store, definitions, clock=FixedClock(parse_instant("2017-03-01T09:00")), actor="demo")
            if r.action == "created"
        ]
        if definitions
        else []
    )
    seeded = False
    if YANTING in loaded:
        _seed_yanting(store, plugins)
        seeded = True
    passwords = {}
    existing = {a.id for a in accounts.list_accounts(store)}
    for account_id, (role, person, name) in DEMO_ACCOUNTS.items():
        if account_id in existing:
            passwords[account_id] = accounts.reset_password(store, account_id, clock=clock, actor="demo")
        else:
            password = accounts.new_password()
            accounts.create_account(
                store,
                account_id,
                role,
                clock=clock,
                password=password,
                display_name=name,
                people=[(accounts.ANY_CHECKLIST, person)] if person else [],  # person ids are global
                actor="demo",
            )
            passwords[account_id] = password
    return DemoSetup(loaded, seeded, passwords)


#: the award of the broadcast upgrade (T2): the report says the procurement was done by mid-year; dates keep the law's
#: 20-day bidding period and 3-day publicity, and the contract was signed within 30 days
AWARD_T2 = {
    "announced": "2017-05-08",
    "bid_deadline": "2017-05-31",
    "winner": "四川某广播电视工程有限公司",
    "amount": "18.6",
    "publicity": "2017-06-05",
    "award_notice": "2017-06-12",
    "contract_signed": "2017-06-19",
}


def _seed_yanting(store, plugins) -> None:
    """The mid-year state of seed 001, replayed through the engine with the dates the report gives or implies, in the
    order they happened (the audit trail refuses an entry earlier than the one before it)."""
    from engine.runtime.fire import fire
    from engine.runtime.progress import report

    def at(day: str) -> FixedClock:
        return FixedClock(parse_instant(day))

    def fire_at(day, task, item, trigger, actor, note=None, data=None):
        fire(
            store,
            task=task,
            item=item,
            trigger=trigger,
            actor=actor,
            clock=at(day),
            plugins=plugins,
            note=note,
            data=data,
            checklist=YANTING,
        )

    villages_t1 = [
        "林农镇玉城村",
        "八角镇人民村",
        "茶亭燕来村",
        "石牛庙红联村",
        "云溪石牌村",
        "金安华龙村",
        "云溪三清村",
        "金安龙华村",
        "黑坪高罐村",
        "林农安定村",
        "麻秧天水村",
    ]
    villages_t2 = ["云溪三清村", "金安龙华村", "黑坪高罐村", "林农安定村", "麻秧天水村", "石牛庙红联村"]
    for village in villages_t2:
        fire_at("2017-04-20T10:00", "T2", village, "approve_plan", "li", note="技术实施方案已审定")
    for village in villages_t2:
        fire_at("2017-05-08T10:00", "T2", village, "open_tender", "chen")
    fire_at("2017-05-15T10:00", "T6", None, "script_done", "zhang")
    for village in villages_t1:
        fire_at("2017-05-26T10:00", "T1", village, "approve_plan", "li", note="实施方案已通过审定")
    report(
        store, task="T5", amount=2, actor="zhang", clock=at("2017-05-31T16:00"), note="向折弓乡、金鸡镇送文艺专场演出2场", checklist=YANTING
    )
    fire_at("2017-06-05T10:00", "T6", None, "cast_done", "zhang", note="已完成演员选拔、音乐制作,正在排练")
    for village in villages_t1:
        fire_at("2017-06-20T10:00", "T1", village, "open_tender", "zhang", note="正在招标中,预计7月中旬确定中标单位")
    for village in villages_t2:
        fire_at("2017-06-20T10:00", "T2", village, "award", "chen", note="已完成招标采购", data=AWARD_T2)
    fire_at("2017-06-28T10:00", "T7", "安家镇鹅溪村", "approve_plan", "li", note="创意方案已制定,立项完成")
    report(store, task="T3", amount=1057, actor="chen", clock=at("2017-06-30T17:00"), note="已完成1057户电视户户通", checklist=YANTING)
    report(store, task="T4", amount=2691, actor="chen", clock=at("2017-06-30T17:00"), note="截止6月底,非贫困村放映", checklist=YANTING)
    report(
        store,
        task="T4",
        amount=163,
        part="poor",
        actor="chen",
        clock=at("2017-06-30T17:05"),
        note="25个贫困村共放映163场",
        checklist=YANTING,
    )


def demo_start(store) -> dt.datetime:
    """Where the demo clock starts: ``DEMO_NOW`` on a fresh database; on one a demo already ran, where its record
    ends, since the audit trail only moves forward in time."""
    from engine.runtime.audit import newest_entry

    start = parse_instant(DEMO_NOW)
    with store.read() as conn:
        newest = newest_entry(conn)
    return max(start, newest) if newest is not None else start
