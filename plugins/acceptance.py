"""Built-in step type ``acceptance`` (验收): inspection rounds against the task's criteria, and rectification.

Task options: ``acceptance`` (a list of criteria, each ``min``, ``max`` or a plain yes/no check) and
``rectify_within`` (a duration). An inspector records a round (``record``, used by the plugin's command
``qingdan inspect`` in ``plugins.acceptance_command`` and its web pages in ``plugins.acceptance_pages``, added
through ``qingdan_register_commands`` and ``qingdan_register_blueprints``): a value per criterion, evidence files
(by SHA-256) and a note; the round passes only when every criterion is met, and the workflow's pass or
fail transition out of the acceptance state is fired in the same transaction. The two verdict transitions
are found from the workflow's shape: of the transitions an inspector may fire out of the acceptance state,
*pass* leaves it for good and *fail* leads somewhere the item comes back from (rectification).

Rules, also for a plain ``fire`` of either verdict: only after a round recorded since the item entered
the acceptance state, with the matching outcome; never by the task's responsible person or leader
(separation of duties). A failed round starts the item's ``rectify`` deadline: ``rectify_within``
counted from the local date of the failure (``5 workdays``: the 5th working day after it; ``10 days``:
10 calendar days after it); it is met when the item comes back to the acceptance state.

Ending without acceptance (不予认定): a workflow may also lead out of the acceptance state into a final state marked
``done: false`` (``rejected: {label: 不予认定, final: true, done: false}``), by the inspector or a head as its
``by`` says. Such a transition is neither the pass nor the fail (``ending_triggers``); it needs no round (the
county may refuse to recognise an item whatever was measured), but the task's responsible person and leader may
not fire it (separation of duties), and the task's holder is told. The item then counts as ended, not done
(``engine.queries.status``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, insert, select

from engine.plugin import (
    DeadlineRule,
    InputError,
    NotPermitted,
    OptionIssue,
    StepType,
    activity_date,
    append_event,
    as_workflow_def,
    fire_in,
    hookimpl,
    lock_item,
    open_deadlines,
    parse_duration,
    require_person,
    say,
    tables,
    task_transaction,
)
from plugins.acceptance_criteria import Finding, evaluate

events, inspections = tables.events, tables.inspections
STEP = "acceptance"


class Acceptance(StepType):
    name = STEP
    title = "验收"
    title_en = "acceptance inspection"
    evidence_kind = "photo"  # the site as found: a phone may open its camera
    task_options = {
        "acceptance": "plugins.option_models:AcceptanceCriteria",
        "rectify_within": "engine.plugin:DurationText",
    }
    derived_deadlines = (
        DeadlineRule(
            "rectify",
            "整改",
            "验收不通过后,自不通过当天起按 rectify_within 计算(如 10 workdays 为其后第 10 个工作日);再次申请验收即满足。",
            "after a failed inspection: rectify_within counted from the day of the failure (10 workdays: the 10th "
            "working day after it); met when the item is sent back to inspection.",
        ),
    )

    def check_task(self, task, workflow, options):
        issues = []
        seen = {}
        for index, criterion in enumerate(options.get("acceptance") or ()):
            if criterion.check in seen:
                issues.append(
                    OptionIssue(
                        ("acceptance", index, "check"),
                        say("验收标准 “{c}” 重复。", "acceptance criterion '{c}' is listed twice.", c=criterion.check),
                    )
                )
            seen[criterion.check] = index
            if criterion.min is not None and criterion.max is not None and criterion.min > criterion.max:
                issues.append(
                    OptionIssue(
                        ("acceptance", index),
                        say(
                            "验收标准 “{c}” 的下限 {lo} 大于上限 {hi}。",
                            "criterion '{c}': min {lo} is above max {hi}.",
                            c=criterion.check,
                            lo=criterion.min,
                            hi=criterion.max,
                        ),
                    )
                )
        if workflow is None:
            return issues
        for state, declared in workflow.states.items():
            if declared.step != STEP:
                continue
            passes, fails = verdict_triggers(workflow, state)
            if len(passes) != 1 or len(fails) != 1:
                issues.append(
                    OptionIssue(
                        ("workflow",),
                        say(
                            "流程 {w} 的验收状态 “{s}” 需要恰好两条由验收人员(inspector)执行的出路:一条通过(之后不再回到验收),"
                            "一条不通过(整改后可再回到验收);现在通过 {p} 条、不通过 {f} 条。"
                            "以未通过告终的出路(如 不予认定)请指向写了 final: true 和 done: false 的终态。",
                            "the acceptance state '{s}' of workflow {w} needs exactly two ways out fired by an inspector: one pass "
                            "(never back to inspection) and one fail (back to inspection after rectifying); it has {p} pass and {f} fail. "
                            "A way out that ends the item without acceptance (e.g. not recognised) goes to a final state with done: false.",
                            w=task.workflow,
                            s=state,
                            p=len(passes),
                            f=len(fails),
                        ),
                    )
                )
            if not options.get("acceptance"):
                issues.append(
                    OptionIssue(
                        ("workflow",),
                        say(
                            "任务的流程 {w} 有验收步骤(“{s}”),但任务没有列出验收标准(acceptance)。",
                            "the task's workflow {w} has an acceptance step ('{s}') but the task lists no acceptance criteria.",
                            w=task.workflow,
                            s=state,
                        ),
                    )
                )
                break
        return issues

    def guard(self, context):
        if context.from_step != STEP:
            return None
        if context.trigger in ending_triggers(context.workflow, context.from_state):
            return _separation(context.checklist, context.task, context.actor)
        passes, fails = verdict_triggers(context.workflow, context.from_state)
        if context.trigger not in passes + fails:
            return None
        refusal = _separation(context.checklist, context.task, context.actor)
        if refusal:
            return refusal
        latest = latest_round(context.connection, context.checklist.id, context.task.id, context.item_name)
        if latest is None:
            return say(
                "子项 “{i}” 进入验收后还没有验收记录:请用 qingdan inspect 逐项录入验收结果,系统据此通过或退回整改。",
                "item '{i}' has no inspection round since it entered inspection: record one with qingdan inspect, "
                "which passes it or sends it to rectification accordingly.",
                i=context.item_name,
            )
        if context.trigger in passes and not latest["passed"]:
            return say(
                "第 {r} 轮验收未通过({u}),不能执行 “{t}”。",
                "inspection round {r} failed ({u}), so '{t}' is refused.",
                r=latest["round"],
                u="; ".join(latest["unmet"]),
                t=context.workflow.action_label(context.trigger, context.to_state),
            )
        if context.trigger in fails and latest["passed"]:
            return say(
                "第 {r} 轮验收已全部达标,不能执行 “{t}”。",
                "inspection round {r} met every criterion, so '{t}' is refused.",
                r=latest["round"],
                t=context.workflow.action_label(context.trigger, context.to_state),
            )
        return None

    def after_transition(self, context):
        if context.to_step == STEP:
            context.meet_deadline("rectify")
        if context.from_step != STEP or context.to_step == STEP:
            return
        _, fails = verdict_triggers(context.workflow, context.from_state)
        within = context.task.options.get("rectify_within")
        if context.trigger in fails and within:
            due = context.checklist.calendar.add(context.today, parse_duration(within))
            context.start_deadline("rectify", "整改", due)


# ---------------------------------------------------------------- verdicts from the workflow's shape


def verdict_triggers(workflow, state: str) -> tuple[list[str], list[str]]:
    """The pass and the fail triggers an inspector may fire out of an acceptance state (validation makes it one each).

    ``workflow`` is a ``WorkflowDef`` or, during validation, a ``schema.Workflow``.
    """
    workflow = as_workflow_def(workflow)
    passes, fails = [], []
    for transition in workflow.transitions:
        if state in transition.sources and "inspector" in transition.by and transition.dest not in workflow.ended_states:
            (fails if state in workflow.reachable_from(transition.dest) else passes).append(transition.trigger)
    return passes, fails


def ending_triggers(workflow, state: str) -> list[str]:
    """The triggers out of an acceptance state into a final state that ends the item without acceptance
    (``done: false``, e.g. 不予认定): allowed beside the pass and the fail when the workflow defines them."""
    workflow = as_workflow_def(workflow)
    return [t.trigger for t in workflow.transitions if state in t.sources and t.dest in workflow.ended_states]


def acceptance_states(workflow) -> list[str]:
    return [name for name, state in workflow.states.items() if state.step == STEP]


def _separation(checklist, task, actor: str) -> str | None:
    if actor in (task.responsible, task.leader):
        who = checklist.people[actor].name if actor in checklist.people else actor
        return say(
            "{p} 是任务 {t} 的{r},不能验收自己负责的子项(验收与实施分离)。",
            "{p} is the {r} of task {t} and may not inspect its items (separation of duties).",
            p=who,
            t=task.id,
            r=say("责任人", "responsible person") if actor == task.responsible else say("分管领导", "leader"),
        )
    return None


# ---------------------------------------------------------------- rounds


def latest_round(conn, checklist_id: str, task_id: str, item_name: str) -> dict | None:
    """The round recorded after the item's last move (the audit trail's order, not the clock's), or None."""
    row = conn.execute(
        select(events.c.kind, events.c.data)
        .where(
            events.c.checklist_id == checklist_id,
            events.c.task_key == task_id,
            events.c.item_name == item_name,
            events.c.kind.in_(("transition", "forced_state", "inspection")),
        )
        .order_by(events.c.seq.desc())
        .limit(1)
    ).first()
    if row is None or row.kind != "inspection":
        return None
    data = json.loads(row.data)
    return {"round": data["round"], "passed": data["passed"], "unmet": data["unmet"]}


