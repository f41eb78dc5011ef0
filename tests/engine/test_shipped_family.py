"""The shipped two-level example (``checklists/haoping-2019.yaml``, the town, and its villages
``huangjin-2019.yaml`` and ``longquan-2019.yaml``) through the real command line, on both databases: the three
files validate, each loads alone (a missing parent or child is a warning, never a refusal), loading them one
``qingdan load`` per file in every order gives the same ``status --json`` of the town, and the town's figures
are the villages' added up after every report made in the villages."""

from __future__ import annotations

import itertools
import json
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from engine.cli.main import cli
from tests.conftest import CHECKLISTS, DATABASES, PG_URL

TOWN = CHECKLISTS / "haoping-2019.yaml"
HUANGJIN = CHECKLISTS / "huangjin-2019.yaml"
LONGQUAN = CHECKLISTS / "longquan-2019.yaml"
FAMILY = (TOWN, HUANGJIN, LONGQUAN)
PARENT = "haoping-2019"
CHILDREN = ("huangjin-2019", "longquan-2019")
LOADED = "2019-01-02T09:00"
WORKED = "2019-05-06T10:00"
SEEN = "2019-07-02T09:00"  # after the 06-28 主体竣工 date: the sites not topped out are overdue in the villages

# The work done in each village, right after its list is loaded (so in some orders before the town's list
# arrives): what a village secretary, the village's information clerk and its director report.
WORK = {
    "huangjin-2019": [
        ("report", "J1", "40", "--as", "xiang"),
        ("report", "J2", "12", "--part", "dibao", "--as", "yu"),
        ("report", "J2", "3", "--part", "wubao", "--as", "yu"),
        ("fire", "J3", "显月寺安置点", "open_tender", "--as", "yu"),
    ],
    "longquan-2019": [
        ("report", "L1", "20", "--as", "nie"),
        ("report", "L1", "7", "--as", "hou"),
        ("report", "L2", "2", "--part", "wubao", "--as", "hou"),
    ],
}


@pytest.fixture(params=DATABASES)
def fresh_database(request, tmp_path):
    """Makes a new empty database for each call (one per load order): a SQLite file, or a PostgreSQL schema
    dropped at the end, as ``tests.conftest.db_url`` makes one per test."""
    if request.param == "sqlite":
        yield lambda: f"sqlite:///{tmp_path / f'family-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    admin = create_engine(PG_URL)
    schemas = []

    def make() -> str:
        schema = f"qt_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        separator = "&" if "?" in PG_URL else "?"
        return f"{PG_URL}{separator}options=-csearch_path%3D{schema}"

    yield make
    with admin.begin() as conn:
        for schema in schemas:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def qingdan(url: str, *args, now: str):
    """One ``qingdan`` command, in process through click, against ``url`` at ``now``."""
    return CliRunner().invoke(cli, [str(a) for a in args], env={"QINGDAN_DATABASE_URL": url, "QINGDAN_NOW": now, "QINGDAN_LANG": None})


def ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.output


def status(url: str, checklist: str, now: str = SEEN) -> dict:
    return json.loads(ok(qingdan(url, "status", checklist, "--json", now=now)))


def work(url: str, checklist: str, after_each=None) -> None:
    for command in WORK.get(checklist, ()):
        ok(qingdan(url, *command, "--checklist", checklist, now=WORKED))
        if after_each is not None:
            after_each()


def load_and_work(url: str, files) -> None:
    """One ``qingdan load`` per file, each village's work right after its list arrives."""
    for path in files:
        ok(qingdan(url, "load", path, now=LOADED))
        work(url, path.stem)


# ---------------------------------------------------------------- the files


def test_the_family_validates_without_warnings():
    out = ok(qingdan("sqlite://", "validate", *FAMILY, now=LOADED))
    for path in FAMILY:
        assert f"✓ {path}:{path.stem}," in out and "0 条警告" in out.split(f"✓ {path}:")[1].splitlines()[0], out


def test_the_family_is_written_as_the_format_says(steps):
    from tests.conftest import definition_of

    town, *villages = (definition_of(path, steps) for path in FAMILY)
    assert town.kind == "乡镇" and {v.kind for v in villages} == {"村"}
    for task in town.tasks:
        if not task.assign:
            continue
        assert {a.to for a in task.assign} == set(CHILDREN)
        if task.target is not None:  # the quotas add up to the town's target, each is the village's target
            assert sum(a.quantity for a in task.assign) == task.target
        for share in task.assign:
            village = next(v for v in villages if v.id == share.to)
            (own,) = [t for t in village.tasks if t.fulfils == (town.id, task.id)]
            if task.target is not None:
                assert own.target == share.quantity and own.target_unit == task.target_unit
            else:
                assert own.items == share.items
            assert all(own.deadlines[k] <= task.deadlines[k] for k in own.deadlines)
    assert {t.kind for t in town.tasks if t.assign} == {"target", "workflow"}
    escalations = {step.to for v in villages for t in v.tasks for step in t.escalate}
    assert {"parent:responsible", "parent:leader"} <= escalations
    # people ids are global: the town's village cadres are the same people in their village's list
    shared = set(town.people) & set(villages[0].people)
    assert "ma" in shared and all(town.people[p].name == villages[0].people[p].name for p in shared)


