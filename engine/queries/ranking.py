"""Units ranked for a circular (通报): one score per unit that a head can defend, shown with its parts.

Peers are ranked only among peers: units with the same ``kind`` (乡镇 among 乡镇, 部门 among 部门; the county
never mixes the two), and units without a kind form one group of their own. The input is the checklist's
definition and the ``TaskStatus`` objects of ``engine.queries.status``; nothing here reads the database, and the
web only shows what this module decides.

The score of a unit, from 0 to 100 (docs/checklist-format.md, "ranking", says the same for list authors):

- **completion** C: the mean over the unit's tasks of min(1, done / target). Each task of the list counts once,
  as the list assigns it; a task without a target counts 0.
- **on-time rate** T: the on-time share of the unit's milestones that have come due, each task weighted by its
  items. A task whose rate is unknown (no milestone due yet) is left out, except that its overdue items are
  milestones that came due and were missed (rate 1 − overdue/items). When no milestone of the unit has come
  due, T is unknown: shown as such and counted as 1 (nothing was late).
- **overdue share** O: overdue items / items of the unit (a task counts at least one item).
- score = 100 × (w_c·C + w_t·T′ + w_o·(1 − O)) / (w_c + w_t + w_o), with the weights of the checklist's
  ``ranking:`` section (default 50, 30, 20).
- T′ is T, except for a unit with overdue items: there it is at most the lowest T among the units of its kind
  that have nothing overdue. Being on time earlier must not lift a unit that is overdue now above one that is
  not: with equal completion, a unit with overdue items always scores below a unit without.

Rank within a kind: by the score rounded to one decimal (the number shown), then fewer overdue items, then
fewer red tasks; units equal in all three share a rank.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from engine.definition.definitions import ChecklistDef
from engine.kinds import Light


@dataclass(frozen=True)
class UnitScore:
    unit: str
    name: str
    kind: str | None
    tasks: int
    items: int
    completion: float  # C, 0..1
    on_time_rate: float | None  # T as measured, 0..1; None: no milestone of the unit has come due yet
    on_time_counted: float  # T′, what the score used (1 for None; capped for a unit with overdue items)
    overdue: int  # overdue items
    overdue_share: float  # O, 0..1
    red: int  # tasks with a red light
    score: float  # 0..100, one decimal
    rank: int  # within its kind, 1 = best
    completion_points: float  # the score's three parts (unrounded; they add up to the score before rounding)
    on_time_points: float
    overdue_points: float

    @property
    def on_time_capped(self) -> bool:
        """Whether the score counted less on-time rate than measured, because the unit has overdue items."""
        measured = 1.0 if self.on_time_rate is None else self.on_time_rate
        return self.on_time_counted < measured


def rank_units(definition: ChecklistDef, statuses: Iterable) -> list[UnitScore]:
    """Score and rank every unit that owns a task among ``statuses`` (``engine.queries.status.TaskStatus``).

    Returns the units grouped by kind (kinds in the order the checklist first names them, units without a kind
    where their first unit stands), each group by rank, equal ranks in the checklist's order of units.
    """
    weights = definition.ranking_weights
    w_c, w_t, w_o = float(weights.completion), float(weights.on_time), float(weights.overdue)
    total = float(weights.total)  # validation refuses all-zero weights
    order = {unit: index for index, unit in enumerate(definition.units)}
    by_unit: dict[str, list] = {}
    for status in statuses:
        by_unit.setdefault(status.unit, []).append(status)

    measured = {unit: _measure(group) for unit, group in by_unit.items()}
    kinds = {unit: definition.unit_kinds.get(unit) for unit in by_unit}
    # the on-time floor of each kind: the lowest rate among its units with nothing overdue
    floors: dict[str | None, float] = {}
    for unit, m in measured.items():
        if m["overdue"] == 0:
            rate = 1.0 if m["on_time"] is None else m["on_time"]
            floors[kinds[unit]] = min(floors.get(kinds[unit], 1.0), rate)

    scored = []
    for unit, m in measured.items():
        counted = 1.0 if m["on_time"] is None else m["on_time"]
        if m["overdue"] and kinds[unit] in floors:
            counted = min(counted, floors[kinds[unit]])
        points = [100 * w * part / total for w, part in ((w_c, m["completion"]), (w_t, counted), (w_o, 1 - m["overdue_share"]))]
        scored.append(
            {
                "unit": unit,
                "name": definition.units.get(unit, unit),
                "kind": kinds[unit],
                "tasks": len(by_unit[unit]),
                "items": m["items"],
                "completion": m["completion"],
                "on_time_rate": m["on_time"],
                "on_time_counted": counted,
                "overdue": m["overdue"],
                "overdue_share": m["overdue_share"],
                "red": m["red"],
                "score": _one_decimal(sum(points)),
                "completion_points": points[0],
                "on_time_points": points[1],
                "overdue_points": points[2],
            }
        )

    kind_order: dict[str | None, int] = {}
    for unit in sorted(by_unit, key=lambda u: order.get(u, len(order))):
        kind_order.setdefault(kinds[unit], len(kind_order))
    result = []
    for kind in sorted(kind_order, key=kind_order.get):
        group = [s for s in scored if s["kind"] == kind]
        key = {s["unit"]: (-s["score"], s["overdue"], s["red"]) for s in group}
        for s in group:
            s["rank"] = 1 + sum(1 for other in group if key[other["unit"]] < key[s["unit"]])
        group.sort(key=lambda s: (s["rank"], order.get(s["unit"], len(order)), s["unit"]))
        result.extend(UnitScore(**s) for s in group)
    return result


def _measure(group: list) -> dict:
    shares, rated, weight, items, overdue, red = [], 0.0, 0, 0, 0, 0
    for status in group:
        target = Decimal(status.target or 0)
        shares.append(float(min(Decimal(1), Decimal(status.done) / target)) if target > 0 else 0.0)
        # a task runs as at least one item; its overdue items are never more than its items
        n = max(int(status.items or 0), int(status.overdue or 0), 1)
        late = min(int(status.overdue or 0), n)
        rate = status.on_time_rate
        if rate is None and late:
            rate = 1 - late / n  # its overdue items are milestones that came due and were missed
        if rate is not None:
            rated += float(rate) * n
            weight += n
        items += n
        overdue += late
        red += 1 if status.light == Light.RED else 0
    return {
        "completion": sum(shares) / len(shares),
        "on_time": rated / weight if weight else None,
        "items": items,
        "overdue": overdue,
        "overdue_share": overdue / items,
        "red": red,
    }


def _one_decimal(value: float) -> float:
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def by_kind(scores: list[UnitScore]) -> list[tuple[str | None, list[UnitScore]]]:
    """``rank_units``'s result as (kind, units) groups, in the same order."""
    groups: list[tuple[str | None, list[UnitScore]]] = []
    for score in scores:
        if not groups or groups[-1][0] != score.kind:
            groups.append((score.kind, []))
        groups[-1][1].append(score)
    return groups
