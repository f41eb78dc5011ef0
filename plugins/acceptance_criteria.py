"""The acceptance standard (验收标准) of a task and how one inspection round is judged against it: each criterion a
minimum, a maximum or a yes/no, values as inspectors type them (210, 是, ✓), one finding per criterion.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plugins.option_models import Criterion

from engine.plugin import (
    InputError,
    parse_measure,
    plain,
    say,
)

YES = {"是", "有", "合格", "达标", "符合", "通过", "齐全", "yes", "y", "true", "1", "ok", "✓", "√"}


NO = {"否", "无", "不合格", "不达标", "不符合", "不通过", "不齐全", "no", "n", "false", "0", "✗", "×"}


@dataclass(frozen=True)
class Finding:
    check: str
    unit: str | None
    min: Decimal | None
    max: Decimal | None
    value: Decimal | bool
    met: bool

    def as_json(self) -> dict:
        shown = self.value if isinstance(self.value, bool) else plain(self.value)
        return {"check": self.check, "unit": self.unit, "min": _opt(self.min), "max": _opt(self.max), "value": shown, "met": self.met}

    def unmet_text(self) -> str:
        if isinstance(self.value, bool):
            return say("{c}:未达到", "{c}: not met", c=self.check)
        unit = "" if not self.unit else self.unit if self.unit in ("%", "‰") else f" {self.unit}"
        if self.min is not None and self.value < self.min:
            return f"{self.check} {plain(self.value)} < {plain(self.min)}{unit}"
        return f"{self.check} {plain(self.value)} > {plain(self.max)}{unit}"


def _opt(value):
    return None if value is None else plain(value)


def criteria_of(task) -> list:
    """The task's criteria (``plugins.option_models.Criterion``), rebuilt from the stored (JSON) options."""
    from plugins.option_models import Criterion

    return [
        Criterion.model_validate({k: v for k, v in raw.items() if v is not None}, strict=False)
        for raw in task.options.get("acceptance") or ()
    ]


def evaluate(task, values: dict) -> list[Finding]:
    """Judge a value per criterion. ``values`` maps a criterion's text (or its 1-based number) to a number, a
    yes/no word or a bool. Every criterion needs a value; unknown or repeated names are refused."""
    criteria = criteria_of(task)
    if not criteria:
        raise InputError(say("任务 {t} 没有验收标准。", "task {t} has no acceptance criteria.", t=task.id))
    by_name: dict[str, object] = {}
    for key, value in values.items():
        name = _criterion_name(criteria, str(key).strip())
        if name in by_name:
            raise InputError(say("验收标准 “{c}” 给了两次。", "criterion '{c}' is given twice.", c=name))
        by_name[name] = value
    missing = [c.check for c in criteria if c.check not in by_name]
    if missing:
        raise InputError(say("每项验收标准都要填写结果,缺少:{m}。", "every criterion needs a value; missing: {m}.", m="、".join(missing)))
    return [_judge(c, by_name[c.check]) for c in criteria]


def _criterion_name(criteria, key: str) -> str:
    for criterion in criteria:
        if criterion.check == key:
            return criterion.check
    if key.isdigit() and 1 <= int(key) <= len(criteria):
        return criteria[int(key) - 1].check
    listing = "; ".join(f"{i}. {c.check}" for i, c in enumerate(criteria, 1))
    raise InputError(
        say("没有验收标准 “{k}”;标准有:{l}(可写名称或序号)。", "no criterion '{k}'; the criteria: {l} (name or number).", k=key, l=listing)
    )


def _judge(criterion: Criterion, raw) -> Finding:
    if criterion.yes_no:
        value = _yes_no(criterion, raw)
        return Finding(criterion.check, criterion.unit, None, None, value, value)
    value = _number(criterion, raw)
    met = (criterion.min is None or value >= criterion.min) and (criterion.max is None or value <= criterion.max)
    return Finding(criterion.check, criterion.unit, criterion.min, criterion.max, value, met)


def _yes_no(criterion: Criterion, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise InputError(
        say("“{c}” 是是否项,请填 是 或 否,不是 “{v}”。", "'{c}' is a yes/no check: give yes or no, not '{v}'.", c=criterion.check, v=raw)
    )


def _number(criterion: Criterion, raw) -> Decimal:
    if isinstance(raw, bool):
        raise InputError(say("“{c}” 需要数值。", "'{c}' needs a number.", c=criterion.check))
    text = str(raw).strip()
    if criterion.unit and text.endswith(criterion.unit):
        text = text[: -len(criterion.unit)].strip()
    try:
        return parse_measure(text)  # the one rule for numbers: plain decimals, at most 16 + 4 digits, finite
    except InputError as err:
        shown = str(raw) if len(str(raw)) <= 40 else str(raw)[:40] + "…"
        raise InputError(
            say(
                "“{c}” 的结果应是数字{u},不是 “{v}”({m})。",
                "'{c}' needs a number{u}, not '{v}' ({m}).",
                c=criterion.check,
                u=f"({criterion.unit})" if criterion.unit else "",
                v=shown,
                m=str(err).rstrip("。."),
            )
        ) from None
