"""The admin's checklist upload in plain words: what a reload the loader refused would do to the work already
recorded (``engine.errors.StrandedData.stranded``, decided by ``engine.runtime.loader``), worded with task titles,
item names and state labels, so the admin can confirm a forced load on the page instead of reading about ``--force``.

It decides nothing: the loader says what would be stranded; this module only puts it in words.
"""

from __future__ import annotations

from engine import say

_KINDS = {
    "workflow": ("按流程推进的任务", "a workflow task"),
    "target": ("按数量累计的任务", "a quantity target"),
    "recurring": ("定期报告的任务", "a recurring duty"),
}


def _kind(kind: str | None) -> str:
    zh, en = _KINDS.get(kind or "", ("另一类任务", "another kind of task"))
    return say(zh, en)


def _task_title(task_id: str, *definitions) -> str:
    for definition in definitions:
        if definition is not None and task_id in definition.task_by_id:
            return definition.task_by_id[task_id].title
    return task_id


def _state_label(definition, task_id: str, state: str | None) -> str:
    """A state's label in the workflow the task had in ``definition`` (the loaded one for a state being removed)."""
    task = definition.task_by_id.get(task_id) if definition is not None else None
    workflow = definition.workflows.get(task.workflow) if task is not None and task.workflow else None
    return workflow.label(state) if workflow is not None and state else say("原来的一步", "an earlier step")


def stranded_words(stranded, loaded, new) -> list[str]:
    """One sentence per thing the reload would strand: ``loaded`` is the definition in the database, ``new`` the
    uploaded one (both ``ChecklistDef``)."""
    sentences = []
    for part in stranded:
        title = _task_title(part.task, new, loaded)
        if part.what == "task_removed":
            sentences.append(
                say(
                    "任务“{t}”已有 {n} 条记录,新文件里没有这项任务:载入后它会被归档(不再显示,记录保留)。",
                    "task “{t}” has {n} recorded events and is not in the new file: it will be archived (hidden, history kept).",
                    t=title,
                    n=part.count,
                )
            )
        elif part.what == "item_removed":
            added = _added_items(part.task, loaded, new)
            sentences.append(
                say(
                    "任务“{t}”的子项“{i}”已有 {n} 条记录,新文件里没有它:载入后它会被归档,进度不会转给别的子项{r}。",
                    "item “{i}” of task “{t}” has {n} recorded events and is not in the new file: it will be archived, its "
                    "progress is not carried to another item{r}.",
                    t=title,
                    i=part.item,
                    n=part.count,
                    r=say(
                        "(如果是改了名,新名字“{a}”会从头开始)", " (if it was renamed, the new name “{a}” starts afresh)", a="”“".join(added)
                    )
                    if added
                    else "",
                )
            )
        elif part.what == "kind_changed":
            sentences.append(
                say(
                    "任务“{t}”已有记录,新文件把它从{a}改成了{b}:载入后原来的进度不再计入。",
                    "task “{t}” has history and the new file makes it {b} instead of {a}: its recorded progress no longer counts.",
                    t=title,
                    a=_kind(part.old),
                    b=_kind(part.new),
                )
            )
        elif part.what == "state_removed":
            sentences.append(
                say(
                    "任务“{t}”有 {n} 个子项正处于“{s}”,新流程没有这一步:载入后它们退回“{i}”重新开始。",
                    "task “{t}” has {n} items at “{s}”, a step the new workflow lacks: they go back to “{i}” and start again.",
                    t=title,
                    n=part.count,
                    s=_state_label(loaded, part.task, part.state),
                    i=_state_label(new, part.task, part.new),
                )
            )
    return sentences


def _added_items(task_id: str, loaded, new) -> list[str]:
    """Items of the task that only the new file has: a removed item next to a new one is most likely a rename."""
    if loaded is None or task_id not in loaded.task_by_id or task_id not in new.task_by_id:
        return []
    before = set(loaded.task_by_id[task_id].items)
    return [name for name in new.task_by_id[task_id].items if name not in before]
