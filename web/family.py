"""A list's family on its board (issue 9): under a parent task each child list's share, light and overdue items with
the links down; on a child list the parent lists it fulfils, with the links up; the child lists ranked among their
peers of the same kind.

Only shapes what ``engine.queries.status`` decided (``TaskStatus.children``, ``ChecklistStatus.parents`` and
``peers``): every number is the engine's roll-up, never recomputed here. No database and no Flask: the view passes
the board's URL prefix, so a board of many tasks builds its links without a ``url_for`` per child.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

from engine.definition.definitions import ChecklistDef
from engine.i18n import say
from engine.kinds import light_word
from engine.numbers import plain
from web.presenters import UnitRank, rank_rows

#: a task with more child lists than this folds them under a summary line (25 towns would make a very tall row)
FOLD_AFTER = 8
LIGHTS = ("red", "yellow", "green", "done")


@dataclass
class ChildRow:
    """One child list's share of a parent task, as the board shows it."""

    checklist: str  # the child list's id (links only, never shown)
    task: str | None  # the child task that fulfils the share (None while the child list is not loaded)
    name: str  # the child list's title, or 未载入的下级清单 when it is not loaded and has none
    loaded: bool  # the child list is loaded (its board can be opened)
    light: str | None  # None: not loaded yet, or no task of it fulfils the share yet
    light_text: str
    progress_text: str  # 400/400 场 · 2/3 项 · 配额 600 场 (not loaded)
    width: str  # the progress bar's width, 0..100
    overdue: int
    overdue_text: str


@dataclass
class Family:
    """A parent task's child lists and the summary line above them."""

    rows: list[ChildRow]
    lights: dict[str, int] = field(default_factory=dict)
    missing: int = 0  # child lists not loaded yet
    overdue: int = 0
    summary: str = ""
    folded: bool = False
    hidden: int = 0  # on the board, child lists of a folded task left out because nothing is wrong there (green, done)


@dataclass
class ParentRow:
    """One parent list of a child list, with the pairs (parent task, this list's task that fulfils it)."""

    checklist: str
    title: str
    loaded: bool
    tasks: list[tuple[str, str]] = field(default_factory=list)


def children_of(definition: ChecklistDef, status, *, brief: bool = False) -> dict[str, Family]:
    """task id → its child lists (``TaskStatus.children``), for the tasks that have any. ``brief`` (the board): a task
    with more than ``FOLD_AFTER`` child lists lists only those that need a look (red, yellow, not loaded); the task
    page lists them all. A county of 25 towns would otherwise render 25 rows under every task."""
    words = {
        "overdue": say("逾期 {} 项", "{} overdue"),
        "missing": say("未载入", "not loaded yet"),
        "unnamed": say("未载入的下级清单", "a child list not loaded yet"),
        "quota": say("配额 {q} {u}", "quota {q} {u}"),
        "share": say("{d}/{t} {u}", "{d}/{t} {u}"),
        "along": say("{p}% · 完成 {f}/{n} {u}", "{p}% · {f}/{n} {u} finished"),
        "unfulfilled": say("尚无承接任务", "no task fulfils it yet"),
        "items": say("项", "items"),
        "count": say("下级清单 {} 个", "{} child lists"),
        "missing_count": say("未载入 {} 个", "{} not loaded"),
    }
    found: dict[str, Family] = {}
    for task_status in status.tasks:
        shares = list(getattr(task_status, "children", None) or [])
        if not shares:
            continue
        task = definition.task_by_id.get(task_status.id)
        unit = (task.target_unit if task is not None and task.kind != "workflow" else None) or words["items"]
        rows = [_child_row(share, unit, words) for share in shares]
        family = Family(rows=rows, lights={name: 0 for name in LIGHTS})
        for row in rows:
            if row.light is None:
                family.missing += 1
            else:
                family.lights[row.light] = family.lights.get(row.light, 0) + 1
            family.overdue += row.overdue
        parts = [words["count"].format(len(rows))]
        parts += [f"{light_word(name)} {family.lights[name]}" for name in LIGHTS if family.lights.get(name)]
        if family.missing:
            parts.append(words["missing_count"].format(family.missing))
        if family.overdue:
            parts.append(words["overdue"].format(family.overdue))
        family.summary = " · ".join(parts)
        family.folded = len(rows) > FOLD_AFTER
        if brief and family.folded:
            kept = [row for row in rows if row.light not in ("green", "done")]
            family.hidden, family.rows = len(rows) - len(kept), kept
        found[task_status.id] = family
    return found


def _child_row(share, unit: str, words: dict) -> ChildRow:
    target = Decimal(share.target or 0)
    done = Decimal(share.done or 0)
    title = share.title if share.title and share.title != share.checklist else ""
    counted = share.light is not None  # the child list is loaded and one of its tasks fulfils the share
    width = f"{float(min(Decimal(1), done / target)) * 100:.1f}" if counted and target > 0 else "0"
    finished = getattr(getattr(share, "status", None), "finished", None)
    if not counted:
        quota = share.quota if share.quota is not None else (target or None)
        progress = words["quota"].format(q=plain(Decimal(quota)), u=unit) if quota else ""
    elif finished is not None:  # a workflow's done weighs how far each item is along: a share, and the finished items
        progress = words["along"].format(p=f"{float(width):.0f}", f=finished, n=plain(target), u=unit)
    else:
        progress = words["share"].format(d=plain(done), t=plain(target), u=unit)
    overdue = int(share.overdue or 0) if counted else 0
    return ChildRow(
        checklist=share.checklist,
        task=share.task if counted else None,
        name=title or words["unnamed"],
        loaded=bool(share.loaded),
        light=share.light if counted else None,
        light_text=light_word(share.light) if counted else words["missing"] if not share.loaded else words["unfulfilled"],
        progress_text=progress,
        width=width,
        overdue=overdue,
        overdue_text=words["overdue"].format(overdue) if overdue else "",
    )


def parents_of(status) -> list[ParentRow]:
    """The parent lists this list fulfils tasks of (``ChecklistStatus.parents``), one row per parent list."""
    rows: dict[str, ParentRow] = {}
    for link in getattr(status, "parents", None) or []:
        loaded = bool(getattr(link, "loaded", bool(link.title)))
        row = rows.setdefault(link.checklist, ParentRow(link.checklist, link.title or "", loaded))
        row.tasks.append((link.task, link.own_task))
    return list(rows.values())


def fulfils_of(status) -> dict[str, ParentRow]:
    """This list's task id → the parent list (a ``ParentRow`` with only that pair) whose task it fulfils."""
    found = {}
    for row in parents_of(status):
        for parent_task, own_task in row.tasks:
            found[own_task] = ParentRow(row.checklist, row.title, row.loaded, [(parent_task, own_task)])
    return found


def peer_ranking(status, board_url: str) -> list[UnitRank]:
    """The child lists ranked among their peers of the same kind (``ChecklistStatus.peers``, ``UnitScore`` objects
    scored and ranked by ``engine.queries.ranking.rank_units``), as rows of the board's ranking table, each linking to
    the child list's board (``board_url`` + its id)."""
    from engine.queries.ranking import by_kind

    peers = list(getattr(status, "peers", None) or [])
    if not peers:
        return []
    # one table per kind: keep the engine's order within a kind, kinds in the order they first come
    first: dict = {}
    for score in peers:
        first.setdefault(score.kind, len(first))
    peers.sort(key=lambda score: first[score.kind])  # stable
    rows = rank_rows(by_kind(peers))
    for row in rows:
        row.href = board_url + quote(row.unit, safe="")
    return rows
