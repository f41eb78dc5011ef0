"""The words people read where the engine stores ids: who did something (a person's name, 系统 for the sweep), what
a step was (the transition's label, else its target state's), a part's title, a notice's or an audit event's kind,
an audit event's data as readable fields, and instants in the list's zone.

The rule (docs/web.md "No internal words"): no trigger, state, person, part, unit or rule id, no UTC time and no raw
JSON in what a page shows; ids stay in attributes and hidden fields, where forms and tests need them. One home for
it: templates and views call these functions; ``tests/web/test_no_internal_ids.py`` reads every page for every role.
Pure functions over definitions and stored values: no database, no Flask.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from engine.definition.definitions import ChecklistDef, TaskDef
from engine.i18n import say
from engine.numbers import plain

SYSTEM_ACTORS = ("system", "")

#: audit event kinds in words (the task page's history and the admin's audit page)
EVENT_WORDS = {
    "transition": ("流程推进", "step taken"),
    "report": ("报送进度", "progress report"),
    "correction": ("更正报送", "correction"),
    "load": ("载入清单", "checklist loaded"),
    "reload": ("更新清单", "checklist updated"),
    "forced_reload": ("强制更新清单", "forced update"),
    "forced_state": ("强制退回", "forced reset"),
    "notice": ("发出通知", "notice sent"),
    "record": ("记录步骤数据", "step data recorded"),
    "step_data": ("记录步骤数据", "step data recorded"),
    "inspection": ("验收", "inspection"),
    "funds": ("资金", "funds"),
    "deadline": ("开始计算期限", "deadline started"),
    "deadline_met": ("期限已满足", "deadline met"),
    "account_created": ("新建账号", "account created"),
    "account_linked": ("关联人员", "person linked"),
    "account_unlinked": ("取消关联人员", "person unlinked"),
    "account_disabled": ("停用账号", "account disabled"),
    "account_enabled": ("启用账号", "account enabled"),
    "account_role": ("更改角色", "role changed"),
    "account_locked": ("账号锁定", "account locked"),
    "password_set": ("设置密码", "password set"),
    "token_issued": ("发放接口令牌", "API token issued"),
    "tokens_revoked": ("作废接口令牌", "API tokens revoked"),
    "supervision": ("下发督办单", "supervision notice issued"),
    "supervision_reply": ("回复督办单", "supervision reply"),
    "supervision_closed": ("督办办结", "supervision closed"),
    "supervision_escalated": ("督办逾期未复,已上报", "supervision unanswered, escalated"),
    "extension_requested": ("申请延期", "extension requested"),
    "extension_approved": ("同意延期", "extension approved"),
    "extension_refused": ("不同意延期", "extension refused"),
    "transfer": ("转办", "transferred"),
}

#: notice kinds in words: the sweep's (engine.kinds.RuleKind) and the event notices (engine.runtime.event_notices)
NOTICE_WORDS = {
    "reminder": ("到期提醒", "reminder"),
    "overdue": ("逾期通知", "overdue notice"),
    "escalation": ("逾期督办", "escalation"),
    "awaits_inspection": ("待验收通知", "awaits inspection"),
    "inspection_failed": ("验收未通过通知", "inspection failed"),
    "step_fired": ("流程推进通知", "step taken"),
    "assigned": ("分派通知", "assigned"),
    "transferred": ("转办通知", "transferred away"),
    "inspection_ended": ("终止通知", "ended without acceptance"),
    "supervision": ("督办单", "supervision notice"),
    "supervision_reply": ("督办回复", "supervision reply"),
    "supervision_overdue": ("督办逾期未复", "supervision unanswered"),
    "extension_request": ("延期申请", "extension request"),
    "extension_decision": ("延期审批结果", "extension decided"),
}

#: the funds ledger's actions (the built-in funds plugin)
FUNDS_WORDS = {"allocate": ("下达", "allocated"), "disburse": ("拨付", "disbursed"), "spend": ("支出", "spent")}


def _words(table: dict, key: str | None, zh: str, en: str) -> str:
    found = table.get(key or "")
    if found:
        return say(*found)
    # an unknown kind (a plugin's): a general word in Chinese, the kind itself written as words in English
    return say(zh, (key or en).replace("_", " "))


def event_word(kind: str) -> str:
    return _words(EVENT_WORDS, kind, "记录", "event")


def notice_word(kind: str | None) -> str:
    return _words(NOTICE_WORDS, kind, "通知", "notice")


def actor_name(definition: ChecklistDef | None, actor: str | None) -> str:
    """A person's name; 系统 for what the engine did by itself; an account id (admin actions) as it is, since that is
    the name its owner logs in with."""
    if actor is None or actor in SYSTEM_ACTORS:
        return say("系统", "system")
    if definition is not None and actor in definition.people:
        return definition.people[actor].name
    if actor == "admin":  # the command line's default operator (qingdan load --as admin)
        return say("管理员", "administrator")
    return actor


def action_label(definition: ChecklistDef, task: TaskDef | None, trigger: str | None, dest: str | None = None) -> str:
    """What a fired step was called (``WorkflowDef.action_label``): the transition's label, else its target state's."""
    workflow = definition.workflows.get(task.workflow) if task is not None and task.workflow else None
    if workflow is None or not trigger:
        return ""
    return workflow.action_label(trigger, dest)


def state_label(definition: ChecklistDef, task: TaskDef | None, state: str | None) -> str:
    if not state:
        return ""
    workflow = definition.workflows.get(task.workflow) if task is not None and task.workflow else None
    if workflow is not None:
        return workflow.label(state)
    return say("完成", "done") if state == "done" else state


def part_title(task: TaskDef | None, part: str | None) -> str:
    if not part:
        return ""
    found = next((p for p in (task.parts if task is not None else ()) if p.id == part), None)
    return found.title if found else part


def local_time(value, zone: str) -> str:
    """An instant (aware datetime, naive UTC datetime, or ISO text) as ``YYYY-MM-DD HH:MM`` in ``zone``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def notice_line(definition: ChecklistDef, data: dict) -> str:
    """A notice event of the history: whom it went to and what kind, e.g. 张明 · 逾期通知."""
    who = actor_name(definition, data.get("recipient")) if data.get("recipient") else ""
    return " · ".join(w for w in (who, notice_word(data.get("kind"))) if w)


