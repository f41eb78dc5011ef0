"""The facts of a task assigned to child lists (a county's task split among towns): one ``ChildFacts`` per child
list, and the ledger's rows for such a task (its total row, then one row per child list).

Every figure is the status's: the roll-up (``engine.queries.rollup``) hands each parent task its children's own
``TaskStatus`` (``ChildShare.status``), and a child's ``TaskFacts`` are built from that status with the child
list's own rows (``fact_reads``), by ``fact_rows.task_facts`` as for any task. What the status does not carry,
the figures of a period (本期完成), the stages reached with their dates and the notes written in reports, are
the children's put together: amounts added, stages merged. The parent task's own rows hold no work (reports on
an assigned task are refused), so nothing of them is read.
"""

from __future__ import annotations

from decimal import Decimal

from engine.documents.fact_rows import milestone_fact, person_name, report_fact, task_facts
from engine.documents.facts import ChildFacts, ItemFacts, MilestoneFact, TaskFacts, read_context
from engine.i18n import say
from engine.kinds import TaskKind, light_word


def not_arrived() -> str:
    """The light's place for a child list not loaded yet (the board says the same)."""
    return say("未载入", "not loaded")


def read_children(conn, context, statuses) -> None:
    """Read the rows of every loaded child list of ``statuses``' assigned tasks, every level down, into
    ``context.family`` (child list id → its context; one read per list, whatever the number of its tasks)."""
    from engine.runtime.lineage import loaded

    for status in statuses:
        for share in status.children:
            if share.status is None:
                continue  # not loaded, or no task fulfilling the parent's yet
            if share.checklist not in context.family:
                child = loaded(conn, share.checklist)
                if child is None:
                    continue
                context.family[share.checklist] = read_context(
                    conn, child, context.today, context.period, context.family, inspections=False
                )
            read_children(conn, context.family[share.checklist], [share.status])


def family_task_facts(context, status) -> TaskFacts:
    """``task_facts`` of a task, with its child lists' facts when it is assigned (any depth)."""
    found = task_facts(context, status)
    if not status.children:
        return found
    task = found.task
    found.children = [_child(context, task, share) for share in status.children]
    arrived = [c.task for c in found.children if c.task is not None]
    if found.period_done is not None or any(c.period_done is not None for c in arrived):
        counted = [c.period_done for c in arrived if c.period_done is not None]
        found.period_done = sum(counted, Decimal(0)) if counted else None
    found.reached = _merged_stages(context, task, [c.reached for c in arrived])
    found.notes = sorted((note for c in arrived for note in c.notes), key=lambda r: r.on_date)
    return found


def _child(context, task, share) -> ChildFacts:
    assignment = next((a for a in task.assign if a.to == share.checklist), None)
    quota = assignment.quantity if assignment is not None else share.quota
    assigned = assignment.items if assignment is not None else ()
    child = context.family.get(share.checklist)
    if share.status is None or child is None:
        return ChildFacts(share, share.title, share.title, "", quota, assigned, None, None, None)
    own = child.definition.task_by_id[share.task]
    facts = family_task_facts(child, share.status)
    row_id = child.task_rows.get(own.id)
    reversed_ids = {r.reverses for r in child.reports if r.reverses is not None}
    kept = [r for r in child.reports if r.task_id == row_id and r.reverses is None and r.id not in reversed_ids]
    return ChildFacts(
        share=share,
        name=share.title,
        unit=child.definition.units.get(own.unit, own.unit),
        responsible=person_name(child.definition, own.responsible),
        quota=quota,
        assigned=assigned,
        task=facts,
        last_report=report_fact(child.definition, own, kept[-1]) if kept else None,
        definition=child.definition,
    )


def _merged_stages(context, task, reached: list[list]) -> list:
    """The children's stages reached as one list: per stage the earliest date and the items that reached it, in the
    parent workflow's order of states (labels the children's workflows do not share come last)."""
    merged: dict[str, tuple] = {}
    for stages in reached:
        for label, first, count in stages:
            if label in merged:
                earlier, counted = merged[label]
                merged[label] = (min(earlier, first), counted + count)
            else:
                merged[label] = (first, count)
    order = []
    if task.kind == TaskKind.WORKFLOW:
        order = [state.label for state in context.definition.workflows[task.workflow].states.values()]
    ranked = sorted(merged, key=lambda label: order.index(label) if label in order else len(order))
    return [(label, *merged[label]) for label in ranked]


def stage_words(definition, task, states: dict[str, int]) -> str | None:
    """Items per state as the ledger's 当前环节 of an assigned workflow task writes them: 计划2个、完成1个."""
    if task.kind != TaskKind.WORKFLOW or not states:
        return None
    workflow = definition.workflows[task.workflow]
    ordered = [state for state in workflow.states if state in states] + [state for state in states if state not in workflow.states]
    return "、".join(f"{workflow.label(state)}{states[state]}个" for state in ordered if states[state]) or None


def rows(context, found: TaskFacts) -> list[ItemFacts]:
    """The ledger's rows of an assigned task: its total row (the roll-up, as the dispatch table's task row), then one
    row per child list with its share, figures, deadlines, light and people."""
    task, status = found.task, found.status
    total = ItemFacts(
        task=task,
        item=say("合计", "total"),
        unit=found.unit,
        responsible=found.responsible,
        owner=None,
        stage=stage_words(context.definition, task, status.states),
        milestones=[],
        done=found.done,
        target=found.target,
        last_report=None,
        evidence=0,
        inspections=[],
        closed_on=None,
        light=found.light,
        light_words=found.light_words,
        total=True,
        quota=task.target if task.kind == TaskKind.TARGET else None,
        assigned=tuple(item for a in task.assign for item in a.items),
        overdue=status.overdue,
    )
    return [total, *(_child_row(context, task, child) for child in found.children)]


def _child_row(context, task, child: ChildFacts) -> ItemFacts:
    share, own = child.share, child.task
    return ItemFacts(
        task=task,
        item=child.name,
        unit=child.unit,
        responsible=child.responsible,
        owner=None,
        stage=stage_words(child.definition, own.task, own.status.states) if own is not None else None,
        milestones=_child_milestones(context, child),
        done=own.done if own is not None else Decimal(0),
        target=own.target if own is not None else share.target,
        last_report=child.last_report,
        evidence=0,
        inspections=[],
        closed_on=None,
        light=share.light or "",
        light_words=light_word(share.light) if share.light else not_arrived(),
        child=share.checklist,
        quota=child.quota,
        assigned=child.assigned,
        overdue=share.overdue,
    )


def _child_milestones(context, child: ChildFacts) -> list[MilestoneFact]:
    """A child's target task's own deadlines with their verdicts (a target is judged as one item, as the ledger's
    row of a target task shows it); a workflow's items are judged one by one in the child's own ledger."""
    own = child.task
    if own is None or own.task.kind != TaskKind.TARGET or own.task.assign or own.status.judged is None or not own.status.judged.items:
        return []
    return [milestone_fact(child.definition, own.task, m, context.today) for m in own.status.judged.items[0].milestones]
