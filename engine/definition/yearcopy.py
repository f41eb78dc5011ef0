"""Next year's list from this year's (``qingdan copy LIST --year 2018``): the same units, people, workflows and tasks,
every date a year later on a working day, ids and titles renamed for the year, and no progress (a definition has none).

The copy is written from the list's definition as loaded (its normalized form, ``ChecklistDef.source_json``), not from
the file it came from: the database holds no file, so the source's comments are not kept and keys left at their
defaults (``timezone``, ``calendar: cn``, ``by: [responsible]`` …) are not repeated.

Dates. Each date moves to the same month and day of the new year (29 February to 28 February). When that day is not a
working day of the list's calendar in the new year, it moves **back** to the working day before it: a deadline is
never pushed later than the office set it (a 10月1日 deadline becomes the make-up working day before 国庆, not a day
after the holiday). Every moved date is reported. The list's own ``holidays`` and ``workdays`` of years before the new
year are dropped (they were that year's adjustments) and reported too.

Ids and titles: the old year in the list's id and title becomes the new year (``yanting-wenguang-2017`` →
``yanting-wenguang-2018``, ``…2017年…`` → ``…2018年…``); ``year:`` is the new year. The ids of the other lists a list
names (``fulfils:``, ``assign: to:``) are renamed the same way, so a town and its villages copied one by one form
next year's family again. Task, unit, person and item names
are kept as they are.

Must not: touch the database or write files (the command does both), or validate (the command validates the text).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

import yaml

from engine.dates.calendar import WorkCalendar
from engine.definition import schema
from engine.definition.definitions import ChecklistDef
from engine.errors import InputError
from engine.i18n import say

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class YearCopy:
    """The new list's YAML text and what the copy changed beyond the year."""

    text: str
    checklist_id: str
    moved: list[tuple[dt.date, dt.date, dt.date]] = field(default_factory=list)  # (old, same day next year, chosen)
    dropped_calendar: list[dt.date] = field(default_factory=list)


def same_day(day: dt.date, year: int) -> dt.date:
    """``day``'s month and day in ``year`` (29 February → 28 February)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def copy_to_year(definition: ChecklistDef, year: int) -> YearCopy:
    """The list ``definition`` written for ``year`` (see the module's docstring)."""
    old = definition.year
    if year <= old:
        raise InputError(
            say(
                "新的年度 {n} 应晚于清单 {c} 的年度 {o}。",
                "the new year {n} must be later than the year {o} of checklist {c}.",
                n=year,
                o=old,
                c=definition.id,
            ),
            field="year",
        )
    data = schema.ChecklistFile.model_validate_json(definition.source_json, strict=False).model_dump(
        mode="python", by_alias=True, exclude_defaults=True
    )
    header = data["checklist"]
    header["id"] = renamed_for_year(header["id"], old, year)
    header["title"] = header["title"].replace(str(old), str(year))
    header["year"] = year
    copy = YearCopy("", header["id"])
    calendar = _calendar(header, year, copy)
    _moved = {}

    def move(day: dt.date) -> dt.date:
        if day not in _moved:
            target = same_day(day, day.year + (year - old))
            chosen = target
            while not calendar.is_workday(chosen):
                chosen -= dt.timedelta(days=1)
            _moved[day] = chosen
            if chosen != target:
                copy.moved.append((day, target, chosen))
        return _moved[day]

    data = _walk(data, move, skip=id(header.get("calendar")))
    for task in data["tasks"]:  # lists across levels are copied as a family: the other lists' ids renamed alike
        if task.get("fulfils"):
            parent, task_id = task["fulfils"].split(":", 1)
            task["fulfils"] = f"{renamed_for_year(parent, old, year)}:{task_id}"
        for share in task.get("assign") or ():
            share["to"] = renamed_for_year(share["to"], old, year)
    for task in data["tasks"]:
        for key in set(task) - set(schema.CORE_TASK_KEYS):
            task[key] = _numbers(task[key])
    copy.moved.sort()
    copy.text = _header_comment(definition, year) + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    return copy


def renamed_for_year(list_id: str, old: int, year: int) -> str:
    """A list's id for the new year: the old year in it replaced, else the new year appended."""
    return list_id.replace(str(old), str(year)) if str(old) in list_id else f"{list_id}-{year}"


def _calendar(header: dict, year: int, copy: YearCopy) -> WorkCalendar:
    spec = header.get("calendar")
    if not isinstance(spec, dict):
        return WorkCalendar(spec or "cn", provisional_after=None)
    for key in ("holidays", "workdays"):
        kept = [d for d in spec.get(key, []) if d.year >= year]
        copy.dropped_calendar += [d for d in spec.get(key, []) if d.year < year]
        spec[key] = kept
    copy.dropped_calendar.sort()
    return WorkCalendar(spec.get("base", "cn"), holidays=spec["holidays"], workdays=spec["workdays"])


def _walk(value, move, skip: int):
    if isinstance(value, dict):
        if id(value) == skip:
            return value
        return {key: _walk(item, move, skip) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, move, skip) for item in value]
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return move(value)
    if isinstance(value, str) and _DATE.match(value):  # a plugin's own task key (extra): a date written as text
        try:
            return move(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return value


_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_TEXT_KEYS = {"check", "title", "label", "name", "unit", "note", "doc", "text"}


def _numbers(value, key: str | None = None):
    """A plugin's task key as the file wrote it: the stored form keeps its amounts as text ("200"), a file as numbers."""
    if isinstance(value, dict):
        return {k: _numbers(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v, key) for v in value]
    if isinstance(value, str) and key not in _TEXT_KEYS and _NUMBER.match(value):
        return Decimal(value)
    return value


def _header_comment(definition: ChecklistDef, year: int) -> str:
    return (
        f"# 由 qingdan copy 从 {definition.id}({definition.year} 年)生成的 {year} 年清单:任务、单位、人员、流程照旧,\n"
        "# 日期顺延一年并落在工作日(遇节假日、周末提前到之前的工作日),不带进度。原文件的注释没有保留。\n"
    )


class _Dumper(yaml.SafeDumper):
    """Block style for the structure; short mappings and lists of plain values on one line, as people write them."""

    def ignore_aliases(self, data) -> bool:  # one date used twice is written twice, never as an anchor and alias
        return True


def _represent_decimal(dumper, value: Decimal):
    text = format(value.normalize(), "f")
    return dumper.represent_scalar("tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float", text)


def _flat(value) -> bool:
    return not isinstance(value, (dict, list))


def _represent_list(dumper, value: list):
    flow = all(_flat(v) for v in value) and len(json.dumps(value, ensure_ascii=False, default=str)) <= 400
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _represent_dict(dumper, value: dict):
    simple = all(_flat(v) or (isinstance(v, list) and all(_flat(x) for x in v)) for v in value.values())
    flow = simple and len(json.dumps(value, ensure_ascii=False, default=str)) <= 100
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=flow)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)
