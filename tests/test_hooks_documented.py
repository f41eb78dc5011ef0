"""Every hook declared in ``engine/hookspecs.py`` has its own section in ``docs/plugins.md`` (with the
arguments it is called with), and says in its docstring when it is called."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from engine import hookspecs

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("qingdan_"))


def test_there_are_hooks():
    assert {"qingdan_step_types", "qingdan_guard_transition", "qingdan_after_transition"} <= set(HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_documented_with_its_arguments(name):
    function = getattr(hookspecs, name)
    arguments = ", ".join(inspect.signature(function).parameters)
    assert f"### `{name}({arguments})`" in DOCS, f"docs/plugins.md needs a section '### `{name}({arguments})`'"
    assert "Called" in (function.__doc__ or ""), f"{name} must say when it is called"
