"""Property tests: validation never crashes on mutated checklists, and any sequence of fires
(and reloads) leaves every item's state equal to the replay of its audit events."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, example, given, note, settings
from sqlalchemy import func, select

from engine.definition.definitions import rebuild_checklist
from engine.definition.validation import validate_text
from engine.errors import QingdanError
from engine.pluginmanager import get_plugin_manager, step_types
from engine.queries.history import task_history
from engine.runtime import audit
from engine.runtime.fire import fire
from engine.runtime.loader import load
from engine.store.tables import chain_heads, items, tasks
from tests.conftest import YANTING, at
from tests.engine.strategies import (
    BASE_TEXTS,
    LINE_BREAK,
    data_mutated_checklists,
    fire_ops,
    text_mutated_checklists,
)

# Computed once: fixtures are function-scoped and hypothesis runs many examples per test call.
PLUGINS = get_plugin_manager()
STEPS = step_types(PLUGINS)

VALIDATION_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
)


# ====================================================================== 1. validation never crashes


def check_validation(text: str) -> None:
    result = validate_text(text, "x.yaml", STEPS)  # must return, whatever the text
    lines = LINE_BREAK.split(text)
    for problem in result.problems:
        where = f"{problem.format()!r}"
        assert problem.file == "x.yaml", where
        assert problem.severity in ("error", "warning"), where
        assert isinstance(problem.message, str) and problem.message.strip(), where
        assert isinstance(problem.line, int) and isinstance(problem.column, int), where
        assert 1 <= problem.line <= len(lines) + 1, where
        assert problem.column >= 1, where
        if problem.line <= len(lines):
            assert problem.column <= len(lines[problem.line - 1]) + 1, where
    if result.ok:
        assert result.definition is not None and not result.errors
    # A file that does not compile must say why: never "not ok" without a single error.
    assert result.ok == (not result.errors), "validation failed without reporting any error"
    if result.ok:
        # What the loader stores must rebuild into exactly the validated definition.
        assert rebuild_checklist(result.definition.source_json) == result.definition


def _yanting_with(old: str, new: str) -> str:
    assert old in BASE_TEXTS["yanting-wenguang-2017.yaml"]
    return BASE_TEXTS["yanting-wenguang-2017.yaml"].replace(old, new, 1)


# Known failures kept as explicit examples so they are found on every run, not only by luck.
EMPTY_TASKS = re.sub(r"\ntasks:\n.*", "\ntasks:\n", BASE_TEXTS["huangjin-village-2019.yaml"], flags=re.DOTALL)
NO_TASKS = re.sub(r"\ntasks:\n.*", "\ntasks: []\n", BASE_TEXTS["huangjin-village-2019.yaml"], flags=re.DOTALL)
HUGE_YEAR = _yanting_with("year: 2017", "year: " + "9" * 5000)
ZONE_DIRECTORY = _yanting_with("timezone: Asia/Shanghai", "timezone: Asia")
STATE_TYPO = _yanting_with("      plan_approved: {label: 方案已审定}", "      plan_aproved: {label: 方案已审定}")


@pytest.mark.parametrize("name", sorted(BASE_TEXTS))
def test_base_texts_are_valid(name):
    check_validation(BASE_TEXTS[name])
    assert validate_text(BASE_TEXTS[name], "x.yaml", STEPS).ok


@VALIDATION_SETTINGS
@given(text=text_mutated_checklists())
@example(text=EMPTY_TASKS)
@example(text=NO_TASKS)
@example(text=HUGE_YEAR)
@example(text=ZONE_DIRECTORY)
@example(text=STATE_TYPO)
@example(text=_yanting_with("units:\n", "units: {}\nunits_old:\n"))
def test_validation_never_crashes_on_text_mutations(text):
    check_validation(text)


@VALIDATION_SETTINGS
@given(text=data_mutated_checklists())
def test_validation_never_crashes_on_data_mutations(text):
    check_validation(text)


def test_alias_expansion_is_bounded():
    """A 450-byte file of nested aliases ("billion laughs", 10^9 entries) must be refused, not expanded for hours.

    Run in a subprocess so a regression fails this test instead of hanging the suite. The budget is
    generous for loaded machines: with the node cap in ``engine.definition.yamlsource`` it takes about 5 s of CPU."""
    laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
    code = (
        "import sys; from engine.definition.validation import validate_text; "
        "r = validate_text(sys.stdin.read(), 'x.yaml'); print(len(r.errors))"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            check=False,
            input=laughs,
            capture_output=True,
            text=True,
            timeout=30,
            cwd=str(YANTING.parent.parent),
        )
    except subprocess.TimeoutExpired:
        pytest.fail("validate_text did not return within 30 s on nested aliases (exponential alias expansion)")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 1


# ====================================================================== 2. fires and the audit trail

YANTING_ID = "yanting-wenguang-2017"
VARIANTS = {
    "full": BASE_TEXTS["yanting-wenguang-2017.yaml"],
    # construction with rectifying renamed to rework: items in rectifying go back to the initial state
    # on a forced reload (and a plain reload is refused while any item is there)
    "no_rectify": _yanting_with("      rectifying:    {label: 整改中}\n", "      rework:        {label: 返工}\n")
    .replace("from: [completed, rectifying], to: inspecting", "from: [completed, rework], to: inspecting")
    .replace("from: inspecting,              to: rectifying,", "from: inspecting,              to: rework,"),
    # construction without tendering (award straight after the plan), production without casting
    "no_tender": _yanting_with("      tendering:     {label: 招投标, step: tendering}\n", "")
    .replace(
        "      - {trigger: open_tender,        from: plan_approved,           to: tendering,     by: [responsible], label: 开标}\n", ""
    )
    .replace("{trigger: award,              from: tendering,", "{trigger: award,              from: plan_approved,")
    .replace("      casting:    {label: 演员选拔}\n", "")
    .replace("      - {trigger: cast_done,    from: casting,   to: rehearsal, by: [responsible], label: 完成演员选拔}\n", "")
    .replace("{trigger: script_done,  from: script,    to: casting,", "{trigger: script_done,  from: script,    to: rehearsal,"),
}
WORKFLOW_TASKS = ("T1", "T2", "T6", "T7")  # T6 and T7 have a single item each
OTHER_TASKS = ("T3", "T99")  # a quantity-target task and one that does not exist
FIRE_TASKS = WORKFLOW_TASKS * 3 + OTHER_TASKS


def _compiled(variant: str):
    result = validate_text(VARIANTS[variant], f"{variant}.yaml", STEPS)
    assert result.ok, [p.format() for p in result.errors]
    return result.definition


COMPILED = {name: _compiled(name) for name in VARIANTS}  # validated once; renamed per example below
TRIGGERS = sorted({t.trigger for wf in COMPILED["full"].workflows.values() for t in wf.transitions}) + ["", "bogus", "PASS"]
ACTORS = sorted(COMPILED["full"].people) + ["", "nobody", "admin", "王建国"]


def _renamed(definition, checklist_id: str):
    """The same definition under another checklist id (what validating the file with that id gives)."""
    old, new = f'"id":{json.dumps(definition.id)}', f'"id":{json.dumps(checklist_id)}'
    assert definition.source_json.count(old) == 1
    return dataclasses.replace(definition, id=checklist_id, source_json=definition.source_json.replace(old, new, 1))


def test_variants_are_valid_and_different():
    assert "rectifying" not in COMPILED["no_rectify"].workflows["construction"].states
    assert "rework" in COMPILED["no_rectify"].workflows["construction"].states
    assert "tendering" not in COMPILED["no_tender"].workflows["construction"].states
    assert "casting" not in COMPILED["no_tender"].workflows["production"].states
    assert len({d.source_json for d in COMPILED.values()}) == 3
    for name, definition in COMPILED.items():
        renamed = _renamed(definition, "yt-renamed")
        text = VARIANTS[name].replace(f"id: {YANTING_ID}", "id: yt-renamed", 1)
        assert renamed == validate_text(text, "x.yaml", STEPS).definition
        assert renamed.source_json == validate_text(text, "x.yaml", STEPS).definition.source_json


def _snapshot(store, checklist_id: str) -> tuple[int, dict[tuple[str, str], str | None]]:
    """The chain's last sequence number and every item's state, read in one transaction."""
    with store.read() as conn:
        head = conn.execute(select(func.coalesce(func.max(chain_heads.c.seq), 0)).where(chain_heads.c.chain == checklist_id)).scalar_one()
        rows = conn.execute(
            select(tasks.c.key, items.c.name, items.c.state)
            .join(tasks, tasks.c.id == items.c.task_id)
            .where(tasks.c.checklist_id == checklist_id, items.c.removed.is_(False))
        ).all()
    return head, {(r.key, r.name): r.state for r in rows}


# Data the tendering step needs to leave its state (dates before the test clock's 2017-03-01).
STEP_DATA = {
    "award": {
        "announced": "2017-01-05",
        "bid_deadline": "2017-02-10",
        "winner": "绵阳市某建筑公司",
        "amount": "1200000",
        "publicity": "2017-02-14",
        "award_notice": "2017-02-20",
    },
    # only 15 days of bidding: a mandatory tender's award is refused
    "short_award": {
        "announced": "2017-01-05",
        "bid_deadline": "2017-01-20",
        "winner": "某公司",
        "amount": "1000",
        "award_notice": "2017-02-20",
    },
}


def _resolve_fire(op, definition, states):
    """Turn a drawn fire operation into (task, item, trigger, actor, data) against the live state."""
    task = op["task"]
    task_def = definition.task_by_id.get(task)
    names = task_def.items if task_def else ("x",)
    item = op["item"]
    if isinstance(item, int):
        item = names[item % len(names)]
    elif item == "number":
        item = "1"  # people type the item's number; resolves to the first item
    elif item == "bogus":
        item = "不存在的子项"
    trigger, actor = op["trigger"], op["actor"]
    if op["smart"] and task_def is not None and task_def.kind == "workflow":
        workflow = definition.workflows[task_def.workflow]
        name = names[0] if item in (None, "1") else item
        state = states.get((task, name))
        possible = workflow.triggers_from(state) if state else ()
        if possible:
            trigger = possible[(op["trigger"] if isinstance(op["trigger"], int) else 0) % len(possible)]
            by = set(workflow.transition(trigger, state).by)
            allowed = [
                p
                for p in sorted(definition.people)
                if (p == task_def.responsible and "responsible" in by)
                or (p == task_def.leader and "leader" in by)
                or any(role in by and role in definition.people[p].roles for role in ("head", "inspector"))
            ]
            if allowed:
                actor = allowed[(op["actor"] if isinstance(op["actor"], int) else 0) % len(allowed)]
    if isinstance(trigger, int):
        trigger = TRIGGERS[trigger % len(TRIGGERS)]
    if isinstance(actor, int):
        actor = ACTORS[actor % len(ACTORS)]
    data = None
    if op["data"] in STEP_DATA and task_def is not None and task_def.kind == "workflow":
        state = states.get((task, names[0] if item in (None, "1") else item))
        if state is not None and definition.workflows[task_def.workflow].states[state].step == "tendering":
            data = dict(STEP_DATA[op["data"]])
    return task, item, trigger, actor, data


def _inspection_values(task_def, passed: bool) -> dict:
    """A value for every acceptance criterion of the task: all met, or the first one missed."""
    values = {}
    for index, criterion in enumerate(task_def.options.get("acceptance") or ()):
        miss = not passed and index == 0
        low, high = criterion.get("min"), criterion.get("max")
        if low is None and high is None:
            values[criterion["check"]] = "否" if miss else "是"
        elif low is not None:
            values[criterion["check"]] = str(Decimal(str(low)) - 1 if miss else Decimal(str(low)))
        else:
            values[criterion["check"]] = str(Decimal(str(high)) + 1 if miss else Decimal(str(high)))
    return values


def _inspect(store, op, definition, states, checklist_id, clock):
    """Record an inspection round (the acceptance step fires pass or fail in the same transaction)."""
    from plugins import acceptance

    task, item, _, actor, _ = _resolve_fire(op, definition, states)
    if op["smart"]:  # an item waiting for inspection, if any, by an inspector
        waiting = sorted(
            key
            for key, state in states.items()
            if state is not None and definition.workflows[definition.task_by_id[key[0]].workflow].states[state].step == "acceptance"
        )
        if waiting:
            task, item = waiting[(op["item"] if isinstance(op["item"], int) else 0) % len(waiting)]
        actor = next((p for p, person in sorted(definition.people.items()) if "inspector" in person.roles), actor)
    task_def = definition.task_by_id.get(task)
    values = _inspection_values(task_def, op["passed"]) if task_def is not None and task_def.kind == "workflow" else {}
    acceptance.record(store, task=task, item=item, inspector=actor, values=values, clock=clock, plugins=PLUGINS, checklist=checklist_id)
    return task, item, actor


def _replay_matches_items(store, checklist_id: str, states: dict, initial_of: dict[str, str]) -> None:
    """Replaying each item's transition and forced_state events from the initial state gives its stored state."""
    kinds = set()
    for task in sorted({task for task, _ in states}):
        replayed = {name: initial_of.get(task) for t, name in states if t == task}  # None: target/recurring items
        for entry in task_history(store, task, checklist=checklist_id):
            if entry["kind"] not in ("transition", "forced_state"):
                continue
            kinds.add(entry["kind"])
            name = entry["item"]
            assert name in replayed, (task, entry)
            assert entry["from"] == replayed[name], (task, name, entry)
            replayed[name] = entry["to"]
        for name, state in replayed.items():
            assert state == states[(task, name)], (task, name, state, states[(task, name)])
            if state != initial_of.get(task):
                kinds.add(f"reached {state}")
    # the per-item view agrees with the task view on a sample item of every workflow task
    for task in sorted(initial_of):
        name = next(n for t, n in sorted(states) if t == task)
        per_item = [e for e in task_history(store, task, name, checklist=checklist_id)]
        per_task = [e for e in task_history(store, task, checklist=checklist_id) if e["item"] == name]
        assert per_item == per_task
    for kind in sorted(kinds):
        event(kind)  # shown by --hypothesis-show-statistics


