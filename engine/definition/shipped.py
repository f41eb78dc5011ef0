"""Where the checklists shipped with qingdan are: the ``checklists`` data package, found through
``importlib.resources`` so that the same call works from the source tree, an editable install and an installed wheel
(pyproject.toml ships ``checklists/*.yaml`` as package data).

It only finds files; reading and checking them is ``engine.definition.validation``'s job.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

PACKAGE = "checklists"


def shipped_folder() -> Traversable | None:
    """The folder of the shipped lists, or None when this installation has none."""
    try:
        return resources.files(PACKAGE)
    except ModuleNotFoundError:
        # An editable install made before the folder became a package maps only engine, plugins and web: the
        # folder is then still beside the engine in the source tree.
        beside = Path(__file__).resolve().parents[2] / PACKAGE
        return beside if (beside / "__init__.py").is_file() else None


def shipped_lists() -> list[Traversable]:
    """Every shipped list (``*.yaml``), sorted by file name."""
    folder = shipped_folder()
    if folder is None or not folder.is_dir():
        return []
    return sorted((entry for entry in folder.iterdir() if entry.name.endswith(".yaml") and entry.is_file()), key=lambda e: e.name)
