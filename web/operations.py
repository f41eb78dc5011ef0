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
from engine import GuardRefused, InputError, say
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
    uploads=(),
    kept=(),
    keep_refused: bool = False,
):
    """Fire as the account. ``uploads`` (evidence files) are stored only after the account's permission for this
    trigger on this item was checked, within the list's quota, and removed again when the firing fails, unless
    ``keep_refused`` and the engine refused what was given (``InputError``, ``GuardRefused``): then they stay stored
    and the error carries them as ``kept_evidence`` for the form to send again. ``kept`` are such files
    (``{name, sha256, size}``, checked by the caller) given again with the retry."""
    svc = services.get()
    definition, task_def, row = locate(task, item, checklist)
    transition = None
    if task_def.kind == "workflow":
        transition = definition.workflows[task_def.workflow].transition(trigger, row.state)
        if transition is not None:
            person = check_account_fire(account, definition, task_def, transition.by, trigger, holder=getattr(row, "owner", None))
        else:
            person = acting_person(account, definition)  # the engine explains why the trigger is not valid
    else:
        person = acting_person(account, definition)
    # any firing may carry evidence (佐证); a step's form only asks for it more prominently (web.step_forms.wants_evidence)
    uploads = [u for u in uploads if u is not None and u.filename] if transition is not None else []
    kept = list(kept) if transition is not None else []
    data = dict(data or {})
    refused = None
    with evidence_intake(definition.id) as taking:
        stored = [taking.add(u.filename, u.stream).as_json() for u in uploads]
        if stored or kept:
            data["evidence"] = [*kept, *stored]
        try:
            return engine.fire(
                svc.store,
                task=task_def.id,
                item=row.name if row is not None else item,
                trigger=trigger,
                actor=person,
                clock=svc.clock,
                plugins=svc.plugins,
                note=note or None,
                data=data,
                checklist=definition.id,
                expect_state=expect_state or (row.state if row is not None else None),
                on=on or None,
                within=ROLE_CAPACITIES.get(account.role, frozenset()),  # the role, checked in the engine's transaction
            )
        except (InputError, GuardRefused) as err:
            if not keep_refused:
                raise
            refused = err  # leaving the block normally releases the files: they stay for the retry
    refused.kept_evidence = [*kept, *stored]
    raise refused


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
    uploads=(),
    kept=(),
    keep_refused: bool = False,
):
    """Report as the account. ``uploads``, ``kept`` and ``keep_refused``: evidence files as ``fire`` takes them, stored
    only once the account may report on the task."""
    svc = services.get()
    definition, task_def, row = locate(task, item or None, checklist)
    person = _reporting_person(account, definition, task_def, holder=getattr(row, "owner", None))
    uploads = [u for u in uploads if u is not None and u.filename]
    kept = list(kept)
    refused = None
    with evidence_intake(definition.id) as taking:
        stored = [taking.add(u.filename, u.stream).as_json() for u in uploads]
        try:
            return engine.report(
                svc.store,
                task=task_def.id,
                amount=amount,
                actor=person,
                clock=svc.clock,
                part=part or None,
                item=item or None,
                note=note or None,
                checklist=definition.id,
                on=on or None,
                over=over,
                evidence=[*kept, *stored],
            )
        except InputError as err:
            if not keep_refused:
                raise
            refused = err  # leaving the block normally releases the files: they stay for the retry
    refused.kept_evidence = [*kept, *stored]
    raise refused


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


def _reporting_person(account, definition, task_def, *, holder: str | None = None) -> str:
    """The person to report or correct as (the account's role and scope checked first; ``holder``: the owner of
    the item reported on, who may report on it)."""
    if task_def.kind == "workflow":
        return acting_person(account, definition)  # the engine explains that a workflow task takes no amounts
    return check_account_report(account, definition, task_def, holder=holder)


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


def evidence_intake(checklist_id: str):
    """``engine.evidence_intake`` for an action on a list, in the folder and within the quota the web config names
    (``EVIDENCE_DIR``, ``EVIDENCE_QUOTA_MB``). Authorize the action first, then store files with ``intake.add`` and
    record the action inside the ``with`` block: when it raises, the files it stored are removed."""
    from pathlib import Path

    folder = current_app.config.get("EVIDENCE_DIR")
    quota = current_app.config.get("EVIDENCE_QUOTA_MB")
    return engine.evidence_intake(
        services.get().store, checklist_id, Path(folder) if folder else None, int(quota) if quota is not None else None
    )


def store_evidence(uploads) -> list:
    """Store uploaded files by content (``engine.store_evidence_stream``) in the folder the web config names
    (``EVIDENCE_DIR``), else the command line's; returns ``engine.Evidence`` objects. No authorization, quota or
    clean-up: actions taking uploads use ``evidence_intake`` instead."""
    from pathlib import Path

    folder = current_app.config.get("EVIDENCE_DIR")
    return [
        engine.store_evidence_stream(upload.filename, upload.stream, Path(folder) if folder else None)
        for upload in uploads
        if upload is not None and upload.filename
    ]
