"""Check a checklist file completely and say every problem with its file, line and column.

Order: read YAML (syntax, duplicate keys, YAML 1.1 surprises) → shapes and types per section
(``engine.definition.schema``) → cross-references and workflow structure → step plugins' options → calendar
warnings. A file with no errors compiles into an ``engine.definition.definitions.ChecklistDef``. Whatever the
file holds, this module returns problems; it never raises on bad input.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import TypeAdapter, ValidationError

from engine.definition import schema
from engine.definition.definitions import DONE, ChecklistDef, compile_checklist, workflow_graph
from engine.errors import CalendarGap, InputError, Problem
from engine.i18n import say
from engine.definition.pydantic_messages import problems_from
from engine.definition.yamlsource import Source, read_file, read_text

SECTIONS = {
    "checklist": schema.ChecklistHeader,
    "units": dict[schema.Key, schema.Unit],
    "people": dict[schema.Key, schema.Person],
    "workflows": dict[schema.Key, schema.Workflow],
    "defaults": schema.Rules,
    "ranking": schema.RankingWeights,
    "tasks": list,
}
REQUIRED_SECTIONS = ("checklist", "units", "people", "tasks")


@dataclass
class Validated:
    file: str
    definition: ChecklistDef | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.definition is not None and not self.errors


def validate_file(path: str, step_types: dict | None = None) -> Validated:
    return _validate(read_file(path), step_types)


def validate_text(text: str, file: str = "<text>", step_types: dict | None = None) -> Validated:
    return _validate(read_text(text, file), step_types)


def _validate(source: Source, step_types: dict | None) -> Validated:
    if step_types is None:
        from engine.pluginmanager import get_plugin_manager, step_types as collect

        step_types = collect(get_plugin_manager())
    checker = _Checker(source, step_types)
    try:
        definition = checker.run()
    except RecursionError:  # pragma: no cover - pathological nesting that slipped past the reader
        source.problem((), say("文件结构过于复杂,无法检查。", "the file is too deeply nested to check."))
        definition = None
    problems = sorted(source.problems, key=lambda p: (p.line, p.column, p.severity))
    result = Validated(source.file, None, problems)
    if not result.errors:
        result.definition = definition
    return result


class _Checker:
    def __init__(self, source: Source, step_types: dict):
        self.src = source
        self.steps = step_types
        # task extensions (funds) add task keys to any task; no state names them with step:
        self.extensions = dict(getattr(step_types, "extensions", {}))
        self.option_keys = {key: owner for owner in (*step_types.values(), *self.extensions.values()) for key in owner.task_options}
        self.gaps: dict[int, tuple] = {}
        self.provisional: dict[int, tuple] = {}  # year → where its provisional notice days were first explained
        self.graphs: dict = {}  # workflow id → its WorkflowDef, built once and asked every graph question
        self.known_keys = self.keys_for

    def error(self, path, message, *, key=False):
        if message is None:
            return
        # The reader already explained a bad scalar (an impossible date, a yes/no); one message a place.
        where = self.src.where(path, key=key)
        if any((p.line, p.column) == where and p.severity == "error" for p in self.src.problems):
            return
        self.src.problem(path, message, key=key)

    def warn(self, path, message):
        self.src.problem(path, message, severity="warning")

    # ------------------------------------------------------------ shapes
    def run(self) -> ChecklistDef | None:
        data = self.src.data
        if self.src.problems and data is None:
            return None
        if not isinstance(data, dict):
            self.error((), say("清单应是以 checklist:、units:、people:、tasks: 等开头的映射。",
                               "a checklist is a mapping with checklist:, units:, people:, tasks: …"))
            return None
        for name in data:
            if name not in SECTIONS:
                self._unknown_key((name,), name)
        for name in REQUIRED_SECTIONS:
            if name not in data:
                self.error((), say("缺少 “{k}:” 部分。", "the '{k}:' section is missing.", k=name))
            elif name != "checklist" and not data[name]:
                self.error((name,), say("“{k}:” 部分是空的,至少要有一项。", "the '{k}:' section is empty; it needs at least one entry.", k=name), key=True)
        self.broken: dict[str, set] = {"units": set(), "people": set(), "workflows": set()}
        parsed = {name: self._section(name, data[name]) for name in SECTIONS if name in data and name != "tasks"}
        tasks = self._tasks(data.get("tasks"))
        if any(parsed.get(name) is None for name in ("checklist", "units", "people")) or tasks is None:
            return None
        header, units, people = parsed["checklist"], parsed["units"], parsed["people"]
        workflows = parsed.get("workflows", {}) if "workflows" in data else {}
        if workflows is None:
            workflows = {}
        defaults = parsed.get("defaults") or schema.Rules()
        ranking = parsed.get("ranking")
        if "ranking" in data and ranking is not None:
            self._ranking(ranking)
        calendar = self._calendar(header)
        self._people(people, units)
        for key, workflow in workflows.items():
            self._workflow(key, workflow)
        self._rules(("defaults",), defaults, people)
        self._role_holders(people, workflows, defaults, [task for _, task in tasks])
        options = self._task_references(tasks, units, people, workflows, calendar, header)
        if any(p.severity == "error" for p in self.src.problems):
            return None
        # Step options are stored in their checked, normalized form, so the stored definition
        # rebuilds to exactly this one.
        normalized = [task.model_copy(update=options.get(task.id, {})) for _, task in tasks]
        model = schema.ChecklistFile.model_construct(
            checklist=header, units=units, people=people, workflows=workflows, defaults=defaults, ranking=ranking, tasks=normalized)
        definition = compile_checklist(model, options)
        self._notice_days(definition, tasks)
        if any(p.severity == "error" for p in self.src.problems):
            return None
        return definition

    def _notice_days(self, definition, tasks):
        """Every reminder and escalation day must be countable: a reminder before a January deadline may
        fall in the previous year, which the calendar must know too. Notice days after the list's year
        may be provisional (that year's schedule is not published yet): a warning, not an error."""
        from engine.reminders.deadlines import plan_task

        calendar = definition.calendar
        for (index, _), task in zip(tasks, definition.tasks):
            try:
                firings = plan_task(definition, task)
            except CalendarGap as err:
                path = ("tasks", index, "deadlines") if task.deadlines else ("tasks", index, "recurring")
                self.error(path, str(err), key=True)
                continue
            spilled: dict[tuple, dict[int, object]] = {}  # where → year → first provisional day
            for firing in sorted(firings, key=lambda f: f.day):
                if calendar.is_provisional(firing.day.year):
                    for where in self._deadline_paths(index, task, firing.due_date):
                        spilled.setdefault(where, {}).setdefault(firing.day.year, firing.day)
            for where, years in spilled.items():
                for year, day in sorted(years.items()):
                    self._provisional(where, year, day, calendar)

    @staticmethod
    def _deadline_paths(index, task, due):
        """Where the deadline ``due`` of a task is written: its key under ``deadlines``, or ``recurring``."""
        if task.kind == "recurring":
            return [("tasks", index, "recurring")]
        return [("tasks", index, "deadlines", key) for key, day in task.deadlines.items() if day == due]

    def _provisional(self, path, year, day, calendar):
        # the first deadline whose notices spill into the year gets the whole explanation; later ones point back
        first = self.provisional.setdefault(year, path)
        if first == path:
            self.src.problem(path, calendar.provisional_note(year, day), severity="warning", key=True)
        else:
            self.src.problem(path, say(
                "通知日 {d} 在 {y} 年,按暂定日历计算(见第 {l} 行的说明)。",
                "the notice day {d} is in {y} and counted with a provisional calendar (see line {l}).",
                d=day.isoformat(), y=year, l=self.src.where(first, key=True)[0]), severity="warning", key=True)

    def keys_for(self, path) -> list[str]:
        """The keys allowed in the mapping at ``path``, for did-you-mean suggestions."""
        model = _model_at(tuple(path))
        if model is None:
            return sorted(set(_all_model_keys()) | set(self.option_keys))
        keys = [info.alias or name for name, info in model.model_fields.items()] if model is not SECTIONS else list(SECTIONS)
        if model is schema.Task:
            keys += list(self.option_keys)
        return keys

    def _unknown_key(self, path, name):
        import difflib

        candidates = [k for k in self.keys_for(tuple(path)[:-1]) if k != name]
        close = difflib.get_close_matches(str(name), candidates, n=1, cutoff=0.6)
        hint = say(",是不是 “{c}”?", "; did you mean '{c}'?", c=close[0]) if close else say("。", ".")
        self.error(path, say("不认识的键 “{k}”{h}", "unknown key '{k}'{h}", k=name, h=hint), key=True)

    def _adapt(self, kind, value, path):
        try:
            return TypeAdapter(kind).validate_python(value)
        except ValidationError as err:
            for where, message, is_key in problems_from(err, path, value, self.known_keys):
                self.error(where, message, key=is_key)
            return None

    def _section(self, name, value):
        if name == "defaults" and value is None:
            return schema.Rules()
        kind = SECTIONS[name]
        if name in self.broken and isinstance(value, dict) and value:
            # entry by entry, so one bad person does not hide every other problem
            entry_kind = kind.__args__[1]
            parsed = {}
            for key, entry in value.items():
                checked = self._adapt(dict[schema.Key, entry_kind], {key: entry}, (name,))
                if checked is None:
                    self.broken[name].add(key)
                else:
                    parsed.update(checked)
            return parsed
        if isinstance(kind, type) and issubclass(kind, schema.BaseModel):
            try:
                return kind.model_validate(value)
            except ValidationError as err:
                for where, message, is_key in problems_from(err, (name,), value, self.known_keys):
                    self.error(where, message, key=is_key)
                return None
        return self._adapt(kind, value, (name,))

    def _tasks(self, value):
        if value is None:
            return None
        if not isinstance(value, list):
            self.error(("tasks",), say("tasks 应是任务列表(每项以 “- id:” 开头)。", "tasks must be a list (each entry starting '- id:')."))
            return None
        parsed = []
        for index, entry in enumerate(value):
            path = ("tasks", index)
            try:
                task = schema.Task.model_validate(entry)
            except ValidationError as err:
                for where, message, is_key in problems_from(err, path, entry, self.known_keys):
                    self.error(where, message, key=is_key)
                continue
            parsed.append((index, task))
        return parsed

    # ------------------------------------------------------------ references
    def _calendar(self, header):
        from engine.dates.calendar import WorkCalendar

        spec = header.calendar
        try:
            if isinstance(spec, str):
                return WorkCalendar(spec, provisional_after=header.year)
            return WorkCalendar(spec.base, holidays=spec.holidays, workdays=spec.workdays, provisional_after=header.year)
        except InputError as err:
            self.error(("checklist", "calendar"), str(err))
            return None

    def _ranking(self, weights):
        if weights.completion + weights.on_time + weights.overdue > 0:
            return
        self.error(("ranking",), say(
            "排名权重不能全为 0:至少给 completion、on_time、overdue 中的一项大于 0 的权重。",
            "the ranking weights are all 0: give at least one of completion, on_time and overdue a weight above 0."), key=True)

    def _people(self, people, units):
        for key, person in people.items():
            if person.unit is not None and person.unit not in units:
                self.error(("people", key, "unit"), self._missing("单位", "unit", person.unit, units, "units"))

    def _missing(self, what_zh, what_en, name, known, section=None):
        import difflib

        if section is not None and name in self.broken.get(section, ()):
            return None  # defined, but itself invalid: already reported where it is defined

        close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.5)
        what = what_zh if _zh() else what_en
        if close:
            return say("{w} “{n}” 没有定义,是不是 “{c}”?", "{w} '{n}' is not defined; did you mean '{c}'?", w=what, n=name, c=close[0])
        listing = "、".join(str(k) for k in known) if len(known) <= 12 else ""
        tail = say("(已有:{l})", " (known: {l})", l=listing) if listing else ""
        return say("{w} “{n}” 没有定义{t}。", "{w} '{n}' is not defined{t}.", w=what, n=name, t=tail)

    def _workflow(self, key, wf):
        base = ("workflows", key)
        states = wf.states
        if wf.initial not in states:
            self.error(base + ("initial",), self._missing("初始状态", "initial state", wf.initial, states))
        seen = {}
        for index, tr in enumerate(wf.transitions):
            path = base + ("transitions", index)
            for source in tr.sources:
                where = path + ("from",) + ((tr.sources.index(source),) if not isinstance(tr.from_, str) else ())
                if source not in states:
                    self.error(where, self._missing("状态", "state", source, states))
                elif states[source].final:
                    self.error(where, say("“{s}” 是终态(final),不能再有流转。", "'{s}' is a final state and cannot have outgoing transitions.", s=source))
                pair = (tr.trigger, source)
                if pair in seen:
                    self.error(path + ("trigger",), say("动作 “{t}” 从状态 “{s}” 出发定义了两次(第 {i} 条已有)。",
                                                        "trigger '{t}' from state '{s}' is defined twice (see transition {i}).",
                                                        t=tr.trigger, s=source, i=seen[pair] + 1))
                seen.setdefault(pair, index)
            if tr.to not in states:
                self.error(path + ("to",), self._missing("状态", "state", tr.to, states))
            for who_index, who in enumerate(tr.by):
                if who not in schema.ACTORS:
                    self.error(path + ("by", who_index), say("by 只能是 {a},不是 “{w}”。", "by must be one of {a}, not '{w}'.",
                                                             a=", ".join(schema.ACTORS), w=who))
        for name, state in states.items():
            if state.step is not None and state.step not in self.steps:
                known = ", ".join(sorted(self.steps)) or "-"
                self.error(base + ("states", name, "step"), say("没有插件提供步骤类型 “{s}”;已知的步骤类型:{k}。",
                                                                 "no plugin provides step type '{s}'; known step types: {k}.", s=state.step, k=known))
        # the graph rules live in WorkflowDef; this only says where they are broken
        graph = self.graphs[key] = workflow_graph(key, wf)
        if wf.initial in states:
            for name in graph.unreachable:
                self.error(base + ("states", name), say("状态 “{s}” 从初始状态 “{i}” 无法到达。",
                                                        "state '{s}' cannot be reached from the initial state '{i}'.", s=name, i=wf.initial), key=True)
        if wf.initial in states and graph.final_states:
            for name in graph.dead_ends:
                self.warn(base + ("states", name), say("从状态 “{s}” 无法到达任何终态,子项到这里就办不完了。",
                                                       "no final state can be reached from '{s}': items there can never be finished.", s=name))
        if not graph.final_states:
            self.error(base + ("states",), say("流程没有终态:请给完成的状态加上 final: true。",
                                               "the workflow has no final state: mark the finished state with final: true."))

    def _role_holders(self, people, workflows, defaults, tasks):
        held = {role for person in people.values() for role in person.roles}
        for key, wf in workflows.items():
            for index, tr in enumerate(wf.transitions):
                for who_index, who in enumerate(tr.by):
                    if who in ("head", "inspector") and who not in held:
                        self.warn(("workflows", key, "transitions", index, "by", who_index), say(
                            "没有人员担任 {r},这个动作只有 {r} 能执行。", "nobody holds the role {r}, and only a {r} may fire this.", r=who))
        steps = [(("defaults", "escalate", i), e) for i, e in enumerate(defaults.escalate)]
        if "head" not in held:
            for path, step in steps:
                if step.to == "head":
                    self.warn(path + ("to",), say("没有人员担任 head,升级到 head 时改发给分管领导。",
                                                  "nobody holds the role head; escalations to head go to the task's leader instead."))

    def _rules(self, path, rules, people, task=None):
        if rules is None:
            return
        for index, step in enumerate(rules.escalate or ()):
            if step.to not in ("leader", "head", "responsible") and step.to not in people:
                self.error(path + ("escalate", index, "to"), say("升级对象应是 leader、head 或人员标识,不是 “{w}”。",
                                                                 "escalate to must be leader, head or a person's id, not '{w}'.", w=step.to))

    def _task_references(self, tasks, units, people, workflows, calendar, header):
        ids = {}
        options_by_task = {}
        for index, task in tasks:
            path = ("tasks", index)
            if task.id in ids:
                self.error(path + ("id",), say("任务编号 “{i}” 重复(第 {l} 行已用)。", "task id '{i}' is used twice (first at line {l}).",
                                               i=task.id, l=self.src.where(("tasks", ids[task.id], "id"))[0]))
            ids.setdefault(task.id, index)
            if task.unit not in units:
                self.error(path + ("unit",), self._missing("单位", "unit", task.unit, units, "units"))
            for field_name in ("responsible", "leader"):
                who = getattr(task, field_name)
                if who not in people:
                    self.error(path + (field_name,), self._missing("人员", "person", who, people, "people"))
            kinds = [name for name in ("workflow", "target", "recurring") if getattr(task, name) is not None]
            if not kinds:
                self.error(path, say("任务 {i} 需要 workflow、target、recurring 三者之一。",
                                     "task {i} needs one of workflow, target or recurring.", i=task.id))
            elif len(kinds) > 1:
                self.error(path + (kinds[1],), say("任务 {i} 同时有 {a} 和 {b};只能选一种。",
                                                   "task {i} has both {a} and {b}; choose one.", i=task.id, a=kinds[0], b=kinds[1]), key=True)
            self._items(path, task)
            workflow = workflows.get(task.workflow) if task.workflow else None
            if task.workflow and workflow is None:
                self.error(path + ("workflow",), self._missing("流程", "workflow", task.workflow, workflows, "workflows"))
            self._deadlines(path, task, workflow, calendar, header)
            self._parts(path, task)
            if task.pace and task.target is None:
                self.error(path + ("pace",), say("pace 只用于数量目标(target)任务。", "pace applies only to quantity-target tasks."), key=True)
            self._rules(path, task, people)
            options_by_task[task.id] = self._options(path, task, workflow)
        return options_by_task

    def _items(self, path, task):
        seen = {}
        for index, name in enumerate(task.items):
            if name in seen:
                self.error(path + ("items", index), say("子项 “{n}” 重复。", "item '{n}' is listed twice.", n=name))
            seen.setdefault(name, index)

    def _deadlines(self, path, task, workflow, calendar, header):
        if task.recurring is not None and task.deadlines:
            self.error(path + ("deadlines",), say("周期性任务按周期计算期限,不用 deadlines。",
                                                  "recurring duties are due at the end of each period; remove deadlines."), key=True)
            return
        allowed = set(workflow.states) if workflow else {DONE} if task.target is not None else set()
        for state, due in task.deadlines.items():
            where = path + ("deadlines", state)
            if state not in allowed:
                if workflow is not None:
                    self.error(where, self._missing("状态", "state", state, workflow.states), key=True)
                elif task.target is not None:
                    self.error(where, say("数量目标任务的期限写作 done: 日期,不是 “{s}”。",
                                          "a target task's deadline is written done: DATE, not '{s}'.", s=state), key=True)
                continue
            if due.year != header.year:
                self.warn(where, say("期限 {d} 不在清单年度 {y} 内。", "deadline {d} is outside the checklist's year {y}.", d=due, y=header.year))
            if calendar is not None:
                if not calendar.covers(due.year):
                    # a deadline needs its year's real schedule; only notice days after the list's year may be provisional
                    self._calendar_gap(where, due.year, calendar.gap(due.year))
                    continue
                try:
                    if not calendar.is_workday(due):
                        self.warn(where, say("期限 {d}(星期{w})不是工作日。", "deadline {d} ({wd}) is not a working day.",
                                             d=due, w="一二三四五六日"[due.weekday()], wd=due.strftime("%A")))
                except CalendarGap as err:
                    self._calendar_gap(where, due.year, err)
        if workflow is not None:
            self._deadline_order(path, task, self.graphs.get(task.workflow))

    def _calendar_gap(self, path, year, err):
        # one explanation per missing year is enough; later deadlines in that year just point back to it
        first = self.gaps.setdefault(year, path)
        if first == path:
            self.error(path, str(err))
        else:
            self.error(path, say("{y} 年缺少节假日安排,请在 checklist.calendar 中补充(见第 {l} 行的说明)。",
                                 "no holiday schedule for {y}; add it under checklist.calendar (see line {l}).",
                                 y=year, l=self.src.where(first)[0]))

    def _deadline_order(self, path, task, graph):
        """Warn when a milestone that comes later in the workflow is due before an earlier one."""
        if graph is None or graph.initial not in graph.states:
            return
        reached = graph.reached
        for later, later_due in task.deadlines.items():
            for earlier, earlier_due in task.deadlines.items():
                if earlier != later and earlier in reached.get(later, ()) and later not in reached.get(earlier, ()) and later_due < earlier_due:
                    self.warn(path + ("deadlines", later), say(
                        "“{s}” 的期限 {d} 早于它之前的节点 “{p}” 的期限 {pd}。",
                        "the deadline {d} for '{s}' is before {pd}, the deadline of the earlier milestone '{p}'.",
                        s=later, d=later_due, p=earlier, pd=earlier_due))

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
                self.error(path + ("parts", index, "quantity"), say("分项 {p} 的数量 {q} 超过任务总目标 {t}。",
                                                                    "part {p}: {q} is more than the whole target {t}.",
                                                                    p=part.id, q=part.quantity, t=task.target.quantity))

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
                self.warn(path + (key,), say("任务设置了 {k},但它的流程没有 “{s}” 步骤,这项设置不会起作用。",
                                             "the task sets {k} but its workflow has no '{s}' step, so it has no effect.", k=key, s=step.name))
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


