"""The supervision tables of the audit replay (``engine.runtime.audit_replay``): 督办单, their replies and extension
requests compared with what the trail recorded (``supervision*`` and ``extension_*`` events). A mixin of ``Replay``;
read-only. Escalation (``escalated_at``) is the sweep's bookkeeping and is not compared.
"""

from __future__ import annotations

from sqlalchemy import func, select

from engine.i18n import say
from engine.store.tables import extension_requests, supervision_replies, supervisions, tasks

SUPERVISION_KINDS = ("supervision", "supervision_reply", "supervision_closed")
EXTENSION_KINDS = ("extension_requested", "extension_approved", "extension_refused")
FIELD_WORDS = {
    "issuer": ("下发人", "issuer"),
    "colour": ("颜色", "colour"),
    "reply_by": ("回复期限", "reply date"),
    "instruction": ("督办要求", "instruction"),
    "replies": ("回复条数", "number of replies"),
    "closed": ("是否办结", "closed"),
}


class SupervisionReplay:
    """Collects with ``_supervision_event`` (called by ``Replay.add``), compares with ``_supervision_tables``."""

    def _supervision_event(self, row, kind: str, data: dict) -> None:
        notices = self.__dict__.setdefault("supervision_notices", {})
        requests = self.__dict__.setdefault("extension_requests", {})
        chain = row["checklist_id"]
        if kind == "supervision" and "supervision" in data:
            notices[(chain, int(data["supervision"]))] = {
                "task": row["task_key"],
                "item": row["item_name"],
                "issuer": row["actor"],
                "colour": data.get("colour"),
                "reply_by": data.get("reply_by"),
                "instruction": row["note"],
                "replies": 0,
                "closed": False,
            }
        elif kind in ("supervision_reply", "supervision_closed") and "supervision" in data:
            found = notices.setdefault((chain, int(data["supervision"])), {"orphan": True, "replies": 0, "closed": False})
            if kind == "supervision_reply":
                found["replies"] += 1
            else:
                found["closed"] = True
        elif kind == "extension_requested" and "request" in data:
            requests[(chain, int(data["request"]))] = {"task": row["task_key"], "requested": data.get("requested"), "decision": None}
        elif kind in ("extension_approved", "extension_refused") and "request" in data:
            found = requests.setdefault((chain, int(data["request"])), {"orphan": True, "requested": data.get("to"), "decision": None})
            found["decision"] = "approved" if kind == "extension_approved" else "refused"

    def _supervision_tables(self, conn, differ) -> None:
        notices = self.__dict__.get("supervision_notices", {})
        requests = self.__dict__.get("extension_requests", {})
        replies = dict(
            conn.execute(select(supervision_replies.c.supervision_id, func.count()).group_by(supervision_replies.c.supervision_id)).all()
        )
        present = set()
        query = select(supervisions, tasks.c.key.label("task_key")).join(tasks, tasks.c.id == supervisions.c.task_id)
        for row in conn.execute(query).mappings():
            key = (row["checklist_id"], row["id"])
            present.add(key)
            recorded = notices.get(key)
            shown = say("督办单 {n}(任务 {t})", "supervision notice {n} (task {t})", n=row["id"], t=row["task_key"])
            if recorded is None or recorded.get("orphan"):
                differ.append(say("{s} 在审计记录中没有下发记录。", "{s} has no issuing event in the audit trail.", s=shown))
                continue
            stored = {
                "issuer": row["issuer"],
                "colour": row["colour"],
                "reply_by": row["reply_by"].isoformat(),
                "instruction": row["instruction"],
                "replies": replies.get(row["id"], 0),
                "closed": row["closed_at"] is not None,
            }
            for field, value in stored.items():
                if recorded.get(field) != value:
                    differ.append(
                        say(
                            "{s} 的 {f} 是 {v},审计记录中是 {r}。",
                            "{s}: {f} is {v}; the audit trail says {r}.",
                            s=shown,
                            f=say(*FIELD_WORDS[field]),
                            v=value,
                            r=recorded.get(field),
                        )
                    )
        for chain, number in sorted(set(notices) - present, key=str):
            if not notices[(chain, number)].get("orphan"):
                differ.append(
                    say(
                        "审计记录中的督办单 {n} 在数据库里不见了。", "supervision notice {n} recorded in the audit trail is gone.", n=number
                    )
                )
        present = set()
        for row in conn.execute(select(extension_requests)).mappings():
            key = (row["checklist_id"], row["id"])
            present.add(key)
            recorded = requests.get(key)
            if recorded is None or recorded.get("orphan"):
                differ.append(
                    say("延期申请 {n} 在审计记录中没有申请记录。", "extension request {n} has no event in the audit trail.", n=row["id"])
                )
                continue
            if recorded["decision"] != row["decision"] or recorded["requested"] != row["requested_due"].isoformat():
                differ.append(
                    say(
                        "延期申请 {n} 是 {d}/{v},审计记录中是 {rd}/{rv}。",
                        "extension request {n} is {d}/{v}; the audit trail says {rd}/{rv}.",
                        n=row["id"],
                        d=row["decision"] or "-",
                        v=row["requested_due"].isoformat(),
                        rd=recorded["decision"] or "-",
                        rv=recorded["requested"],
                    )
                )
        for chain, number in sorted(set(requests) - present, key=str):
            if not requests[(chain, number)].get("orphan"):
                differ.append(
                    say(
                        "审计记录中的延期申请 {n} 在数据库里不见了。",
                        "extension request {n} recorded in the audit trail is gone.",
                        n=number,
                    )
                )
