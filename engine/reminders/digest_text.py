"""The words of a daily digest: one message listing a person's reminders, overdue notices and escalations of a day.

Grouped by list and task, the most overdue first; when it carries escalations, a summary by unit first (how many
items each unit has escalated and its worst case), so a head sees at a glance whom to call. Chinese words only in
the Chinese text: names, labels and local dates, never an id. Must not: read or write the database (the caller
gives the notice rows), decide who gets a digest, or send.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from engine.definition.definitions import ChecklistDef
from engine.i18n import say
from engine.reminders.notices import Text, kind_word, milestone_label

#: the order of the kinds in a task's lines at equal lateness: the most pressing first
KIND_ORDER = {"escalation": 0, "overdue": 1, "reminder": 2}


def local_day(day: dt.date) -> str:
    return say("{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", y=day.year, m=day.month, d=day.day)


@dataclass(frozen=True)
class Line:
    """One notice as the digest shows it."""

    checklist: ChecklistDef
    task_key: str
    item: str | None
    kind: str
    milestone: str | None
    due: dt.date
    holder: str | None  # who holds the item: its owner, else the task's responsible person
    position: int = 0  # the item's place in its task

    def late(self, day: dt.date) -> int:
        """Full working days the deadline has been missed by ``day`` (0 while it has not)."""
        if day <= self.due:
            return 0
        return max(0, self.checklist.calendar.workdays_between(self.due, day) - 1)

    @property
    def task(self):
        return self.checklist.task_by_id.get(self.task_key)

    def unit(self) -> str:
        person = self.checklist.people.get(self.holder or "")
        if person and person.unit:
            return self.checklist.units.get(person.unit, person.unit)
        return say("未分单位", "no unit")

    def holder_name(self) -> str:
        person = self.checklist.people.get(self.holder or "")
        return person.name if person else say("未指定", "nobody")

    def words(self, day: dt.date) -> str:
        task = self.task
        what = milestone_label(self.checklist, task, self.milestone) if task else ""
        item = self.item if self.item and task and self.item != task.title else None
        head = f"【{kind_word(self.kind)}】" + (f"{item}:" if item else "") + what
        if self.kind == "reminder":
            days = (self.due - day).days
            when = say("期限 {d},还剩 {n} 天", "due {d}, {n} days left", d=local_day(self.due), n=days)
        else:
            when = say("期限 {d},已逾期 {n} 个工作日", "due {d}, overdue by {n} working days", d=local_day(self.due), n=self.late(day))
        if self.kind == "escalation":
            when += say(",责任人 {p}", ", responsible {p}", p=self.holder_name())
        return f"{head}({when})"


def _rank(line: Line, day: dt.date):
    return (-line.late(day), KIND_ORDER.get(line.kind, 3), line.due, line.position)


def compose_digest(name: str, day: dt.date, lines: list[Line]) -> Text:
    """The digest of ``lines`` for the person called ``name`` on the local ``day``."""
    counts = {kind: sum(1 for line in lines if line.kind == kind) for kind in KIND_ORDER}
    parts = [
        say(w, e, n=counts[k])
        for k, w, e in (
            ("escalation", "督办 {n} 项", "{n} escalated"),
            ("overdue", "逾期 {n} 项", "{n} overdue"),
            ("reminder", "提醒 {n} 项", "{n} due soon"),
        )
        if counts[k]
    ]
    sep = say(",", ", ")
    subject = say("【每日汇总】{d} {s}", "[Daily digest] {d} {s}", d=local_day(day), s=sep.join(parts))
    body = [
        say("{p}:", "{p},", p=name),
        say(
            "以下是 {d} 需要您关注的 {n} 项事项:{s}。",
            "{n} things need your attention on {d}: {s}.",
            d=local_day(day),
            n=len(lines),
            s=sep.join(parts),
        ),
    ]
    escalated = [line for line in lines if line.kind == "escalation"]
    if escalated:
        body += ["", say("督办汇总(按单位,最严重的在前):", "Escalations by unit (worst first):")]
        by_unit: dict[str, list[Line]] = {}
        for line in escalated:
            by_unit.setdefault(line.unit(), []).append(line)
        ranked = sorted(by_unit.items(), key=lambda pair: (-max(x.late(day) for x in pair[1]), -len(pair[1]), pair[0]))
        for unit, group in ranked:
            worst = min(group, key=lambda x: _rank(x, day))
            task = worst.task
            where = (task.title if task else "") + (f" / {worst.item}" if worst.item and task and worst.item != task.title else "")
            body.append(
                say(
                    "· {u}:{n} 项,最长逾期 {w} 个工作日({t})",
                    "· {u}: {n}, the worst overdue by {w} working days ({t})",
                    u=unit,
                    n=len(group),
                    w=worst.late(day),
                    t=where,
                )
            )
    by_list: dict[str, list[Line]] = {}
    for line in lines:
        by_list.setdefault(line.checklist.id, []).append(line)
    for group in sorted(by_list.values(), key=lambda g: g[0].checklist.title):
        checklist = group[0].checklist
        body += ["", f"【{checklist.title}】"]
        order = {task.id: n for n, task in enumerate(checklist.tasks)}
        by_task: dict[str, list[Line]] = {}
        for line in group:
            by_task.setdefault(line.task_key, []).append(line)
        for task_key in sorted(by_task, key=lambda key: order.get(key, len(order))):
            task = checklist.task_by_id.get(task_key)
            responsible = checklist.people.get(task.responsible) if task else None
            body.append(
                (task.title if task else say("已删除的任务", "a removed task"))
                + (say("(责任人 {p})", " (responsible {p})", p=responsible.name) if responsible else "")
            )
            body += ["  · " + line.words(day) for line in sorted(by_task[task_key], key=lambda x: _rank(x, day))]
    body += ["", say("请登录系统查看详情并处理。", "Please sign in to see the details and act.")]
    return Text(subject, "\n".join(body))


def digest_html(text: str) -> str:
    """The digest's text as a small HTML page for email (headings for lists, bullet lists for lines), nothing added:
    the same words, escaped, so the text stays the one source."""
    out = ['<html><body style="font-family: sans-serif; line-height: 1.5">']
    listing = False
    for line in text.splitlines():
        bullet = line.lstrip().startswith("· ")
        if listing and not bullet:
            out.append("</ul>")
            listing = False
        if bullet:
            if not listing:
                out.append("<ul>")
                listing = True
            out.append(f"<li>{html.escape(line.lstrip()[2:])}</li>")
        elif line.startswith("【") and line.endswith("】"):
            out.append(f"<h3>{html.escape(line)}</h3>")
        elif line:
            out.append(f"<p>{html.escape(line)}</p>")
    if listing:
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out)
