"""The layout is the architecture: a lower layer never imports a higher one (function-level imports count too),
the engine never imports the web or the plugins, and ``engine`` imports without Flask.

Layers, lowest first (a module may import its own layer and those below):
0. vocabulary and rules with no data: ``errors``, ``i18n``, ``numbers``, ``amounts``, ``kinds``, ``verdicts``
1. ``store``, ``dates``
2. ``definition`` (what a list means; pure planning of its deadlines), ``importing`` (an Excel list as a draft file)
3. lookups and contracts: ``catalog``, ``steps``, ``hookspecs``, ``pluginmanager``
4. ``runtime`` (changing state), ``accounts`` (web accounts and tokens, audited), ``account_rules``
5. ``queries`` (reading state for people)
6. ``reminders`` (the sweep, delivery, the scheduler), ``documents`` (台账, 调度表, 通报, 工作汇报 and the list as Excel)
7. faces: ``plugin`` (what plugins import), ``cli``, ``engine/__init__``
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {
    "errors": 0,
    "lazy": 0,
    "i18n": 0,
    "numbers": 0,
    "amounts": 0,
    "kinds": 0,
    "verdicts": 0,
    "store": 1,
    "dates": 1,
    "definition": 2,
    "importing": 2,
    "catalog": 3,
    "steps": 3,
    "hookspecs": 3,
    "pluginmanager": 3,
    "runtime": 4,
    "accounts": 4,
    "account_rules": 4,
    "queries": 5,
    "reminders": 6,
    "documents": 6,
    "plugin": 7,
    "cli": 7,
    "__init__": 7,
    "migrations": 7,
}


def _part(module: str) -> str | None:
    """The engine part a dotted module name belongs to (``engine.runtime.fire`` → ``runtime``)."""
    pieces = module.split(".")
    if pieces[0] != "engine":
        return None
    return pieces[1] if len(pieces) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "engine":  # from engine import catalog → engine.catalog
                found.extend((node.lineno, f"engine.{alias.name}") for alias in node.names)
    return found


def _engine_files():
    return sorted(p for p in (ROOT / "engine").rglob("*.py"))


def test_every_engine_part_has_a_layer():
    parts = {p.relative_to(ROOT / "engine").parts[0].removesuffix(".py") for p in _engine_files()}
    assert parts <= set(LAYERS), f"give these a layer in tests/test_layers.py: {sorted(parts - set(LAYERS))}"


@pytest.mark.parametrize("path", _engine_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_lower_layer_imports_a_higher_one(path):
    own = path.relative_to(ROOT / "engine").parts[0].removesuffix(".py")
    wrong = []
    for line, module in _imports(path):
        top = module.split(".")[0]
        if top in ("web", "plugins", "flask", "flask_login", "flask_wtf"):
            wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}: the engine never imports the web or the plugins")
            continue
        part = _part(module)
        if part is None or part == "__init__" and module == "engine":
            continue
        if LAYERS.get(part, -1) > LAYERS[own]:
            wrong.append(f"{path.relative_to(ROOT)}:{line} ({own}, layer {LAYERS[own]}) imports {module} (layer {LAYERS[part]})")
    assert not wrong, "\n".join(wrong)


def test_plugins_import_only_the_plugin_module_of_the_engine():
    wrong = []
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        for line, module in _imports(path):
            if module.startswith("engine") and module not in ("engine", "engine.plugin"):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not wrong, "plugins import engine.plugin only:\n" + "\n".join(wrong)


def test_no_core_module_names_a_built_in_plugin():
    named = [
        f"{p.relative_to(ROOT)}:{line}"
        for base in ("engine", "web")
        for p in sorted((ROOT / base).rglob("*.py"))
        for line, module in _imports(p)
        if module.startswith("plugins")
    ]
    assert not named, named


def test_engine_imports_without_flask():
    code = (
        "import sys, importlib, pkgutil, engine\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('flask', 'flask_login', 'flask_wtf', 'web'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "for info in pkgutil.walk_packages(engine.__path__, 'engine.'):\n"
        "    if '.migrations' in info.name or info.name.startswith('engine.cli'):\n"
        "        continue\n"
        "    importlib.import_module(info.name)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_queries_never_import_the_cli():
    wrong = [
        f"{p.relative_to(ROOT)}:{line}"
        for p in sorted((ROOT / "engine" / "queries").rglob("*.py"))
        for line, module in _imports(p)
        if module.startswith("engine.cli")
    ]
    assert not wrong, wrong


def test_the_web_reads_no_table():
    """The web presents and the engine decides: pages ask the engine's queries and runtime, never the tables (a query
    written in a view is a rule the board, the API and the exports could disagree on)."""
    wrong = [
        f"{p.relative_to(ROOT)}:{line}"
        for p in sorted((ROOT / "web").rglob("*.py"))
        for line, module in _imports(p)
        if module.startswith("engine.store.tables") or module == "sqlalchemy" or module.startswith("sqlalchemy.")
    ]
    assert not wrong, wrong
