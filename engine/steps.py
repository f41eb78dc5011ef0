"""The contract of a step type: what a plugin provides when a state says ``step: NAME``.

A step type declares the task keys it accepts (validated with line numbers like the rest of the
file), may check a task's use of it, and may refuse transitions into or out of its states. It holds
no state of its own: whatever it records goes into the database inside the firing transaction.
"""
from __future__ import annotations

import datetime as dt
from abc import ABC
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TransitionContext:
    """Everything a guard or hook needs to judge one firing. Read-only but for ``connection``."""

    checklist: Any  # engine.definitions.ChecklistDef
    task: Any  # engine.definitions.TaskDef
    item_id: int
    item_name: str
    trigger: str
    from_state: str
    to_state: str
    actor: str
    note: str | None
    data: dict = field(default_factory=dict)
    now: dt.datetime | None = None
    connection: Any = None  # the SQLAlchemy Connection of the firing transaction

    @property
    def workflow(self):
        return self.checklist.workflows[self.task.workflow]


@dataclass(frozen=True)
class OptionIssue:
    """A problem with a step's task options; ``path`` is relative to the task mapping."""

    path: tuple
    message: str
    severity: str = "error"


class StepType(ABC):
    """Base class for step types. Subclasses set ``name`` and ``title`` and override what they need."""

    name: str = ""
    title: str = ""
    #: task keys this step accepts, each mapped to a pydantic-compatible type (used by TypeAdapter)
    task_options: dict[str, Any] = {}

    def check_task(self, task: Any, workflow: Any, options: dict[str, Any]) -> list[OptionIssue]:
        """Cross-check a task that uses this step (``options`` already type-checked). Default: fine."""
        return []

    def guard(self, context: TransitionContext) -> str | None:
        """Return a refusal message to stop a transition into or out of this step's states, else None."""
        return None

    def after_transition(self, context: TransitionContext) -> None:
        """Record what the step needs inside the firing transaction (``context.connection``)."""
        return None
