"""The contract of ``engine.steps``, run against every step type and task extension the built-in plugins provide
(a plugin added to qingdan's own ``qingdan.plugins`` entry points is held to the same rules)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import TypeAdapter

from engine.definition.task_checks import option_type
from engine.pluginmanager import get_plugin_manager, step_types
from engine.steps import NAME_PATTERN, StepType, TransitionContext

REGISTRY = step_types(get_plugin_manager(third_party=False))
EVERYTHING = {**REGISTRY, **REGISTRY.extensions}
DOCS = (Path(__file__).resolve().parents[2] / "docs" / "plugins.md").read_text(encoding="utf-8")
SAMPLES = {"date": "2017-07-01", "text": "四川蜀建建设有限公司", "amount": "45.60"}


@pytest.fixture(params=sorted(EVERYTHING))
def provided(request):
    return EVERYTHING[request.param]


@pytest.fixture(params=sorted(REGISTRY))
def step(request):
    return REGISTRY[request.param]


def test_names_titles_and_options(provided):
    assert NAME_PATTERN.match(provided.name) and provided.title and provided.title_en
    for key, kind in provided.task_options.items():
        TypeAdapter(option_type(kind))  # every option type (or the "module:name" naming one) can be checked
        assert f"`{key}`" in DOCS, f"task key {key} of {provided.name} is not in docs/plugins.md"


def test_check_task_returns_issues_for_any_task(provided):
    from engine.definition.schema import Task

    task = Task.model_validate({"id": "X", "title": "x", "unit": "u", "responsible": "a", "leader": "b"})
    assert provided.check_task(task, None, {}) == []


def test_data_fields_parse_to_a_stable_form(step):
    for field in step.data_fields:
        once = field.parse(SAMPLES[field.kind])
        assert field.parse(once) == once
        assert field.title() and step.field(field.key) is field


def test_required_keys_are_declared_and_deadlines_described(step):
    keys = {f.key for f in step.data_fields}
    assert set(step.enter_requires) <= keys and set(step.leave_requires) <= keys
    assert len({d.key for d in step.derived_deadlines}) == len(step.derived_deadlines)
    assert all(d.describe() and d.label for d in step.derived_deadlines)


def test_a_transition_elsewhere_is_none_of_its_business(step, store, yanting, clock):
    """Between two states that are not this step's, the guard allows and after_transition starts nothing."""
    context = TransitionContext(
        yanting, yanting.task_by_id["T1"], 1, "林农镇玉城村", "approve_plan", "planning", "plan_approved", "li", None, {}, clock.now(), None
    )
    assert step.guard(context) is None
    step.after_transition(context)
    assert (context.started, context.warnings) == ([], [])
    assert isinstance(step, StepType)
