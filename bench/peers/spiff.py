"""SpiffWorkflow as a peer of one fire (issue 13's optional comparison): what a workflow library does for one step
of one item with no database at all, measured in ``bench.core``'s fire blocks beside the floor and the engine.

Not a dependency of qingdan. ``python -m bench.peers.spiff --install`` puts SpiffWorkflow (``VERSION``, without its
dependencies: lxml is already in the project's environment) into ``bench/results/peer-packages``, which only the
benchmark adds to the end of ``sys.path``; ``python -m bench.core --peer spiff`` then times it in the same run.

The peer's step is the issue's "load + complete + serialize": the item's workflow state is read back from its
serialized JSON, the one ready user task is completed (the engine steps after it run) and the state is serialized
again, as a service keeping Spiff's state in a text column would do on every step, minus the column. Two variants:

- ``bpmn``: the bench workflow as a BPMN process (a user task per state, in the workflow's order), through Spiff's
  BPMN parser and ``BpmnWorkflowSerializer`` (its documented way of keeping a workflow between requests);
- ``core``: the same chain as Spiff's own (non-BPMN) ``WorkflowSpec`` of manual ``Simple`` tasks and its
  ``JSONSerializer``, the lightest thing Spiff offers.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

VERSION = "3.2.0"
PACKAGES = Path(__file__).resolve().parent.parent / "results" / "peer-packages"


def available() -> bool:
    """Whether SpiffWorkflow can be imported (from the environment or ``PACKAGES``, appended to ``sys.path``)."""
    if PACKAGES.is_dir() and str(PACKAGES) not in sys.path:
        sys.path.append(str(PACKAGES))  # last: the project's own packages always win
    try:
        import SpiffWorkflow  # noqa: F401
    except ImportError:
        return False
    return True


def _chain(workflow) -> list[str]:
    """The workflow's states after its initial one, in declared order: the path an item walks."""
    return [name for name in workflow.states if name != workflow.initial]


def _bpmn(states: list[str]) -> bytes:
    tasks = "".join(f'<bpmn:userTask id="{name}" name="{name}"/>' for name in states)
    steps = ["start", *states, "end"]
    flows = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>' for i, (a, b) in enumerate(zip(steps, steps[1:])))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="bench" targetNamespace="qingdan-bench">'
        f'<bpmn:process id="item" isExecutable="true"><bpmn:startEvent id="start"/>{tasks}<bpmn:endEvent id="end"/>{flows}'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


class BpmnStep:
    """One step of an item kept as Spiff BPMN state: load, complete the ready user task, serialize."""

    name = "bpmn"

    def __init__(self, workflow):
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

        self.states = _chain(workflow)
        parser = BpmnParser()
        parser.add_bpmn_str(_bpmn(self.states))
        started = BpmnWorkflow(parser.get_spec("item"))
        started.do_engine_steps()
        self.serializer = BpmnWorkflowSerializer()
        self.text = self.serializer.serialize_json(started)  # every step starts from the item standing at the first task

    def __call__(self) -> str:
        from SpiffWorkflow.util.task import TaskState

        workflow = self.serializer.deserialize_json(self.text)
        workflow.get_next_task(state=TaskState.READY, manual=True).run()
        workflow.do_engine_steps()
        return self.serializer.serialize_json(workflow)

    def check(self) -> None:
        from SpiffWorkflow.util.task import TaskState

        after = self.serializer.deserialize_json(self())
        ready = [task.task_spec.name for task in after.get_tasks(state=TaskState.READY)]
        if ready != self.states[1:2]:
            raise RuntimeError(f"spiff bpmn: after one step the ready task is {ready}, expected {self.states[1:2]}")


class CoreStep:
    """The same step with Spiff's core (non-BPMN) specs and JSON serializer."""

    name = "core"

    def __init__(self, workflow):
        from SpiffWorkflow.serializer.json import JSONSerializer
        from SpiffWorkflow.specs.Simple import Simple
        from SpiffWorkflow.specs.WorkflowSpec import WorkflowSpec
        from SpiffWorkflow.workflow import Workflow

        self.states = _chain(workflow)
        spec = WorkflowSpec("item", addstart=True)
        previous = spec.start
        for name in self.states:
            task = Simple(spec, name)
            task.manual = True
            previous.connect(task)
            previous = task
        started = Workflow(spec)
        started.run_next(halt_on_manual=True)
        self.serializer, self.kind = JSONSerializer(), Workflow
        self.text = started.serialize(self.serializer)

    def __call__(self) -> str:
        from SpiffWorkflow.util.task import TaskState

        workflow = self.kind.deserialize(self.serializer, self.text)
        workflow.get_next_task(state=TaskState.READY).run()
        return workflow.serialize(self.serializer)

    def check(self) -> None:
        from SpiffWorkflow.util.task import TaskState

        after = self.kind.deserialize(self.serializer, self())
        ready = [task.task_spec.name for task in after.get_tasks(state=TaskState.READY)]
        if ready != self.states[1:2]:
            raise RuntimeError(f"spiff core: after one step the ready task is {ready}, expected {self.states[1:2]}")


def steps(workflow) -> list:
    """Both variants for ``workflow`` (a ``WorkflowDef``), each checked once to move the item exactly one task on."""
    made = [BpmnStep(workflow), CoreStep(workflow)]
    for step in made:
        step.check()
    return made


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers.spiff", description=__doc__.split("\n\n")[0])
    parser.add_argument("--install", action="store_true", help=f"pip install SpiffWorkflow {VERSION} into {PACKAGES}")
    args = parser.parse_args(argv)
    if args.install:
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--upgrade", "--target", str(PACKAGES)]
        subprocess.run([*command, f"SpiffWorkflow=={VERSION}"], check=True)
    if not available():
        print(f"SpiffWorkflow is not installed: python -m bench.peers.spiff --install (puts {VERSION} into {PACKAGES})")
        return 2
    import SpiffWorkflow.version

    print(f"SpiffWorkflow {SpiffWorkflow.version.__version__} ready; measure it with: python -m bench.core --peer spiff")
    return 0


if __name__ == "__main__":
    sys.exit(main())
