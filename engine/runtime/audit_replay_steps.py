"""The step and plugin tables of the audit replay (``engine.runtime.audit_replay``): step records, inspection
rounds and funds entries compared with what the trail recorded. A mixin of ``Replay``; read-only.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from engine.dates.clock import local_date
from engine.i18n import say
from engine.numbers import plain
from engine.store.tables import funds_entries, inspections, items, step_records, tasks


class StepTablesReplay:
    """Needs what ``Replay.add`` collected: ``self.steps``, ``self.rounds``, ``self.funds`` and friends."""

    def _step_records(self, conn, differ) -> None:
        query = (
            select(
                tasks.c.checklist_id,
                tasks.c.key,
                items.c.name,
                step_records.c.step,
                step_records.c.key.label("field"),
                step_records.c.value,
            )
            .join(items, items.c.id == step_records.c.item_id)
            .join(tasks, tasks.c.id == items.c.task_id)
        )
        present = set()
        for row in conn.execute(query):
            where = (row.checklist_id, row.key, row.name)
            present.add((*where, row.step, row.field))
            recorded = [value for step, value in self.steps.get((*where, row.field), []) if step in (None, row.step)]
            if not recorded:
                differ.append(
                    say(
                        "子项 {t}/{i} 的步骤数据 {k}={v} 在审计记录中没有。",
                        "step data {k}={v} of item {t}/{i} is not in the audit trail.",
                        t=row.key,
                        i=row.name,
                        k=row.field,
                        v=row.value,
                    )
                )
            elif str(recorded[-1]) != row.value:
                differ.append(
                    say(
                        "子项 {t}/{i} 的步骤数据 {k} 是 {v},审计记录中是 {r}。",
                        "step data {k} of item {t}/{i} is {v}; the audit trail says {r}.",
                        t=row.key,
                        i=row.name,
                        k=row.field,
                        v=row.value,
                        r=recorded[-1],
                    )
                )
        for _checklist, task, item, _step, key in sorted(set(self.step_events) - present, key=str):
            differ.append(
                say(
                    "审计记录中子项 {t}/{i} 的步骤数据 {k} 在数据库里不见了。",
                    "step data {k} of item {t}/{i} recorded in the audit trail is gone from the database.",
                    t=task,
                    i=item,
                    k=key,
                )
            )

    def _inspections(self, conn, definitions, differ) -> None:
        query = (
            select(inspections, tasks.c.checklist_id, tasks.c.key.label("task_key"), items.c.name.label("item_name"))
            .join(items, items.c.id == inspections.c.item_id)
            .join(tasks, tasks.c.id == items.c.task_id)
        )
        present = set()
        for row in conn.execute(query).mappings():
            where = (row["checklist_id"], row["task_key"], row["item_name"], row["round"])
            present.add(where)
            event = self.rounds.get(where)
            label = say("子项 {t}/{i} 第 {r} 轮验收", "inspection round {r} of item {t}/{i}", t=where[1], i=where[2], r=where[3])
            if event is None:
                differ.append(say("{w} 在审计记录中没有。", "{w} is not in the audit trail.", w=label))
                continue
            definition = definitions.get(row["checklist_id"])
            on = event.get("on") or (local_date(event["at"], definition.timezone).isoformat() if definition else None)
            pairs = [
                (say("验收人", "inspector"), row["inspector"], event["actor"]),
                (say("结论", "outcome"), _passed(row["passed"]), _passed(event.get("passed"))),
                (say("逐条结果", "results"), _json(row["results"]), _json(event.get("results"))),
                (say("佐证材料", "evidence"), _json(row["evidence"]), _json(event.get("evidence"))),
                (say("验收日期", "date"), row["on_date"].isoformat() if row["on_date"] else on, on),
            ]
            for what, actual, recorded in pairs:
                if actual != recorded:
                    differ.append(
                        say(
                            "{w} 的{x}是 {a},审计记录中是 {r}。",
                            "{w} has {x} {a}; the audit trail says {r}.",
                            w=label,
                            x=what,
                            a=actual,
                            r=recorded,
                        )
                    )
        for where in sorted(set(self.rounds) - present, key=str):
            differ.append(
                say(
                    "审计记录中子项 {t}/{i} 第 {r} 轮验收在数据库里不见了。",
                    "inspection round {r} of item {t}/{i} recorded in the audit trail is gone from the database.",
                    t=where[1],
                    i=where[2],
                    r=where[3],
                )
            )

    def _funds(self, conn, differ) -> None:
        query = select(funds_entries, tasks.c.key.label("task_key")).join(tasks, tasks.c.id == funds_entries.c.task_id)
        present = set()
        for row in conn.execute(query).mappings():
            entry = row["id"]
            present.add(entry)
            event = self.funds.get(entry)
            if event is None:
                differ.append(
                    say(
                        "资金记录 {e}(任务 {t})在审计记录中没有。",
                        "funds entry {e} (task {t}) is not in the audit trail.",
                        e=entry,
                        t=row["task_key"],
                    )
                )
                continue
            pairs = [
                (say("金额", "amount"), plain(row["amount"]), plain(_decimal(event.get("amount")) or 0)),
                (say("类别", "kind"), row["kind"], event.get("kind")),
                (say("日期", "date"), row["on_date"].isoformat(), event.get("date")),
                (say("文号", "document"), row["document"], event.get("document")),
                (say("任务", "task"), row["task_key"], event["task"]),
            ]
            for what, actual, recorded in pairs:
                if actual != recorded:
                    differ.append(
                        say(
                            "资金记录 {e} 的{w}是 {a},审计记录中是 {r}。",
                            "funds entry {e} has {w} {a}; the audit trail says {r}.",
                            e=entry,
                            w=what,
                            a=_shown(actual),
                            r=_shown(recorded),
                        )
                    )
        for entry in sorted(set(self.funds) - present):
            differ.append(
                say("审计记录中的资金记录 {e} 在数据库里不见了。", "funds entry {e} of the audit trail is gone from the database.", e=entry)
            )


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _shown(value) -> str:
    return say("无", "none") if value is None else str(value)


def _passed(value) -> str:
    return say("合格", "passed") if value else say("不合格", "failed")


def _json(value):
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
