"""The checks of one file's links to other lists (``assign:``, ``fulfils:``, escalations to ``parent:``).

A mixin of ``validation._Checker``. Only what the file alone can tell is checked here: quotas that add up to
the target, items assigned once each, a list not assigning to or fulfilling itself. Whether the other lists
agree (a child's target equals its quota, its deadlines are no later) is checked when lists are loaded
together (``engine.runtime.lineage``), since either side may arrive first.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.definition.definitions import PARENT_TARGETS
from engine.i18n import say
from engine.numbers import plain


@dataclass
class FamilyChecks:
    def _family(self, path, task, header):
        if task.assign:
            self._assign(path, task, header)
        if task.fulfils and task.fulfils.split(":", 1)[0] == header.id:
            self.error(
                path + ("fulfils",),
                say(
                    "清单不能承接自己的任务(fulfils 写的是本清单 {c})。",
                    "a list cannot fulfil its own task (fulfils names this list, {c}).",
                    c=header.id,
                ),
            )
        if task.assign and task.fulfils is None:
            return
        own = task.escalate if task.escalate is not None else None
        for index, step in enumerate(own or ()):
            if step.to in PARENT_TARGETS and task.fulfils is None:
                self.error(
                    path + ("escalate", index, "to"),
                    say(
                        "任务 {i} 没有 fulfils(不承接上级任务),不能升级到上级({w})。",
                        "task {i} fulfils no parent task (no fulfils:), so it cannot escalate to {w}.",
                        i=task.id,
                        w=step.to,
                    ),
                )

    def _assign(self, path, task, header):
        seen: dict[str, int] = {}
        for index, share in enumerate(task.assign):
            where = path + ("assign", index)
            if share.to == header.id:
                self.error(
                    where + ("to",), say("不能分配给本清单自己({c})。", "a task cannot be assigned to its own list ({c}).", c=header.id)
                )
            if share.to in seen:
                self.error(
                    where + ("to",),
                    say(
                        "下级清单 {c} 分配了两次(第 {n} 条已有)。",
                        "the child list {c} is assigned twice (entry {n} already).",
                        c=share.to,
                        n=seen[share.to] + 1,
                    ),
                )
            seen.setdefault(share.to, index)
        if task.target is not None:
            self._quotas(path, task)
        elif task.workflow is not None or task.recurring is not None:
            self._assigned_items(path, task)

    def _quotas(self, path, task):
        if task.target.measure != "sum":
            self.error(
                path + ("assign",),
                say(
                    "读数型目标(measure: {m})不能按数量分解到下级清单。",
                    "a target read as a reading (measure: {m}) cannot be split into quotas.",
                    m=task.target.measure,
                ),
                key=True,
            )
            return
        missing = [index for index, share in enumerate(task.assign) if share.quantity is None]
        for index in missing:
            self.error(
                path + ("assign", index),
                say("分配给 {c} 的数量(quantity)没有写。", "the quota (quantity) given to {c} is missing.", c=task.assign[index].to),
            )
        for index, share in enumerate(task.assign):
            if share.items:
                self.error(
                    path + ("assign", index, "items"),
                    say("数量目标任务按数量分配(quantity),不按子项。", "a target task is assigned by quantity, not by items."),
                    key=True,
                )
        if missing:
            return
        total = sum((share.quantity for share in task.assign), Decimal(0))
        if total != task.target.quantity:
            gap = task.target.quantity - total
            self.error(
                path + ("assign",),
                say(
                    "分配给下级清单的数量合计 {s},目标是 {t}{u}:{d}。",
                    "the quotas given to child lists add up to {s}, the target is {t} {u}: {d}.",
                    s=plain(total),
                    t=plain(task.target.quantity),
                    u=task.target.unit,
                    d=say("还差 {n}", "{n} short", n=plain(gap)) if gap > 0 else say("多了 {n}", "{n} too many", n=plain(-gap)),
                ),
                key=True,
            )

    def _assigned_items(self, path, task):
        names = [entry if isinstance(entry, str) else entry.name for entry in task.items] or [task.title]
        owner: dict[str, str] = {}
        broken = False
        for index, share in enumerate(task.assign):
            if share.quantity is not None:
                self.error(
                    path + ("assign", index, "quantity"),
                    say("流程任务按子项分配(items),不按数量。", "a workflow task is assigned by items, not by quantity."),
                    key=True,
                )
            if not share.items:
                self.error(
                    path + ("assign", index), say("分配给 {c} 的子项(items)没有写。", "the items given to {c} are missing.", c=share.to)
                )
                broken = True
                continue
            for position, name in enumerate(share.items):
                where = path + ("assign", index, "items", position)
                if name not in names:
                    self.error(where, self._missing("子项", "item", name, names))
                    broken = True
                elif name in owner:
                    self.error(
                        where,
                        say(
                            "子项 “{n}” 已分配给 {c},不能再分配给 {d}。",
                            "the item '{n}' is already assigned to {c}, not also to {d}.",
                            n=name,
                            c=owner[name],
                            d=share.to,
                        ),
                    )
                else:
                    owner[name] = share.to
        left = [name for name in names if name not in owner]
        if left and not broken:
            self.error(
                path + ("assign",),
                say(
                    "还有 {n} 个子项没有分配给下级清单:{l}。",
                    "{n} items are not assigned to any child list: {l}.",
                    n=len(left),
                    l="、".join(left[:10]) + ("…" if len(left) > 10 else ""),
                ),
                key=True,
            )