@pytest.mark.slow
def test_fire_sequences_match_the_audit_replay(store):
    from engine.dates.clock import FixedClock

    fired = {"moves": 0}

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(ops=fire_ops(tasks=FIRE_TASKS, triggers=TRIGGERS, actors=ACTORS, variants=tuple(VARIANTS)))
    def run(ops):
        # A fresh checklist per example, in the test's own database: ids never collide across examples.
        checklist_id = f"yt-{uuid.uuid4().hex[:12]}"
        clock = FixedClock(at("2017-03-01T09:30"))
        definitions = {name: _renamed(definition, checklist_id) for name, definition in COMPILED.items()}
        load(store, [definitions["full"]], clock=clock)
        current = definitions["full"]
        initial_of = {t.id: current.workflows[t.workflow].initial for t in current.tasks if t.kind == "workflow"}
        moves = 0
        head, states = _snapshot(store, checklist_id)
        for op in ops:
            clock.advance(minutes=7)
            if op["op"] == "reload":
                try:
                    load(store, [definitions[op["variant"]]], clock=clock, force=op["force"])
                    current = definitions[op["variant"]]
                    note(f"reload {op['variant']} (force={op['force']})")
                except QingdanError as refused:
                    note(f"reload {op['variant']} refused: {type(refused).__name__}")
                    assert _snapshot(store, checklist_id) == (head, states), "a refused reload wrote something"
                head, states = _snapshot(store, checklist_id)
                continue
            if op["op"] == "inspect":
                try:
                    task, item, actor = _inspect(store, op, current, states, checklist_id, clock)
                except QingdanError as refused:
                    note(f"inspect {op['task']} refused ({type(refused).__name__}: {str(refused)[:60]})")
                    assert _snapshot(store, checklist_id) == (head, states), "a refused inspection wrote something"
                    continue
                after_head, after = _snapshot(store, checklist_id)
                changed = {k for k in after if after[k] != states[k]}
                note(f"inspect {task}/{item} as {actor!r} passed={op['passed']}: {[(k, states[k], after[k]) for k in changed]}")
                assert after_head > head and len(changed) == 1
                (key,) = changed
                workflow = current.workflows[current.task_by_id[key[0]].workflow]
                assert workflow.states[states[key]].step == "acceptance"
                assert after[key] in workflow.successors[states[key]]
                fired["moves"] += 1
                moves += 1
                head, states = after_head, after
                continue
            task, item, trigger, actor, data = _resolve_fire(op, current, states)
            try:
                result = fire(
                    store,
                    task=task,
                    item=item,
                    trigger=trigger,
                    actor=actor,
                    clock=clock,
                    plugins=PLUGINS,
                    checklist=checklist_id,
                    data=data,
                )
            except QingdanError as refused:
                note(
                    f"fire {task}/{item} {trigger!r} as {actor!r} data={bool(data)}: "
                    f"refused ({type(refused).__name__}: {str(refused)[:60]})"
                )
                assert _snapshot(store, checklist_id) == (head, states), "a refused fire wrote something"
                continue
            note(f"fire {task}/{item} {trigger!r} as {actor!r}: {result.from_state} -> {result.to_state}")
            fired["moves"] += 1
            moves += 1
            after_head, after = _snapshot(store, checklist_id)
            key = (task, result.item)
            # the transition's event is new (steps may append more: deadlines started, step data)
            assert head < result.event_seq <= after_head
            assert result.from_state == states[key] and after[key] == result.to_state
            assert {k: v for k, v in after.items() if k != key} == {k: v for k, v in states.items() if k != key}
            head, states = after_head, after
        event(f"successful fires: {min(moves, 20) // 5 * 5}+")
        _replay_matches_items(store, checklist_id, states, initial_of)
        with store.read() as conn:
            verification = audit.verify(conn)
        assert verification.ok, verification.finding

    run()
    assert fired["moves"] > 0  # the sequences did move items, not only get refused
