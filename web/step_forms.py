"""The fields of a firing form: the data a transition into or out of a step's state takes, from the step types'
declarations (``data_fields``, ``enter_requires``, ``leave_requires``).

Whether a firing enters a step or leaves it for good is the engine's rule (``TransitionContext.enters`` /
``leaves``), asked here with the transition the form is for; this module only turns the answer into fields.
Must not: import Flask, or decide anything a step type declares.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import ChecklistDef, TaskDef, TransitionContext, TransitionDef


@dataclass(frozen=True)
class StepField:
    key: str
    label: str
    kind: str = "text"  # text | date | amount
    required: bool = False


def _firing(definition: ChecklistDef, task: TaskDef, transition: TransitionDef, from_state: str) -> TransitionContext:
    """What the engine will be asked when the form is sent (no item, actor or connection needed to read the shape)."""
    return TransitionContext(definition, task, 0, "", transition.trigger, from_state, transition.dest, "", None)


def step_fields(definition: ChecklistDef, task: TaskDef, transition: TransitionDef, from_state: str, steps: dict) -> list[StepField] | None:
    """The data fields a firing may carry: the ``data_fields`` of the step whose state the item leaves for good or
    enters, ``required`` for its ``leave_requires`` / ``enter_requires``; None when no step is involved, ``[]`` when a
    step is involved but declares no fields (the form then offers a KEY=VALUE box). Values already recorded with
    ``qingdan record`` count too: the engine overlays them, so fields may stay empty.
    """
    firing = _firing(definition, task, transition, from_state)
    if not firing.from_step and not firing.to_step:
        return None
    found: list[StepField] = []
    for name, needed_attr, applies in (
        (firing.from_step, "leave_requires", firing.leaves(firing.from_step or "")),
        (firing.to_step, "enter_requires", firing.enters(firing.to_step or "")),
    ):
        step = steps.get(name) if name else None
        if step is None or not applies:
            continue
        needed = set(getattr(step, needed_attr, ()) or ())
        for data_field in getattr(step, "data_fields", ()) or ():
            if any(f.key == data_field.key for f in found):
                continue
            found.append(StepField(data_field.key, data_field.title(), data_field.kind, data_field.key in needed))
    return found


def wants_evidence(definition: ChecklistDef, task: TaskDef, transition: TransitionDef, from_state: str) -> bool:
    """Whether the firing form offers evidence upload: any transition into or out of a step's state."""
    firing = _firing(definition, task, transition, from_state)
    return bool(firing.from_step or firing.to_step)


def evidence_kind(definition: ChecklistDef, task: TaskDef, transition: TransitionDef, from_state: str, steps: dict) -> str:
    """What the firing's evidence usually is, from the step types involved (``StepType.evidence_kind``): ``photo`` when
    any says so (the form offers the phone's camera), else ``document`` when any says so, else ``any``."""
    firing = _firing(definition, task, transition, from_state)
    kinds = {getattr(steps.get(name), "evidence_kind", "any") for name in (firing.from_step, firing.to_step) if name}
    return "photo" if "photo" in kinds else "document" if "document" in kinds else "any"
