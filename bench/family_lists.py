"""The lists of ``bench.family``: a county list split among child lists (issue 9, "Scale"), the same work as one flat
list, and the reports and firings that give both the same state.

Everything is generated as YAML text in code (as ``bench.core`` does), deterministically from two sizes: the number
of child lists and the items of each. Every child list has the same tasks (one in five a quantity target, the rest on
the construction workflow), each fulfilling the county task of the same id; the county's workflow tasks list every
child's items and assign them by items, its target tasks assign quotas. The flat list has the county's tasks with the
union of the items and the sum of the quotas, and no children: the floor the county is measured against.

The state plan (``plan``) is a list of firings and reports per child task, varied so that lights differ (nothing
done, half approved, all approved, further on, accepted; no reports, behind pace, on pace, complete). ``apply``
plays it on the children and, item for item, on the flat list. The children's deadlines equal the county's, so the
county's rolled-up figures must equal the flat list's exactly.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from bench.core import TITLES, UNITS, VILLAGES, ZONE

COUNTY_ID = "bench-county-2017"
FLAT_ID = "bench-flat-2017"
ITEMS_PER_TASK = 25  # a child's tasks have about this many items each (1,000 items: 40 tasks)
# Firings and reports happen on a working day before the first approval deadline (so approvals are on time); status
# is asked later (bench.core.NOW, 2017-06-01), when items never approved are overdue.
ACT_AT = dt.datetime(2017, 5, 5, 10, 0, tzinfo=ZONE)
PLAN_DAYS = [8, 9, 10, 11, 12, 15, 16, 17, 18, 19]  # workdays of May 2017: plan_approved deadlines
TOWNS = "林农镇 八角镇 茶亭镇 石牛庙乡 云溪镇 金安镇 黑坪镇 麻秧乡 安家镇 富驿镇 玉龙镇 黄甸镇 两河镇 柏梓镇 巨龙镇 五龙乡 高灯镇 金孔镇 秦家镇 永泰乡".split()
DEPARTMENTS = "县文化馆 县图书馆 县广播电视台 县旅游服务中心 县非遗保护中心".split()
TARGET_TITLES = ["开展送文化下乡演出", "放映农村公益电影", "举办全民阅读活动", "培训基层文化骨干"]
STEPS = [  # (trigger, who fires it): the construction workflow, in order
    ("approve_plan", "leader"),
    ("open_tender", "responsible"),
    ("award", "responsible"),
    ("finish", "responsible"),
    ("accept", "inspector"),
]


@dataclass(frozen=True)
class Child:
    index: int
    id: str
    name: str  # the town or department: its items are named after it, so item names never clash in the county
    kind: str  # 乡镇 or 部门: peers are ranked among lists of one kind

    def person(self, role: str) -> str:
        return f"c{self.index + 1:02d}-{role}"


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    unit: int  # index into bench.core.UNITS
    target: bool  # a quantity target, else a workflow task
    items: int  # items per child
    deadlines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Family:
    children: tuple[Child, ...]
    tasks: tuple[Task, ...]

    def items(self, child: Child, task: Task) -> list[str]:
        return [
            f"{child.name}{VILLAGES[j % len(VILLAGES)]}{j // len(VILLAGES) + 1 if j >= len(VILLAGES) else ''}" for j in range(task.items)
        ]

    def quota(self, child: Child, task: Task) -> int:
        return 40 + (child.index * 17 + int(task.id[1:]) * 11) % 60

    @property
    def total_items(self) -> int:
        return len(self.children) * sum(task.items for task in self.tasks)


def family(n_children: int, items_per_child: int) -> Family:
    children = []
    towns, departments = iter(TOWNS), iter(DEPARTMENTS)
    for k in range(n_children):
        department = k % 6 == 5
        name = next(departments if department else towns, None) or f"{'县直部门' if department else '新设镇'}{k + 1}"
        children.append(Child(k, f"bench-c{k + 1:02d}-2017", name, "部门" if department else "乡镇"))
    n_tasks = max(5, round(items_per_child / ITEMS_PER_TASK))
    base, extra = divmod(items_per_child, n_tasks)
    tasks = []
    for t in range(n_tasks):
        target = t % 5 == 4
        if target:
            title, deadlines = f"{TARGET_TITLES[(t // 5) % len(TARGET_TITLES)]}(第 {t + 1} 项)", (("done", "2017-11-30"),)
        else:
            title = f"{TITLES[t % len(TITLES)]}(第 {t + 1} 批)"
            deadlines = (
                ("plan_approved", f"2017-05-{PLAN_DAYS[t % len(PLAN_DAYS)]:02d}"),
                ("building", f"2017-07-{20 + t % 2}"),
                ("completed", "2017-09-05"),
                ("accepted", "2017-10-31"),
            )
        tasks.append(Task(f"T{t + 1:02d}", title, t % len(UNITS), target, base + (1 if t < extra else 0), deadlines))
    return Family(tuple(children), tuple(tasks))


# --------------------------------------------------------------------------------------- YAML
WORKFLOW = """
workflows:
  construction:
    title: 建设类项目
    initial: planning
    states:
      planning:      {label: 编制实施方案}
      plan_approved: {label: 方案已审定}
      tendering:     {label: 招投标}
      building:      {label: 施工中}
      completed:     {label: 已完工}
      accepted:      {label: 已验收销号, final: true}
    transitions:
      - {trigger: approve_plan, from: planning,      to: plan_approved, by: [leader, head]}
      - {trigger: open_tender,  from: plan_approved, to: tendering,     by: [responsible]}
      - {trigger: award,        from: tendering,     to: building,      by: [responsible]}
      - {trigger: finish,       from: building,      to: completed,     by: [responsible]}
      - {trigger: accept,       from: completed,     to: accepted,      by: [inspector]}

