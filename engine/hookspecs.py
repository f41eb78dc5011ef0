"""Every extension point of qingdan, declared in one place.

Plugins implement these with ``@hookimpl`` (``from engine.plugin import hookimpl``). Built-in behaviour (the
tendering and acceptance steps, the funds ledger and its command, the inspection command and pages,
notification channels) is provided by ordinary plugins in ``plugins/``, registered the same way a
third-party package is (entry-point group ``qingdan.plugins``).
docs/plugins.md is the author's guide; a test checks that every hook here is documented there.

An implementation may take fewer arguments than its specification (pluggy passes only the ones it
names), never others: a misspelled hook name or argument is a start-up error naming the plugin.
"""

from __future__ import annotations

import pluggy

PROJECT = "qingdan"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

# ---------------------------------------------------------------- start-up registration


@hookspec
def qingdan_step_types():
    """Called once when the plugin manager is built (every command and the web app at start-up).

    Return a list of ``engine.steps.StepType`` instances: what a workflow state's ``step: NAME``
    means — its task options, the data a transition into or out of it needs, its guard, what it records
    and the deadlines it derives. Checked at once: a step that is not a ``StepType``, has an invalid
    name, reuses a name or a task key, or has methods with the wrong parameters is a start-up error
    naming the plugin, as is an exception raised here.
    """


@hookspec
def qingdan_task_extensions():
    """Called once when the plugin manager is built.

    Return a list of ``engine.steps.TaskExtension`` instances: task keys that apply to any task, with
    or without a workflow (the ``funds`` budget is one). No state names them with ``step:``. Checked
    like step types; names and task keys share one namespace with them.
    """


@hookspec
def qingdan_channels(settings):
    """Called when the notifier starts, with ``engine.reminders.channels.ChannelSettings``.

    Return a list of ``engine.reminders.channels.Channel`` instances (configured or not; unconfigured ones are
    skipped). Each channel is called on its own: one failing channel never stops another.
    """


# ---------------------------------------------------------------- the command line and the web app


@hookspec
def qingdan_register_commands(cli):
    """Called once when the ``qingdan`` command needs a command it does not have itself (a plugin's command, or
    the list of all commands for ``--help``), before any command runs.

    ``cli`` is a ``click.Group``: add the plugin's commands with ``cli.add_command(command)`` (or
    ``@cli.command()``). A command takes the database and clock options with ``engine.plugin.common_options``
    and gets the store, clock and plugins with ``engine.plugin.pass_app``; a ``QingdanError`` it raises becomes
    the usual one-line message and exit code. A command named like one of qingdan's own or another plugin's,
    or an exception raised here, is a start-up error naming the plugin (exit code 4). Return nothing.
    """


@hookspec
def qingdan_register_blueprints(app, pages):
    """Called once when the web app is built (``web.create_app``), after qingdan's own blueprints.

    ``app`` is the Flask app: register the plugin's pages with ``app.register_blueprint(blueprint)``; protect
    every view with ``web.roles(...)`` (the authorization matrix test requires it). ``pages`` links them from
    qingdan's own pages: ``pages.nav_link(endpoint, label, label_en, roles)`` adds a link to the navigation
    bar for accounts of those roles; ``pages.step_page(step, endpoint, label, label_en, roles)`` says that
    the transitions out of a state of the step type ``step`` are done on that page (called with
    ``checklist_id``, ``task_id`` and ``item``) instead of the plain firing form. An exception raised here is
    a start-up error naming the plugin. Return nothing.
    """


# ---------------------------------------------------------------- transition lifecycle


@hookspec
def qingdan_guard_transition(context):
    """Called before any transition is written: after the trigger, the actor's permission, the data the
    step types need and the step types' own guards passed.

    ``context`` is an ``engine.steps.TransitionContext``. Return ``None`` to allow, or a message (a
    sentence for the user) to refuse; every plugin is asked and the first refusal is shown. May call
    ``context.warn(message)`` to tell the user something without refusing. Must not write to the
    database.
    """


@hookspec
def qingdan_after_transition(context):
    """Called inside the firing database transaction, after the new state and audit event are written
    and after the step types' own ``after_transition``.

    Use ``context.connection`` to record the plugin's own rows; ``context.start_deadline(key, label,
    due)`` and ``context.meet_deadline(key)`` start or meet a deadline for the item (applied after all
    hooks ran, each with an audit event). Raising ``QingdanError`` rolls the whole firing back and the
    message reaches the user.
    """


@hookspec
def qingdan_event_notices(context):
    """Called inside the firing database transaction, after ``qingdan_after_transition`` and after the
    deadlines the steps started or met were written.

    ``context`` is the same ``engine.steps.TransitionContext``. Return ``None`` or a list of
    ``engine.plugin.EventNotice``: notices to tell people what just happened (an item awaits their inspection,
    their item failed it). The engine writes each exactly once per firing and recipient into their inbox; the
    sweep sends it on their channels like any notice. Words only in ``subject`` and ``text`` (no ids). Must not
    write to the database itself; raising ``QingdanError`` rolls the firing back.
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
