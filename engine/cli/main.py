"""Entry point of the ``qingdan`` command: the command group and the error boundary.

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
from engine.errors import QingdanError
from engine.i18n import say


class QingdanGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QingdanError as err:
            click.echo(say("错误:{m}", "error: {m}", m=err), err=True)
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
            click.echo(say("内部错误,操作可能没有完成。详细信息已写入 {p},请联系系统管理员。",
                           "internal error; the operation may not have completed. Details are in {p}; please tell your administrator.",
                           p=path), err=True)
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
    "engine.cli.notice_commands",
    "engine.cli.admin_commands",
    "engine.cli.web_commands",
)


def _register():
    import importlib

    for name in COMMAND_MODULES:
        for command in importlib.import_module(name).COMMANDS:
            cli.add_command(command)


_register()


def main(argv=None):
    # Windows consoles and some terminals default to a legacy encoding; Chinese must not crash output.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    return cli.main(args=argv, prog_name="qingdan")


if __name__ == "__main__":  # pragma: no cover
    main()
