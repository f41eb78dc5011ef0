"""The task checks of validation: each task's references (unit, people, workflow, items, parts, deadlines)
and the options its step types and extensions take.

A mixin of ``validation._Checker``: it reports through the checker's ``error`` / ``warn`` and calls the date
checks (``date_checks.DateChecks``) for each task's deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.i18n import say


@dataclass
class TaskChecks:
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
            self._items(path, task)
            workflow = workflows.get(task.workflow) if task.workflow else None
            if task.workflow and workflow is None:
                self.error(path + ("workflow",), self._missing("流程", "workflow", task.workflow, workflows, "workflows"))
            self._deadlines(path, task, workflow, calendar, header)
            self._parts(path, task)
            if task.pace and task.target is None:
                self.error(
                    path + ("pace",), say("pace 只用于数量目标(target)任务。", "pace applies only to quantity-target tasks."), key=True
                )
            self._rules(path, task, people)
            options_by_task[task.id] = self._options(path, task, workflow)
        return options_by_task

    def _items(self, path, task):
        seen = {}
        for index, name in enumerate(task.items):
            if name in seen:
                self.error(path + ("items", index), say("子项 “{n}” 重复。", "item '{n}' is listed twice.", n=name))
            seen.setdefault(name, index)

    def _parts(self, path, task):
        if task.parts and task.target is None:
            self.error(path + ("parts",), say("parts 只用于数量目标(target)任务。", "parts apply only to quantity-target tasks."), key=True)
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
            checked = self._adapt(step.task_options[key], value, path + (key,))
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


def _jsonable(value):
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
