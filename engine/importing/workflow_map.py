"""Which imported tasks run which workflow (``qingdan import --workflows FILE``): the office's own workflows and
the rules that pick them, so construction projects come in as 编制方案 → 招投标 → 施工 → 验收 instead of the
default ``simple`` one.

The file is YAML::

    workflows:                       # copied into the draft as written (the checklist format's workflows:)
      construction: {title: 建设类项目, initial: planning, states: {...}, transitions: [...]}
    map:                             # the first rule that matches a row wins
      - {category: 基础设施, workflow: construction}                  # the row's 类别 / section
      - {title_contains: 建设, workflow: construction, deadline: accepted}
      - {title_contains: 招标, workflow: construction}

``deadline`` is the state the row's 完成时限 applies to (default: the workflow's first final state). The
workflows themselves are checked by ``qingdan validate`` on the draft like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.i18n import say
from engine.importing.findings import ImportFailed


@dataclass(frozen=True)
class Rule:
    category: str | None
    title_contains: str | None
    workflow: str
    deadline: str

    def matches(self, title: str, section: str | None) -> bool:
        if self.category is not None and (section or "").strip() != self.category:
            return False
        return self.title_contains is None or self.title_contains in title


@dataclass(frozen=True)
class WorkflowMap:
    workflows: dict
    rules: tuple[Rule, ...]

    def pick(self, title: str, section: str | None) -> Rule | None:
        return next((rule for rule in self.rules if rule.matches(title, section)), None)


def read_workflow_map(path: str) -> WorkflowMap:
    import yaml

    def fail(zh: str, en: str, **values):
        raise ImportFailed(say("流程映射文件 {p}:" + zh, "workflow map {p}: " + en, p=path, **values))

    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = yaml.safe_load(handle)
    except OSError:
        fail("打不开这个文件。", "the file cannot be opened.")
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        fail("不是有效的 YAML({e})。", "not valid YAML ({e}).", e=str(err).splitlines()[0])
    if not isinstance(data, dict) or not isinstance(data.get("workflows"), dict) or not isinstance(data.get("map"), list):
        fail("应有 workflows:(流程定义)和 map:(规则列表)两部分。", "it needs workflows: (definitions) and map: (a list of rules).")
    workflows = data["workflows"]
    rules = []
    for number, entry in enumerate(data["map"], 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("workflow"), str):
            fail(
                "map 第 {n} 条应写成 {{category: 类别, workflow: 流程}} 或 {{title_contains: 词, workflow: 流程}}。",
                "rule {n} of map: write {{category: …, workflow: …}} or {{title_contains: …, workflow: …}}.",
                n=number,
            )
        name = entry["workflow"]
        workflow = workflows.get(name)
        if not isinstance(workflow, dict) or not isinstance(workflow.get("states"), dict):
            fail(
                "map 第 {n} 条用的流程 “{w}” 没有在 workflows: 里定义。",
                "rule {n} of map uses the workflow '{w}', which workflows: does not define.",
                n=number,
                w=name,
            )
        if entry.get("category") is None and entry.get("title_contains") is None:
            fail(
                "map 第 {n} 条要写 category(类别)或 title_contains(任务名称中的词)。",
                "rule {n} of map needs category or title_contains.",
                n=number,
            )
        finals = [state for state, spec in workflow["states"].items() if isinstance(spec, dict) and spec.get("final")]
        deadline = entry.get("deadline") or (finals[0] if finals else None)
        if deadline not in workflow["states"]:
            fail(
                "map 第 {n} 条:流程 “{w}” 没有状态 “{s}”,完成时限无处可放。",
                "rule {n} of map: the workflow '{w}' has no state '{s}' for the time limit.",
                n=number,
                w=name,
                s=deadline,
            )
        rules.append(Rule(_text(entry.get("category")), _text(entry.get("title_contains")), name, deadline))
    return WorkflowMap(workflows, tuple(rules))


def _text(value) -> str | None:
    return None if value is None else str(value).strip()
