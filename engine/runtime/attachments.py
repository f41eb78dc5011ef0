"""Evidence files (佐证: photos, sign-in sheets, scans) on any report, firing or step record.

The files are stored as inspections' are (``engine.runtime.evidence``: by hash, within the list's quota, removed
again when the action fails) and the action's audit event names them under ``evidence`` (``[{name, sha256, size}]``),
which is how the task page lists them and how the download route's scope check finds them
(``engine.queries.evidence``). Files are taken only after the action was authorized: ``authorize_*`` here ask the
same permission rules the action itself checks again in its own transaction.

Must not: decide who may act (``engine.runtime.permissions`` does) or record anything itself.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from engine import catalog
from engine.errors import InputError
from engine.i18n import say
from engine.runtime.evidence import Evidence, intake
from engine.runtime.permissions import check_fire, check_report, require_person


def records(evidence) -> list[dict]:
    """``[{name, sha256, size}]`` for an event's ``evidence``, from ``Evidence`` objects or such dicts."""
    return [e.as_json() if isinstance(e, Evidence) else {"name": e["name"], "sha256": e["sha256"], "size": e["size"]} for e in evidence]


def authorize_report(store, *, task: str, actor: str, checklist: str | None = None, item: str | None = None) -> str:
    """The list's id, once ``actor`` may report on ``task`` (``NotPermitted`` otherwise); ``item``: the item reported
    on, whose holder may report on it as the responsible person may."""
    from engine.runtime.progress import reported_item  # progress names its evidence through this module

    with store.read() as conn:
        ref = catalog.find_task(conn, task, checklist)
        found = reported_item(conn, ref, item)
        check_report(ref.checklist, ref.task, actor, holder=found.owner if found else None)
        return ref.checklist.id


def authorize_fire(store, *, task: str, item: str | None, trigger: str, actor: str, checklist: str | None = None) -> str:
    """The list's id, once ``actor`` may fire ``trigger`` on the item now (an unknown trigger is left to the firing,
    which explains it; the person must exist either way)."""
    from engine.runtime.opening import task_transaction

    with task_transaction(store, task, item, checklist=checklist, write=False) as ref:
        definition, task_def, row = ref.checklist, ref.task, ref.item
        require_person(definition, actor)
        transition = definition.workflows[task_def.workflow].transition(trigger, row.state)
        if transition is not None:
            check_fire(definition, task_def, transition, actor, holder=getattr(row, "owner", None))
        return definition.id


def authorize_record(store, *, task: str, item: str | None, actor: str, checklist: str | None = None) -> str:
    """The list's id, once ``actor`` may record step data on the item."""
    from engine.runtime.opening import task_transaction
    from engine.runtime.stepdata import check_may_record

    with task_transaction(store, task, item, checklist=checklist, write=False) as ref:
        check_may_record(ref.checklist, ref.task, actor)
        return ref.checklist.id


@contextmanager
def files_from_paths(store, checklist_id: str, paths, directory: Path | None = None, quota: int | None = None):
    """Store the files at ``paths`` (the CLI's ``--evidence``) for one action on a list: yields the ``Evidence`` list;
    when the block raises, the files this action placed are removed again."""
    with intake(store, checklist_id, directory, quota) as taking:
        taken = []
        for name in paths:
            path = Path(name)
            if not path.is_file():
                raise InputError(say("找不到证明材料文件 {p}。", "cannot find the evidence file {p}.", p=name), field="evidence")
            try:
                with path.open("rb") as handle:
                    taken.append(taking.add(path.name, handle))
            except PermissionError:
                raise InputError(
                    say("无法读取证明材料文件 {p}。", "cannot read the evidence file {p}.", p=name), field="evidence"
                ) from None
        yield taken
