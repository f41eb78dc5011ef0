"""The one rule for how a milestone stands: on time, late, missed, open or void.

A milestone (a workflow state with a date, a target's ``done``, one period of a recurring duty, or a deadline
that appeared for one item) is met when it is reached by the end of its due date in the checklist's zone. What
"reached" means for a workflow state is ``WorkflowDef.reached``; the *date* it was reached is the activity date
recorded when it happened (``item_reached``, a report's ``on_date``, an item deadline's ``met_on``). This module
only judges: it reads nothing and writes nothing, so the status board, the task page, the API, the sweep, the
exports and the plugins cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.kinds import Verdict


@dataclass(frozen=True)
class MilestoneVerdict:
    verdict: Verdict
    due: dt.date
    reached_on: dt.date | None = None

    @property
    def days_late(self) -> int:
        """Calendar days between the due date and the day it was reached (late), or today (missed: pass ``today``)."""
        if self.verdict == Verdict.LATE and self.reached_on is not None:
            return (self.reached_on - self.due).days
        return 0

    def days_overdue(self, today: dt.date) -> int:
        """Calendar days a missed milestone has been overdue on ``today`` (0 unless missed): the figure a
        circular or a ledger prints beside an overdue item."""
        if self.verdict == Verdict.MISSED:
            return max(0, (today - self.due).days)
        return 0

    @property
    def counts_as_due(self) -> bool:
        """Whether it enters the on-time rate: it has come due (met, late or missed), and is not moot."""
        return self.verdict in (Verdict.ON_TIME, Verdict.LATE, Verdict.MISSED)


def judge(due: dt.date, reached_on: dt.date | None, today: dt.date, *, moot: bool = False) -> MilestoneVerdict:
    """How a milestone due on ``due`` stands on ``today``.

    ``reached_on``: the activity date it was reached, or None. ``moot``: the item ended in a final state that
    does not count this milestone as reached (a contract deadline on an accepted item, a stage skipped by a
    cancelled item); it is void unless it was reached first. Once late, always late: completing a missed
    milestone turns it late, never on time.
    """
    if reached_on is not None:
        return MilestoneVerdict(Verdict.ON_TIME if reached_on <= due else Verdict.LATE, due, reached_on)
    if moot:
        return MilestoneVerdict(Verdict.VOID, due)
    if today > due:
        return MilestoneVerdict(Verdict.MISSED, due)
    return MilestoneVerdict(Verdict.OPEN, due)


def on_time_rate(counts) -> float | None:
    """The on-time share of the milestones that have come due (on time, late or missed), from a count per
    verdict; None when none has come due. Void and open milestones do not count either way."""
    due = sum(counts.get(v, 0) for v in (Verdict.ON_TIME, Verdict.LATE, Verdict.MISSED))
    if not due:
        return None
    return counts.get(Verdict.ON_TIME, 0) / due


def describe(verdict: Verdict | str, days_late: int = 0, *, due: dt.date | None = None, original_due: dt.date | None = None) -> str:
    """The words for a verdict, the same on the board, the task page, history, notices and exports.

    ``original_due``: an approved extension moved the date to ``due``; the words say so, so a head still sees it
    was due earlier: ``按时完成(延期至 2017-07-30,原定 2017-07-20)``. The verdict itself is judged on the new date."""
    from engine.i18n import say

    if original_due is not None and due is not None:
        return describe(verdict, days_late) + extension_words(due, original_due)
    if verdict == Verdict.LATE:
        return say("逾期完成(晚 {n} 天)", "reached late ({n} days late)", n=days_late)
    return {
        Verdict.ON_TIME: say("按时完成", "on time"),
        Verdict.MISSED: say("已逾期", "missed"),
        Verdict.OPEN: say("未到期", "not due yet"),
        Verdict.VOID: say("不再需要", "no longer needed"),
    }[Verdict(verdict)]


def extension_words(due: dt.date, original_due: dt.date) -> str:
    """What an approved extension adds to a deadline's words."""
    from engine.i18n import say

    return say("(延期至 {d},原定 {o})", " (extended to {d}, originally {o})", d=due.isoformat(), o=original_due.isoformat())
