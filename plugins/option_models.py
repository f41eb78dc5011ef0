"""The built-in plugins' task options as pydantic models (``tendering:``, ``funds:``, ``acceptance:``), in a module of
their own: they are needed only when a list file is checked, so a command that only reads (``qingdan status``) starts
without importing pydantic. The plugins name them as ``"plugins.option_models:…"`` in ``task_options``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from engine.plugin import Bound, Quantity, Text


class TenderingOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    mandatory: bool = True


class FundsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    budget: Quantity
    unit: Text = "万元"


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    check: Text
    unit: Text | None = None
    min: Bound | None = None
    max: Bound | None = None

    @property
    def yes_no(self) -> bool:
        """A criterion without bounds is a plain check: met or not."""
        return self.min is None and self.max is None


#: ``acceptance:``, the task's criteria
AcceptanceCriteria = list[Criterion]