defaults:
  remind: [5 workdays, 1 workday]
  escalate:
    - {after: 1 workday, to: leader}
    - {after: 5 workdays, to: head}
"""


def _header(w, checklist_id: str, title: str, people: dict[str, tuple], kind: str | None = None) -> None:
    """people: id → (name, role, unit index or None)."""
    w(f"checklist:\n  id: {checklist_id}\n  title: {title}\n  year: 2017\n")
    if kind:
        w(f"  kind: {kind}\n")
    w("  issued_by: 基准测试领导小组办公室\n  owner: 基准测试局\n  timezone: Asia/Shanghai\n  calendar: cn\n")
    w("\nunits:\n")
    for key, name in UNITS:
        w(f"  {key}: {{name: {name}}}\n")
    w("\npeople:\n")
    for person, (name, role, unit_index) in people.items():
        unit = f", unit: {UNITS[unit_index][0]}" if unit_index is not None else ""
        w(f"  {person}: {{name: {name}, roles: [{role}]{unit}}}\n")
    w(WORKFLOW)
    w("\ntasks:\n")


def _county_people() -> dict[str, tuple]:
    people = {"wang": ("王建国", "head", None), "li": ("李文华", "leader", None), "zhao": ("赵敏", "inspector", None)}
    people.update({f"staff{i}": (f"县工作人员{i}", "staff", i) for i in range(len(UNITS))})
    return people


def _task_head(w, task: Task, responsible: str, leader: str) -> None:
    w(
        f"  - id: {task.id}\n    title: {task.title}\n    unit: {UNITS[task.unit][0]}\n    responsible: {responsible}\n    leader: {leader}\n"
    )


def _task_body(w, task: Task, items: list[str], quantity: int | None) -> None:
    if task.target:
        w(f"    target: {{quantity: {quantity}, unit: 场}}\n    pace: true\n")
    else:
        w("    workflow: construction\n")
    if items:
        w(f"    items: [{', '.join(items)}]\n")
    w(f"    deadlines: {{{', '.join(f'{k}: {v}' for k, v in task.deadlines)}}}\n")


def county_yaml(fam: Family) -> str:
    out = io.StringIO()
    w = out.write
    w("# generated by bench/family_lists.py\n")
    _header(w, COUNTY_ID, f"基准测试县2017年文广旅游工作任务清单({len(fam.children)} 个下级清单)", _county_people())
    for task in fam.tasks:
        _task_head(w, task, f"staff{task.unit}", "li")
        if task.target:
            _task_body(w, task, [], sum(fam.quota(child, task) for child in fam.children))
        else:
            _task_body(w, task, [name for child in fam.children for name in fam.items(child, task)], None)
        w("    assign:\n")
        for child in fam.children:
            share = f"quantity: {fam.quota(child, task)}" if task.target else f"items: [{', '.join(fam.items(child, task))}]"
            w(f"      - {{to: {child.id}, {share}}}\n")
    return out.getvalue()


def child_yaml(fam: Family, child: Child) -> str:
    out = io.StringIO()
    w = out.write
    w("# generated by bench/family_lists.py\n")
    people = {
        child.person("head"): (f"{child.name}主要负责人", "head", None),
        child.person("leader"): (f"{child.name}分管负责人", "leader", None),
        child.person("inspector"): (f"{child.name}验收员", "inspector", None),
    }
    people.update({child.person(f"staff{i}"): (f"{child.name}工作人员{i}", "staff", i) for i in range(len(UNITS))})
    _header(w, child.id, f"{child.name}2017年文广旅游工作任务清单", people, child.kind)
    for number, task in enumerate(fam.tasks):
        _task_head(w, task, child.person(f"staff{task.unit}"), child.person("leader"))
        w(f"    fulfils: {COUNTY_ID}:{task.id}\n")
        _task_body(w, task, fam.items(child, task), fam.quota(child, task) if task.target else None)
        if number % 2 == 0:  # half the tasks escalate up to the county's responsible person (督办 up the levels)
            w("    escalate:\n      - {after: 1 workday, to: leader}\n      - {after: 5 workdays, to: parent:responsible}\n")
    return out.getvalue()


def flat_yaml(fam: Family) -> str:
    out = io.StringIO()
    w = out.write
    w("# generated by bench/family_lists.py\n")
    _header(w, FLAT_ID, f"基准测试单一清单({fam.total_items} 个子项)", _county_people())
    for task in fam.tasks:
        _task_head(w, task, f"staff{task.unit}", "li")
        names = [name for child in fam.children for name in fam.items(child, task)]
        _task_body(w, task, names, sum(fam.quota(child, task) for child in fam.children) if task.target else None)
    return out.getvalue()


# --------------------------------------------------------------------------------------- state
@dataclass(frozen=True)
class Fire:
    task: str
    item: str
    trigger: str
    role: str  # leader, responsible or inspector


@dataclass(frozen=True)
class Report:
    task: str
    item: str
    amount: int


def plan(fam: Family, child: Child) -> tuple[list[Fire], list[Report]]:
    """The firings (in order) and reports of one child list."""
    fires, reports = [], []
    for number, task in enumerate(fam.tasks):
        names = fam.items(child, task)
        if task.target:
            share = [0, 15, 50, 70, 100][(2 * child.index + 3 * number) % 5]  # no reports, behind pace, …, complete
            total = fam.quota(child, task) * share // 100
            parts = min(5, len(names), total)
            for p in range(parts):
                amount = total // parts + (total % parts if p == parts - 1 else 0)
                reports.append(Report(task.id, names[p], amount))
            continue
        profile = (3 * child.index + 5 * number) % 7
        # how many items take each step: 0 none; 1 half approved; 2 all approved; 3 ⅔ tendering; 4 half building;
        # 5 a third completed; 6 every item accepted (one task in three, else as 2)
        n = len(names)
        reach = {
            0: [],
            1: [n // 2],
            2: [n],
            3: [n, 2 * n // 3],
            4: [n, n, n // 2],
            5: [n, n, n, n // 3],
            6: [n] * 5 if (child.index + number) % 3 == 0 else [n],
        }[profile]
        for step, count in enumerate(reach):
            trigger, role = STEPS[step]
            fires.extend(Fire(task.id, name, trigger, role) for name in names[:count])
    return fires, reports


def _actor(role: str, task: Task, child: Child | None) -> str:
    if child is None:  # the flat list's (and the county's) people
        return {"leader": "li", "inspector": "zhao"}.get(role) or f"staff{task.unit}"
    return child.person(f"staff{task.unit}" if role == "responsible" else role)


def apply(store, fam: Family, plugins, clock, *, flat: bool) -> tuple[int, int]:
    """Play every child's plan on the children (``flat`` False) or on the flat list: the firings of one list in one
    write transaction (``fire_in``), each report in its own (``report``). Returns (firings, reports)."""
    from engine.runtime.fire import fire_in
    from engine.runtime.progress import report

    by_id = {task.id: task for task in fam.tasks}
    fired = reported = 0
    for child in fam.children:
        fires, reports = plan(fam, child)
        checklist, who = (FLAT_ID, None) if flat else (child.id, child)
        with store.write() as conn:
            for f in fires:
                actor = _actor(f.role, by_id[f.task], who)
                fire_in(
                    conn, task=f.task, item=f.item, trigger=f.trigger, actor=actor, now=clock.now(), plugins=plugins, checklist=checklist
                )
        for r in reports:
            actor = _actor("responsible", by_id[r.task], who)
            report(store, task=r.task, amount=r.amount, actor=actor, clock=clock, item=r.item, checklist=checklist)
        fired, reported = fired + len(fires), reported + len(reports)
    return fired, reported
