"""What the command line adds to an engine error about one input: the flag that gives it.

Engine messages are worded for any interface (``QingdanError.field`` names the input); the web adds its form
hints the same way (``web/errors.py``).
"""

from __future__ import annotations

from engine.i18n import say


def hint(field: str | None) -> str:
    """The command line's words for ``field``, or ''."""
    found = {
        "over": lambda: say("命令行加 --over 确认。", "Add --over to confirm."),
        "on": lambda: say(
            "发生日期用 --on 年-月-日 写明,如 --on 2017-07-21。", "Give the activity date with --on YEAR-MONTH-DAY, e.g. --on 2017-07-21."
        ),
        "data": lambda: say(
            "请在 fire 时用 --data 键=值 给出,或先用 qingdan record 记录。",
            "Give it with --data KEY=VALUE on fire, or record it with qingdan record.",
        ),
        "fire": lambda: say("用 qingdan fire 推进流程。", "Use qingdan fire."),
        "report": lambda: say("用 qingdan report 报送。", "Use qingdan report."),
        "history": lambda: say("报送记录的编号见 qingdan history。", "Report numbers are in qingdan history."),
        "load": lambda: say("用 qingdan load 载入。", "Use qingdan load."),
        "status": lambda: say("任务编号见 qingdan status。", "Task ids are in qingdan status."),
        "clock": lambda: say(
            "补登用 --on 年-月-日 写明发生日期;命令行的时钟由 --now 或 QINGDAN_NOW 设定。",
            "Give the activity date with --on YEAR-MONTH-DAY; the command line's clock is set by --now or QINGDAN_NOW.",
        ),
    }.get(field or "")
    return found() if found else ""
