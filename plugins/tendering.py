"""Built-in step type ``tendering`` (招投标): the task option ``tendering: {mandatory: bool}``.

The award rules (20-day bidding period, 3-day publicity, 30-day contract deadline) are added by the
plugins issue; this module only declares the step and its options so checklists validate.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from engine.hookspecs import hookimpl
from engine.steps import StepType


class TenderingOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    mandatory: bool = True


class Tendering(StepType):
    name = "tendering"
    title = "招投标"
    task_options = {"tendering": TenderingOptions}


@hookimpl
def qingdan_step_types():
    return [Tendering()]
