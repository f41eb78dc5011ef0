"""Check a checklist file completely and say every problem with its file, line and column.

Order: read YAML (syntax, duplicate keys, YAML 1.1 surprises) → shapes and types per section
(``engine.definition.schema``) → cross-references and workflow structure → step plugins' options → calendar
warnings. A file with no errors compiles into an ``engine.definition.definitions.ChecklistDef``. Whatever the
file holds, this module returns problems; it never raises on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import TypeAdapter, ValidationError

from engine.definition import limits, schema
from engine.definition.date_checks import DateChecks
from engine.definition.definitions import ChecklistDef, compile_checklist, workflow_graph
from engine.definition.key_paths import REQUIRED_SECTIONS, SECTIONS, all_model_keys, model_at
from engine.definition.pydantic_messages import problems_from
from engine.definition.task_checks import TaskChecks
from engine.definition.yamlsource import Source, read_file, read_text
from engine.errors import Problem
from engine.i18n import say


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
    # The step types come from the caller (``engine.step_types(plugins)``): a definition never loads plugins itself.
    step_types = step_types or {}
    checker = _Checker(source, step_types)
    try:
        definition = checker.run()
    except RecursionError:  # pragma: no cover - pathological nesting that slipped past the reader
        source.problem((), say("文件结构过于复杂,无法检查。", "the file is too deeply nested to check."))
        definition = None
    problems = sorted(source.problems, key=lambda p: (p.line, p.column, p.severity))
    failed = any(p.severity == "error" for p in problems)
    problems = _capped(problems, source.dropped, source.file)
    result = Validated(source.file, None, problems)
    if not failed:
        result.definition = definition
    return result


def _capped(problems: list[Problem], dropped: int, file: str) -> list[Problem]:
    """The first ``limits.MAX_PROBLEMS`` problems, and a last one counting the rest: nobody reads 16,000 lines, and
    the first ones are the ones to fix first (later ones are often caused by them)."""
    more = len(problems) - limits.MAX_PROBLEMS + dropped
    if more <= 0:
        return problems
    shown = problems[: limits.MAX_PROBLEMS]
    rest = problems[limits.MAX_PROBLEMS :]
    line, column = (rest[0].line, rest[0].column) if rest else (shown[-1].line, shown[-1].column)
    severity = "error" if dropped or any(p.severity == "error" for p in rest) else "warning"
    summary = say(
        "还有 {n} 个问题未列出(只列出了前 {m} 个);请先改正上面的问题,再重新检查。",
        "{n} more problems are not listed (only the first {m} are); fix the ones above first, then check again.",
        n=more,
        m=limits.MAX_PROBLEMS,
    )
    return [*shown, Problem(file, line, column, summary, severity)]


class _Checker(TaskChecks, DateChecks):
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
        # The reader already explained a bad scalar (an impossible date, a yes/no); one message a place. A set of
        # places, not a scan of every problem so far: that scan made 16,000 unknown keys take minutes.
        if self.src.where(path, key=key) in self.src.error_places:
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
            self.error(
                (),
                say(
                    "清单应是以 checklist:、units:、people:、tasks: 等开头的映射。",
                    "a checklist is a mapping with checklist:, units:, people:, tasks: …",
                ),
            )
            return None
        for name in data:
            if name not in SECTIONS:
                self._unknown_key((name,), name)
        for name in REQUIRED_SECTIONS:
            if name not in data:
                self.error((), say("缺少 “{k}:” 部分。", "the '{k}:' section is missing.", k=name))
            elif name != "checklist" and not data[name]:
                self.error(
                    (name,),
                    say("“{k}:” 部分是空的,至少要有一项。", "the '{k}:' section is empty; it needs at least one entry.", k=name),
                    key=True,
                )
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
            checklist=header,
            units=units,
            people=people,
            workflows=workflows,
            defaults=defaults,
            ranking=ranking,
            documents=parsed.get("documents") or schema.Documents(),
            tasks=normalized,
        )
        definition = compile_checklist(model, options)
        self._notice_days(definition, tasks)
        if any(p.severity == "error" for p in self.src.problems):
            return None
        return definition

    def keys_for(self, path) -> list[str]:
        """The keys allowed in the mapping at ``path``, for did-you-mean suggestions."""
        model = model_at(tuple(path))
        if model is None:
            return sorted(set(all_model_keys()) | set(self.option_keys))
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
    def _ranking(self, weights):
        if weights.completion + weights.on_time + weights.overdue > 0:
            return
        self.error(
            ("ranking",),
            say(
                "排名权重不能全为 0:至少给 completion、on_time、overdue 中的一项大于 0 的权重。",
                "the ranking weights are all 0: give at least one of completion, on_time and overdue a weight above 0.",
            ),
            key=True,
        )

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
                    self.error(
                        where,
                        say("“{s}” 是终态(final),不能再有流转。", "'{s}' is a final state and cannot have outgoing transitions.", s=source),
                    )
                pair = (tr.trigger, source)
                if pair in seen:
                    self.error(
                        path + ("trigger",),
                        say(
                            "动作 “{t}” 从状态 “{s}” 出发定义了两次(第 {i} 条已有)。",
                            "trigger '{t}' from state '{s}' is defined twice (see transition {i}).",
                            t=tr.trigger,
                            s=source,
                            i=seen[pair] + 1,
                        ),
                    )
                seen.setdefault(pair, index)
            if tr.to not in states:
                self.error(path + ("to",), self._missing("状态", "state", tr.to, states))
            for who_index, who in enumerate(tr.by):
                if who not in schema.ACTORS:
                    self.error(
                        path + ("by", who_index),
                        say("by 只能是 {a},不是 “{w}”。", "by must be one of {a}, not '{w}'.", a=", ".join(schema.ACTORS), w=who),
                    )
        for name, state in states.items():
            if state.step is not None and state.step not in self.steps:
                known = ", ".join(sorted(self.steps)) or "-"
                self.error(
                    base + ("states", name, "step"),
                    say(
                        "没有插件提供步骤类型 “{s}”;已知的步骤类型:{k}。",
                        "no plugin provides step type '{s}'; known step types: {k}.",
                        s=state.step,
                        k=known,
                    ),
                )
        # the graph rules live in WorkflowDef; this only says where they are broken
        graph = self.graphs[key] = workflow_graph(key, wf)
        if wf.initial in states:
            for name in graph.unreachable:
                self.error(
                    base + ("states", name),
                    say(
                        "状态 “{s}” 从初始状态 “{i}” 无法到达。",
                        "state '{s}' cannot be reached from the initial state '{i}'.",
                        s=name,
                        i=wf.initial,
                    ),
                    key=True,
                )
        if wf.initial in states and graph.final_states:
            for name in graph.dead_ends:
                self.warn(
                    base + ("states", name),
                    say(
                        "从状态 “{s}” 无法到达任何终态,子项到这里就办不完了。",
                        "no final state can be reached from '{s}': items there can never be finished.",
                        s=name,
                    ),
                )
        if not graph.final_states:
            self.error(
                base + ("states",),
                say(
                    "流程没有终态:请给完成的状态加上 final: true。",
                    "the workflow has no final state: mark the finished state with final: true.",
                ),
            )
        self._ended_states(base, wf, graph)

    def _ended_states(self, base, wf, graph) -> None:
        """``done: false`` marks a final state that ends an item without completing it; some final state must complete."""
        for name, state in wf.states.items():
            if not state.done and not state.final:
                self.error(
                    base + ("states", name, "done"),
                    say(
                        "状态 “{s}” 不是终态:done: false 只用于以未完成告终的终态(如 不予认定),请同时写 final: true。",
                        "state '{s}' is not final: done: false only marks a final state that ends an item without "
                        "completing it (e.g. not recognised); add final: true.",
                        s=name,
                    ),
                )
        if graph.final_states and graph.final_states == graph.ended_states:
            self.error(
                base + ("states",),
                say(
                    "流程的终态都写了 done: false:至少要有一个表示办结的终态。",
                    "every final state of the workflow says done: false: at least one must mean the item is done.",
                ),
            )

    def _role_holders(self, people, workflows, defaults, tasks):
        held = {role for person in people.values() for role in person.roles}
        for key, wf in workflows.items():
            for index, tr in enumerate(wf.transitions):
                for who_index, who in enumerate(tr.by):
                    if who in ("head", "inspector") and who not in held:
                        self.warn(
                            ("workflows", key, "transitions", index, "by", who_index),
                            say(
                                "没有人员担任 {r},这个动作只有 {r} 能执行。",
                                "nobody holds the role {r}, and only a {r} may fire this.",
                                r=who,
                            ),
                        )
        steps = [(("defaults", "escalate", i), e) for i, e in enumerate(defaults.escalate)]
        if "head" not in held:
            for path, step in steps:
                if step.to == "head":
                    self.warn(
                        path + ("to",),
                        say(
                            "没有人员担任 head,升级到 head 时改发给分管领导。",
                            "nobody holds the role head; escalations to head go to the task's leader instead.",
                        ),
                    )

    def _rules(self, path, rules, people, task=None):
        if rules is None:
            return
        for index, who in enumerate(getattr(rules, "reporters", None) or ()):
            if who not in schema.ROLES and who not in people:  # a role's word wins over a person id spelled alike
                known = [*schema.ROLES, *people]
                self.error(path + ("reporters", index), self._missing("报送人(角色或人员)", "reporter (role or person)", who, known))
        for index, step in enumerate(rules.escalate or ()):
            if step.to not in ("leader", "head", "responsible", *schema.PARENT_TARGETS) and step.to not in people:
                self.error(
                    path + ("escalate", index, "to"),
                    say(
                        "升级对象应是 leader、head、parent:responsible、parent:leader 或人员标识,不是 “{w}”。",
                        "escalate to must be leader, head, parent:responsible, parent:leader or a person's id, not '{w}'.",
                        w=step.to,
                    ),
                )


def _zh() -> bool:
    from engine.i18n import language

    return language() == "zh"
