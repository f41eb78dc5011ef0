"""申请延期: the responsible person asks for a later date for one item's deadline; the leader or a head decides.

A deadline is one of the item's judged milestones (``engine.queries.milestones``): a dated workflow state of its
task (``milestone``) or one of the item's own deadlines (``item_deadline_id``: rectification, contract, or an
earlier extension). Asked only while it is not reached (open or missed), for a later date, with a reason; one
pending request per deadline.

An approval moves that item's deadline and nobody else's: it opens an item deadline (``add_item_deadline``) with
the new date, ``replaces`` = the workflow state it stands in for, and ``original_due`` = the date first set (kept
through later extensions). The task's date then no longer applies to this item (``milestones._workflow``); the
new deadline is reminded and escalated with the task's rules like any item deadline; met when the item reaches the
state. Its verdict is judged on the new date and reads ``按时完成(延期至 …,原定 …)`` (``engine.verdicts.describe``),
so a head can always see it was due earlier. Like other item deadlines it is not counted in the task's milestone
summary (the on-time rate of the task's own dates). Refused requests change nothing. Requesting and deciding are
audit events and notices to the other party. Only items of workflow tasks: a target's or a duty's date is the
task's, not one item's (a later version may extend the task's milestone).

Must not: judge anything itself (``engine.verdicts``), or know the web.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from engine import catalog
from engine.dates.clock import Clock, local_date
from engine.errors import Conflict, InputError, NotFound
from engine.i18n import say
from engine.runtime import audit
from engine.runtime.closing import check_open
from engine.runtime.deadlines import add_item_deadline
from engine.runtime.opening import open_task
from engine.runtime.permissions import check_decide_extension, check_request_extension
from engine.runtime.supervision_notices import parse_day, person_name, required_text, tell, words
from engine.store.tables import extension_requests, item_deadlines, item_reached, items, tasks

APPROVED, REFUSED = "approved", "refused"


@dataclass(frozen=True)
class Requested:
    id: int
    checklist: str
    task: str
    item: str
    label: str
    current_due: dt.date
    requested_due: dt.date


@dataclass(frozen=True)
class Deadline:
    """One deadline of one item that an extension may move: a workflow state's date (``milestone``) or one of the
    item's own deadlines (``item_deadline_id``; ``extends``: the state an earlier extension stands in for)."""

    label: str
    due: dt.date
    milestone: str | None = None
    item_deadline_id: int | None = None
    extends: str | None = None
    original_due: dt.date | None = None


def extendable(conn, definition, task_def, item_id: int) -> list[Deadline]:
    """The item's deadlines an extension may be asked for: not reached yet, soonest first. The same facts
    ``engine.queries.milestones`` judges by: a state's date is met once ``item_reached`` has the state, an item
    deadline while it is open (not met, not superseded); an item in a final state has nothing left to extend."""
    workflow = definition.workflows[task_def.workflow]
    state = conn.execute(select(items.c.state).where(items.c.id == item_id)).scalar()
    if state in workflow.final_states:
        return []
    own = conn.execute(select(item_deadlines).where(item_deadlines.c.item_id == item_id, item_deadlines.c.cleared_at.is_(None))).mappings()
    found = [Deadline(d["label"], d["due_date"], None, d["id"], d["replaces"], d["original_due"]) for d in own]
    moved = {d.extends for d in found if d.extends}
    reached = set(conn.execute(select(item_reached.c.state).where(item_reached.c.item_id == item_id)).scalars())
    for name, due in task_def.deadlines.items():
        if name not in moved and name not in reached:
            found.append(Deadline(workflow.label(name), due, milestone=name))
    return sorted(found, key=lambda d: d.due)


def _pick(found: list[Deadline], milestone: str | None, deadline_id) -> Deadline:
    if deadline_id not in (None, ""):
        chosen = [m for m in found if str(m.item_deadline_id) == str(deadline_id)]
    elif milestone:
        chosen = [m for m in found if m.milestone == milestone or m.extends == milestone]
    else:
        chosen = found[:1]
    if not chosen:
        raise InputError(
            say(
                "这个子项没有可以申请延期的期限(已完成的期限不能延期)。",
                "this item has no deadline an extension can be asked for (a deadline already met cannot be extended).",
            ),
            field="deadline",
        )
    return chosen[0]


