"""Every extension point of qingdan, declared in one place.

Plugins implement these with ``@engine.hookspecs.hookimpl``. Built-in behaviour (the tendering and
acceptance steps, notification channels) is provided by ordinary plugins in ``plugins/``, registered
the same way a third-party package is (entry-point group ``qingdan.plugins``).
"""
from __future__ import annotations

import pluggy

PROJECT = "qingdan"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

# ---------------------------------------------------------------- start-up registration


@hookspec
def qingdan_step_types():
    """Called once when the plugin manager is built.

    Return a list of ``engine.steps.StepType`` instances. Two plugins providing the same step name
    is a start-up error naming both.
    """


@hookspec
def qingdan_channels(settings):
    """Called when the notifier starts, with ``engine.channels.ChannelSettings``.

    Return a list of ``engine.channels.Channel`` instances (configured or not; unconfigured ones are
    skipped). Each channel is called on its own: one failing channel never stops another.
    """


# ---------------------------------------------------------------- transition lifecycle


@hookspec
def qingdan_guard_transition(context):
    """Called before any transition is written, after the trigger and the actor's permission passed.

    ``context`` is an ``engine.steps.TransitionContext``. Return ``None`` to allow, or a message (a
    sentence for the user) to refuse; every plugin is asked and the first refusal is shown.
    Must not write to the database.
    """


@hookspec
def qingdan_after_transition(context):
    """Called inside the firing database transaction, after the new state and audit event are written.

    Use ``context.connection`` to record the plugin's own rows; raising ``QingdanError`` rolls the
    whole firing back and the message reaches the user.
    """


# ---------------------------------------------------------------- status and the web board


@hookspec
def qingdan_checklist_status(checklist, connection, today):
    """Called once per status computation of a checklist (CLI ``status``, the web board, the API).

    ``checklist`` is the ``ChecklistDef``, ``connection`` a read connection, ``today`` the checklist's
    local date. Return ``None`` or ``{task_id: {"fields": {name: json-able value}, "light": "yellow" | None,
    "reason": "a sentence"}}``. Fields appear under ``"extra"`` in ``status --json`` and on the board; a
    ``"yellow"`` light raises a green task to yellow (never lowers a red one). Use one grouped query for
    the whole checklist: the board's query count must not grow with the number of tasks.
    """