# ---------------------------------------------------------------- the audit page: an event's data as fields


def _value(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return say("是", "yes") if value else say("否", "no")
    if isinstance(value, list):
        return say("、", ", ").join(_value(v) for v in value) or "-"
    if isinstance(value, dict):
        return say(",", ", ").join(f"{k}: {_value(v)}" for k, v in value.items())
    return str(value)


def audit_fields(event: dict, definitions: dict[str, ChecklistDef]) -> list[tuple[str, str]]:
    """An audit event's data as (label, value) pairs in words: the known fields of each kind named and their ids
    turned into names and labels; whatever else it holds is left out of the page (``qingdan audit`` shows it all)."""
    try:
        data = json.loads(event.get("data") or "{}")
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    definition = definitions.get(event.get("chain") or "")
    task = definition.task_by_id.get(event.get("task_key") or "") if definition is not None else None
    kind = event.get("kind")
    found: list[tuple[str, str]] = []

    def add(label_zh, label_en, value):
        if value not in (None, "", [], {}):
            found.append((say(label_zh, label_en), value if isinstance(value, str) else _value(value)))

    if kind in ("report", "correction"):
        amount = data.get("amount")
        add("数量", "amount", plain_amount(amount))
        add("分项", "part", part_title(task, data.get("part")))
        add("累计", "total", plain_amount(data.get("total")))
        add("报送编号", "entry", data.get("entry"))
        add("冲销报送", "reverses", data.get("reverses"))
        add("发生日期", "activity date", data.get("on"))
    elif kind == "notice":
        add("接收人", "recipient", actor_name(definition, data.get("recipient")) if data.get("recipient") else "")
        add("通知", "notice", notice_word(data.get("kind")))
        add("期限", "due", data.get("due"))
    elif kind in ("deadline", "deadline_met"):
        add("期限", "deadline", data.get("label"))
        add("到期日", "due", data.get("due"))
    elif kind == "inspection":
        add("轮次", "round", data.get("round"))
        add("结果", "result", say("通过", "passed") if data.get("passed") else say("未通过", "failed"))
        add("未达标", "unmet", data.get("unmet"))
        add("佐证材料", "evidence", [e.get("name", "") for e in data.get("evidence") or [] if isinstance(e, dict)])
    elif kind == "funds":
        add("操作", "action", say(*FUNDS_WORDS[data["action"]]) if data.get("action") in FUNDS_WORDS else "")
        add("金额", "amount", plain_amount(data.get("amount")))
        add("日期", "date", data.get("date"))
        add("文号", "document", data.get("document"))
    elif kind in ("load", "reload", "forced_reload"):
        add("版本", "version", data.get("version"))
        add("变化", "changes", len(data.get("changes") or []) or None)
    elif kind and kind.startswith("account") or kind in ("token_issued", "tokens_revoked", "password_set"):
        from engine.accounts import role_word

        add("账号", "account", data.get("account"))
        add("角色", "role", role_word(data["role"]) if data.get("role") else "")
        people = [_person(definitions, c, p) for c, p in data.get("people") or []]
        if data.get("person"):
            people.append(_person(definitions, data.get("checklist"), data["person"]))
        add("人员", "people", people)
        add("分钟", "minutes", data.get("minutes"))
    return found


def _person(definitions: dict, checklist: str | None, person: str) -> str:
    definition = definitions.get(checklist or "")
    if definition is None:  # a link to every list (ANY_CHECKLIST): the name in the first list that has the person
        definition = next((d for d in definitions.values() if person in d.people), None)
    return actor_name(definition, person)


def person_link(definitions: dict, checklist: str, person: str) -> str:
    """An account's link to a checklist person, for the accounts page: 陈红, or 陈红(所有清单) for a link to the
    person id in every list (the ids stay in the chip's title, for the admin who types them)."""
    name = _person(definitions, checklist, person)
    return name if checklist in definitions else say("{n}(所有清单)", "{n} (every list)", n=name)


def plain_amount(value) -> str:
    if value in (None, ""):
        return ""
    try:
        from decimal import Decimal

        return plain(Decimal(str(value)))
    except ArithmeticError:
        return str(value)


def fired(definition: ChecklistDef, result) -> str:
    """The message after a step is taken (``engine.runtime.fire.FireResult``): 开标:方案已审定 → 招投标."""
    task = definition.task_by_id.get(result.task)
    return say(
        "{t} / {i}:{w}({a} → {b},记录 #{n})",
        "{t} / {i}: {w} ({a} → {b}, event #{n})",
        t=result.task,
        i=result.item,
        w=action_label(definition, task, result.trigger, result.to_state),
        a=state_label(definition, task, result.from_state),
        b=state_label(definition, task, result.to_state),
        n=result.event_seq,
    )


def audit_rows(events: list[dict], definitions: dict[str, ChecklistDef]) -> list[dict]:
    """The admin's audit page: each event (``engine.recent_events``) in words, its time in its list's zone (the
    system chain's in China's), ids turned into names and labels, its data as fields."""
    rows = []
    for event in events:
        definition = definitions.get(event.get("chain") or "")
        task = definition.task_by_id.get(event.get("task_key") or "") if definition is not None else None
        zone = definition.timezone if definition is not None else "Asia/Shanghai"
        change = ""
        if event.get("from_state") or event.get("to_state"):
            change = f"{state_label(definition, task, event.get('from_state'))} → {state_label(definition, task, event.get('to_state'))}"
        rows.append(
            {
                "id": event["id"],
                "chain": definition.title if definition is not None else say("账号与系统", "accounts and system"),
                "seq": event["seq"],
                "when": local_time(event["at"], zone),
                "who": actor_name(definition, event.get("actor")),
                "what": event_word(event["kind"])
                + (
                    f" · {action_label(definition, task, event['trigger'], event.get('to_state'))}"
                    if event.get("trigger") and definition
                    else ""
                ),
                "subject": " ".join(w for w in (event.get("task_key"), event.get("item_name")) if w),
                "change": change,
                "fields": audit_fields(event, definitions),
                "note": event.get("note") or "",
            }
        )
    return rows


#: notice channels and delivery states in words (engine.reminders.channels, the deliveries table)
CHANNEL_WORDS = {"email": ("邮件", "email"), "dingtalk": ("钉钉", "DingTalk"), "wecom": ("企业微信", "WeCom")}
DELIVERY_WORDS = {"failed": ("失败,将重试", "failed, will retry"), "abandoned": ("已放弃", "abandoned"), "sent": ("已发送", "sent")}


def delivery_rows(rows: list[dict], definitions: dict[str, ChecklistDef]) -> list[dict]:
    """The admin's failed deliveries (``engine.delivery_log``): the recipient by name, channel and status in words,
    the next attempt in the list's zone. The error stays as the channel gave it (the admin's clue to the cause)."""
    shown = []
    for row in rows:
        definition = definitions.get(row.get("checklist") or "")
        zone = definition.timezone if definition is not None else "Asia/Shanghai"
        shown.append(
            {
                **row,
                "channel": _words(CHANNEL_WORDS, row["channel"], row["channel"], row["channel"]),
                "recipient": actor_name(definition, row["recipient"]),
                "status": _words(DELIVERY_WORDS, row["status"], row["status"], row["status"]),
                "next_attempt_at": local_time(row["next_attempt_at"], zone) if row.get("next_attempt_at") else "",
            }
        )
    return shown
