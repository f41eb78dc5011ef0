"""Replay the audit trail and compare it with every table that holds state.

``Replay.add`` takes the events in chain order; ``Replay.compare`` reads the state tables and names, in plain
words, each row that differs from what the events say (and each event whose row is gone), and what it could not
check because older events lack the data. Read-only; it must not decide anything the engine decides elsewhere
beyond "what was the last recorded value".
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from engine.dates.clock import local_date
from engine.definition.definitions import rebuild_checklist
from engine.i18n import say
from engine.numbers import plain
from engine.runtime.audit_replay_owners import OWNER_KINDS, OwnerReplay
from engine.runtime.audit_replay_steps import StepTablesReplay, _decimal, _shown
from engine.runtime.audit_replay_supervision import EXTENSION_KINDS, SUPERVISION_KINDS, SupervisionReplay
from engine.store.tables import account_people, accounts, checklists, items, progress, tasks

SETUP = ("load", "reload", "forced_reload")
ACCOUNT_KINDS = ("account_created", "account_role", "account_disabled", "account_enabled", "account_linked", "account_unlinked")


class Replay(StepTablesReplay, SupervisionReplay, OwnerReplay):
    def __init__(self):
        self.loaded: dict[str, str | None] = {}  # checklist -> sha256 of the newest load
        self.states: dict[tuple, str | None] = {}  # (checklist, task, item) -> last state entered
        self.steps: dict[tuple, list] = {}  # (checklist, task, item, key) -> [(step or None, value)]
        self.step_events: dict[tuple, str] = {}  # (checklist, task, item, step, key) -> value
        self.reports: dict[int, dict] = {}
        self.reports_without_entry = 0
        self.rounds: dict[tuple, dict] = {}
        self.funds: dict[int, dict] = {}
        self.accounts: dict[str, dict] = {}
        self.account_events_before_creation: set[str] = set()

    def add(self, row) -> None:
        kind = row["kind"]
        try:
            data = json.loads(row["data"]) or {}
        except ValueError:
            return  # the chain check reports an edited event
        if not isinstance(data, dict):
            return
        where = (row["checklist_id"], row["task_key"], row["item_name"])
        if kind in OWNER_KINDS or kind == "load":
            self._owner_event(row, kind, data)
        if kind in SETUP and row["checklist_id"]:
            self.loaded[row["checklist_id"]] = data.get("sha256")
        elif kind in ("transition", "forced_state"):
            self.states[where] = row["to_state"]
            if kind == "transition":
                for key, value in data.items():
                    self.steps.setdefault((*where, key), []).append((None, value))
        elif kind == "step_data":
            step = data.get("step")
            for key, value in (data.get("values") or {}).items():
                self.steps.setdefault((*where, key), []).append((step, value))
                self.step_events[(*where, step, key)] = value
        elif kind in ("report", "correction"):
            if "entry" not in data:
                self.reports_without_entry += 1
                return
            self.reports[int(data["entry"])] = {
                "checklist": row["checklist_id"],
                "task": row["task_key"],
                "item": row["item_name"],
                "part": data.get("part"),
                "amount": _decimal(data.get("amount")),
                "on": data.get("on"),
                "at": row["at"],
                "reverses": data.get("reverses"),
            }
        elif kind == "inspection":
            self.rounds[(*where, data.get("round"))] = {"actor": row["actor"], "at": row["at"], **data}
        elif kind == "funds" and "entry" in data:
            self.funds[int(data["entry"])] = {"checklist": row["checklist_id"], "task": row["task_key"], **data}
        elif kind in ACCOUNT_KINDS and "account" in data:
            self._account(kind, data)
        elif kind in SUPERVISION_KINDS or kind in EXTENSION_KINDS:
            self._supervision_event(row, kind, data)

    def _account(self, kind: str, data: dict) -> None:
        name = data["account"]
        if kind == "account_created":
            self.accounts[name] = {"role": data.get("role"), "disabled": False, "people": {tuple(p) for p in data.get("people") or []}}
            return
        account = self.accounts.get(name)
        if account is None:
            self.account_events_before_creation.add(name)
            return
        if kind == "account_role":
            account["role"] = data.get("role")
        elif kind in ("account_disabled", "account_enabled"):
            account["disabled"] = kind == "account_disabled"
        elif kind == "account_linked":
            account["people"].add((data.get("checklist"), data.get("person")))
        elif kind == "account_unlinked":
            account["people"].discard((data.get("checklist"), data.get("person")))

    # ------------------------------------------------------------ comparing

    def compare(self, conn) -> tuple[list[str], list[str]]:
        differ: list[str] = []
        unchecked: list[str] = []
        definitions = self._checklists(conn, differ)
        self._items(conn, definitions, differ, unchecked)
        self._progress(conn, definitions, differ, unchecked)
        self._step_records(conn, differ)
        self._inspections(conn, definitions, differ)
        self._funds(conn, differ)
        self._accounts(conn, differ)
        self._supervision_tables(conn, differ)
        self._owner_table(conn, differ)
        return differ, unchecked

    def _checklists(self, conn, differ) -> dict:
        definitions = {}
        present = set()
        for row in conn.execute(select(checklists.c.id, checklists.c.source_sha256, checklists.c.definition)):
            present.add(row.id)
            recorded = self.loaded.get(row.id)
            stored = hashlib.sha256(row.definition.encode("utf-8")).hexdigest()
            if row.id not in self.loaded:
                differ.append(
                    say(
                        "清单 {c} 在审计记录中没有载入记录:它的审计链可能被整条删除了。",
                        "checklist {c} has no load event in the audit trail: its chain may have been deleted whole.",
                        c=row.id,
                    )
                )
            elif recorded != stored or recorded != row.source_sha256:
                differ.append(
                    say(
                        "清单 {c} 存储的定义(SHA-256 {s})与审计记录中最后载入的({r})不同:定义被改动过。",
                        "the stored definition of checklist {c} (SHA-256 {s}) differs from the one last loaded in the audit trail ({r}): it was edited.",
                        c=row.id,
                        s=stored[:12],
                        r=(recorded or "-")[:12],
                    )
                )
                continue
            try:
                definitions[row.id] = rebuild_checklist(row.definition)
            except Exception:  # noqa: BLE001 - a definition that no longer parses is itself the difference reported
                differ.append(say("清单 {c} 存储的定义无法读取。", "the stored definition of checklist {c} cannot be read.", c=row.id))
        for checklist_id in sorted(set(self.loaded) - present):
            differ.append(
                say(
                    "清单 {c} 在审计记录中载入过,但数据库里已没有它。",
                    "checklist {c} was loaded according to the audit trail but is gone from the database.",
                    c=checklist_id,
                )
            )
        return definitions

    def _items(self, conn, definitions, differ, unchecked) -> None:
        query = select(tasks.c.checklist_id, tasks.c.key, items.c.name, items.c.state).join(tasks, tasks.c.id == items.c.task_id)
        skipped = 0
        for row in conn.execute(query):
            where = (row.checklist_id, row.key, row.name)
            definition = definitions.get(row.checklist_id)
            task = definition.task_by_id.get(row.key) if definition else None
            workflow = definition.workflows.get(task.workflow) if task is not None and task.kind == "workflow" else None
            if where in self.states:
                expected, moved = self.states[where], True
            elif task is not None:
                expected, moved = (workflow.initial if workflow else None), False
            else:
                skipped += 1
                continue
            if row.state == expected:
                continue

            def word(state, workflow=workflow):
                if state is None:
                    return say("无", "none")
                return workflow.label(state) if workflow and state in workflow.states else state

            if moved:
                differ.append(
                    say(
                        "子项 {t}/{i} 的状态是“{a}”,但审计记录中它最后进入的是“{e}”。",
                        "item {t}/{i} is in '{a}', but in the audit trail the last state it entered is '{e}'.",
                        t=row.key,
                        i=row.name,
                        a=word(row.state),
                        e=word(expected),
                    )
                )
            else:
                differ.append(
                    say(
                        "子项 {t}/{i} 的状态是“{a}”,但审计记录中它从未变动,应在“{e}”。",
                        "item {t}/{i} is in '{a}', but the audit trail records no change: it should be in '{e}'.",
                        t=row.key,
                        i=row.name,
                        a=word(row.state),
                        e=word(expected),
                    )
                )
        if skipped:
            unchecked.append(
                say(
                    "{n} 个已从清单删除的任务的子项在审计记录中没有状态变化,无法核对其状态。",
                    "{n} items of tasks no longer in their list have no state change in the trail; their state could not be checked.",
                    n=skipped,
                )
            )

    def _progress(self, conn, definitions, differ, unchecked) -> None:
        query = (
            select(progress, tasks.c.checklist_id, tasks.c.key.label("task_key"), items.c.name.label("item_name"))
            .join(tasks, tasks.c.id == progress.c.task_id)
            .outerjoin(items, items.c.id == progress.c.item_id)
            .order_by(progress.c.id)
        )
        present = set()
        for row in conn.execute(query).mappings():
            entry = row["id"]
            present.add(entry)
            event = self.reports.get(entry)
            if event is None:
                if self.reports_without_entry:
                    continue
                differ.append(
                    say(
                        "报送编号 {e}(任务 {t},数量 {a})在审计记录中没有。",
                        "report number {e} (task {t}, amount {a}) is not in the audit trail.",
                        e=entry,
                        t=row["task_key"],
                        a=plain(row["amount"]),
                    )
                )
                continue
            definition = definitions.get(row["checklist_id"])
            on = event["on"] or (local_date(event["at"], definition.timezone).isoformat() if definition else None)
            pairs = [
                (say("数量", "amount"), plain(row["amount"]), plain(event["amount"]) if event["amount"] is not None else None),
                (say("任务", "task"), row["task_key"], event["task"]),
                (say("子项", "item"), row["item_name"], event["item"]),
                (say("分项", "part"), row["part"], event["part"]),
                (say("发生日期", "activity date"), row["on_date"].isoformat(), on),
                (say("冲销的报送", "reversed report"), row["reverses"], event["reverses"]),
            ]
            for what, actual, recorded in pairs:
                if str(actual) != str(recorded):
                    differ.append(
                        say(
                            "报送编号 {e} 的{w}是 {a},审计记录中是 {r}。",
                            "report number {e} has {w} {a}; the audit trail says {r}.",
                            e=entry,
                            w=what,
                            a=_shown(actual),
                            r=_shown(recorded),
                        )
                    )
        for entry in sorted(set(self.reports) - present):
            differ.append(
                say(
                    "审计记录中的报送编号 {e}(数量 {a})在数据库里不见了。",
                    "report number {e} (amount {a}) of the audit trail is gone from the database.",
                    e=entry,
                    a=_shown(self.reports[entry]["amount"]),
                )
            )
        if self.reports_without_entry:
            unchecked.append(
                say(
                    "{n} 条较早的报送审计记录没有报送编号,报送表中没有对应记录的行无法认定。",
                    "{n} older report events carry no entry number; report rows without a matching event could not be judged.",
                    n=self.reports_without_entry,
                )
            )

    def _accounts(self, conn, differ) -> None:
        people: dict[str, set] = {}
        for row in conn.execute(select(account_people)):
            people.setdefault(row.account_id, set()).add((row.checklist_id, row.person_id))
        present = set()
        for row in conn.execute(select(accounts.c.id, accounts.c.role, accounts.c.disabled)):
            present.add(row.id)
            recorded = self.accounts.get(row.id)
            if recorded is None:
                differ.append(say("账号 {a} 在审计记录中没有建立记录。", "account {a} has no creation event in the audit trail.", a=row.id))
                continue
            if row.role != recorded["role"]:
                differ.append(
                    say(
                        "账号 {a} 的角色是 {r},审计记录中是 {e}。",
                        "account {a} has the role {r}; the audit trail says {e}.",
                        a=row.id,
                        r=row.role,
                        e=recorded["role"],
                    )
                )
            if bool(row.disabled) != recorded["disabled"]:
                differ.append(
                    say(
                        "账号 {a} 现在{s},审计记录中它{e}。",
                        "account {a} is {s}; in the audit trail it is {e}.",
                        a=row.id,
                        s=_enabled(row.disabled),
                        e=_enabled(recorded["disabled"]),
                    )
                )
            linked = people.get(row.id, set())
            if linked != recorded["people"]:
                differ.append(
                    say(
                        "账号 {a} 关联的人员是 {p},审计记录中是 {e}。",
                        "account {a} acts as {p}; the audit trail says {e}.",
                        a=row.id,
                        p=_people(linked),
                        e=_people(recorded["people"]),
                    )
                )
        for name in sorted(set(self.accounts) - present):
            differ.append(
                say("审计记录中的账号 {a} 在数据库里不见了。", "account {a} of the audit trail is gone from the database.", a=name)
            )


def _enabled(disabled) -> str:
    return say("已停用", "disabled") if disabled else say("在用", "enabled")


def _people(pairs: set) -> str:
    return ", ".join(f"{c}:{p}" for c, p in sorted(pairs)) or say("无", "none")
