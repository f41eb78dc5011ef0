"""The actions pages and the API share: fire a trigger and report progress as an account.

The account's role and scope are checked first (``engine.accounts``: a staff account acts only as a task's
responsible person, an inspector only as an inspector), then the engine runs the action as the account's
person and checks everything again. The item's state as read here is passed as ``expect_state`` when the
caller gave none, so the role check can never be about a different transition than the one fired.
"""
from __future__ import annotations

from engine.accounts import acting_person, check_account_fire, check_account_report
from engine.errors import InputError
from engine.i18n import say
from web import engine_bridge as bridge
from web import services


def fire(account, *, task: str, item: str | None, trigger: str, note: str | None = None, data: dict | None = None,
         checklist: str | None = None, expect_state: str | None = None):
    from engine.runtime.fire import fire as engine_fire

    svc = services.get()
    definition, task_def, row = bridge.locate(svc.store, task, item, checklist)
    if task_def.kind == "workflow":
        transition = definition.workflows[task_def.workflow].transition(trigger, row.state)
        if transition is not None:
            person = check_account_fire(account, definition, task_def, transition.by, trigger)
        else:
            person = acting_person(account, definition)  # the engine explains why the trigger is not valid
    else:
        person = acting_person(account, definition)
    return engine_fire(svc.store, task=task_def.id, item=row.name if row is not None else item, trigger=trigger, actor=person,
                       clock=svc.clock, plugins=svc.plugins, note=note or None, data=data or {}, checklist=definition.id,
                       expect_state=expect_state or (row.state if row is not None else None))


def report(account, *, task: str, amount, part: str | None = None, item: str | None = None, note: str | None = None,
           checklist: str | None = None):
    from engine.runtime.progress import report as engine_report

    svc = services.get()
    definition, task_def, _ = bridge.locate(svc.store, task, None, checklist)
    person = check_account_report(account, definition, task_def) if task_def.kind != "workflow" else acting_person(account, definition)
    return engine_report(svc.store, task=task_def.id, amount=amount, actor=person, clock=svc.clock, part=part or None,
                         item=item or None, note=note or None, checklist=definition.id)


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


def save_evidence(folder: str | None, uploads) -> list[dict]:
    """Store uploaded evidence files (``engine.runtime.evidence``) and return ``[{name, sha256, size}]`` for the audit data."""
    return [e.as_json() for e in bridge.store_evidence(uploads, folder)]
