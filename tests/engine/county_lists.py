"""The county family of lists that ``test_county_year`` runs through 2017: a county list whose two tasks are split
among three towns (乡镇) and one department (部门), each with its own list and its own people.

The lists are built as plain data (``family()``), so a test can change one value to make a list the engine must
refuse, and written as YAML files (``write()``) that go through validation and loading as an office's files do.
The county cadre 周建国 (``zhou``) is named in the county list and, with the same id and name, in 金鸡镇's list
(挂联县领导): one person in two lists.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from contextlib import contextmanager
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text

COUNTY = "yanting-county-2017"
LINNONG, BAJIAO, JINJI, WENGUANG = "linnong-2017", "bajiao-2017", "jinji-2017", "wenguang-2017"
TOWNS = (LINNONG, BAJIAO, JINJI)
CHILDREN = (*TOWNS, WENGUANG)
ALL = (COUNTY, *CHILDREN)
TITLES = {
    COUNTY: "盐亭县2017年农村文化惠民工程任务清单",
    LINNONG: "林农镇2017年农村文化惠民工程任务清单",
    BAJIAO: "八角镇2017年农村文化惠民工程任务清单",
    JINJI: "金鸡镇2017年农村文化惠民工程任务清单",
    WENGUANG: "县文广新局2017年农村文化惠民工程任务清单",
}
#: the county task each child task fulfils: (child list, child task) → county task
FULFILS = {
    (LINNONG, "L1"): "C1",
    (BAJIAO, "B1"): "C1",
    (JINJI, "J1"): "C1",
    (WENGUANG, "D1"): "C1",
    (LINNONG, "L2"): "C2",
    (BAJIAO, "B2"): "C2",
    (JINJI, "J2"): "C2",
}
QUOTAS = {LINNONG: 300, BAJIAO: 250, JINJI: 250, WENGUANG: 200}  # of C1's 1000 场
VILLAGES = {LINNONG: ["玉城村", "花园村"], BAJIAO: ["八角村"], JINJI: ["金鸡村", "大兴村"]}  # C2's items

D = dt.date.fromisoformat

# every list runs the same small workflow for a village's cultural room (村级文化活动室)
WORKFLOWS = {
    "room": {
        "title": "村级文化活动室建设",
        "initial": "planning",
        "states": {
            "planning": {"label": "选址规划"},
            "building": {"label": "施工中"},
            "completed": {"label": "已建成", "final": True},
        },
        "transitions": [
            {"trigger": "start", "from": "planning", "to": "building", "by": ["responsible"], "label": "开工"},
            {"trigger": "finish", "from": "building", "to": "completed", "by": ["responsible"], "label": "建成"},
        ],
    }
}


def _header(list_id: str, kind: str | None) -> dict:
    header = {"id": list_id, "title": TITLES[list_id], "year": 2017, "timezone": "Asia/Shanghai", "calendar": "cn", "notify_at": "08:30"}
    if kind:
        header["kind"] = kind
    return header


def _county() -> dict:
    return {
        "checklist": {**_header(COUNTY, None), "issued_by": "中共盐亭县委办公室", "owner": "盐亭县人民政府"},
        "units": {"wenhua": {"name": "县文化股"}},
        "people": {
            "wang": {"name": "王志刚", "roles": ["head"]},  # 县长
            "li": {"name": "李国华", "roles": ["leader"]},  # 分管副县长
            "zhou": {"name": "周建国", "roles": ["staff"], "unit": "wenhua"},  # 县文化股股长, 挂联金鸡镇
        },
        "workflows": WORKFLOWS,
        "tasks": [
            {
                "id": "C1",
                "title": "农村公益电影放映",
                "unit": "wenhua",
                "responsible": "zhou",
                "leader": "li",
                "target": {"quantity": 1000, "unit": "场"},
                "deadlines": {"done": D("2017-11-30")},
                "assign": [{"to": child, "quantity": quota} for child, quota in QUOTAS.items()],
            },
            {
                "id": "C2",
                "title": "村级文化活动室建设",
                "unit": "wenhua",
                "responsible": "zhou",
                "leader": "li",
                "workflow": "room",
                "items": [v for town in TOWNS for v in VILLAGES[town]],
                "deadlines": {"building": D("2017-06-30"), "completed": D("2017-10-31")},
                "assign": [{"to": town, "items": list(VILLAGES[town])} for town in TOWNS],
            },
            {  # the county's own task, done by no child: 周建国 answers for it himself
                "id": "C3",
                "title": "县图书馆总分馆制建设方案",
                "unit": "wenhua",
                "responsible": "zhou",
                "leader": "li",
                "target": {"quantity": 1, "unit": "份"},
                "deadlines": {"done": D("2017-09-29")},
                "escalate": [{"after": "3 workdays", "to": "leader"}],
            },
        ],
    }


def _town(list_id: str, prefix: str, place: str, people: dict, target: dict, room: dict) -> dict:
    target_id, room_id = f"{prefix}1", f"{prefix}2"
    return {
        "checklist": _header(list_id, "乡镇"),
        "units": {"wenhua": {"name": f"{place}综合文化站"}},
        "people": people,
        "workflows": WORKFLOWS,
        "tasks": [
            {
                "id": target_id,
                "title": f"{place}农村公益电影放映",
                "unit": "wenhua",
                "fulfils": f"{COUNTY}:C1",
                "target": {"quantity": QUOTAS[list_id], "unit": "场"},
                **target,
            },
            {
                "id": room_id,
                "title": f"{place}村级文化活动室建设",
                "unit": "wenhua",
                "fulfils": f"{COUNTY}:C2",
                "workflow": "room",
                "items": list(VILLAGES[list_id]),
                **room,
            },
        ],
    }


def family() -> dict[str, dict]:
    """list id → the list as data, county first. Deadlines: every child's on or before the county's."""
    linnong = _town(
        LINNONG,
        "L",
        "林农镇",
        {
            "ln_tang": {"name": "唐明远", "roles": ["head"]},
            "ln_hu": {"name": "胡德兵", "roles": ["leader"]},
            "ln_ma": {"name": "马晓丽", "roles": ["staff"], "unit": "wenhua"},
        },
        {"responsible": "ln_ma", "leader": "ln_hu", "deadlines": {"done": D("2017-11-15")}},
        # 督办 up the levels: an overdue village goes to the county's 分管副县长
        {
            "responsible": "ln_ma",
            "leader": "ln_hu",
            "deadlines": {"building": D("2017-06-15"), "completed": D("2017-10-13")},
            "escalate": [{"after": "3 workdays", "to": "parent:leader"}],
        },
    )
    bajiao = _town(
        BAJIAO,
        "B",
        "八角镇",
        {
            "bj_xu": {"name": "徐长青", "roles": ["head"]},
            "bj_gao": {"name": "高文斌", "roles": ["leader"]},
            "bj_he": {"name": "何秀英", "roles": ["staff"], "unit": "wenhua"},
        },
        # a short count goes to the county's responsible person
        {
            "responsible": "bj_he",
            "leader": "bj_gao",
            "deadlines": {"done": D("2017-11-20")},
            "escalate": [{"after": "2 workdays", "to": "parent:responsible"}],
        },
        {"responsible": "bj_he", "leader": "bj_gao", "deadlines": {"building": D("2017-06-20"), "completed": D("2017-09-29")}},
    )
    jinji = _town(
        JINJI,
        "J",
        "金鸡镇",
        {
            "jj_song": {"name": "宋立新", "roles": ["head"]},
            "zhou": {"name": "周建国", "roles": ["leader"]},  # the county cadre, 挂联 this town: the same person
            "jj_luo": {"name": "罗小芳", "roles": ["staff"], "unit": "wenhua"},
        },
        {"responsible": "jj_luo", "leader": "jj_song", "deadlines": {"done": D("2017-11-30")}},  # the county's own date
        {
            "responsible": "jj_luo",
            "leader": "zhou",
            "deadlines": {"building": D("2017-06-30"), "completed": D("2017-10-31")},
            "escalate": [{"after": "2 workdays", "to": "leader"}],
        },
    )
    wenguang = {
        "checklist": _header(WENGUANG, "部门"),
        "units": {"fangying": {"name": "县电影公司"}},
        "people": {
            "wg_fan": {"name": "范志成", "roles": ["head"]},
            "wg_cai": {"name": "蔡丽萍", "roles": ["leader"]},
            "wg_deng": {"name": "邓海军", "roles": ["staff"], "unit": "fangying"},
        },
        "tasks": [
            {
                "id": "D1",
                "title": "县城社区和学校公益电影放映",
                "unit": "fangying",
                "responsible": "wg_deng",
                "leader": "wg_cai",
                "fulfils": f"{COUNTY}:C1",
                "target": {"quantity": QUOTAS[WENGUANG], "unit": "场"},
                "deadlines": {"done": D("2017-10-31")},
            }
        ],
    }
    return {COUNTY: _county(), LINNONG: linnong, BAJIAO: bajiao, JINJI: jinji, WENGUANG: wenguang}


def task_of(lists: dict, list_id: str, task_id: str) -> dict:
    return next(t for t in lists[list_id]["tasks"] if t["id"] == task_id)


def changed(edit) -> dict[str, dict]:
    """``family()`` with ``edit(lists)`` applied to a deep copy."""
    lists = copy.deepcopy(family())
    edit(lists)
    return lists


def write(folder: Path, lists: dict[str, dict]) -> dict[str, Path]:
    """Each list as ``<id>.yaml`` in ``folder``; list id → path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for list_id, data in lists.items():
        path = folder / f"{list_id}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
        paths[list_id] = path
    return paths


@contextmanager
def fresh_store(db_url: str, folder: Path, name: str):
    """A new, empty database of the same kind as ``db_url`` (a new SQLite file, or a new PostgreSQL schema dropped
    afterwards), with the schema made."""
    from engine.store import open_store
    from engine.store.migrate import ensure_schema
    from tests.conftest import PG_URL

    admin, schema = None, None
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{folder / f'{name}.sqlite'}"
    else:
        schema = f"qt_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    store = open_store(url)
    try:
        ensure_schema(store)
        yield store
    finally:
        store.dispose()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