def rounds(conn, item_id: int) -> list[dict]:
    """Every round of an item, oldest first: {round, at, inspector, passed, results, evidence, note}."""
    found = conn.execute(select(inspections).where(inspections.c.item_id == item_id).order_by(inspections.c.round)).mappings()
    return [
        {
            "round": r["round"],
            "at": r["at"],
            "inspector": r["inspector"],
            "passed": r["passed"],
            "results": json.loads(r["results"]),
            "evidence": json.loads(r["evidence"]),
            "note": r["note"],
        }
        for r in found
    ]


@dataclass(frozen=True)
class RoundResult:
    round: int
    passed: bool
    findings: tuple[Finding, ...]
    unmet: tuple[str, ...]
    evidence: tuple
    fired: object  # engine.runtime.fire.FireResult
    rectify_due: dt.date | None


def record(
    store,
    *,
    task: str,
    item: str | None,
    inspector: str,
    values: dict,
    clock,
    plugins,
    evidence=(),
    note: str | None = None,
    checklist: str | None = None,
    expect_state: str | None = None,
    on=None,
) -> RoundResult:
    """Record one inspection round and fire pass or fail, in one transaction.

    ``on``: the day the inspection took place (``engine.runtime.activity``), default today; it is the round's
    date, the date the item reached the verdict's state, and the day a rectification period counts from.

    ``evidence`` is a sequence of ``engine.runtime.evidence.Evidence`` already stored (``store_file`` / ``store_stream``).
    """
    now = clock.now()
    with task_transaction(store, task, item, checklist=checklist) as opened:
        conn, definition, task_def, row, workflow = opened.connection, opened.checklist, opened.task, opened.item, opened.workflow
        states = acceptance_states(workflow)
        if row.state not in states:
            raise InputError(
                say(
                    "子项 “{i}” 现在是 “{s}”,不在验收环节({a})。",
                    "item '{i}' is in '{s}', not waiting for inspection ({a}).",
                    i=row.name,
                    s=workflow.label(row.state),
                    a="、".join(workflow.label(s) for s in states) or "-",
                )
            )
        require_person(definition, inspector)
        if "inspector" not in definition.people[inspector].roles:
            raise NotPermitted(
                say(
                    "{p} 不是验收人员,不能录入验收结果。",
                    "{p} does not hold the inspector role and may not inspect.",
                    p=definition.people[inspector].name,
                )
            )
        refusal = _separation(definition, task_def, inspector)
        if refusal:
            raise NotPermitted(refusal)
        on_day = activity_date(on, now, definition.timezone)
        findings = evaluate(task_def, values)
        passed = all(f.met for f in findings)
        unmet = tuple(f.unmet_text() for f in findings if not f.met)
        lock_item(conn, row.id)
        number = (conn.execute(select(func.max(inspections.c.round)).where(inspections.c.item_id == row.id)).scalar_one() or 0) + 1
        results = [f.as_json() for f in findings]
        files = [e.as_json() for e in evidence]
        conn.execute(
            insert(inspections).values(
                item_id=row.id,
                round=number,
                inspector=inspector,
                at=now,
                passed=passed,
                results=json.dumps(results, ensure_ascii=False),
                evidence=json.dumps(files, ensure_ascii=False),
                note=note,
                on_date=on_day,
            )
        )
        append_event(
            conn,
            chain=definition.id,
            at=now,
            actor=inspector,
            kind="inspection",
            checklist_id=definition.id,
            task_key=task_def.id,
            item_name=row.name,
            note=note,
            data={"round": number, "passed": passed, "results": results, "unmet": list(unmet), "evidence": files}
            | ({"on": on_day.isoformat()} if on is not None else {}),
        )
        passes, fails = verdict_triggers(workflow, row.state)
        fired = fire_in(
            conn,
            task=task_def.id,
            item=row.name,
            trigger=(passes if passed else fails)[0],
            actor=inspector,
            now=now,
            plugins=plugins,
            data={"round": number},
            checklist=definition.id,
            expect_state=expect_state or row.state,
            on=on_day,
        )
        due = next((d for key, _, d in open_deadlines(conn, row.id) if key == "rectify"), None) if not passed else None
    return RoundResult(number, passed, tuple(findings), unmet, tuple(evidence), fired, due)


# ---------------------------------------------------------------- event notices


@hookimpl
def qingdan_event_notices(context):
    """Inspectors are told when an item enters inspection; the responsible person when it failed (with the unmet
    criteria and the rectification deadline) or was ended without acceptance (``plugins.acceptance_notices``)."""
    from plugins.acceptance_notices import notices_for

    return notices_for(context)


@hookimpl
def qingdan_step_types():
    return [Acceptance()]


@hookimpl
def qingdan_register_commands(cli):
    from plugins.acceptance_command import inspect

    cli.add_command(inspect)


@hookimpl
def qingdan_register_blueprints(app, pages):
    from plugins.acceptance_history import bp as history
    from plugins.acceptance_pages import bp

    app.register_blueprint(bp)
    app.register_blueprint(history)
    pages.nav_link("inspection.queue", "验收", "Inspection", roles=("inspector",))
    pages.step_page(STEP, "inspection.item", "去验收", "Inspect", roles=("inspector",))
