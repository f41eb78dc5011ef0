"""What an account may do to an item right now: the transitions it may fire (with the data fields and evidence a
step needs), and whether it may report progress. Decided by ``engine.accounts`` (role × capacity) over the
workflow definition; the engine checks again when the action is taken."""
from __future__ import annotations

from dataclasses import dataclass

from engine.accounts import REPORT_CAPACITIES, may_act
from engine.definition.definitions import ChecklistDef, TaskDef
from web import engine_bridge as bridge


@dataclass(frozen=True)
class Action:
    trigger: str
    label: str
    dest: str
    dest_label: str
    fields: tuple  # bridge.StepField
    free_data: bool  # a step is involved but declares no fields: offer a KEY=VALUE box
    evidence: bool
    inspect: bool  # a verdict out of an acceptance state: done on the inspection form


def actions_for(account, definition: ChecklistDef, task: TaskDef, state: str | None, steps: dict) -> list[Action]:
    """``steps``: ``engine.pluginmanager.step_types(plugins)``."""
    if task.kind != "workflow" or state is None:
        return []
    workflow = definition.workflows[task.workflow]
    found = []
    acceptance = bridge.acceptance_states(definition, task)
    for transition in workflow.transitions:
        if state not in transition.sources or not may_act(account, definition, task, transition.by):
            continue
        fields = bridge.step_fields(definition, task, transition, state, steps)
        found.append(Action(
            trigger=transition.trigger, label=transition.label or f"→ {workflow.label(transition.dest)}", dest=transition.dest,
            dest_label=workflow.label(transition.dest), fields=tuple(fields or ()), free_data=fields == [],
            evidence=bridge.wants_evidence(definition, task, transition, state), inspect=state in acceptance))
    return found


def may_report(account, definition: ChecklistDef, task: TaskDef) -> bool:
    return task.kind != "workflow" and may_act(account, definition, task, REPORT_CAPACITIES)
