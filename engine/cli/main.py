"""Entry point of the ``qingdan`` command: the command group, the plugins' commands and the error boundary.

qingdan's own commands come from ``COMMAND_MODULES``; plugins add theirs through the hook
``qingdan_register_commands`` (``qingdan inspect`` and ``qingdan funds`` are the acceptance and funds
plugins'). The plugins are asked only when a command is not one of qingdan's own, or for ``--help``, so
``qingdan status`` starts as fast as before. A plugin command that reuses a name is a start-up error
naming the plugin (exit code 4).

Engine errors are printed as their one-line (or few-line) message with the error's exit code; an
unexpected failure prints a short apology and where the details went, never a traceback (set
``QINGDAN_DEBUG=1`` to see it).
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback

import click

from engine.cli.context import AppContext
from engine.cli.hints import hint
from engine.errors import QingdanError
from engine.i18n import say


class QingdanGroup(click.Group):
    _frontends: dict | None = None

    def get_command(self, ctx, cmd_name):
        found = super().get_command(ctx, cmd_name) or self.frontend_commands().get(cmd_name)
        if found is not None:
            return found
        found = self.plugin_commands(ctx).get(cmd_name)
        return found[0] if found else None

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self.frontend_commands(), *self.plugin_commands(ctx)})

    def frontend_commands(self) -> dict[str, click.Command]:
        """The commands installed front ends add (``qingdan.commands`` entry points), loaded when first asked for."""
        if QingdanGroup._frontends is None:
            from engine.pluginmanager import installed_entry_points

            found = installed_entry_points(FRONTEND_GROUP)
            QingdanGroup._frontends = {command.name: command for entry in found for command in entry.load()}
        return QingdanGroup._frontends

    def plugin_commands(self, ctx) -> dict[str, tuple[click.Command, str]]:
        """The plugins' commands, asked for once per run: name → (command, plugin)."""
        app = ctx.ensure_object(AppContext)
        if app._plugin_commands is None:
            app._plugin_commands = plugin_commands(app.plugins, set(self.commands) | set(self.frontend_commands()))
        return app._plugin_commands

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QingdanError as err:
            extra = hint(err.field)
            click.echo(say("错误:{m}", "error: {m}", m=err) + (" " + extra if extra else ""), err=True)
            ctx.exit(err.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo(say("已中断。", "interrupted."), err=True)
            ctx.exit(130)
        except BrokenPipeError:  # output piped into `head` and the like: the reader left, nothing to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
        except Exception:  # the last line of defence: never show a user a traceback
            if os.environ.get("QINGDAN_DEBUG"):
                raise
            fd, path = tempfile.mkstemp(prefix="qingdan-error-", suffix=".txt")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                traceback.print_exc(file=handle)
            click.echo(
                say(
                    "内部错误,操作可能没有完成。详细信息已写入 {p},请联系系统管理员。",
                    "internal error; the operation may not have completed. Details are in {p}; please tell your administrator.",
                    p=path,
                ),
                err=True,
            )
            ctx.exit(70)
        finally:
            app = ctx.find_object(AppContext)
            if app is not None:
                app.close()


@click.group(cls=QingdanGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="qingdan")
@click.pass_context
def cli(ctx):
    """qingdan 任务清单: 年度任务清单的流程、期限与督办 / yearly task lists as tracked workflows."""
    ctx.ensure_object(AppContext)


COMMAND_MODULES = (
    "engine.cli.checklist_commands",
    "engine.cli.work_commands",
    "engine.cli.step_commands",
    "engine.cli.supervision_commands",
    "engine.cli.transfer_commands",
    "engine.cli.notice_commands",
    "engine.cli.admin_commands",
    "engine.cli.import_commands",
    "engine.cli.export_commands",
    "engine.cli.yearend_commands",
)
#: front ends (the web's ``serve`` and ``users``) add their commands through this entry point group, so the
#: engine never imports them: ``[project.entry-points."qingdan.commands"] web = "web.commands:COMMANDS"``
FRONTEND_GROUP = "qingdan.commands"


def _register():
    import importlib

    for name in COMMAND_MODULES:
        for command in importlib.import_module(name).COMMANDS:
            cli.add_command(command)


_register()


def plugin_commands(plugins, core: set[str]) -> dict[str, tuple[click.Command, str]]:
    """The commands plugins add (``qingdan_register_commands``): name → (command, plugin). A name qingdan or an
    earlier plugin already uses is a ``PluginError`` naming the plugin."""
    from engine.pluginmanager import PluginError, call_each

    scratch = click.Group(name="qingdan")
    owners: dict[str, str] = {}
    before: dict[str, click.Command] = {}
    for plugin, _ in call_each(plugins, "qingdan_register_commands", cli=scratch):
        for name, command in scratch.commands.items():
            if before.get(name) is command:
                continue  # an earlier plugin's
            if name in core or name in before:
                raise PluginError(
                    say(
                        "插件 {p} 添加的命令 {c} 与{o}的命令重名。",
                        "plugin {p} adds the command {c}, a name {o} already uses.",
                        p=plugin,
                        c=name,
                        o=say("qingdan 自己", "qingdan itself") if name in core else owners[name],
                    )
                )
            owners[name] = plugin
        before = dict(scratch.commands)
    return {name: (command, owners[name]) for name, command in before.items()}


def main(argv=None):
    # Windows consoles and some terminals default to a legacy encoding; Chinese must not crash output.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    try:
        return cli.main(args=argv, prog_name="qingdan")
    except QingdanError as err:  # a broken plugin found while listing the commands for --help
        click.echo(say("错误:{m}", "error: {m}", m=err), err=True)
        sys.exit(err.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
