"""What an account may do to an item right now: the transitions it may fire (with the data fields and evidence a
step needs), and whether it may report progress. Decided by ``engine.accounts`` (role × capacity) over the
workflow definition; the engine checks again when the action is taken. A transition out of a state whose step
type has a page of its own (a plugin's ``pages.step_page``, like the inspection form) is done there."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from engine import ChecklistDef, TaskDef
from engine.account_rules import REPORT_CAPACITIES, may_act
from web.plugin_pages import PageLink, pages_of
from web.step_forms import evidence_kind, step_fields, wants_evidence
from web.yearend import is_closed


@dataclass(frozen=True)
class Action:
    trigger: str
    label: str
    dest: str
    dest_label: str
    fields: tuple  # web.step_forms.StepField
    free_data: bool  # a step is involved but declares no fields: offer a KEY=VALUE box
    evidence: bool
    page: PageLink | None = None  # out of a step's state that a plugin's page takes (the inspection form): link there
    evidence_kind: str = "any"  # photo | document | any (web.step_forms.evidence_kind)


def button_label(transition, workflow) -> str:
    """What a button says: the transition's ``label:`` (审定方案, 开标), else 转入 and the target state's label."""
    return workflow.action_label(transition.trigger, transition.dest)  # the engine's words for a step, pages and messages alike


def actions_for(
    account, definition: ChecklistDef, task: TaskDef, state: str | None, steps: dict, *, holder: str | None = None
) -> list[Action]:
    """``steps``: ``engine.pluginmanager.step_types(plugins)``; ``holder``: the item's owner (it acts on its item)."""
    if task.kind != "workflow" or state is None or task.assigned or is_closed(definition.id):
        return []  # a list closed at year end, a task its child lists fulfil: no buttons
    workflow = definition.workflows[task.workflow]
    found = []
    step = workflow.states[state].step
    page = pages_of(current_app).steps.get(step) if step else None
    for transition in workflow.transitions:
        if state not in transition.sources or not may_act(account, definition, task, transition.by, holder=holder):
            continue
        fields = step_fields(definition, task, transition, state, steps)
        found.append(
            Action(
                trigger=transition.trigger,
                label=button_label(transition, workflow),
                dest=transition.dest,
                dest_label=workflow.label(transition.dest),
                fields=tuple(fields or ()),
                free_data=fields == [],
                evidence=wants_evidence(definition, task, transition, state),
                page=page,
                evidence_kind=evidence_kind(definition, task, transition, state, steps),
            )
        )
    return found


def may_report(account, definition: ChecklistDef, task: TaskDef, *, holder: str | None = None) -> bool:
    if is_closed(definition.id) or task.assigned:  # closed at year end; fulfilled by child lists (reported there)
        return False
    return task.kind != "workflow" and may_act(account, definition, task, REPORT_CAPACITIES, holder=holder)
