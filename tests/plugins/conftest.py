"""Helpers for the plugin tests: moving an item along the Yanting construction workflow, and installing plugins.

``installed_plugin`` writes a distribution's metadata (``*.dist-info`` with ``entry_points.txt``) and its
module into a fresh directory: exactly what ``pip install --target`` leaves, so the engine discovers it
through the ``qingdan.plugins`` entry point when that directory is on the path, and nothing is added to
the shared virtual environment (other test runs use it at the same time). The sample plugin in
``thirdparty_plugin/`` is installed with pip for real (``test_thirdparty.py``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.conftest import at

ITEM = "林农镇玉城村"
AWARD = {
    "announced": "2017-05-02",
    "bid_deadline": "2017-05-25",
    "winner": "四川蜀建建设有限公司",
    "amount": "45.6",
    "publicity": "2017-06-14",
    "award_notice": "2017-06-19",
}
PASSING = {
    "文化广场面积": "210",
    "文化活动室面积": "95",
    "篮球场": "1",
    "乒乓球台": "2",
    "体育健身器材": "1",
    "电脑、电视、话筒等电子设备齐全": "是",
}


def installed_plugin(root: Path, dist: str, entry: str, module: str, source: str) -> Path:
    """Install a one-module plugin as ``pip install --target root`` would; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[qingdan.plugins]\n{entry} = {module}\n", encoding="utf-8")
    return root


@pytest.fixture
def on_path(monkeypatch):
    """Put an install directory on ``sys.path`` for this test only (and forget what it imported)."""
    import sys

    added: list[str] = []

    def add(root: Path):
        monkeypatch.syspath_prepend(str(root))
        added.extend(p.stem for p in root.glob("*.py"))
        added.extend(p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists())

    yield add
    for name in added:
        sys.modules.pop(name, None)


def move(store, clock, plugins, *steps, item=ITEM, task="T1"):
    """Fire ``(trigger, actor, when, data)`` steps in order, moving the clock to each ``when``."""
    from engine.runtime.fire import fire

    result = None
    for trigger, actor, when, *data in steps:
        clock.at = at(when)
        result = fire(
            store, task=task, item=item, trigger=trigger, actor=actor, clock=clock, plugins=plugins, data=data[0] if data else None
        )
    return result


def to_tendering(store, clock, plugins, item=ITEM):
    return move(store, clock, plugins, ("approve_plan", "li", "2017-04-10"), ("open_tender", "zhang", "2017-05-02"), item=item)


def to_inspecting(store, clock, plugins, item=ITEM):
    to_tendering(store, clock, plugins, item)
    return move(
        store,
        clock,
        plugins,
        ("award", "zhang", "2017-06-20", AWARD),
        ("finish", "zhang", "2017-09-01"),
        ("request_inspection", "zhang", "2017-09-04"),
        item=item,
    )
