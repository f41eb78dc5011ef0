"""The status cache serves what a fresh computation would give, after every kind of write, on both databases:
fires, reports, corrections, inspections, step data, funds entries, loads and reloads, and a change of day. Two
caches on one database stand for two worker processes: a write through one is seen by the next read of the other.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import QingdanError
from engine.queries.status import checklist_status
from engine.queries.status_cache import StatusCache, data_version
from tests.engine.documents import halfyear

T1_ITEMS = ["林农镇玉城村", "八角镇人民村", "茶亭燕来村"]
TRIGGERS = [("approve_plan", "li"), ("open_tender", "zhang"), ("finish", "zhang"), ("request_inspection", "zhang")]

OPERATIONS = st.one_of(
    st.tuples(st.just("report"), st.sampled_from([("T4", "chen"), ("T5", "zhang"), ("T3", "chen")]), st.integers(1, 9)),
    st.tuples(st.just("correct"), st.just(None), st.just(0)),
    st.tuples(st.just("fire"), st.sampled_from(T1_ITEMS), st.sampled_from(TRIGGERS)),
    st.tuples(st.just("data"), st.sampled_from(T1_ITEMS), st.just(0)),
    st.tuples(st.just("inspect"), st.sampled_from(T1_ITEMS), st.booleans()),
    st.tuples(st.just("funds"), st.sampled_from(["allocate", "disburse", "spend"]), st.integers(1, 5)),
    st.tuples(st.just("reload"), st.booleans(), st.just(0)),
    st.tuples(st.just("day"), st.integers(1, 40), st.just(0)),
)


def _apply(store, plugins, clock, operation, entries: list[int]) -> None:
    from engine.runtime.fire import fire
    from engine.runtime.loader import load
    from engine.runtime.progress import correct, report
    from engine.runtime.stepdata import record
    from plugins.acceptance import record as inspect
    from plugins.funds import record as book

    kind, first, second = operation
    try:
        if kind == "report":
            task, actor = first
            entries.append(report(store, task=task, amount=str(second), actor=actor, clock=clock).entry)
        elif kind == "correct" and entries:
            entry = entries.pop()
            correct(store, task=task_entry(store, entry), entry=entry, actor="wang", clock=clock)
        elif kind == "fire":
            trigger, actor = second
            fire(store, task="T1", item=first, trigger=trigger, actor=actor, clock=clock, plugins=plugins)
        elif kind == "data":
            record(
                store,
                task="T1",
                item=first,
                data={"contract_signed": clock.at.date().isoformat()},
                actor="zhang",
                clock=clock,
                plugins=plugins,
            )
        elif kind == "inspect":
            values = dict(halfyear.PASSING_T1) if second else {**halfyear.PASSING_T1, "文化广场面积": "150"}
            inspect(store, task="T1", item=first, values=values, inspector="zhao", clock=clock, plugins=plugins)
        elif kind == "funds":
            book(
                store,
                task="T8",
                action=first,
                amount=str(second),
                on_date=clock.at.date().isoformat(),
                document="盐财〔2017〕1号",
                actor="he",
                clock=clock,
            )
        elif kind == "reload":
            text = (
                halfyear.TEXT.replace(
                    "title: 盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单", "title: 盐亭县文化广电旅游局2017年工作任务清单"
                )
                if first
                else halfyear.TEXT
            )
            load(store, [_definition(text)], clock=clock)
        elif kind == "day":
            clock.at = clock.at + dt.timedelta(days=first)
    except QingdanError:
        if kind == "report" and first[0] == "T4":
            raise  # T4's target is far away: its reports are always written, so the sequences do write
        # other operations may be refused (not permitted, not valid from this state, beyond a target): nothing written


def task_entry(store, entry: int) -> str:
    from sqlalchemy import select

    from engine.store.tables import progress, tasks

    with store.read() as conn:
        return conn.execute(select(tasks.c.key).join(progress, progress.c.task_id == tasks.c.id).where(progress.c.id == entry)).scalar_one()


def _definition(text: str):
    from engine.definition.validation import validate_text
    from engine.pluginmanager import get_plugin_manager, step_types

    result = validate_text(text, "y.yaml", step_types(get_plugin_manager()))
    assert result.ok, [p.format() for p in result.errors]
    return result.definition


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(OPERATIONS, min_size=1, max_size=8))
def test_after_every_kind_of_write_the_next_read_of_any_worker_equals_a_fresh_computation(store, plugins, operations):
    from engine.dates.clock import FixedClock
    from engine.runtime.loader import load

    clock = FixedClock(halfyear.instant("2017-03-01"))
    load(store, [halfyear.definition()], clock=clock)  # the same list again on later examples: unchanged
    first, second = StatusCache(), StatusCache()  # two workers: nothing shared but the database
    entries: list[int] = []
    for index, operation in enumerate(operations):
        reader = first if index % 2 else second
        reader.status(store, halfyear.CHECKLIST, clock, plugins)  # warm, so the next read must notice the change
        _apply(store, plugins, clock, operation, entries)
        fresh = checklist_status(store, halfyear.CHECKLIST, clock, plugins).as_json()
        if operation[0] == "day":
            assert fresh["today"] == clock.at.date().isoformat()
        for cache in (first, second):
            assert cache.status(store, halfyear.CHECKLIST, clock, plugins).status.as_json() == fresh, operation


def test_a_read_without_a_change_is_served_from_the_cache_and_a_write_bumps_the_version(store, plugins, clock):
    from engine.runtime.loader import load
    from engine.runtime.progress import report

    load(store, [halfyear.definition()], clock=clock)
    cache = StatusCache()
    one = cache.status(store, halfyear.CHECKLIST, clock, plugins)
    two = cache.status(store, halfyear.CHECKLIST, clock, plugins)
    assert two is one and (cache.hits, cache.misses) == (1, 1)
    with store.read() as conn:
        before = data_version(conn, halfyear.CHECKLIST)
    report(store, task="T4", amount="5", actor="chen", clock=clock)
    with store.read() as conn:
        assert data_version(conn, halfyear.CHECKLIST) == before + 1
    three = cache.status(store, halfyear.CHECKLIST, clock, plugins)
    assert three is not one and three.key != one.key
    assert next(t for t in three.status.as_json()["tasks"] if t["id"] == "T4")["progress"]["done"] == 5


def test_the_language_and_the_day_are_part_of_the_key(store, plugins, clock):
    from engine.i18n import use_language
    from engine.runtime.loader import load

    load(store, [halfyear.definition()], clock=clock)
    cache = StatusCache()
    zh = cache.status(store, halfyear.CHECKLIST, clock, plugins)
    with use_language("en"):
        en = cache.status(store, halfyear.CHECKLIST, clock, plugins)
    assert en is not zh and en.key != zh.key
    clock.at = clock.at + dt.timedelta(days=1)
    tomorrow = cache.status(store, halfyear.CHECKLIST, clock, plugins)
    assert tomorrow.status.today == zh.status.today + dt.timedelta(days=1)
