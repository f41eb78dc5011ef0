"""The engine's closed vocabularies as ``StrEnum``s: task kinds, lights, milestone verdicts, rule kinds.

``StrEnum`` members compare equal to their strings, so stored values, JSON and templates keep the plain
words ("workflow", "red", "on_time") while code names them once, here.
"""

from __future__ import annotations

from enum import StrEnum


class TaskKind(StrEnum):
    WORKFLOW = "workflow"  # items move through a workflow with milestone dates
    TARGET = "target"  # a quantity reported as it goes, toward a target
    RECURRING = "recurring"  # at least N reports per item every week / month / quarter


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    DONE = "done"


class Verdict(StrEnum):
    """How one milestone of one item stands (``engine.verdicts.judge`` decides)."""

    ON_TIME = "on_time"  # reached by the end of the due date
    LATE = "late"  # reached after the due date: stays late for good
    MISSED = "missed"  # the due date has passed and it is not reached
    OPEN = "open"  # not due yet and not reached
    VOID = "void"  # the item ended in a final state that makes this milestone moot


class RuleKind(StrEnum):
    """What a schedule row sends when it falls due."""

    REMINDER = "reminder"
    OVERDUE = "overdue"
    ESCALATION = "escalation"


def light_word(light: str) -> str:
    """A light in words, the same on the board, in notices and in the exports."""
    from engine.i18n import say

    return {"red": say("红灯", "red"), "yellow": say("黄灯", "yellow"), "green": say("绿灯", "green"), "done": say("已完成", "done")}.get(
        light, light
    )


def reason_word(reason: str | None) -> str:
    """Why a task's light is not green, in words."""
    from engine.i18n import say

    return {
        "overdue": say("已逾期", "overdue"),
        "deadline_near": say("期限临近", "deadline near"),
        "pace": say("进度落后于时间", "behind the pace of the year"),
        "plugin": say("需关注", "needs attention"),
    }.get(reason or "", reason or "")
