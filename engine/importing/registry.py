"""The units and people a sheet names, each given a generated ASCII id (``u1``, ``p1`` …) and its Chinese name.

Ids are generated, not transliterated (no maintained pinyin library is installed); the names are kept as
``name:``. A cell naming several (``镇农业服务中心、各村``) gives the first and the rest separately, so the caller
can keep them in the note and say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SEPARATORS = re.compile(r"\s*[、,,;;/\n]\s*|\s+和\s*|\s{2,}")


def split_names(text: str) -> list[str]:
    return [name for name in (part.strip() for part in SEPARATORS.split(str(text))) if name]


@dataclass
class Registry:
    units: dict[str, dict] = field(default_factory=dict)  # id → {name: …}
    people: dict[str, dict] = field(default_factory=dict)  # id → {name, roles, unit}
    _unit_ids: dict[str, str] = field(default_factory=dict)
    _person_ids: dict[str, str] = field(default_factory=dict)

    def unit(self, name: str) -> str:
        name = re.sub(r"\s+", "", name)
        if name not in self._unit_ids:
            uid = f"u{len(self.units) + 1}"
            self._unit_ids[name] = uid
            self.units[uid] = {"name": name}
        return self._unit_ids[name]

    def person(self, name: str, role: str, unit: str | None = None) -> str:
        name = re.sub(r"\s+", "", name)
        if name not in self._person_ids:
            pid = f"p{len(self.people) + 1}"
            self._person_ids[name] = pid
            self.people[pid] = {"name": name, "roles": []}
        pid = self._person_ids[name]
        entry = self.people[pid]
        if role not in entry["roles"]:
            entry["roles"] = sorted([*entry["roles"], role], key=("head", "leader", "staff", "inspector").index)
        if unit is not None and "unit" not in entry:
            entry["unit"] = unit
        return pid

    def person_id(self, name: str) -> str | None:
        return self._person_ids.get(re.sub(r"\s+", "", name))
