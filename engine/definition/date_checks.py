"""The date checks of validation: deadlines inside the list's year and in workflow order, the calendar each
year needs, and every reminder and escalation day countable (provisional after the list's year).

A mixin of ``validation._Checker``: it reports through the checker's ``error`` / ``src.problem`` and keeps no
state of its own but the first provisional warning per year.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.definition.definitions import DONE
from engine.errors import CalendarGap, InputError, QingdanError
from engine.i18n import say


@dataclass
class DateChecks:
    def _notice_days(self, definition, tasks):
        """Every reminder and escalation day must be countable: a reminder before a January deadline may
        fall in the previous year, which the calendar must know too. Notice days after the list's year
        may be provisional (that year's schedule is not published yet): a warning, not an error."""
        from engine.definition.planning import plan_task

        calendar = definition.calendar
        for (index, _), task in zip(tasks, definition.tasks):
            try:
                firings = plan_task(definition, task)
            except (CalendarGap, InputError, OverflowError) as err:  # a gap in the calendar, or a duration past year 9999
                path = ("tasks", index, "deadlines") if task.deadlines else ("tasks", index, "recurring")
                message = str(err) if isinstance(err, QingdanError) else say("日期超出可计算的范围。", "the date is out of range.")
                self.error(path, message, key=True)
                continue
            spilled: dict[tuple, dict[int, object]] = {}  # where → year → first provisional day
            for firing in sorted(firings, key=lambda f: f.day):
                if calendar.is_provisional(firing.day.year):
                    for where in self._deadline_paths(index, task, firing.due_date):
                        spilled.setdefault(where, {}).setdefault(firing.day.year, firing.day)
            for where, years in spilled.items():
                for year, day in sorted(years.items()):
                    self._provisional(where, year, day, calendar)

    @staticmethod
    def _deadline_paths(index, task, due):
        """Where the deadline ``due`` of a task is written: its key under ``deadlines``, or ``recurring``."""
        if task.kind == "recurring":
            return [("tasks", index, "recurring")]
        return [("tasks", index, "deadlines", key) for key, day in task.deadlines.items() if day == due]

    def _provisional(self, path, year, day, calendar):
        # the first deadline whose notices spill into the year gets the whole explanation; later ones point back
        first = self.provisional.setdefault(year, path)
        if first == path:
            self.src.problem(path, calendar.provisional_note(year, day), severity="warning", key=True)
        else:
            self.src.problem(
                path,
                say(
                    "通知日 {d} 在 {y} 年,按暂定日历计算(见第 {l} 行的说明)。",
                    "the notice day {d} is in {y} and counted with a provisional calendar (see line {l}).",
                    d=day.isoformat(),
                    y=year,
                    l=self.src.where(first, key=True)[0],
                ),
                severity="warning",
                key=True,
            )

    def _calendar(self, header):
        from engine.dates.calendar import WorkCalendar

        spec = header.calendar
        try:
            if isinstance(spec, str):
                return WorkCalendar(spec, provisional_after=header.year)
            return WorkCalendar(spec.base, holidays=spec.holidays, workdays=spec.workdays, provisional_after=header.year)
        except InputError as err:
            self.error(("checklist", "calendar"), str(err))
            return None

    def _calendar_gap(self, path, year, err):
        # one explanation per missing year is enough; later deadlines in that year just point back to it
        first = self.gaps.setdefault(year, path)
        if first == path:
            self.error(path, str(err))
        else:
            self.error(
                path,
                say(
                    "{y} 年缺少节假日安排,请在 checklist.calendar 中补充(见第 {l} 行的说明)。",
                    "no holiday schedule for {y}; add it under checklist.calendar (see line {l}).",
                    y=year,
                    l=self.src.where(first)[0],
                ),
            )

    def _deadlines(self, path, task, workflow, calendar, header):
        if task.recurring is not None and task.deadlines:
            self.error(
                path + ("deadlines",),
                say("周期性任务按周期计算期限,不用 deadlines。", "recurring duties are due at the end of each period; remove deadlines."),
                key=True,
            )
            return
        allowed = set(workflow.states) if workflow else {DONE} if task.target is not None else set()
        for state, due in task.deadlines.items():
            where = path + ("deadlines", state)
            if state not in allowed:
                if workflow is not None:
                    self.error(where, self._missing("状态", "state", state, workflow.states), key=True)
                elif task.target is not None:
                    self.error(
                        where,
                        say(
                            "数量目标任务的期限写作 done: 日期,不是 “{s}”。",
                            "a target task's deadline is written done: DATE, not '{s}'.",
                            s=state,
                        ),
                        key=True,
                    )
                continue
            if due.year != header.year:
                self.warn(
                    where, say("期限 {d} 不在清单年度 {y} 内。", "deadline {d} is outside the checklist's year {y}.", d=due, y=header.year)
                )
            if calendar is not None:
                if not calendar.covers(due.year):
                    # a deadline needs its year's real schedule; only notice days after the list's year may be provisional
                    self._calendar_gap(where, due.year, calendar.gap(due.year))
                    continue
                try:
                    if not calendar.is_workday(due):
                        self.warn(
                            where,
                            say(
                                "期限 {d}(星期{w})不是工作日。",
                                "deadline {d} ({wd}) is not a working day.",
                                d=due,
                                w="一二三四五六日"[due.weekday()],
                                wd=due.strftime("%A"),
                            ),
                        )
                except CalendarGap as err:
                    self._calendar_gap(where, due.year, err)
        if workflow is not None:
            self._deadline_order(path, task, self.graphs.get(task.workflow))

    def _deadline_order(self, path, task, graph):
        """Warn when a milestone that comes later in the workflow is due before an earlier one."""
        if graph is None or graph.initial not in graph.states:
            return
        reached = graph.reached
        for later, later_due in task.deadlines.items():
            for earlier, earlier_due in task.deadlines.items():
                if (
                    earlier != later
                    and earlier in reached.get(later, ())
                    and later not in reached.get(earlier, ())
                    and later_due < earlier_due
                ):
                    self.warn(
                        path + ("deadlines", later),
                        say(
                            "“{s}” 的期限 {d} 早于它之前的节点 “{p}” 的期限 {pd}。",
                            "the deadline {d} for '{s}' is before {pd}, the deadline of the earlier milestone '{p}'.",
                            s=later,
                            d=later_due,
                            p=earlier,
                            pd=earlier_due,
                        ),
                    )
