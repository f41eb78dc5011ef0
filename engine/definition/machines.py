"""The only module that imports ``transitions``: one Machine per workflow definition.

Items are never given a Machine of their own (about 49 KiB and a millisecond each). To move an
item, a light token carrying its state is attached with ``add_model`` for the one operation and
removed in ``finally`` (a model never removed is never freed). The state itself lives in the
database; this module only answers "where does this trigger lead from here".
"""

from __future__ import annotations

import threading

from transitions import Machine, MachineError

from engine.definition.definitions import WorkflowDef
from engine.errors import InvalidTrigger
from engine.i18n import say


class _Token:
    __slots__ = ("state", "__dict__")


class WorkflowMachine:
    def __init__(self, workflow: WorkflowDef):
        self.workflow = workflow
        self.machine = Machine(
            model=None,
            states=list(workflow.states),
            transitions=[{"trigger": t.trigger, "source": list(t.sources), "dest": t.dest} for t in workflow.transitions],
            initial=workflow.initial,
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )
        # Machine.add_model/remove_model mutate a shared list; web workers run threads.
        self._lock = threading.Lock()

    def valid_triggers(self, state: str) -> list[str]:
        return sorted(set(self.machine.get_triggers(state)))

    def next_state(self, state: str, trigger: str) -> str:
        if trigger not in self.machine.events:
            raise InvalidTrigger(
                say(
                    "流程 “{w}” 没有动作 “{t}”;可用的动作:{v}。",
                    "workflow '{w}' has no trigger '{t}'; its triggers are: {v}.",
                    w=self.workflow.id,
                    t=trigger,
                    v=", ".join(sorted(self.machine.events)) or "-",
                ),
                workflow=self.workflow,
                trigger=trigger,
            )
        token = _Token()
        with self._lock:
            self.machine.add_model(token, initial=state)
            try:
                getattr(token, trigger)()
                return token.state
            except MachineError:
                valid = self.valid_triggers(state)
                raise InvalidTrigger(
                    say(
                        "当前状态是 “{s}”,不能执行 “{t}”;现在可以执行:{v}。",
                        "the item is in '{s}', where '{t}' is not possible; possible now: {v}.",
                        s=self.workflow.label(state),
                        t=trigger,
                        v=", ".join(valid) or say("无(已是终态)", "none (final state)"),
                    ),
                    workflow=self.workflow,
                    state=state,
                    trigger=trigger,
                    valid=valid,
                ) from None
            finally:
                self.machine.remove_model(token)


_cache: dict[int, WorkflowMachine] = {}
_cache_lock = threading.Lock()


def machine_for(workflow: WorkflowDef) -> WorkflowMachine:
    """The shared machine for a workflow definition (definitions are immutable, so identity is the key)."""
    key = id(workflow)
    found = _cache.get(key)
    if found is None or found.workflow is not workflow:
        with _cache_lock:
            if len(_cache) > 512:
                _cache.clear()
            found = _cache[key] = WorkflowMachine(workflow)
    return found
