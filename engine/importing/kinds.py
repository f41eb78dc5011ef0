"""What kind of task a row is, and its deadline: a mixin of the draft's builder (``engine.importing.draft``).

A recurring 完成时限 (每月, 长期坚持) or a target written per period (每户每月不少于1次) → ``recurring``; a target
with a number → ``target`` with ``deadlines: {done}``; anything else (no number, only 子项) → a task of the default
workflow ``simple``. An unknown or missing time limit is taken as the year's end and said so. Every assumption
is a guess on the draft (a comment at the value and a line for the clerk).
"""

from __future__ import annotations

import datetime as dt
import re

from engine.i18n import say
from engine.importing import notes
from engine.importing.figures import per_period, read_figure, sub_figures
from engine.importing.phrases import EVERY_TEXT, normalize, read_time_limit
from engine.importing.registry import split_names
from engine.importing.rows import RowData
from engine.numbers import plain


def one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", str(text)).strip()


class TaskKinds:
    """Needs ``self.draft``, ``self.layout``, ``self.year``, ``self.ref(row, field)``, ``self.once(key, ref, message)``,
    ``self.workflow_map`` (``engine.importing.workflow_map``, or None) and ``self.used_workflows``."""

    def kind(self, row: RowData, cell: dict, task: dict, note: notes.NoteParts, path: tuple) -> None:
        due_text, target_text = cell.get("due", ""), cell.get("target", "")
        lines = [line.strip() for line in target_text.splitlines() if line.strip()]
        items = [name for line in lines if re.match(r"^子项[::]", line) for name in split_names(line[3:])]
        target_text = "\n".join(line for line in lines if not re.match(r"^子项[::]", line))
        limit = read_time_limit(row.cells["due"][0], self.year) if "due" in row.cells else None
        period = per_period(target_text)
        if limit is None and due_text:
            note.labelled[notes.TIME_LIMIT] = one_line(due_text)
        elif limit is not None and limit.note:
            note.labelled[notes.TIME_LIMIT] = one_line(limit.note)
        if items:
            task["items"] = items
        if limit is not None and limit.every or period is not None:
            self.recurring(row, task, note, path, limit, period, target_text)
            return
        due = self.due(row, path, limit, due_text)
        mapped = self.workflow_map.pick(task["title"], cell.get("section") or row.section) if self.workflow_map else None
        if mapped is not None:
            task["workflow"] = mapped.workflow
            task["deadlines"] = {mapped.deadline: due}
            if target_text:
                note.labelled[notes.TARGET] = one_line(target_text)
            self.used_workflows.add(mapped.workflow)
            return
        figure = read_figure(target_text) if target_text else None
        if target_text and (figure is None or not figure.exact):
            note.labelled[notes.TARGET] = one_line(target_text)
        if figure is not None:
            task["target"] = {"quantity": figure.quantity, "unit": figure.unit}
            self.parts(row, task, path, figure, [target_text, cell.get("remark", "")])
            if figure.guess:
                self.draft.guess(
                    (*path, "target"),
                    self.ref(row, "target"),
                    say("猜测:", "guess: ") + figure.guess,
                    figure.guess + say(",请核对。", "; check it."),
                )
        else:
            task["workflow"] = "simple"
            if items:
                why = say(
                    "有子项没有数量,按一般任务(推进中→已完成)导入", "items without a quantity: imported as a simple task (推进中 → 已完成)"
                )
            elif target_text:
                why = say(
                    "目标“{t}”里没有数字,按一般任务(推进中→已完成)导入",
                    "the target '{t}' has no number: imported as a simple task (推进中 → 已完成)",
                    t=one_line(target_text),
                )
            else:
                why = say("没有填目标任务,按一般任务(推进中→已完成)导入", "no target given: imported as a simple task (推进中 → 已完成)")
            self.draft.guess(
                (*path, "workflow"), self.ref(row, "target"), say("猜测:", "guess: ") + why, why + say(",请核对。", "; check it.")
            )
        task["deadlines"] = {"done": due}

    def parts(self, row: RowData, task: dict, path: tuple, figure, texts: list[str]) -> None:
        """其中… sub-figures in the target's unit become the task's parts (a guess: the clerk checks them)."""
        found = [sub for text in texts for sub in sub_figures(text, figure.unit) if sub[1] <= figure.quantity]
        if not found:
            return
        task["parts"] = [{"id": f"p{n}", "title": title, "quantity": quantity} for n, (title, quantity) in enumerate(found, 1)]
        listed = "、".join(f"{title}{plain(quantity)}{figure.unit}" for title, quantity in found)
        self.draft.guess(
            (*path, "parts"),
            self.ref(row, "remark" if "remark" in row.cells else "target"),
            say("猜测:按“其中…”记为分项 {p}", "guess: parts from 其中…: {p}", p=listed),
            say("“其中…”记为分项:{p},请核对。", "the 其中… figures became parts: {p}; check them.", p=listed),
        )

    def due(self, row: RowData, path: tuple, limit, due_text: str) -> dt.date:
        year_end = dt.date(self.year, 12, 31)
        if limit is not None:
            if limit.guess:
                self.draft.guess(
                    (*path, "deadlines"),
                    self.ref(row, "due"),
                    say("猜测:", "guess: ") + limit.guess,
                    limit.guess + say(",请核对。", "; check it."),
                )
            return limit.due
        if due_text:
            message = say(
                "不认识的时限“{t}”,已按年底(12-31)处理,请核对。",
                "unknown time limit '{t}'; took the year's end (12-31), check it.",
                t=one_line(due_text),
            )
        elif self.layout.col_of("due") is None:
            self.once(
                "due",
                self.header_ref,
                say(
                    "表中没有“完成时限”列,所有任务暂按年底(12-31)完成。",
                    "the sheet has no 完成时限 column; every task is due at the year's end (12-31).",
                ),
            )
            message = None
        else:
            message = say("没有填完成时限,已按年底(12-31)处理,请核对。", "no time limit given; took the year's end (12-31), check it.")
        comment = say("猜测:时限按年底处理", "guess: due at the year's end")
        self.draft.guess((*path, "deadlines"), self.ref(row, "due") if message else None, comment, message)
        return year_end

    def recurring(self, row: RowData, task: dict, note: notes.NoteParts, path: tuple, limit, period, target_text: str) -> None:
        every, at_least, why = (limit.every if limit else None), 1, None
        if period is not None:
            if every is None or every == period.every:
                every, at_least = period.every, period.at_least
                if limit is None:
                    why = say(
                        "目标“{t}”是按期重复的工作,定为{e}至少{n}次",
                        "the target '{t}' repeats every period: {e}, at least {n}",
                        t=one_line(target_text),
                        e=EVERY_TEXT[every],
                        n=at_least,
                    )
            elif limit.note and every == "year":  # 长期坚持 with a target per week: the target says how often
                why = say(
                    "时限写的是“{l}”,按目标“{t}”定为{e}至少{n}次",
                    "the time limit says '{l}'; from the target '{t}': {e}, at least {n}",
                    l=limit.note,
                    t=one_line(target_text),
                    e=EVERY_TEXT[period.every],
                    n=period.at_least,
                )
                every, at_least = period.every, period.at_least
            else:
                why = say(
                    "时限是{e},目标却写“{t}”,按时限定为{e}至少1次",
                    "the time limit says {e} but the target says '{t}'; took {e}, at least 1",
                    e=EVERY_TEXT[every],
                    t=one_line(target_text),
                )
        if target_text and normalize(target_text) != f"{EVERY_TEXT[every]}不少于{at_least}次":
            note.labelled[notes.TARGET] = one_line(target_text)
        task["recurring"] = {"every": every, "at_least": at_least}
        if why:
            self.draft.guess(
                (*path, "recurring"),
                self.ref(row, "target" if limit is None else "due"),
                say("猜测:", "guess: ") + why,
                why + say(",请核对。", "; check it."),
            )
