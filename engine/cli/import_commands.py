"""``qingdan import``: a task list as offices receive it (an Excel sheet) turned into a checklist file."""

from __future__ import annotations

COMMANDS: list = []
