"""The task checks of validation: each task's references (unit, people, workflow, items, parts, deadlines)
and the options its step types and extensions take.

A mixin of ``validation._Checker``: it reports through the checker's ``error`` / ``warn`` and calls the date
checks (``date_checks.DateChecks``) for each task's deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.definition.definitions import DONE
from engine.definition.family_checks import FamilyChecks
from engine.i18n import say


@dataclass
class TaskChecks(FamilyChecks):
    def _task_references(self, tasks, units, people, workflows, calendar, header):
        ids = {}
        options_by_task = {}
        for index, task in tasks:
            path = ("tasks", index)
            if task.id in ids:
                self.error(
                    path + ("id",),
                    say(
                        "任务编号 “{i}” 重复(第 {l} 行已用)。",
                        "task id '{i}' is used twice (first at line {l}).",
                        i=task.id,
                        l=self.src.where(("tasks", ids[task.id], "id"))[0],
                    ),
                )
            ids.setdefault(task.id, index)
            if task.unit not in units:
                self.error(path + ("unit",), self._missing("单位", "unit", task.unit, units, "units"))
            for field_name in ("responsible", "leader"):
                who = getattr(task, field_name)
                if who not in people:
                    self.error(path + (field_name,), self._missing("人员", "person", who, people, "people"))
            kinds = [name for name in ("workflow", "target", "recurring") if getattr(task, name) is not None]
            if not kinds:
                self.error(
                    path,
                    say(
                        "任务 {i} 需要 workflow、target、recurring 三者之一。",
                        "task {i} needs one of workflow, target or recurring.",
                        i=task.id,
                    ),
                )
            elif len(kinds) > 1:
                self.error(
                    path + (kinds[1],),
                    say(
                        "任务 {i} 同时有 {a} 和 {b};只能选一种。",
                        "task {i} has both {a} and {b}; choose one.",
                        i=task.id,
                        a=kinds[0],
                        b=kinds[1],
                    ),
                    key=True,
                )
            workflow = workflows.get(task.workflow) if task.workflow else None
            self._items(path, task)
            self._own_items(path, task, people, workflow, calendar, header)
            if task.workflow and workflow is None:
                self.error(path + ("workflow",), self._missing("流程", "workflow", task.workflow, workflows, "workflows"))
            self._deadlines(path, task, workflow, calendar, header)
            self._parts(path, task)
            if task.pace and task.target is None:
                self.error(
                    path + ("pace",), say("pace 只用于数量目标(target)任务。", "pace applies only to quantity-target tasks."), key=True
                )
            self._rules(path, task, people)
            self._family(path, task, header)
            options_by_task[task.id] = self._options(path, task, workflow)
        return options_by_task

    def _items(self, path, task):
        seen = {}
        for index, entry in enumerate(task.items):
            name = entry if isinstance(entry, str) else entry.name
            if name in seen:
                self.error(path + ("items", index), say("子项 “{n}” 重复。", "item '{n}' is listed twice.", n=name))
            seen.setdefault(name, index)

    def _own_items(self, path, task, people, workflow, calendar, header):
        """An item's owner, due date and share (docs/checklist-format.md, "Items of their own"): the owner a
        person of the list; the due date only on a workflow or target task, in a year the calendar knows, warned
        when outside the list's year or after the task's own final deadline; a share only on a target task, and
        the shares together no more than the target."""
        final_due = _final_deadline(task, workflow)
        shares = 0
        for index, entry in enumerate(task.items):
            if isinstance(entry, str):
                continue
            where = path + ("items", index)
            if entry.owner is not None and entry.owner not in people:
                self.error(where + ("owner",), self._missing("人员", "person", entry.owner, people, "people"))
            if entry.due is not None:
                self._item_due(where + ("due",), task, entry, final_due, calendar, header)
            if entry.quantity is not None:
                if task.target is None:
                    self.error(
                        where + ("quantity",),
                        say(
                            "子项的 quantity(分担数量)只用于数量目标(target)任务。",
                            "an item's quantity (its share) applies only to quantity-target tasks.",
                        ),
                        key=True,
                    )
                    continue
                if task.target.measure != "sum":  # a share is part of a sum; a reading is the value of the whole
                    self.error(
                        where + ("quantity",),
                        say(
                            "子项的 quantity(分担数量)只用于累计目标(measure: sum);按读数计的目标(measure: {m})不分担。",
                            "an item's quantity (its share) applies only to targets whose reports add up (measure: sum), "
                            "not to one measured by readings (measure: {m}).",
                            m=task.target.measure,
                        ),
                        key=True,
                    )
                    continue
                shares += entry.quantity
                if shares > task.target.quantity:
                    self.error(
                        where + ("quantity",),
                        say(
                            "子项分担数量合计 {s} 超过任务目标 {t}(到子项 “{n}” 为止)。",
                            "the items' shares add up to {s}, more than the task's target {t} (up to item '{n}').",
                            s=shares,
                            t=task.target.quantity,
                            n=entry.name,
                        ),
                    )
                    shares = -(10**30)  # one message per task is enough

    def _item_due(self, where, task, entry, final_due, calendar, header):
        due = entry.due
        if task.recurring is not None:
            self.error(
                where,
                say(
                    "周期性任务按周期计算期限,子项不用 due。",
                    "recurring duties are due at the end of each period; remove the item's due.",
                ),
                key=True,
            )
            return
        if due.year != header.year:
            self.warn(
                where,
                say(
                    "子项期限 {d} 不在清单年度 {y} 内。",
                    "the item's deadline {d} is outside the checklist's year {y}.",
                    d=due,
                    y=header.year,
                ),
            )
        if final_due is not None and due > final_due:
            self.warn(
                where,
                say(
                    "子项 “{n}” 的期限 {d} 晚于任务的最终期限 {f}。",
                    "item '{n}' is due {d}, after the task's final deadline {f}.",
                    n=entry.name,
                    d=due,
                    f=final_due,
                ),
            )
        if calendar is not None and not calendar.covers(due.year):
            self._calendar_gap(where, due.year, calendar.gap(due.year))

    def _parts(self, path, task):
        if task.parts and task.target is None:
            self.error(path + ("parts",), say("parts 只用于数量目标(target)任务。", "parts apply only to quantity-target tasks."), key=True)
            return
        if task.parts and task.target.measure != "sum":
            # a reading is the value of the whole at a date; parts that add up to the whole need reports that add up
            self.error(
                path + ("parts",),
                say(
                    "parts(分项)只用于累计目标(measure: sum);按读数计的目标(measure: {m})不能分项,请拆成几个任务。",
                    "parts apply only to targets whose reports add up (measure: sum); a target measured by readings "
                    "(measure: {m}) cannot have parts: make one task per part.",
                    m=task.target.measure,
                ),
                key=True,
            )
            return
        seen = set()
        for index, part in enumerate(task.parts):
            if part.id in seen:
                self.error(path + ("parts", index, "id"), say("分项编号 “{p}” 重复。", "part id '{p}' is used twice.", p=part.id))
            seen.add(part.id)
            if task.target is not None and part.quantity > task.target.quantity:
                self.error(
                    path + ("parts", index, "quantity"),
                    say(
                        "分项 {p} 的数量 {q} 超过任务总目标 {t}。",
                        "part {p}: {q} is more than the whole target {t}.",
                        p=part.id,
                        q=part.quantity,
                        t=task.target.quantity,
                    ),
                )

    def _options(self, path, task, workflow):
        extras = task.model_extra or {}
        options = {}
        used_steps = {s.step for s in workflow.states.values() if s.step} if workflow else set()
        for key, value in extras.items():
            step = self.option_keys.get(key)
            if step is None:
                self._unknown_key(path + (key,), key)
                continue
            checked = self._adapt(option_type(step.task_options[key]), value, path + (key,))
            if checked is None:
                continue
            options[key] = checked
            if step.name in self.extensions:
                continue
            if task.workflow is None:
                self.warn(path + (key,), say("任务没有流程,{k} 设置不会起作用。", "the task has no workflow, so {k} has no effect.", k=key))
            elif workflow is not None and step.name not in used_steps:
                self.warn(
                    path + (key,),
                    say(
                        "任务设置了 {k},但它的流程没有 “{s}” 步骤,这项设置不会起作用。",
                        "the task sets {k} but its workflow has no '{s}' step, so it has no effect.",
                        k=key,
                        s=step.name,
                    ),
                )
        for step in (*self.steps.values(), *self.extensions.values()):
            mine = {k: v for k, v in options.items() if k in step.task_options}
            if step.name in used_steps or mine:
                for issue in step.check_task(task, workflow, mine):
                    self.src.problem(path + tuple(issue.path), issue.message, severity=issue.severity)
        return {key: _jsonable(value) for key, value in options.items()}


def _final_deadline(task, workflow):
    """The task's last deadline for finishing: a final state's (workflow) or ``done`` (target); None without one."""
    if workflow is not None:
        days = [day for state, day in task.deadlines.items() if state in workflow.states and workflow.states[state].final]
    else:
        days = [day for state, day in task.deadlines.items() if state == DONE]
    return max(days, default=None)


def _jsonable(value):
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def option_type(spec):
    """A plugin's ``task_options`` value as a type: ``"module:name"`` imported now (a plugin's option models load
    only when a file is checked), anything else as it is."""
    if not isinstance(spec, str):
        return spec
    import importlib

    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)
