"""People across lists: a person id means one person in every loaded list (issue 9).

Each list declares its own ``people:``; the same id with the same name in two lists is one person (one account,
one inbox), the same id with a different name is refused at load (``check_people``). A notice may reach a person
its own list does not name (a town task's escalation to the county task's responsible person): their name, address
and digest choice come from a list that does (``person_anywhere``), and their inbox shows it under such a list
(``notice_lists``). Reads definitions through the catalog's cache only; must not write, nor know accounts.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from engine import catalog
from engine.definition.definitions import ChecklistDef, PersonDef
from engine.errors import InputError
from engine.i18n import say
from engine.store.tables import checklists


def every_loaded(conn) -> list[ChecklistDef]:
    """Every loaded list's definition, by id: one small query, the definitions from the catalog's cache."""
    rows = conn.execute(select(checklists.c.id, checklists.c.revision, checklists.c.source_sha256).order_by(checklists.c.id)).all()
    return [catalog.get_checklist(conn, r.id, known=(r.revision, r.source_sha256)) for r in rows]


def person_anywhere(conn, person_id: str, prefer: ChecklistDef | None = None) -> PersonDef | None:
    """The person ``person_id`` from any loaded list (ids are global): ``prefer``'s entry first, then the nearest
    list above ``prefer`` naming them, then the first list by id (``notice_home``); None when no list names them."""
    return Directory(conn).get(person_id, prefer)


class Directory:
    """``person_anywhere`` for many lookups in one transaction (a sweep batch, a delivery run): the lists read once."""

    def __init__(self, conn):
        self._conn = conn
        self._by_id: dict[str, ChecklistDef] | None = None

    def get(self, person_id: str, prefer: ChecklistDef | None = None) -> PersonDef | None:
        if prefer is not None and person_id in prefer.people:
            return prefer.people[person_id]
        if self._by_id is None:
            self._by_id = {d.id: d for d in every_loaded(self._conn)}
        by_id = self._by_id if prefer is None or prefer.id in self._by_id else {**self._by_id, prefer.id: prefer}
        home = notice_home(by_id, person_id, prefer.id if prefer is not None else "")
        return by_id[home].people[person_id] if home is not None else None


def check_people(conn, definitions: Iterable[ChecklistDef]) -> None:
    """Refuse lists that give a person id another name than a list already loaded or another list of this batch does
    (a list being reloaded replaces its stored self). One sentence per clash, naming the id, both names and both
    lists. Clashes among lists loaded before this rule are not this load's to refuse: they are, once either is
    reloaded."""
    batch = list(definitions)
    replaced = {d.id for d in batch}
    first: dict[str, dict[str, str]] = {}  # person id → {name → the first list giving that name}
    for definition in every_loaded(conn):
        if definition.id not in replaced:
            for person_id, person in definition.people.items():
                first.setdefault(person_id, {}).setdefault(person.name.strip(), definition.id)
    clashes = []
    for definition in batch:
        for person_id, person in definition.people.items():
            names = first.setdefault(person_id, {})
            name = person.name.strip()
            other = next(((n, cid) for n, cid in names.items() if n != name), None)
            if other is not None:
                clashes.append(
                    say(
                        "人员标识 “{p}” 在清单 {a} 中是 “{x}”,在清单 {b} 中是 “{y}”:同一标识只能指同一个人,请改用不同标识。",
                        "the person id '{p}' is “{x}” in checklist {a} but “{y}” in checklist {b}: one id can only mean one "
                        "person; use different ids.",
                        p=person_id,
                        a=other[1],
                        x=other[0],
                        b=definition.id,
                        y=name,
                    )
                )
            names.setdefault(name, definition.id)
    if clashes:
        raise InputError("\n".join(clashes), field="people")


def _ancestors(by_id: dict[str, ChecklistDef], checklist_id: str) -> list[str]:
    """The loaded lists above ``checklist_id`` (the lists its tasks fulfil, theirs, …), nearest first."""
    found: list[str] = []
    wave = [checklist_id]
    while wave:
        upper = []
        for cid in wave:
            definition = by_id.get(cid)
            for parent in definition.parent_ids if definition is not None else ():
                if parent in by_id and parent != checklist_id and parent not in found:
                    found.append(parent)
                    upper.append(parent)
        wave = upper
    return found


def notice_home(by_id: dict[str, ChecklistDef], person_id: str, checklist_id: str) -> str | None:
    """The list under which a notice of ``checklist_id`` to ``person_id`` belongs in their inbox: that list when it
    names them; else the nearest list above it naming them (an escalation up the levels); else the first list by id
    naming them; None when no loaded list does."""
    if person_id in getattr(by_id.get(checklist_id), "people", {}):
        return checklist_id
    for cid in _ancestors(by_id, checklist_id):
        if person_id in by_id[cid].people:
            return cid
    return next((cid for cid in sorted(by_id) if person_id in by_id[cid].people), None)


def notice_lists(conn, person_id: str, checklist_id: str) -> list[str]:
    """The lists whose notices to ``person_id`` show in their inbox under ``checklist_id``: that list, and the lists
    that do not name the person but reached them (ids are global) and belong there (``notice_home``). Each notice
    thus shows under exactly one of the lists naming its recipient, so an account acting as the person in several
    lists sees it once."""
    by_id = {d.id: d for d in every_loaded(conn)}
    found = [checklist_id]
    if person_id not in getattr(by_id.get(checklist_id), "people", {}):
        return found
    for cid, definition in by_id.items():
        if cid != checklist_id and person_id not in definition.people and notice_home(by_id, person_id, cid) == checklist_id:
            found.append(cid)
    return found