def request(
    store,
    *,
    task: str,
    item: str | None,
    requested_due,
    reason,
    actor: str,
    clock: Clock,
    milestone: str | None = None,
    deadline_id=None,
    checklist: str | None = None,
) -> Requested:
    """Ask for ``requested_due`` instead of the item's deadline (``milestone`` state or ``deadline_id``; neither:
    its soonest unmet one). The task's leader is told."""
    now = clock.now()
    with store.write() as conn:
        ref = open_task(conn, task, item, checklist=checklist)
        check_open(conn, ref.checklist.id)
        definition, task_def = ref.checklist, ref.task
        check_request_extension(definition, task_def, actor, holder=getattr(ref.item, "owner", None))  # an owner, on their item
        today = local_date(now, definition.timezone)
        chosen = _pick(extendable(conn, definition, task_def, ref.item.id), milestone, deadline_id)
        wanted = parse_day(requested_due, "requested_due", say("申请延至的日期", "new date"))
        if wanted <= chosen.due or wanted < today:
            raise InputError(
                say(
                    "申请的日期应晚于现在的期限 {d},且不早于今天。",
                    "the new date must be later than the present deadline {d} and not before today.",
                    d=chosen.due.isoformat(),
                ),
                field="requested_due",
            )
        why = required_text(reason, "reason", say("延期理由", "reason"))
        state = chosen.milestone or chosen.extends
        pending = conn.execute(
            select(extension_requests.c.id).where(
                extension_requests.c.item_id == ref.item.id,
                extension_requests.c.decision.is_(None),
                (extension_requests.c.milestone == state) if state else (extension_requests.c.item_deadline_id == chosen.item_deadline_id),
            )
        ).first()
        if pending is not None:
            raise Conflict(
                say("这个期限已有一份待审批的延期申请。", "this deadline already has an extension request waiting."), field="deadline"
            )
        label = chosen.label
        rid = conn.execute(
            insert(extension_requests)
            .values(
                checklist_id=definition.id,
                task_id=ref.task_row_id,
                item_id=ref.item.id,
                milestone=state,
                item_deadline_id=chosen.item_deadline_id,
                current_due=chosen.due,
                original_due=chosen.original_due or chosen.due,
                requested_due=wanted,
                reason=why,
                requester=actor,
                requested_at=now,
            )
            .returning(extension_requests.c.id)
        ).scalar_one()
        audit.append(
            conn,
            chain=definition.id,
            at=now,
            actor=actor,
            kind="extension_requested",
            checklist_id=definition.id,
            task_key=task_def.id,
            item_name=ref.item.name,
            note=why,
            data={"request": rid, "deadline": label, "due": chosen.due.isoformat(), "requested": wanted.isoformat()},
        )
        tell(
            conn,
            definition=definition,
            task_row_id=ref.task_row_id,
            item_id=ref.item.id,
            kind="extension_request",
            subject_key=[rid],
            recipients=[task_def.leader],
            subject=say("【延期申请】{a}", "[Extension request] {a}", a=words(task_def, ref.item.name)),
            text=say(
                "{p} 申请将 “{l}” 由 {d} 延至 {n},理由:{r}。请在任务页审批。",
                "{p} asks to move '{l}' from {d} to {n}; reason: {r}. Decide on the task page.",
                p=person_name(definition, actor),
                l=label,
                d=chosen.due.isoformat(),
                n=wanted.isoformat(),
                r=why,
            ),
            due=chosen.due,
            now=now,
        )
        return Requested(rid, definition.id, task_def.id, ref.item.name, label, chosen.due, wanted)


def decide(store, *, request_id, approve: bool, actor: str, clock: Clock, note: str | None = None) -> str:
    """Approve (the item's deadline moves) or refuse (nothing moves) a pending request; the requester is told.
    Returns ``approved`` or ``refused``."""
    now = clock.now()
    with store.write() as conn:
        row, definition, task_def, item_name = _open(conn, request_id)
        check_open(conn, definition.id)
        check_decide_extension(definition, task_def, actor)
        if row["decision"] is not None:
            raise Conflict(say("这份延期申请已经审批过了。", "this extension request was decided already."))
        remark = (note or "").strip() or None
        if not approve and remark is None:
            raise InputError(say("不同意延期时请写明理由。", "give a reason when refusing."), field="note")
        new_deadline = None
        label = None
        if approve:
            found = extendable(conn, definition, task_def, row["item_id"])
            state = row["milestone"]
            current = [
                m
                for m in found
                if (state and (m.milestone == state or m.extends == state)) or (not state and m.item_deadline_id == row["item_deadline_id"])
            ]
            if not current:
                raise Conflict(say("这个期限已经完成,无需延期。", "this deadline has been met; no extension is needed."))
            chosen = current[0]
            label = chosen.label
            own = None
            if chosen.item_deadline_id is not None:
                own = conn.execute(select(item_deadlines).where(item_deadlines.c.id == chosen.item_deadline_id)).mappings().first()
            new_deadline = add_item_deadline(
                conn,
                definition=definition,
                task=task_def,
                task_row_id=row["task_id"],
                item_id=row["item_id"],
                key=own["key"] if own is not None else f"extension:{state}",
                label=label,
                due=row["requested_due"],
                reach_state=own["reach_state"] if own is not None else state,
                now=now,
                replaces=own["replaces"] if own is not None else state,
                original_due=row["original_due"],
            )
        decision = APPROVED if approve else REFUSED
        moved = conn.execute(
            update(extension_requests)
            .where(extension_requests.c.id == row["id"], extension_requests.c.decision.is_(None))
            .values(decision=decision, decided_by=actor, decided_at=now, decision_note=remark, new_deadline_id=new_deadline)
        ).rowcount
        if moved != 1:
            raise Conflict(say("这份延期申请刚被他人审批。", "someone else decided this extension request just now."))
        audit.append(
            conn,
            chain=definition.id,
            at=now,
            actor=actor,
            kind="extension_approved" if approve else "extension_refused",
            checklist_id=definition.id,
            task_key=task_def.id,
            item_name=item_name,
            note=remark,
            data={
                "request": row["id"],
                "deadline": label,
                "from": row["current_due"].isoformat(),
                "to": row["requested_due"].isoformat(),
                "original": row["original_due"].isoformat(),
                "item_deadline": new_deadline,
            },
        )
        verdict = say("同意", "approved") if approve else say("不同意", "refused")
        tell(
            conn,
            definition=definition,
            task_row_id=row["task_id"],
            item_id=row["item_id"],
            kind="extension_decision",
            subject_key=[row["id"]],
            recipients=[row["requester"]],
            subject=say("【延期{v}】{a}", "[Extension {v}] {a}", v=verdict, a=words(task_def, item_name)),
            text=say(
                "{p} {v}将 “{l}” 延至 {n}。{r}",
                "{p} {v} moving '{l}' to {n}. {r}",
                p=person_name(definition, actor),
                v=verdict,
                l=label or "",
                n=row["requested_due"].isoformat(),
                r=remark or "",
            ),
            due=row["requested_due"] if approve else row["current_due"],
            now=now,
        )
        return decision


def _open(conn, request_id) -> tuple:
    try:
        rid = int(request_id)
    except (TypeError, ValueError):
        raise NotFound(say("没有这份延期申请。", "no such extension request.")) from None
    row = conn.execute(select(extension_requests).where(extension_requests.c.id == rid)).mappings().first()
    if row is None:
        raise NotFound(say("没有这份延期申请。", "no such extension request."))
    definition = catalog.get_checklist(conn, row["checklist_id"])
    key = conn.execute(select(tasks.c.key).where(tasks.c.id == row["task_id"])).scalar()
    task_def = definition.task_by_id.get(key)
    if task_def is None:
        raise NotFound(say("这份延期申请的任务已不在清单中。", "the task of this extension request is no longer in the list."))
    item_name = conn.execute(select(items.c.name).where(items.c.id == row["item_id"])).scalar()
    return row, definition, task_def, item_name


def checklist_of_request(store, request_id: int) -> tuple[str, str] | None:
    """(checklist id, task id) of an extension request, None when there is none: to check who may decide it."""
    with store.read() as conn:
        found = conn.execute(
            select(extension_requests.c.checklist_id, tasks.c.key)
            .join(tasks, tasks.c.id == extension_requests.c.task_id)
            .where(extension_requests.c.id == request_id)
        ).first()
    return (found.checklist_id, found.key) if found else None
