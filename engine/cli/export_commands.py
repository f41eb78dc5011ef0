"""``qingdan export``: what leaves qingdan for an office's paperwork.

Each kind of document has its command in its own module (``export_list``: the list as an Excel template;
``export_sheets``: 台账 and 调度表; ``export_documents``: 通报 and 工作汇报); this module only gathers them
under one group. Heavy libraries (openpyxl, python-docx) are imported inside the commands, never here.
"""

from __future__ import annotations

import importlib

import click

SUBCOMMAND_MODULES = (
    "engine.cli.export_list",
    "engine.cli.export_sheets",
    "engine.cli.export_documents",
)


@click.group()
def export():
    """导出清单、台账、调度表、通报和工作汇报 / export the list, ledger, dispatch table, circular and report."""


for _name in SUBCOMMAND_MODULES:
    for _command in importlib.import_module(_name).COMMANDS:
        export.add_command(_command)

COMMANDS = [export]