def _zh() -> bool:
    from engine.i18n import language

    return language() == "zh"


_PATTERNS = [
    ((), SECTIONS),
    (("checklist",), schema.ChecklistHeader),
    (("checklist", "calendar"), schema.CalendarSpec),
    (("units", None), schema.Unit),
    (("people", None), schema.Person),
    (("workflows", None), schema.Workflow),
    (("workflows", None, "states", None), schema.State),
    (("workflows", None, "transitions", None), schema.Transition),
    (("defaults",), schema.Rules),
    (("defaults", "escalate", None), schema.Escalation),
    (("ranking",), schema.RankingWeights),
    (("tasks", None), schema.Task),
    (("tasks", None, "target"), schema.Target),
    (("tasks", None, "parts", None), schema.Part),
    (("tasks", None, "recurring"), schema.Recurring),
    (("tasks", None, "escalate", None), schema.Escalation),
]


def _model_at(path: tuple):
    for pattern, model in _PATTERNS:
        if len(pattern) == len(path) and all(p is None or p == q for p, q in zip(pattern, path)):
            return model
    return None


def _all_model_keys():
    models = [schema.ChecklistHeader, schema.CalendarSpec, schema.Unit, schema.Person, schema.State, schema.Transition,
              schema.Workflow, schema.Escalation, schema.Rules, schema.RankingWeights, schema.Target, schema.Part,
              schema.Recurring, schema.Task]
    for model in models:
        for name, info in model.model_fields.items():
            yield info.alias or name
