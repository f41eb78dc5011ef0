"""Step type ``site_survey`` (现场踏勘): a site survey by at least N people before design starts.

Task option ``site_survey: {min_people: 2, report_within: 5 workdays}``. Leaving the survey state
needs the survey date and the surveyors (``fire --data`` or ``qingdan record``); fewer surveyors than
``min_people`` is refused, a survey on a non-working day is allowed with a warning. With
``report_within``, leaving the survey starts the item's deadline ``survey_report``, met when
``report_filed`` is recorded.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict, Field

from engine.plugin import DataField, DeadlineRule, DurationText, OptionIssue, StepType, hookimpl, parse_duration, say


class SurveyOptions(BaseModel):  # the task key's shape: checked with line numbers
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    min_people: int = Field(default=2, ge=1)
    report_within: DurationText | None = None


class SiteSurvey(StepType):
    name = "site_survey"  # what a state says: step: site_survey
    title = "现场踏勘"
    title_en = "site survey"
    task_options = {"site_survey": SurveyOptions}  # task key → type
    data_fields = (  # fire --data KEY=VALUE, qingdan record --data KEY=VALUE
        DataField("surveyed_on", "踏勘日期", "survey date", "date", past=True),
        DataField("surveyors", "踏勘人员", "surveyors"),
        DataField("report_filed", "踏勘报告提交日期", "survey report filed on", "date", past=True),
    )
    leave_requires = ("surveyed_on", "surveyors")  # checked by the engine before guard()
    derived_deadlines = (
        DeadlineRule(
            "survey_report",
            "提交踏勘报告",
            "踏勘后按 report_within 提交踏勘报告;记录 report_filed 即满足。",
            "file the survey report within report_within of the survey; met when report_filed is recorded.",
        ),
    )

    def check_task(self, task, workflow, options):  # cross-checks at validate time
        survey = options.get("site_survey")
        if survey is not None and survey.min_people > 10:
            return [
                OptionIssue(
                    ("site_survey", "min_people"),
                    say("踏勘人数 {n} 不现实(最多 10 人)。", "{n} surveyors is not realistic (at most 10).", n=survey.min_people),
                )
            ]
        return []

    def guard(self, context):  # before anything is written; no writes here
        if not context.leaves(self.name):
            return None
        values = context.values(self.name)  # recorded before, overlaid with this firing's --data
        people = [p for p in re.split(r"[、,,\s]+", values["surveyors"]) if p]
        needed = _options(context.task).min_people
        if len(people) < needed:
            return say(
                "现场踏勘至少需要 {n} 人,只记录了 {k} 人({p})。",
                "a site survey needs at least {n} people; {k} recorded ({p}).",
                n=needed,
                k=len(people),
                p="、".join(people),
            )
        day = dt.date.fromisoformat(values["surveyed_on"])
        if not context.checklist.calendar.is_workday(day):
            context.warn(say("踏勘日期 {d} 不是工作日。", "the survey date {d} is not a working day.", d=day))
        return None

    def after_transition(self, context):  # inside the firing transaction
        within = _options(context.task).report_within
        values = context.values(self.name)
        if context.leaves(self.name) and within and "report_filed" not in values:
            due = context.checklist.calendar.add(dt.date.fromisoformat(values["surveyed_on"]), parse_duration(within))
            context.start_deadline("survey_report", "提交踏勘报告", due)

    def after_record(self, record):  # qingdan record … --data report_filed=…
        if "report_filed" in record.values:
            record.meet_deadline("survey_report")


def _options(task) -> SurveyOptions:  # task.options holds the checked option as JSON
    return SurveyOptions.model_validate(task.options.get("site_survey") or {}, strict=False)


@hookimpl
def qingdan_step_types():
    return [SiteSurvey()]
