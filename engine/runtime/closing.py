"""Year end: a list closed (归档) by ``qingdan close`` is read-only and sends no notices.

``check_open(conn, checklist_id)`` is the one rule every write path calls inside its transaction (fire, report and
correction, step data, inspections and funds through ``task_transaction``, supervision, extension requests, reloads):
a closed list refuses with ``ListClosed``, one sentence naming the list and the day it was closed. Reading stays
open: the board, the task pages, the history and every export show a closed list as they did.

``close`` marks ``checklists.closed_at`` / ``closed_by`` and appends a ``close`` event to the list's chain;
``reopen`` clears them with a ``reopen`` event. Who may: the administrator (``admin``, as for ``qingdan load``) or a
head (主要负责人) of the list. The sweep skips a closed list's schedule rows (they are marked processed, so a reopened
list does not send a year's stale reminders at once).

Must not: judge anything, or know the web.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import bindparam, select, update

from engine import catalog
from engine.dates.clock import Clock, local_date
from engine.errors import ListClosed, NotPermitted
from engine.i18n import say
from engine.runtime import audit
from engine.store.tables import checklists

#: the command line's administrator (``--as`` defaults to it, as for ``qingdan load``); the web passes its account
ADMIN = "admin"

_CLOSED_AT = select(checklists.c.closed_at, checklists.c.title).where(checklists.c.id == bindparam("checklist"))


@dataclass(frozen=True)
class Closing:
    checklist: str
    title: str
    closed_at: dt.datetime | None
    closed_by: str | None


class ListClosing(NamedTuple):
    """A list's year-end closing as ``check_open`` judges it (``opening`` reads it with the task)."""

    closed_at: dt.datetime | None
    title: str


def check_open(conn, checklist_id: str, *, known: ListClosing | None = None) -> None:
    """Refuse (``ListClosed``) any change to a closed list. ``known``: the list's closing already read in this
    transaction (``opening`` reads it with the task: one round trip less per fire on a server)."""
    row = known if known is not None else conn.execute(_CLOSED_AT, {"checklist": checklist_id}).first()
    if row is not None and row.closed_at is not None:
        raise ListClosed(
            say(
                "清单 {c}({t})已于 {d} 归档:只能查看和导出,不能再登记、推进或修改。确需改动,请管理员用 qingdan close {c} --reopen 重新打开。",
                "checklist {c} ({t}) was closed on {d}: it can be read and exported, not changed. If it must change, "
                "an administrator reopens it with qingdan close {c} --reopen.",
                c=checklist_id,
                t=row.title,
                d=local_date(row.closed_at, _zone(conn, checklist_id)).isoformat(),
            ),
            field="checklist",
        )


def _zone(conn, checklist_id: str):
    return catalog.get_checklist(conn, checklist_id).timezone


def closed_ids(conn, ids=None) -> set[str]:
    """The closed lists among ``ids`` (all when None)."""
    query = select(checklists.c.id).where(checklists.c.closed_at.is_not(None))
    if ids is not None:
        query = query.where(checklists.c.id.in_(set(ids)))
    return set(conn.scalars(query))


def closing(conn, checklist_id: str) -> Closing:
    catalog.get_checklist(conn, checklist_id)  # NotFound names the loaded lists
    row = conn.execute(select(checklists).where(checklists.c.id == checklist_id)).mappings().one()
    return Closing(row["id"], row["title"], row["closed_at"], row["closed_by"])


def check_may_close(conn, checklist_id: str, actor: str, *, administrator: bool = False) -> None:
    """The administrator or a head of the list may close or reopen it. ``administrator``: the web's admin account, whose
    role the web has checked (the command line's administrator is ``--as admin``)."""
    if actor == ADMIN or administrator:
        return
    definition = catalog.get_checklist(conn, checklist_id)
    person = definition.people.get(actor)
    if person is not None and "head" in person.roles:
        return
    raise NotPermitted(
        say(
            "{p} 无权归档或重新打开清单 {c}:只有管理员或主要负责人可以。",
            "{p} may not close or reopen checklist {c}: only the administrator or a head may.",
            p=person.name if person is not None else actor,
            c=checklist_id,
        ),
        field="as",
    )


def close(
    store, checklist_id: str, *, actor: str, clock: Clock, reopen: bool = False, note: str | None = None, administrator: bool = False
) -> Closing:
    """Close (or with ``reopen``, reopen) a list; an audit event either way. Closing a closed list, or reopening an
    open one, is refused with a sentence saying so."""
    now = clock.now()
    with store.write() as conn:
        current = closing(conn, checklist_id)
        check_may_close(conn, checklist_id, actor, administrator=administrator)
        if reopen and current.closed_at is None:
            raise ListClosed(say("清单 {c} 没有归档,无需重新打开。", "checklist {c} is not closed.", c=checklist_id))
        if not reopen:
            check_open(conn, checklist_id)
        values = {"closed_at": None, "closed_by": None} if reopen else {"closed_at": now, "closed_by": actor}
        conn.execute(update(checklists).where(checklists.c.id == checklist_id).values(**values))
        audit.append(
            conn,
            chain=checklist_id,
            at=now,
            actor=actor,
            kind="reopen" if reopen else "close",
            checklist_id=checklist_id,
            note=(note or "").strip() or None,
            data={"closed_at": now.isoformat()} if not reopen else {"was_closed_at": current.closed_at.isoformat()},
        )
        return Closing(checklist_id, current.title, values["closed_at"], values["closed_by"])
