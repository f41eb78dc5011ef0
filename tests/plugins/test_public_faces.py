"""The faces: ``engine`` (the engine's public API), ``engine.plugin`` (the one module plugins import) and ``web`` (what a
plugin's pages import); plugins use nothing else of qingdan's, and no core module names a built-in plugin."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_FILES = sorted((ROOT / "plugins").glob("*.py")) + [ROOT / "tests/plugins/thirdparty_plugin/qingdan_sample_plugin/__init__.py"]
QINGDAN = {"engine", "web", "plugins"}


def imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


@pytest.mark.parametrize("path", PLUGIN_FILES, ids=lambda p: p.name if p.parent.name == "plugins" else "sample")
def test_plugins_import_only_the_faces(path):
    """Of qingdan, a plugin imports ``engine.plugin``, its own modules and (for its pages) the web app's face ``web``."""
    wrong = [
        name
        for name in imports(path)
        if name.split(".")[0] in QINGDAN and name not in ("engine.plugin", "web", "plugins") and not name.startswith("plugins.")
    ]
    assert not wrong, f"{path.name} imports {wrong}; use engine.plugin (or web for pages)"


def test_no_core_module_names_a_built_in_plugin():
    named = re.compile(r"plugins\.(acceptance|funds|tendering|channels)|from plugins import|import plugins\b")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("engine", "web")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if named.search(line)
    ]
    assert not found, found


def test_the_faces_resolve_every_name():
    import engine
    import engine.plugin
    import web

    for face in (engine, engine.plugin, web):
        missing = [name for name in face.__all__ if getattr(face, name, None) is None]
        assert not missing, (face.__name__, missing)
        assert set(face._EXPORTS) <= set(face.__all__), face.__name__  # every lazy name is public
    with pytest.raises(AttributeError):
        engine.no_such_name  # noqa: B018
    assert engine.fire is __import__("engine.runtime.fire", fromlist=["fire"]).fire


def test_importing_the_faces_is_cheap():
    """``import engine`` and ``import engine.plugin`` load nothing heavy: no Flask, no click, no SQLAlchemy."""
    code = (
        "import sys, engine, engine.plugin; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'click', 'sqlalchemy', 'pydantic', 'pluggy'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr
