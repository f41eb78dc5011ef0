"""The to-do rule: what needs a person now, and why.

A staff member does the work, so every unfinished item of their tasks is on their to-do, with what they may do
to it. The owner of an item (``items.owner``) is like staff for that item, whatever their role: it is on their
to-do until it is finished, across tasks and lists; of a task they only own items in, only those items. A head or a leader supervises: their to-do keeps only what needs *them*, which is

- an approval: a transition they may fire on the item now (审定方案 …);
- an overdue item of a task they lead or hold (a missed milestone or item deadline): they press the
  responsible person (督办) from the task page;
- a target or recurring duty of theirs that is behind (overdue items);
- supervision replies to read and extension requests to decide (``engine.runtime.supervision``, listed apart).

An item in a final state is on nobody's to-do. Everything else stays on the task page and the board.

A task whose work is assigned to child lists (``assign:``, issue 9) takes no report or step of its own: it is on
the to-do of its people (whatever their role) only while its children are behind, as one line with its rolled-up
figures and no form; they press the child lists from the board. The child lists' people have the work, in their
lists; a person named in several lists (ids are global) has one to-do over all of them.

Must not: read tables or know the web. Callers pass what they found (the item's state, its judged milestones,
whether the account may fire something now), so the board, the web's my-work page and the API cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.definition.definitions import WorkflowDef
from engine.kinds import Verdict

#: roles whose to-do keeps only what needs them (the others see all the work of their tasks)
SUPERVISING_ROLES = frozenset({"head", "leader"})


@dataclass(frozen=True)
class Need:
    """Why an item is on someone's to-do."""

    approval: bool  # they may fire a transition on it now
    overdue: bool  # it missed a milestone or one of its own deadlines


def is_overdue(judged) -> bool:
    """An item is overdue when one of its dated milestones or own deadlines (rectification …) was missed;
    ``judged``: its ``engine.queries.milestones.ItemMilestones`` (None: nothing dated)."""
    if judged is None:
        return False
    return any(m.verdict.verdict == Verdict.MISSED and m.period_start is None for m in judged.milestones)


def item_need(role: str, workflow: WorkflowDef, state: str | None, judged, may_fire: bool, *, owns: bool = False) -> Need | None:
    """Whether a workflow item goes on the to-do of an account of ``role``, and why; None: it does not.
    ``owns``: the account's person holds the item (its owner does its work, like staff)."""
    if state is None or state in workflow.final_states:
        return None
    need = Need(approval=may_fire, overdue=is_overdue(judged))
    if role in SUPERVISING_ROLES and not owns and not (need.approval or need.overdue):
        return None
    return need


def duty_needed(role: str, overdue_items: int) -> bool:
    """Whether a target or recurring task goes on the to-do: always for staff (they report on it), for a head or
    a leader only while it is behind (``TaskStatus.overdue``)."""
    return role not in SUPERVISING_ROLES or overdue_items > 0


def assigned_needed(overdue_items: int) -> bool:
    """Whether a task its child lists fulfil (``TaskDef.assigned``) goes on the to-do of its responsible person or
    leader: only while it is behind (its rolled-up ``TaskStatus.overdue``), since there is nothing to report on it."""
    return overdue_items > 0
