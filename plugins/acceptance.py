"""Built-in step type ``acceptance`` (验收): the criteria an inspector checks and the rectification time.

Task options: ``acceptance`` (a list of criteria, each ``min``, ``max`` or a plain yes/no check)
and ``rectify_within`` (a duration). Inspection rounds are added by the plugins issue.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from engine.hookspecs import hookimpl
from engine.i18n import say
from engine.schema import Bound, DurationText, Text
from engine.steps import OptionIssue, StepType


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    check: Text
    unit: Text | None = None
    min: Bound | None = None
    max: Bound | None = None


class Acceptance(StepType):
    name = "acceptance"
    title = "验收"
    task_options = {
        "acceptance": list[Criterion],
        "rectify_within": DurationText,
    }

    def check_task(self, task, workflow, options):
        issues = []
        seen = {}
        for index, criterion in enumerate(options.get("acceptance") or ()):
            if criterion.check in seen:
                issues.append(OptionIssue(("acceptance", index, "check"), say(
                    "验收标准 “{c}” 重复。", "acceptance criterion '{c}' is listed twice.", c=criterion.check)))
            seen[criterion.check] = index
            if criterion.min is not None and criterion.max is not None and criterion.min > criterion.max:
                issues.append(OptionIssue(("acceptance", index), say(
                    "验收标准 “{c}” 的下限 {lo} 大于上限 {hi}。", "criterion '{c}': min {lo} is above max {hi}.",
                    c=criterion.check, lo=criterion.min, hi=criterion.max)))
        return issues


@hookimpl
def qingdan_step_types():
    return [Acceptance()]
