"""The actions pages and the API share: fire a trigger and report progress as an account.

The account's role and scope are checked first (``engine.account_rules``: a staff account acts only as a task's
responsible person, an inspector only as an inspector) for an early answer in the account's words, then the
engine runs the action as the account's person and decides: a fire gets the role's capacities (``within``), checked
with the transition the engine fires, inside its write transaction, against the state it writes, so an item moved
between the read here and the write can never let a role fire what it may not.
"""

from __future__ import annotations

from flask import current_app

import engine
from engine import InputError, say
from engine.account_rules import ROLE_CAPACITIES, acting_person, check_account_fire, check_account_report
from web import services


def locate(task: str, item: str | None, checklist: str | None = None):
    """``(definition, task definition, item row or None)`` for names as people type them: the item of a workflow task
    (the only one when none is named), of another task only when named (``engine.open_task``, read only)."""
    with engine.task_transaction(services.get().store, task, item, checklist=checklist, workflow_only=False, write=False) as found:
        return found.checklist, found.task, found.item


def fire(
    account,
    *,
    task: str,
    item: str | None,
    trigger: str,
    note: str | None = None,
    data: dict | None = None,
    checklist: str | None = None,
    expect_state: str | None = None,
    on=None,
):
    svc = services.get()
    definition, task_def, row = locate(task, item, checklist)
    if task_def.kind == "workflow":
        transition = definition.workflows[task_def.workflow].transition(trigger, row.state)
        if transition is not None:
            person = check_account_fire(account, definition, task_def, transition.by, trigger)
        else:
            person = acting_person(account, definition)  # the engine explains why the trigger is not valid
    else:
        person = acting_person(account, definition)
    return engine.fire(
        svc.store,
        task=task_def.id,
        item=row.name if row is not None else item,
        trigger=trigger,
        actor=person,
        clock=svc.clock,
        plugins=svc.plugins,
        note=note or None,
        data=data or {},
        checklist=definition.id,
        expect_state=expect_state or (row.state if row is not None else None),
        on=on or None,
        within=ROLE_CAPACITIES.get(account.role, frozenset()),  # the role, checked in the engine's transaction
    )


def report(
    account,
    *,
    task: str,
    amount,
    part: str | None = None,
    item: str | None = None,
    note: str | None = None,
    checklist: str | None = None,
    on=None,
    over: bool = False,
):
    svc = services.get()
    definition, task_def, _ = locate(task, None, checklist)
    return engine.report(
        svc.store,
        task=task_def.id,
        amount=amount,
        actor=_reporting_person(account, definition, task_def),
        clock=svc.clock,
        part=part or None,
        item=item or None,
        note=note or None,
        checklist=definition.id,
        on=on or None,
        over=over,
    )


def correct(account, *, task: str, entry: int, note: str | None = None, checklist: str | None = None):
    """Reverse report ``entry`` (``engine.correct``): whoever may report on the task may correct it."""
    svc = services.get()
    definition, task_def, _ = locate(task, None, checklist)
    return engine.correct(
        svc.store,
        task=task_def.id,
        entry=entry,
        actor=_reporting_person(account, definition, task_def),
        clock=svc.clock,
        note=note or None,
        checklist=definition.id,
    )


def _reporting_person(account, definition, task_def) -> str:
    """The person to report or correct as (the account's role and scope checked first)."""
    if task_def.kind == "workflow":
        return acting_person(account, definition)  # the engine explains that a workflow task takes no amounts
    return check_account_report(account, definition, task_def)


def parse_data_text(text: str | None) -> dict:
    """``KEY=VALUE`` lines, as the CLI's ``--data`` takes them."""
    data = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        if "=" not in line:
            raise InputError(say("附加数据每行写成 键=值,不是 “{v}”。", "extra data takes KEY=VALUE lines, not '{v}'.", v=line.strip()))
        key, _, value = line.partition("=")
        data[key.strip()] = value.strip()
    return data


def store_evidence(uploads) -> list:
    """Store uploaded files by content (``engine.store_evidence_stream``) in the folder the web config names
    (``EVIDENCE_DIR``), else the command line's; returns ``engine.Evidence`` objects."""
    from pathlib import Path

    folder = current_app.config.get("EVIDENCE_DIR")
    return [
        engine.store_evidence_stream(upload.filename, upload.stream, Path(folder) if folder else None)
        for upload in uploads
        if upload is not None and upload.filename
    ]


def save_evidence(uploads) -> list[dict]:
    """Store uploaded evidence files and return ``[{name, sha256, size}]`` for the audit data."""
    return [e.as_json() for e in store_evidence(uploads)]
