"""What the acceptance step tells people as it happens (``qingdan_event_notices``): inspectors that an item awaits
inspection; who answers for the item (its holder, else the task's responsible person) that it failed (the unmet criteria and the rectification deadline) or that it
was ended without acceptance (不予认定). Words only: no ids, names from the list."""

from __future__ import annotations

import json

from sqlalchemy import select

from engine.plugin import EventNotice, notice_item_words, say, tables
from plugins.acceptance import STEP, ending_triggers, verdict_triggers

events = tables.events


def notices_for(context):
    """Inspectors are told when an item enters inspection; the responsible person when it failed (with the unmet
    criteria and the rectification deadline)."""
    if context.task.workflow is None:
        return None
    if context.enters(STEP):
        return [_awaits(context)]
    if context.from_step == STEP and context.to_step != STEP:
        if context.trigger in ending_triggers(context.workflow, context.from_state):
            return [_ended(context)]
        _, fails = verdict_triggers(context.workflow, context.from_state)
        if context.trigger in fails:
            return [_failed(context)]
    return None


def _ended(context):
    """Who answers for the item is told it ended without acceptance (不予认定), and why when a note says."""
    task, workflow = context.task, context.workflow
    short, full = notice_item_words(task, context.item_name)
    who = context.checklist.people[context.actor].name if context.actor in context.checklist.people else context.actor
    return EventNotice(
        "inspection_ended",
        (context.answerable,),
        say("【{s}】{t}", "[{s}] {t}", s=workflow.label(context.to_state), t=short),
        say(
            "{what}\n{p} 于 {d} 将此项定为“{s}”,此项就此办结,不计入任务目标。{n}",
            "{what}\n{p} ended it as '{s}' on {d}; it no longer counts toward the task's target.{n}",
            what=full,
            p=who,
            d=context.today.isoformat(),
            s=workflow.label(context.to_state),
            n=say("\n说明:{x}", "\nNote: {x}", x=context.note) if context.note else "",
        ),
    )


def _awaits(context):
    checklist, task = context.checklist, context.task
    inspectors = tuple(
        pid for pid, person in checklist.people.items() if "inspector" in person.roles and pid not in (task.responsible, task.leader)
    )
    short, full = notice_item_words(task, context.item_name)
    criteria = say("、", "; ").join(c.get("check", "") for c in task.options.get("acceptance") or ())
    return EventNotice(
        "awaits_inspection",
        inspectors,
        say("【待验收】{t}:等待您验收", "[Inspection] {t}: awaits your inspection", t=short),
        say(
            "{what}\n已于 {d} 进入“{s}”,等待验收。\n验收标准:{c}",
            "{what}\nEntered '{s}' on {d} and awaits inspection.\nCriteria: {c}",
            what=full,
            d=context.today.isoformat(),
            s=context.workflow.label(context.to_state),
            c=criteria or "-",
        ),
        state=context.to_state,
    )


def _failed(context):
    task = context.task
    short, full = notice_item_words(task, context.item_name)
    latest = _latest_inspection(context)
    unmet = "\n".join(f"- {text}" for text in (latest or {}).get("unmet", ())) or "-"
    due = next((d.due for d in context.started if d.key == "rectify"), None)
    deadline = (
        say("整改期限:{d}。整改后请再次申请验收。", "Rectify by {d}, then ask for inspection again.", d=due.isoformat())
        if due
        else say("整改后请再次申请验收。", "Rectify, then ask for inspection again.")
    )
    return EventNotice(
        "inspection_failed",
        (context.answerable,),
        say("【验收未通过】{t}:请整改", "[Inspection failed] {t}: rectify", t=short)
        + (say(",期限 {d}", ", by {d}", d=due.isoformat()) if due else ""),
        say(
            "{what}\n{r}验收未通过({p},{d}),未达标:\n{u}\n{x}",
            "{what}\n{r}inspection failed ({p}, {d}); not met:\n{u}\n{x}",
            what=full,
            r=say("第 {n} 轮", "round {n} ", n=latest["round"]) if latest else "",
            p=context.checklist.people[context.actor].name if context.actor in context.checklist.people else context.actor,
            d=context.today.isoformat(),
            u=unmet,
            x=deadline,
        ),
        deadline="rectify" if due else None,
        state=None if due else context.to_state,
    )


def _latest_inspection(context) -> dict | None:
    row = context.connection.execute(
        select(events.c.data)
        .where(
            events.c.checklist_id == context.checklist.id,
            events.c.task_key == context.task.id,
            events.c.item_name == context.item_name,
            events.c.kind == "inspection",
        )
        .order_by(events.c.seq.desc())
        .limit(1)
    ).first()
    return json.loads(row.data) if row else None
