"""The inspector's history of rounds (验收记录): the inspection rounds recorded on the tasks an account may see,
newest first, each with its item, time, verdict and unmet criteria; the page ``/inspect/history`` and the latest
rounds the queue shows when nothing waits.

A blueprint of the acceptance plugin (registered with the inspection pages in ``plugins.acceptance``). The rounds
are the ones ``plugins.acceptance.record`` wrote; the unmet criteria are worded by the same ``Finding`` that judged
them, so the history says exactly what the round said.
"""

from __future__ import annotations

import json
from decimal import Decimal

from flask import Blueprint, render_template
from sqlalchemy import select

from engine.plugin import may_view_task, show_instant, tables
from plugins.acceptance import STEP
from plugins.acceptance_criteria import Finding
from web import account, current_services, roles

bp = Blueprint("inspection_history", __name__, url_prefix="/inspect", template_folder="templates")

inspections, items, tasks = tables.inspections, tables.items, tables.tasks

#: rounds the history page lists (the newest); the queue shows the first few of them when it is empty
SHOWN = 100
ON_QUEUE = 5


def _with_acceptance(definition, me) -> list[str]:
    found = []
    for task in definition.tasks:
        if task.kind != "workflow" or not may_view_task(me, definition, task):
            continue
        if any(state.step == STEP for state in definition.workflows[task.workflow].states.values()):
            found.append(task.id)
    return found


def _finding(result: dict) -> Finding:
    def number(value):
        return None if value is None else Decimal(str(value))

    value = result.get("value")
    return Finding(
        result.get("check", ""),
        result.get("unit"),
        number(result.get("min")),
        number(result.get("max")),
        value if isinstance(value, bool) or value is None else Decimal(str(value)),
        bool(result.get("met")),
    )


def _unmet(results: list[dict]) -> list[str]:
    words = []
    for result in results:
        if result.get("met"):
            continue
        finding = _finding(result)
        words.append(finding.unmet_text() if finding.value is not None else result.get("check", ""))
    return words


def recent_rounds(store, definitions, me, limit: int = SHOWN) -> list[dict]:
    """The newest ``limit`` rounds on the tasks ``me`` may see, over every checklist: one query per checklist."""
    found = []
    for definition in definitions:
        keys = _with_acceptance(definition, me)
        if not keys:
            continue
        query = (
            select(
                tasks.c.key,
                items.c.name,
                inspections.c.round,
                inspections.c.at,
                inspections.c.on_date,
                inspections.c.inspector,
                inspections.c.passed,
                inspections.c.results,
                inspections.c.id,
            )
            .join(items, items.c.id == inspections.c.item_id)
            .join(tasks, tasks.c.id == items.c.task_id)
            .where(tasks.c.checklist_id == definition.id, tasks.c.key.in_(keys))
            .order_by(inspections.c.at.desc(), inspections.c.id.desc())
            .limit(limit)
        )
        with store.read() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            shown = show_instant(row.at, definition.timezone)
            found.append(
                {
                    "definition": definition,
                    "task": definition.task_by_id.get(row.key),
                    "task_id": row.key,
                    "item": row.name,
                    "round": row.round,
                    "at": row.at,
                    "when": shown[:16].replace("T", " "),
                    "day": row.on_date.isoformat() if row.on_date else shown[:10],
                    "inspector": row.inspector,
                    "passed": bool(row.passed),
                    "unmet": _unmet(json.loads(row.results)),
                }
            )
    found.sort(key=lambda r: r["at"], reverse=True)
    return found[:limit]


@bp.route("/history")
@roles("inspector")
def history():
    """Every round the inspector may see, newest first, grouped by the day of the inspection."""
    svc = current_services()
    found = recent_rounds(svc.store, svc.definitions().values(), account())
    days: dict[str, list] = {}
    for entry in found:
        days.setdefault(entry["day"], []).append(entry)
    return render_template("inspect_history.html", days=days, count=len(found), shown=SHOWN)