@pytest.mark.parametrize("path", FAMILY, ids=[p.stem for p in FAMILY])
def test_each_list_loads_alone_with_a_warning_for_the_missing_side(fresh_database, path):
    url = fresh_database()
    result = qingdan(url, "load", path, now=LOADED)
    out = ok(result) + result.stderr
    assert "还没有载入" in out, out
    document = status(url, path.stem)
    assert [t["id"] for t in document["tasks"]]


# ---------------------------------------------------------------- together


def test_every_load_order_gives_the_same_town_status(fresh_database):
    seen = {}
    for order in itertools.permutations(FAMILY):
        url = fresh_database()
        load_and_work(url, order)
        seen[tuple(p.stem for p in order)] = status(url, PARENT)
    first = next(iter(seen.values()))
    assert first["tasks"][0]["progress"] == {"done": 67, "target": 181}  # the work was rolled up at all
    for order, document in seen.items():
        assert document == first, order


def _children_of(task: dict) -> dict[str, dict]:
    return {child["checklist"]: child for child in task.get("children", [])}


def _milestones(tasks) -> dict:
    counted: dict[tuple, Counter] = {}
    for task in tasks:
        for row in task["milestones"]:
            counted.setdefault((row["state"], row["due"]), Counter()).update(
                {k: row[k] for k in ("on_time", "late", "missed", "open", "void")}
            )
    return counted


def _check_the_sum(url: str, now: str = SEEN) -> None:
    town = status(url, PARENT, now)
    villages = {c: {t["id"]: t for t in status(url, c, now)["tasks"]} for c in CHILDREN}
    rolled = 0
    for task in town["tasks"]:
        children = _children_of(task)
        if not children:
            continue
        rolled += 1
        assert set(children) == set(CHILDREN), task["id"]
        own = {c: villages[c][children[c]["task"]] for c in CHILDREN}
        for c in CHILDREN:  # each child's share as the town shows it is the village's own figure
            assert children[c]["loaded"] is True
            assert children[c]["progress"] == own[c]["progress"], (task["id"], c)
            assert children[c]["overdue"] == own[c]["overdue"] and children[c]["light"] == own[c]["light"]
        for key in ("done", "target"):
            assert Decimal(str(task["progress"][key])) == sum(Decimal(str(own[c]["progress"][key])) for c in CHILDREN)
        assert task["overdue"] == sum(own[c]["overdue"] for c in CHILDREN), task["id"]
        if task["kind"] == "workflow":
            assert Counter(task["states"]) == sum((Counter(own[c]["states"]) for c in CHILDREN), Counter())
            assert task["items"] == sum(own[c]["items"] for c in CHILDREN)
        # the milestones are the villages' items judged against their own dates: one row per (state, date)
        assert _milestones([task]) == _milestones(own.values()), task["id"]
    assert rolled == 3  # H1, H2 and H3 are split; H4 is the town's own


def test_the_town_is_the_sum_of_its_villages_after_every_report(fresh_database):
    url = fresh_database()
    for path in FAMILY:
        ok(qingdan(url, "load", path, now=LOADED))
    _check_the_sum(url)
    for village in CHILDREN:
        work(url, village, after_each=lambda: _check_the_sum(url))
    for now in ("2019-05-06T18:00", "2019-09-21T09:00", "2019-11-18T09:00", "2019-12-02T09:00"):
        _check_the_sum(url, now)

    town = status(url, PARENT)
    h1, h2, h3, h4 = town["tasks"]
    assert h1["progress"] == {"done": 67, "target": 181} and h2["progress"] == {"done": 17, "target": 48}
    assert h3["states"] == {"tendering": 1, "planning": 2} and h3["overdue"] == 3  # none topped out by 06-28
    assert "children" not in h4 or h4["children"] == []
    # the villages ranked among villages (kind 村), on their tasks that fulfil the town's
    assert sorted((p["checklist"], p["kind"], p["rank"]) for p in town["peers"]) == [
        ("huangjin-2019", "村", 1),
        ("longquan-2019", "村", 2),
    ]
    for village in CHILDREN:  # each village links up to the town
        parents = status(url, village)["parents"]
        assert parents and {p["checklist"] for p in parents} == {PARENT}

    # the town's split tasks take no report of their own: the work is reported in the villages
    refused = qingdan(url, "report", "H1", "5", "--checklist", PARENT, "--as", "bai", now=WORKED)
    assert refused.exit_code != 0 and "huangjin-2019" in refused.stderr
    assert status(url, PARENT)["tasks"][0]["progress"] == h1["progress"]
