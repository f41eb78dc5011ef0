"""The engine's exception hierarchy.

Every error a user can cause is a ``QingdanError`` whose ``str()`` is a complete sentence in the
user's language that says what is wrong and what to do. The CLI and the web turn these into exit
codes and HTTP statuses at the boundary; nothing inside the engine prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class QingdanError(Exception):
    """Base class: a problem the user can understand and act on.

    The message is worded for any interface; ``field`` names the input it is about (``amount``, ``over``, ``on``
    …) so that each boundary can add its own hint: the CLI its flag, the web its form field, the API the key.
    """

    #: the HTTP status the web layer answers with
    http_status = 400
    #: the CLI exit code
    exit_code = 1

    def __init__(self, *args, field: str | None = None):
        super().__init__(*args)
        self.field = field


class InputError(QingdanError):
    """A value the user typed (an amount, a date, a duration, an id) is not acceptable."""


class NotFound(QingdanError):
    """A checklist, task, item, person or part that does not exist."""

    http_status = 404


class NotPermitted(QingdanError):
    """The acting person may not do this."""

    http_status = 403


class InvalidTrigger(QingdanError):
    """The trigger does not exist or is not valid from the item's current state. The message names triggers as the
    command line types them; ``workflow`` (a ``WorkflowDef``), ``state``, ``trigger`` and ``valid`` (the triggers
    possible now) let a page say the same with the workflow's labels."""

    http_status = 409

    def __init__(self, *args, workflow=None, state: str | None = None, trigger: str | None = None, valid=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.workflow = workflow
        self.state = state
        self.trigger = trigger
        self.valid = tuple(valid)


class GuardRefused(QingdanError):
    """A plugin's guard refused the transition; the message is the guard's."""

    http_status = 409


class Conflict(QingdanError):
    """Somebody else changed the same thing at the same moment; nothing was written."""

    http_status = 409


class ListClosed(QingdanError):
    """The list was closed at year end (``qingdan close``): it can be read and exported, not changed."""

    http_status = 409


@dataclass(frozen=True)
class Stranded:
    """One thing a reload would strand, for an interface to put in its own words (``StrandedData.stranded``):
    ``task_removed`` and ``item_removed`` (with ``count`` recorded events), ``kind_changed`` (``old``/``new`` kinds),
    ``state_removed`` (``count`` items in the old workflow's ``state``, which return to the new one's ``new``)."""

    what: str
    task: str
    item: str | None = None
    count: int = 0
    state: str | None = None
    old: str | None = None
    new: str | None = None


class StrandedData(QingdanError):
    """A reload would remove something that still has state or history; ``stranded`` lists what, one ``Stranded``
    each, in the loader's order (the message lists the same in sentences)."""

    http_status = 409

    def __init__(self, *args, stranded: list[Stranded] | None = None, field: str | None = None):
        super().__init__(*args, field=field)
        self.stranded = list(stranded or [])


class CalendarGap(QingdanError):
    """The working-day calendar has no data for a year that is needed."""


class StoreError(QingdanError):
    """The database cannot be reached or is in a state this version cannot use."""

    exit_code = 3


class AuditBroken(QingdanError):
    """The audit chain does not verify."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One finding of validation, located in a source file."""

    file: str
    line: int
    column: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def format(self) -> str:
        prefix = "" if self.severity == "error" else _warning_prefix()
        return f"{self.file}:{self.line}:{self.column}: {prefix}{self.message}"


def _warning_prefix() -> str:
    from engine.i18n import t

    return t("warning_prefix")


@dataclass
class ChecklistInvalid(QingdanError):
    """A checklist file did not validate; ``problems`` holds every finding."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems if p.severity == "error")
