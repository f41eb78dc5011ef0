"""A compiled definition as JSON and back, without the format's models: how a new process gets a loaded list's
definition without importing pydantic (about a third of a short command's start).

``rebuild_checklist`` turns the stored normalized file back into a ``ChecklistDef`` through the format's pydantic
models; that is the one way a definition is made. What it made is written here as plain JSON (each dataclass by
its name and fields, decimals and dates tagged) and read back field for field, so the result equals the rebuilt
definition (a test keeps the two equal for every shipped list). Only the dataclasses of a definition are read
back: a file naming anything else is refused as damaged, never executed, so a cache file is no way to run code.

``engine.catalog`` keeps these files in the instance folder, one per stored definition (its SHA-256), and falls
back to rebuilding when one is missing or unreadable.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields, is_dataclass
from decimal import Decimal

from engine.dates.durations import Duration
from engine.definition import definitions as d

FORMAT = 1  # bump when a definition's dataclasses change shape: older files are then rebuilt, not misread
_TYPES = {
    cls.__name__: cls
    for cls in (
        d.ChecklistDef,
        d.PersonDef,
        d.StateDef,
        d.TransitionDef,
        d.WorkflowDef,
        d.EscalationDef,
        d.PartDef,
        d.ItemDef,
        d.AssignmentDef,
        d.TaskDef,
        d.RankingWeights,
        Duration,
    )
}


class Damaged(ValueError):
    """The text is not a compiled definition this code can read."""


def dumps(definition: d.ChecklistDef) -> str:
    return json.dumps({"format": FORMAT, "definition": _encode(definition)}, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> d.ChecklistDef:
    try:
        data = json.loads(text, object_hook=_decode_object)
        if data.get("format") != FORMAT:
            raise Damaged("format")
        found = data["definition"]
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        raise Damaged(str(err)) from None
    if not isinstance(found, d.ChecklistDef):
        raise Damaged("not a checklist")
    return found


def _encode(value):
    if is_dataclass(value):
        return {"~": type(value).__name__, **{f.name: _encode(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, Decimal):
        return {"~d": str(value)}
    if isinstance(value, dt.datetime):
        raise TypeError("a definition holds no instants")
    if isinstance(value, dt.date):
        return {"~D": value.isoformat()}
    if isinstance(value, tuple):
        return {"~t": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"~m": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot keep {type(value).__name__} in a compiled definition")


def _decode_object(value: dict):
    """One JSON object back to what it was written from. The parser hands each object over once its members are
    read back (innermost first), so lists and plain values never pass through Python: a definition of 25,000 items
    is read in a quarter of the time a walk over every value took."""
    if "~" in value:
        cls = _TYPES[value.pop("~")]  # KeyError for anything but a definition's own dataclasses
        return cls(**value)
    if "~d" in value:
        return Decimal(value["~d"])
    if "~D" in value:
        return dt.date.fromisoformat(value["~D"])
    if "~t" in value:
        return tuple(value["~t"])
    if "~m" in value:
        return {key: item for key, item in value["~m"]}
    if "format" in value and "definition" in value:
        return value  # the file's own envelope
    raise ValueError("unknown value")
