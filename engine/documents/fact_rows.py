"""The facts of one task and of its items, built from the status as of the statement date and the rows
``fact_reads`` read. Every verdict, light and overdue count is the status's; this module only arranges them
and adds what people read beside them (names, labels, the last report, inspection rounds, the 销号 date).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.definition.definitions import DONE, ChecklistDef, TaskDef
from engine.documents.facts import InspectionFact, ItemFacts, MilestoneFact, OverdueFact, PartFact, ReportFact, TaskFacts
from engine.i18n import say
from engine.kinds import TaskKind, Verdict, light_word
from engine.numbers import plain
from engine.queries.status import TaskStatus, behind_pace, time_elapsed
from engine.runtime.measures import is_measured
from engine.verdicts import describe


def person_name(definition: ChecklistDef, person_id: str | None) -> str:
    person = definition.people.get(person_id or "")
    return person.name if person is not None else (person_id or "")


def milestone_label(definition: ChecklistDef, task: TaskDef, milestone) -> str:
    """A milestone as people name it: the state's label, 完成目标, the period (6月, 第二季度 …) or the item
    deadline's own label (整改期限 …)."""
    if getattr(milestone, "label", None):  # a task summary has no label of its own
        return milestone.label
    if milestone.period_start is not None:
        start = milestone.period_start
        return {
            "week": say("{m}月{d}日当周", "week of {m}/{d}", m=start.month, d=start.day),
            "month": say("{m}月", "{m}/{y}", m=start.month, y=start.year),
            "quarter": say("第{q}季度", "Q{q}", q="一二三四"[(start.month - 1) // 3]),
            "year": say("{y}年", "{y}", y=start.year),
        }.get(task.every or "", start.isoformat())
    if task.kind == TaskKind.WORKFLOW and milestone.milestone in definition.workflows[task.workflow].states:
        return definition.workflows[task.workflow].states[milestone.milestone].label
    if milestone.milestone == DONE:
        return say("完成目标", "target reached")
    return milestone.milestone or ""


def task_facts(context, status: TaskStatus) -> TaskFacts:
    definition, today, period = context.definition, context.today, context.period
    task = definition.task_by_id[status.id]
    row_id = context.task_rows[task.id]
    workflow = definition.workflows[task.workflow] if task.kind == TaskKind.WORKFLOW else None
    own_items = [row for row in context.rows if row.task_id == row_id]
    if workflow is not None:
        done, target = Decimal(status.finished or 0), Decimal(status.items - status.ended)  # 不予认定 items are out of the target
    else:
        done, target = status.done, status.target
    period_done = None
    if period is not None:
        if workflow is not None:
            period_done = Decimal(
                sum(
                    1
                    for row in own_items
                    if any(
                        period.start <= day <= today
                        for state, day in context.reached.get(row.id, {}).items()
                        if state in workflow.final_states - workflow.ended_states  # 不予认定 is not done
                    )
                )
            )
        elif not is_measured(task):  # readings do not add up: a measured target has no "done in the period"
            period_done = sum((r.amount for r in context.reports if r.task_id == row_id and period.start <= r.on_date <= today), Decimal(0))
    completion = float(done / target) if target else None
    elapsed_share = time_elapsed(definition, task, today)
    elapsed = float(elapsed_share)
    gap = None if completion is None else min(completion, 1.0) - elapsed
    return TaskFacts(
        task=task,
        status=status,
        unit=definition.units.get(task.unit, task.unit),
        responsible=person_name(definition, task.responsible),
        leader=person_name(definition, task.leader),
        target_unit=task.target_unit,
        done=done,
        target=target,
        period_done=period_done,
        completion=completion,
        time_elapsed=elapsed,
        gap=gap,
        behind_pace=bool(target) and behind_pace(elapsed_share, done / target),
        light=str(status.light),
        light_words=light_word(status.light),
        parts=[_part(part, status.parts.get(part.id, (Decimal(0), part.quantity))[0]) for part in task.parts],
        reached=_stages_reached(workflow, own_items, context.reached) if workflow is not None else [],
        upcoming=[
            (milestone_label(definition, task, m), m.due, m.counts.get(Verdict.OPEN, 0))
            for m in status.milestones
            if m.counts.get(Verdict.OPEN, 0) and m.due >= today
        ],
        remaining=max(Decimal(0), target - done) if target else None,
        funds=_funds(status.extra.get("funds")),
        notes=[
            report_fact(definition, task, r)
            for r in context.reports
            if r.task_id == row_id and r.note and r.reverses is None and (period is None or r.on_date >= period.start)
        ],
        overdue_items=status.overdue,
    )


def _part(part, done: Decimal) -> PartFact:
    return PartFact(part.title, done, part.quantity, float(done / part.quantity) if part.quantity else None)


def _stages_reached(workflow, own_items, reached) -> list[tuple[str, dt.date, int]]:
    found = []
    for name, state in workflow.states.items():
        if name == workflow.initial:
            continue  # every item stands there from the day the list was loaded
        days = [reached[row.id][name] for row in own_items if name in reached.get(row.id, {})]
        if days:
            found.append((state.label, min(days), len(days)))
    return found


def _funds(found: dict | None) -> dict[str, Decimal] | None:
    if not found:
        return None
    return {key: Decimal(str(found[key])) for key in ("budget", "allocated", "disbursed", "spent") if key in found}


def report_fact(definition: ChecklistDef, task: TaskDef, row) -> ReportFact:
    part = task.part(row.part) if row.part else None
    return ReportFact(row.on_date, row.amount, part.title if part else None, row.note, person_name(definition, row.actor))


def item_facts(context, status: TaskStatus) -> list[ItemFacts]:
    definition, today = context.definition, context.today
    task = definition.task_by_id[status.id]
    row_id = context.task_rows[task.id]
    judged = {item.item_id: item for item in status.judged.items}
    task_level = status.judged.items[0].milestones if task.kind == TaskKind.TARGET and status.judged.items else []
    reversed_ids = {r.reverses for r in context.reports if r.reverses is not None}
    found = []
    for row in (r for r in context.rows if r.task_id == row_id):
        mine = judged.get(row.id)
        milestones = task_level if task.kind == TaskKind.TARGET else (mine.milestones if mine else [])
        state = mine.state if mine is not None else row.state
        reports = [
            r
            for r in context.reports
            if r.task_id == row_id and (r.item_id == row.id or (task.kind == TaskKind.TARGET and r.item_id is None))
        ]
        kept = [r for r in reports if r.reverses is None and r.id not in reversed_ids]
        rounds = context.rounds.get(row.id, [])
        done, target = _item_figures(task, status, reports, today)
        workflow = definition.workflows.get(task.workflow) if task.workflow else None
        final = workflow is not None and state in workflow.final_states
        found.append(
            ItemFacts(
                task=task,
                item=row.name,
                unit=definition.units.get(task.unit, task.unit),
                responsible=person_name(definition, task.responsible),
                owner=None,
                stage=workflow.states[state].label if workflow is not None and state in workflow.states else None,
                milestones=[milestone_fact(definition, task, m, today) for m in milestones],
                done=done,
                target=target,
                last_report=report_fact(definition, task, kept[-1]) if kept else None,
                evidence=sum(r.evidence for r in rounds),
                inspections=[_inspection_fact(definition, task, row, r, context.appeared.get(row.id, [])) for r in rounds],
                closed_on=context.reached.get(row.id, {}).get(state) if final else None,
                light=str(status.light),
                light_words=light_word(status.light),
            )
        )
    return found


def _item_figures(task: TaskDef, status: TaskStatus, reports, today: dt.date) -> tuple[Decimal | None, Decimal | None]:
    if task.kind == TaskKind.TARGET:
        return status.done, status.target
    if task.kind == TaskKind.RECURRING:
        from engine.dates.periods import period_of

        start, _ = period_of(task.every, today)
        return sum((r.amount for r in reports if r.on_date >= start), Decimal(0)), Decimal(task.at_least)
    return None, None


def milestone_fact(definition: ChecklistDef, task: TaskDef, m, today: dt.date) -> MilestoneFact:
    verdict = m.verdict
    return MilestoneFact(
        label=milestone_label(definition, task, m),
        due=m.due,
        reached_on=verdict.reached_on,
        verdict=str(verdict.verdict),
        words=describe(verdict.verdict, verdict.days_late),
        days_overdue=verdict.days_overdue(today),
    )


def _inspection_fact(definition: ChecklistDef, task: TaskDef, row, round_, appeared: list) -> InspectionFact:
    rectify = None
    if not round_.passed:
        # the deadline the failed round started: the first to appear for the item once the round was entered
        later = [d for d in appeared if d.created_at >= round_.at]
        rectify = later[0].due_date if later else None
    return InspectionFact(
        task=task,
        item=row.name,
        round=round_.round,
        on_date=round_.on_date,
        inspector=person_name(definition, round_.inspector),
        passed=round_.passed,
        unmet=tuple(unmet_words(result) for result in round_.results if not result.get("met", True)),
        rectify_due=rectify,
    )


def unmet_words(result: dict) -> str:
    """An unmet criterion as a circular prints it: 文化广场面积 180 平方米(要求不少于 200)."""
    check, value, unit = result.get("check", ""), result.get("value"), result.get("unit") or ""
    if isinstance(value, bool) or value is None:
        return say("{c}:未达到", "{c}: not met", c=check)
    shown = f"{plain(Decimal(str(value)))}{'' if unit in ('', '%', '‰') else ' '}{unit}"
    if result.get("min") is not None and Decimal(str(value)) < Decimal(str(result["min"])):
        return say("{c} {v}(要求不少于 {b})", "{c} {v} (at least {b} required)", c=check, v=shown, b=plain(Decimal(str(result["min"]))))
    if result.get("max") is not None:
        return say("{c} {v}(要求不超过 {b})", "{c} {v} (at most {b} allowed)", c=check, v=shown, b=plain(Decimal(str(result["max"]))))
    return say("{c} {v}:未达到", "{c} {v}: not met", c=check, v=shown)


def overdue_facts(context, statuses: list[TaskStatus]) -> list[OverdueFact]:
    """Every missed milestone of every item (for a duty, of the last period that ended), worst first. An item of an
    assigned task is a child list's: it names that list (its title as the unit) and the child task's responsible
    person, as the child list names them."""
    definition, today = context.definition, context.today
    found = []
    for status in statuses:
        task = definition.task_by_id[status.id]
        if not status.children:
            unit, responsible = definition.units.get(task.unit, task.unit), person_name(definition, task.responsible)
            found.extend(_missed(definition, task, task, status, today, unit, responsible, None))
            continue
        for share in status.children:
            child = context.family.get(share.checklist)
            if share.status is None or child is None:
                continue  # a list not loaded yet has nothing overdue
            own = child.definition.task_by_id[share.task]
            responsible = person_name(child.definition, own.responsible)
            found.extend(_missed(child.definition, own, task, share.status, today, share.title, responsible, share.checklist))
    order = {task.id: index for index, task in enumerate(definition.tasks)}
    return sorted(found, key=lambda f: (-f.days_overdue, order[f.task.id]))


def _missed(definition: ChecklistDef, own: TaskDef, task: TaskDef, status: TaskStatus, today, unit, responsible, checklist) -> list:
    """The missed milestones of ``status`` (of ``own``, a task of ``definition``), stated under ``task``."""
    judged = status.judged.items if status.judged is not None else []
    latest = None
    if own.kind == TaskKind.RECURRING:
        ended = [m.period_start for item in judged for m in item.milestones if m.verdict.verdict != Verdict.OPEN]
        latest = max(ended) if ended else None
    found = []
    for item in judged:
        for m in item.milestones:
            if m.verdict.verdict != Verdict.MISSED or (own.kind == TaskKind.RECURRING and m.period_start != latest):
                continue
            found.append(
                OverdueFact(
                    task=task,
                    item=item.name or own.title,
                    milestone=milestone_label(definition, own, m),
                    due=m.due,
                    days_overdue=m.verdict.days_overdue(today),
                    unit=unit,
                    responsible=responsible,
                    checklist=checklist,
                )
            )
    return found
