"""Benchmark of the reminder sweep: one pass over a large database, how it scales, and a long soak for memory.

Run ``python -m bench.sweep [--db URL] [--items 200000] [--due 1000] [--scale 10] [--soak-passes 5000]``; see
bench/README.md (section ``bench.sweep``) for what each figure means. Without ``--db`` every database is a
fresh SQLite file in its own temporary directory; with a PostgreSQL URL each one is a fresh schema
``bench_<random>`` in that database, dropped at the end.

The issue's targets: with 200,000 items on SQLite (1,000,000 on PostgreSQL) and 1,000 notices due, one pass
takes at most 1 s, and a pass over 10x the items with the same notices due takes at most 1.5x as long;
``qingdan scheduler`` runs for hours without memory growth. Nothing here asserts: each target is printed as
met or missed, and the figures are written to ``bench/results/sweep-<dialect>.json``.

The large databases are not loaded through ``engine.runtime.loader.load`` (minutes for millions of items): the
checklist is generated as YAML and validated with ``engine.definition.validation.validate_text`` as usual, then its
checklist, task and item rows are written with SQLAlchemy Core into a schema made by ``ensure_schema``, and
``engine.runtime.deadlines.replan_checklist`` writes the schedule, exactly as a load would. The soak database is
small and is loaded with ``engine.runtime.loader.load``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import logging
import math
import os
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
import traceback
import tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.core import TITLES, TOWNS, UNITS, VILLAGES, Database, code_state, current_rss_mb, header_yaml, pct, rss_mb

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
ZONE = ZoneInfo("Asia/Shanghai")
CHECKLIST_ID = "bench-sweep"
YEAR = 2017
NOTIFY_AT = "09:00"
# The pass under test: 30 s after the day's notices (09:00) fell due, on a Thursday. Everything that fell due
# before that minute has been processed by earlier passes; the rows of 09:00 today are pending.
PASS_DAY = dt.date(2017, 6, 1)
PASS_AT = dt.datetime(2017, 6, 1, 9, 0, 30, tzinfo=ZONE)
LOADED_AT = dt.datetime(2017, 1, 3, 10, 0, tzinfo=ZONE)  # when the checklist was "loaded"
# The soak starts on a Monday at midnight, so its passes cross several working days.
SOAK_START = dt.datetime(2017, 6, 5, 0, 0, 30, tzinfo=ZONE)
# 10x on PostgreSQL is generated only if the measured generation of 1x, times the scale, stays under this.
SCALE_UP_BUDGET_S = 600.0

REMIND = ("5 workdays", "1 workday")
ESCALATE = (("1 workday", "leader"), ("5 workdays", "head"))
STATES = ("planning", "plan_approved", "tendering", "building", "completed", "accepted")
STATE_WEIGHTS = (30, 20, 15, 20, 10, 5)  # items of tasks that are not due: somewhere along the workflow
MILESTONES = ("plan_approved", "building", "completed", "accepted")
# The rule that falls due at PASS_AT for the due tasks, in turn: (label, rule_key, days the deadline lies before
# PASS_DAY in working days; negative = after)
DUE_RULES = (
    ("reminder", "remind:1 workday", -1),
    ("overdue", "overdue", 1),
    ("escalation→leader", "escalate:0", 2),
    ("escalation→head", "escalate:1", 6),
)


TARGETS = {
    "pass_s": ("one pass, target size", "<=", 1.0, "s"),
    "scale_ratio": ("pass at 10x items / 1x", "<=", 1.5, "x"),
    "soak_growth_mb": ("RSS growth after warm-up", "<=", 5.0, "MB"),
}


# --------------------------------------------------------------------------------------- generation
def item_name(t: int, j: int) -> str:
    return f"{TOWNS[t % len(TOWNS)]}{VILLAGES[j % len(VILLAGES)]}{j // len(VILLAGES) + 1}"


def rules():
    from engine.dates.durations import parse_duration
    from engine.definition.definitions import EscalationDef

    return (tuple(parse_duration(r) for r in REMIND), tuple(EscalationDef(parse_duration(after), to) for after, to in ESCALATE))


def candidate_days(calendar, avoid: dt.date | None) -> list[dt.date]:
    """Working days of the year usable as deadlines: every rule day countable, none of them on ``avoid``."""
    from engine.definition.planning import rule_days

    remind, escalate = rules()
    found = []
    day = dt.date(YEAR, 2, 6)
    while day <= dt.date(YEAR, 12, 15):
        if calendar.is_workday(day):
            days = {d for _, _, d, _ in rule_days(calendar, day, remind, escalate)}
            if avoid not in days:
                found.append(day)
        day += dt.timedelta(days=1)
    return found


def due_deadline(calendar, index: int) -> tuple[dt.date, str, str]:
    """The deadline of the ``index``-th due task: exactly one of its rules falls on PASS_DAY."""
    from engine.definition.planning import rule_days

    label, rule_key, before = DUE_RULES[index % len(DUE_RULES)]
    due = calendar.workdays_before(PASS_DAY, before) if before > 0 else calendar.nth_workday_after(PASS_DAY, -before)
    remind, escalate = rules()
    hits = [key for key, _, day, _ in rule_days(calendar, due, remind, escalate) if day == PASS_DAY]
    if hits != [rule_key]:
        raise RuntimeError(f"due task layout: deadline {due} fires {hits} on {PASS_DAY}, expected [{rule_key}]")
    return due, label, rule_key


def layout(n_items: int, per_task: int, due: int, seed: int = 17) -> dict:
    """Tasks, their deadlines and item states: ``due`` items behind a deadline whose rule falls due at PASS_AT.

    ceil(due / per_task) "due" tasks, spread evenly through the list, have one deadline (plan_approved) one of
    whose rules fires on PASS_DAY (a reminder, an overdue notice or an escalation, in turn); all their items
    are still in ``planning`` (of the last one, only as many as make ``due`` in total). Every other deadline
    of every task lies on a working day none of whose rules fall on PASS_DAY, spread over the year, so the
    schedule holds about 20 rows per task, processed before PASS_AT or pending after it.
    """
    from engine.dates.calendar import WorkCalendar

    if due > n_items:
        raise SystemExit(f"--due {due} needs at least as many items (--items {n_items})")
    calendar = WorkCalendar("cn")
    candidates = candidate_days(calendar, PASS_DAY)
    rng = random.Random(seed)
    n_tasks = math.ceil(n_items / per_task)
    n_due = math.ceil(due / per_task) if due else 0
    if n_due > n_tasks:
        raise SystemExit("more due tasks than tasks: raise --items or lower --due")
    due_positions = {i * n_tasks // n_due: k for k, i in enumerate(range(n_due))} if n_due else {}
    specs = []
    left = due
    for t in range(n_tasks):
        size = min(per_task, n_items - t * per_task)
        if t in due_positions:
            k = due_positions[t]
            deadline, label, rule_key = due_deadline(calendar, k)
            later = sorted(rng.sample([d for d in candidates if d > deadline + dt.timedelta(days=14)], 3))
            deadlines = dict(zip(MILESTONES, [deadline, *later]))
            behind = min(left, size)
            left -= behind
            # behind: still planning; the rest (last due task only) already accepted, so nothing is sent for them
            states = ["planning"] * behind + ["accepted"] * (size - behind)
            specs.append(
                {
                    "id": f"T{t + 1}",
                    "n": t,
                    "items": size,
                    "deadlines": deadlines,
                    "states": states,
                    "due": {"label": label, "rule": rule_key, "deadline": deadline.isoformat(), "behind": behind},
                }
            )
        else:
            deadlines = dict(zip(MILESTONES, sorted(rng.sample(candidates, 4))))
            specs.append(
                {
                    "id": f"T{t + 1}",
                    "n": t,
                    "items": size,
                    "deadlines": deadlines,
                    "states": rng.choices(STATES, STATE_WEIGHTS, k=size),
                    "due": None,
                }
            )
    if left:
        raise SystemExit(f"--due {due}: could not place {left} due items (items per task {per_task})")
    return {"tasks": specs, "n_tasks": n_tasks, "n_due_tasks": n_due}


def generate_yaml(checklist_id: str, title: str, specs: list[dict], notify_at: str = NOTIFY_AT) -> str:
    out = io.StringIO()
    w = out.write
    w("# generated by bench/sweep.py\n")
    # no tendering step: the sweep benchmark fires nothing, and a step would only add options to every task
    w(header_yaml(checklist_id, title, notify_at, tendering_step=False))
    w("""
defaults:
""")
    w(f"  remind: [{', '.join(REMIND)}]\n  escalate:\n")
    for after, to in ESCALATE:
        w(f"    - {{after: {after}, to: {to}}}\n")
    w("\ntasks:\n")
    for spec in specs:
        t = spec["n"]
        unit = t % len(UNITS)
        names = ", ".join(item_name(t, j) for j in range(spec["items"]))
        deadlines = ", ".join(f"{state}: {day.isoformat()}" for state, day in spec["deadlines"].items())
        w(
            f"  - id: {spec['id']}\n    title: {TITLES[t % len(TITLES)]}(第 {t + 1} 批)\n    unit: {UNITS[unit][0]}\n"
            f"    responsible: staff{unit}\n    leader: li\n    workflow: construction\n    items: [{names}]\n"
            f"    deadlines: {{{deadlines}}}\n"
        )
    return out.getvalue()


def build_database(store, n_items: int, per_task: int, due: int, per_checklist: int, analyze: bool) -> dict:
    """Checklists of at most ``per_checklist`` items (the validator refuses files of over a million YAML nodes),
    the due tasks all in the first; each validated, its rows written with Core and replanned; then the past is
    marked processed."""
    from sqlalchemy import text, update

    from engine.store.tables import metadata, schedule

    timings: dict = {}
    totals = {"tasks": 0, "due_tasks": 0, "yaml_bytes": 0, "schedule_rows": 0}
    due_layout = []
    n_lists = math.ceil(n_items / per_checklist)
    for c in range(n_lists):
        size = min(per_checklist, n_items - c * per_checklist)
        part = build_checklist(store, f"{CHECKLIST_ID}-{c:02d}", size, per_task, due if c == 0 else 0, seed=17 + c, timings=timings)
        for key in totals:
            totals[key] += part[key]
        due_layout.extend(part["due_layout"])
    with store.write() as conn:  # earlier passes processed everything that fell due before this minute
        t0 = time.perf_counter()
        processed = conn.execute(
            update(schedule)
            .where(schedule.c.pending.is_(True), schedule.c.fire_at < PASS_AT - dt.timedelta(minutes=1))
            .values(pending=False, processed_at=schedule.c.fire_at)
        ).rowcount
        timings["history_s"] = time.perf_counter() - t0
    if analyze:  # PostgreSQL: what autovacuum would have done by the time the tables are this big
        t0 = time.perf_counter()
        with store.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in metadata.sorted_tables:
                conn.execute(text(f'ANALYZE "{table.name}"'))
        timings["analyze_s"] = time.perf_counter() - t0
    timings["total_s"] = sum(v for k, v in timings.items() if k in ("yaml_s", "validate_s", "write_s", "history_s", "analyze_s"))
    gc.collect()
    return {
        "items": n_items,
        "checklists": n_lists,
        "per_checklist": per_checklist,
        "per_task": per_task,
        **totals,
        "due_layout": due_layout,
        "history_processed": processed,
        "generate": timings,
    }


def build_checklist(store, checklist_id: str, n_items: int, per_task: int, due: int, seed: int, timings: dict) -> dict:
    from sqlalchemy import insert, select

    from engine.definition.validation import validate_text
    from engine.runtime import audit
    from engine.runtime.deadlines import replan_checklist
    from engine.runtime.loader import FORMAT_VERSION, digest
    from engine.store.tables import checklists, items, tasks

    def add(key, since):
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - since

    t0 = time.perf_counter()
    plan = layout(n_items, per_task, due, seed)
    yaml_text = generate_yaml(checklist_id, f"催办基准 {checklist_id}({n_items} 个子项)", plan["tasks"])
    yaml_bytes = len(yaml_text.encode("utf-8"))
    add("yaml_s", t0)

    t0 = time.perf_counter()
    validated = validate_text(yaml_text, f"{checklist_id}.yaml", _step_types())
    add("validate_s", t0)
    del yaml_text
    if not validated.ok:
        for problem in validated.errors[:20]:
            print(problem.format(), file=sys.stderr)
        raise SystemExit("the generated checklist did not validate")
    definition = validated.definition
    del validated

    t0 = time.perf_counter()
    with store.write() as conn:
        conn.execute(
            insert(checklists).values(
                id=definition.id,
                title=definition.title,
                year=definition.year,
                revision=1,
                source_sha256=digest(definition),
                definition=definition.source_json,
                format_version=FORMAT_VERSION,
                loaded_at=LOADED_AT,
            )
        )
        conn.execute(
            insert(tasks),
            [
                {"checklist_id": definition.id, "key": spec["id"], "kind": "workflow", "position": spec["n"], "removed": False}
                for spec in plan["tasks"]
            ],
        )
        ids = {r.key: r.id for r in conn.execute(select(tasks.c.key, tasks.c.id).where(tasks.c.checklist_id == definition.id))}
        add("tasks_insert_s", t0)

        t1 = time.perf_counter()
        batch = []
        for spec in plan["tasks"]:
            task_id, t = ids[spec["id"]], spec["n"]
            for j, state in enumerate(spec["states"]):
                batch.append(
                    {
                        "task_id": task_id,
                        "name": item_name(t, j),
                        "position": j,
                        "state": state,
                        "version": 1,
                        "state_since": LOADED_AT,
                        "removed": False,
                    }
                )
            if len(batch) >= 20000:
                conn.execute(insert(items), batch)
                batch = []
        if batch:
            conn.execute(insert(items), batch)
        del batch
        add("items_insert_s", t1)

        t1 = time.perf_counter()
        audit.append(
            conn,
            chain=definition.id,
            at=LOADED_AT,
            actor="wang",
            kind="load",
            checklist_id=definition.id,
            data={"revision": 1, "sha256": digest(definition), "tasks": plan["n_tasks"], "items": n_items},
        )
        schedule_rows = replan_checklist(conn, definition, LOADED_AT)
        add("replan_s", t1)
    add("write_s", t0)
    del definition
    return {
        "tasks": plan["n_tasks"],
        "due_tasks": plan["n_due_tasks"],
        "yaml_bytes": yaml_bytes,
        "schedule_rows": schedule_rows,
        "due_layout": [spec["due"] | {"task": spec["id"], "checklist": checklist_id} for spec in plan["tasks"] if spec["due"]],
    }


# --------------------------------------------------------------------------------------- measuring passes
class Statements:
    """Counts SQL statements and the time spent in them (cursor execute to its return), per statement text."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.engine = engine
        self.event = event
        self.count = 0
        self.seconds = 0.0
        self.by_text: dict[str, list] = {}

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        spent = time.perf_counter() - conn.info.pop("bench_t0", time.perf_counter())
        self.count += 1
        self.seconds += spent
        key = " ".join(statement.split())[:110]
        entry = self.by_text.setdefault(key, [0, 0.0])
        entry[0] += 1
        entry[1] += spent

    def __enter__(self):
        self.event.listen(self.engine, "before_cursor_execute", self._before)
        self.event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc):
        self.event.remove(self.engine, "before_cursor_execute", self._before)
        self.event.remove(self.engine, "after_cursor_execute", self._after)

    def top(self, n: int = 8) -> list[dict]:
        ordered = sorted(self.by_text.items(), key=lambda kv: -kv[1][1])[:n]
        return [{"statement": k, "count": c, "seconds": round(s, 4)} for k, (c, s) in ordered]


class PassRig:
    """Runs run_pass at PASS_AT on a built database and puts the database back as it was before the pass."""

    def __init__(self, store, due_expected: int):
        from sqlalchemy import func, select

        from engine.store.tables import (
            chain_heads,
            deliveries,
            events,
            notices,
            schedule,
        )

        self.store = store
        self.due_expected = due_expected
        with store.read() as conn:
            self.due_ids = list(
                conn.execute(select(schedule.c.id).where(schedule.c.pending.is_(True), schedule.c.fire_at <= PASS_AT)).scalars()
            )
            self.max_ids = {
                t.name: conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one() for t in (notices, deliveries, events)
            }
            self.heads = {r.chain: (r.seq, r.hash) for r in conn.execute(select(chain_heads))}
        self.problems: list[str] = []

    def run(self, profile: cProfile.Profile | None = None, counter: Statements | None = None):
        from engine.dates.clock import FixedClock
        from engine.reminders.sweep import run_pass

        clock = FixedClock(PASS_AT)
        gc.collect()
        if counter is not None:
            counter.__enter__()
        try:
            t0, c0 = time.perf_counter(), time.process_time()
            if profile is not None:
                report = profile.runcall(run_pass, self.store, clock)
            else:
                report = run_pass(self.store, clock)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        finally:
            if counter is not None:
                counter.__exit__(None, None, None)
        if report.rows != len(self.due_ids) or len(report.notices) != self.due_expected or report.stale:
            self.problems.append(
                f"pass handled {report.rows} rows (expected {len(self.due_ids)}), {report.stale} stale, "
                f"{len(report.notices)} notices (expected {self.due_expected})"
            )
        self.reset()
        return elapsed, cpu, report

    def idle(self) -> float:
        """A pass with nothing due (the 1,439 other passes of the day)."""
        from engine.dates.clock import FixedClock
        from engine.reminders.sweep import run_pass

        clock = FixedClock(PASS_AT)
        self.mark_due(False)
        try:
            gc.collect()
            t0 = time.perf_counter()
            report = run_pass(self.store, clock)
            elapsed = time.perf_counter() - t0
        finally:
            self.mark_due(True)
        if report.rows:
            self.problems.append(f"idle pass handled {report.rows} rows")
        return elapsed

    def mark_due(self, pending: bool) -> None:
        from sqlalchemy import update

        from engine.store.tables import schedule

        with self.store.write() as conn:
            conn.execute(
                update(schedule).where(schedule.c.id.in_(self.due_ids)).values(pending=pending, processed_at=None if pending else PASS_AT)
            )

    def reset(self) -> None:
        from sqlalchemy import delete, update

        from engine.store.tables import (
            chain_heads,
            deliveries,
            events,
            notices,
            schedule,
        )

        with self.store.write() as conn:
            conn.execute(delete(deliveries).where(deliveries.c.id > self.max_ids["deliveries"]))
            conn.execute(delete(notices).where(notices.c.id > self.max_ids["notices"]))
            conn.execute(delete(events).where(events.c.id > self.max_ids["events"]))
            for chain, (seq, digest) in self.heads.items():
                conn.execute(update(chain_heads).where(chain_heads.c.chain == chain).values(seq=seq, hash=digest))
            conn.execute(update(schedule).where(schedule.c.id.in_(self.due_ids)).values(pending=True, processed_at=None))


def table_counts(store) -> dict:
    from sqlalchemy import func, select

    from engine.store.tables import events, items, notices, schedule, tasks

    with store.read() as conn:
        return {
            "items_rows": conn.execute(select(func.count()).select_from(items)).scalar_one(),
            "tasks_rows": conn.execute(select(func.count()).select_from(tasks)).scalar_one(),
            "schedule_rows_total": conn.execute(select(func.count()).select_from(schedule)).scalar_one(),
            "schedule_pending": conn.execute(select(func.count()).select_from(schedule).where(schedule.c.pending.is_(True))).scalar_one(),
            "notices_rows": conn.execute(select(func.count()).select_from(notices)).scalar_one(),
            "events_rows": conn.execute(select(func.count()).select_from(events)).scalar_one(),
        }


class Size:
    """One database of a given size, built and ready for timed passes."""

    def __init__(self, label: str, url_arg: str | None, n_items: int, args):
        from engine.store import open_store
        from engine.store.migrate import ensure_schema

        print(f"[{label}] building {n_items:,} items ...", flush=True)
        self.label = label
        self.db = Database(url_arg)
        self.store = None
        self.info: dict = {"label": label, "items": n_items}
        self.wall: list[float] = []
        self.cpu: list[float] = []
        try:
            self.store = open_store(self.db.url)
            t0 = time.perf_counter()
            ensure_schema(self.store)
            self.info["ensure_schema_s"] = time.perf_counter() - t0
            self.info.update(
                build_database(self.store, n_items, args.per_task, args.due, args.per_checklist, analyze=self.db.dialect == "postgresql")
            )
            self.info.update(table_counts(self.store))
            self.info["db_bytes"] = self.db.size_bytes()
            self.info["rss_after_build_mb"] = current_rss_mb()
            self.rig = PassRig(self.store, args.due)
            self.info["due_rows"] = len(self.rig.due_ids)
        except BaseException:
            self.close()
            raise
        print(
            f"[{label}] built in {self.info['generate']['total_s']:.0f} s: {self.info['tasks']:,} tasks, "
            f"{self.info['schedule_rows_total']:,} schedule rows ({self.info['schedule_pending']:,} pending)",
            flush=True,
        )

    def cold(self) -> None:
        """The first pass in a fresh process: the definition is rebuilt from its stored JSON."""
        from engine import catalog

        catalog._cache.clear()
        wall, cpu, report = self.rig.run()
        self.info["cold_pass_s"], self.info["cold_pass_cpu_s"] = wall, cpu
        self.info["notices_per_pass"] = len(report.notices)
        self.info["kinds"] = {kind: sum(1 for n in report.notices if n.kind == kind) for kind in sorted({n.kind for n in report.notices})}

    def timed(self) -> None:
        wall, cpu, _ = self.rig.run()
        self.wall.append(wall)
        self.cpu.append(cpu)

    def finish(self, profile_dir: Path | None) -> dict:
        info = self.info
        info["passes_s"], info["passes_cpu_s"] = self.wall, self.cpu
        info["pass_s"], info["pass_cpu_s"] = statistics.median(self.wall), statistics.median(self.cpu)
        info["pass_min_s"], info["pass_max_s"] = min(self.wall), max(self.wall)
        info["idle_pass_s"] = statistics.median([self.rig.idle() for _ in range(5)])
        counted = Statements(self.store.engine)
        info["counted_pass_s"] = self.rig.run(counter=counted)[0]
        info["statements"], info["statements_s"], info["statements_top"] = counted.count, counted.seconds, counted.top()
        if profile_dir is not None:
            profile = cProfile.Profile()
            info["profiled_pass_s"] = self.rig.run(profile)[0]
            profile_dir.mkdir(parents=True, exist_ok=True)
            base = profile_dir / f"sweep-{self.db.dialect}-{self.info['items']}"
            profile.dump_stats(f"{base}.prof")
            text = io.StringIO()
            stats = pstats.Stats(profile, stream=text)
            stats.sort_stats("cumulative").print_stats(30)
            stats.sort_stats("tottime").print_stats(20)
            Path(f"{base}.txt").write_text(text.getvalue(), encoding="utf-8")
            info["profile"] = f"{base}.txt"
        info["problems"] = self.rig.problems
        info["peak_rss_mb"] = rss_mb()
        return info

    def close(self) -> None:
        if self.store is not None:
            self.store.dispose()
            self.store = None
        self.db.drop()


def time_sizes(built: list[Size], repeats: int, profile_dir: Path | None) -> list[dict]:
    """Cold pass on each, then ``repeats`` rounds of one warm pass on each size in turn (so both sizes meet the
    same machine noise), then statement counts and the optional profile."""
    from engine import catalog

    print("timing passes: " + ", ".join(f"{b.label} ({b.info['items']:,} items)" for b in built), flush=True)
    for b in built:
        b.cold()
    for b in built:  # warm: every definition cached again (cold() cleared the cache for its own measurement)
        b.rig.run()
    for _ in range(repeats):
        for b in built:
            b.timed()
    results = [b.finish(profile_dir) for b in built]
    catalog._cache.clear()
    for r in results:
        print(
            f"[{r['label']}] pass median {r['pass_s']:.3f} s wall, {r['pass_cpu_s']:.3f} s CPU (cold {r['cold_pass_s']:.3f} s)", flush=True
        )
    return results


# --------------------------------------------------------------------------------------- soak
def null_channel():
    from engine.reminders.channels import Channel, DeliveryResult

    class NullChannel(Channel):
        """Delivers to everyone without any IO, so deliver_due and the deliveries table are exercised."""

        name = "bench-null"

        def configured(self) -> bool:
            return True

        def applies_to(self, recipient) -> bool:
            return True

        def send(self, recipient, message) -> DeliveryResult:
            return DeliveryResult.delivered("bench: not sent")

    return NullChannel()


class CountingHandler(logging.Handler):
    """Counts what the scheduler logs (the CLI logs at INFO), without keeping records."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.info = 0
        self.errors = 0
        self.first_error = None

    def emit(self, record):
        self.format(record)  # the formatting work the CLI's handler does
        if record.levelno >= logging.ERROR:
            self.errors += 1
            if self.first_error is None:
                self.first_error = record.getMessage() + (
                    "\n" + "".join(traceback.format_exception(*record.exc_info)) if record.exc_info else ""
                )
        else:
            self.info += 1


def soak_definitions(args) -> list:
    """``--soak-checklists`` small checklists, one notifying at each hour (HH:MM), deadlines all over the year."""
    from engine.dates.calendar import WorkCalendar
    from engine.definition.validation import validate_text

    calendar = WorkCalendar("cn")
    candidates = candidate_days(calendar, None)
    rng = random.Random(23)
    found = []
    for k in range(args.soak_checklists):
        specs = [
            {
                "id": f"S{t + 1}",
                "n": t,
                "items": args.soak_items,
                "due": None,
                "deadlines": dict(zip(MILESTONES, sorted(rng.sample(candidates, 4)))),
            }
            for t in range(args.soak_tasks)
        ]
        notify = f"{k % 24:02d}:{(7 * k + 5) % 60:02d}"
        validated = validate_text(generate_yaml(f"bench-soak-{k:02d}", f"催办长跑 {k}", specs, notify), f"soak-{k}.yaml", _step_types())
        if not validated.ok:
            raise SystemExit("the soak checklist did not validate: " + "; ".join(p.format() for p in validated.errors[:5]))
        found.append(validated.definition)
    return found


def linear_slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of (pass, MB): MB per pass."""
    if len(points) < 3:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else None


def run_soak(url_arg: str | None, args) -> dict:
    from sqlalchemy import func, select, update

    from engine import catalog
    from engine.dates.clock import FixedClock
    from engine.reminders.scheduler import SweepContext, sweep_job
    from engine.runtime.loader import load
    from engine.store import open_store
    from engine.store.migrate import ensure_schema
    from engine.store.tables import deliveries, notices, schedule

    n, warmup = args.soak_passes, min(args.soak_warmup, args.soak_passes)
    print(f"[soak] {n} passes, one simulated minute apart, warm-up {warmup} ...", flush=True)
    db = Database(url_arg)
    store = None
    out: dict = {
        "passes": n,
        "warmup": warmup,
        "checklists": args.soak_checklists,
        "tasks_each": args.soak_tasks,
        "items_each": args.soak_items,
        "channel": None if args.soak_no_channel else "bench-null (no IO)",
        "tracemalloc": not args.no_tracemalloc,
        "start": SOAK_START.isoformat(),
    }
    handler = CountingHandler()
    logger = logging.getLogger("qingdan.scheduler")
    old_level = logger.level
    try:
        store = open_store(db.url)
        ensure_schema(store)
        definitions = soak_definitions(args)
        load(store, definitions, clock=FixedClock(LOADED_AT), actor="wang")
        del definitions
        with store.write() as conn:
            out["history_processed"] = conn.execute(
                update(schedule)
                .where(schedule.c.pending.is_(True), schedule.c.fire_at < SOAK_START)
                .values(pending=False, processed_at=schedule.c.fire_at)
            ).rowcount
            end = SOAK_START + dt.timedelta(minutes=n)
            out["rows_due_during_soak"] = conn.execute(
                select(func.count()).select_from(schedule).where(schedule.c.pending.is_(True), schedule.c.fire_at < end)
            ).scalar_one()
        out.update({k: v for k, v in table_counts(store).items() if k in ("items_rows", "schedule_rows_total", "schedule_pending")})
        catalog._cache.clear()

        clock = FixedClock(SOAK_START)
        context = SweepContext(store, clock, [] if args.soak_no_channel else [null_channel()])
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        gc.collect()
        out["rss_start_mb"] = current_rss_mb()
        if args.no_tracemalloc is False:
            tracemalloc.start(args.tracemalloc_frames)
        snapshot_path = os.path.join(db.tmpdir or tempfile.gettempdir(), f"soak-warm-{os.getpid()}.tracemalloc")
        samples, times, made = [], [], []
        notices_made = delivered = 0
        warm_snapshot = None
        t_start = time.perf_counter()
        for i in range(1, n + 1):
            context.last = None
            t0 = time.perf_counter()
            sweep_job(context)
            times.append(time.perf_counter() - t0)
            made.append(len(context.last.notices) if context.last is not None else 0)
            if context.last is not None:
                notices_made += len(context.last.notices)
                delivered += context.last.delivered
            clock.advance(minutes=1)
            if i == warmup:
                if tracemalloc.is_tracing():
                    # kept on disk, not in memory, so that it does not count as growth in the end RSS
                    tracemalloc.take_snapshot().dump(snapshot_path)
                    warm_snapshot = snapshot_path
                gc.collect()
                out["rss_warm_mb"] = current_rss_mb()
                out["compiled_cache_warm"] = len(store.engine._compiled_cache)
                out["catalog_cache_warm"] = len(catalog._cache)
                if tracemalloc.is_tracing():
                    out["traced_warm_mb"] = tracemalloc.get_traced_memory()[0] / 2**20
                    out["tracemalloc_overhead_warm_mb"] = tracemalloc.get_tracemalloc_memory() / 2**20
            if i % args.soak_sample == 0 or i == n:
                samples.append((i, current_rss_mb(), tracemalloc.get_traced_memory()[0] / 2**20 if tracemalloc.is_tracing() else None))
            if i % 1000 == 0:
                print(f"[soak] {i} passes, RSS {samples[-1][1]:.1f} MB, {notices_made} notices so far", flush=True)
        out["wall_s"] = time.perf_counter() - t_start
        gc.collect()
        out["rss_end_mb"] = current_rss_mb()
        out["compiled_cache_end"] = len(store.engine._compiled_cache)
        out["catalog_cache_end"] = len(catalog._cache)
        if tracemalloc.is_tracing():
            out["traced_end_mb"] = tracemalloc.get_traced_memory()[0] / 2**20
            out["tracemalloc_overhead_end_mb"] = tracemalloc.get_tracemalloc_memory() / 2**20
            end_snapshot = tracemalloc.take_snapshot()
            tracemalloc.stop()
            if warm_snapshot is not None:
                warm_snapshot = tracemalloc.Snapshot.load(warm_snapshot)
                ignore = [
                    tracemalloc.Filter(False, tracemalloc.__file__),
                    tracemalloc.Filter(False, "<frozen importlib._bootstrap*>"),
                    tracemalloc.Filter(False, __file__),
                ]
                warm_f, end_f = warm_snapshot.filter_traces(ignore), end_snapshot.filter_traces(ignore)
                out["top_growth_lines"] = [
                    {"where": str(s.traceback[0]), "kb": round(s.size_diff / 1024, 1), "blocks": s.count_diff}
                    for s in end_f.compare_to(warm_f, "lineno")[:15]
                ]
                out["top_growth_tracebacks"] = [
                    {"kb": round(s.size_diff / 1024, 1), "blocks": s.count_diff, "traceback": [str(frame) for frame in s.traceback]}
                    for s in end_f.compare_to(warm_f, "traceback")[:5]
                ]
            del warm_snapshot, end_snapshot
        out["peak_rss_mb"] = rss_mb()
        out["passes_ok"] = context.passes
        out["errors_logged"] = handler.errors
        out["first_error"] = handler.first_error
        out["info_logged"] = handler.info
        out["notices_created"] = notices_made
        out["deliveries_sent"] = delivered
        with store.read() as conn:
            out["notices_rows_end"] = conn.execute(select(func.count()).select_from(notices)).scalar_one()
            out["deliveries_rows_end"] = conn.execute(select(func.count()).select_from(deliveries)).scalar_one()
        out["pass_ms_p50"], out["pass_ms_p95"] = pct(times, 0.5) * 1e3, pct(times, 0.95) * 1e3
        out["pass_ms_max"] = max(times) * 1e3
        out["slowest_passes"] = [
            {"pass": i + 1, "ms": round(times[i] * 1e3, 1), "notices": made[i], "at": (SOAK_START + dt.timedelta(minutes=i)).isoformat()}
            for i in sorted(range(len(times)), key=lambda i: -times[i])[:5]
        ]
        out["samples"] = [{"pass": p, "rss_mb": round(r, 2), "traced_mb": None if t is None else round(t, 3)} for p, r, t in samples]
        after = [(p, r) for p, r, _ in samples if p >= warmup]
        slope = linear_slope(after)
        out["rss_slope_mb_per_1000"] = None if slope is None else slope * 1000
        growth = out["rss_end_mb"] - out["rss_warm_mb"]
        if "tracemalloc_overhead_end_mb" in out:
            growth -= out["tracemalloc_overhead_end_mb"] - out["tracemalloc_overhead_warm_mb"]
        out["soak_growth_mb"] = growth
        if "traced_end_mb" in out:
            out["traced_growth_mb"] = out["traced_end_mb"] - out["traced_warm_mb"]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        if "snapshot_path" in locals() and os.path.exists(snapshot_path):
            os.remove(snapshot_path)
        catalog._cache.clear()
        if store is not None:
            store.dispose()
        db.drop()
    return out


def soak_in_child(argv, url_arg) -> dict:
    """The soak in a fresh interpreter, so that the memory of the big databases above does not blur its RSS."""
    import subprocess
    import tempfile

    argv = list(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="qingdan-soak-") as tmp:
        path = os.path.join(tmp, "soak.json")
        command = [sys.executable, "-m", "bench.sweep", *argv, "--soak-child", path]
        done = subprocess.run(command, cwd=ROOT, check=False)
        if done.returncode != 0 or not os.path.exists(path):
            raise RuntimeError(f"the soak child process failed ({done.returncode})")
        out = json.loads(Path(path).read_text(encoding="utf-8"))
    out["process"] = "fresh child process"
    return out


# --------------------------------------------------------------------------------------- report
def verdicts(figures: dict) -> dict:
    out = {}
    for key, (label, op, limit, unit) in TARGETS.items():
        value = figures.get(key)
        met = None if value is None else (value <= limit if op == "<=" else value >= limit)
        out[key] = {"label": label, "value": value, "op": op, "target": limit, "unit": unit, "met": met}
    return out


def print_table(result: dict) -> None:
    f = result["figures"]
    p = result["params"]
    m = result["machine"]
    print()
    print(
        f"qingdan sweep benchmark — {result['dialect']}  ({p['due']} notices due, {p['per_task']} items per task, "
        f"≤ {p['per_checklist']:,} items per checklist)  {m['when']}"
    )
    code = result["code"]
    print(
        f"cpus: {m['cpus']}   load avg: {m['loadavg_before']} → {m['loadavg_after']}   "
        f"code: {(code['commit'] or '?')[:10]}{' + uncommitted engine changes' if code['engine_dirty'] else ''}"
    )
    if result.get("scale_note"):
        print(f"note: {result['scale_note']}")
    sizes = result["sizes"]
    if sizes:
        print()
        cols = [s["label"] for s in sizes]
        rows = [
            ("items", lambda s: f"{s['items']:,}"),
            ("checklists / tasks", lambda s: f"{s['checklists']} / {s['tasks']:,}"),
            ("schedule rows", lambda s: f"{s['schedule_rows_total']:,}"),
            ("pending schedule rows", lambda s: f"{s['schedule_pending']:,}"),
            ("rows due at the pass", lambda s: f"{s['due_rows']}"),
            ("notices per pass", lambda s: f"{s['notices_per_pass']}"),
            ("generate (yaml+validate+write)", lambda s: f"{s['generate']['total_s']:.0f} s"),
            (
                "  validate / items insert / replan",
                lambda s: f"{s['generate']['validate_s']:.0f} / {s['generate']['items_insert_s']:.0f} / {s['generate']['replan_s']:.1f} s",
            ),
            ("database size", lambda s: f"{(s['db_bytes'] or 0) / 1e6:.0f} MB"),
            ("pass, cold definition cache", lambda s: f"{s['cold_pass_s']:.3f} s"),
            ("pass, median (warm)", lambda s: f"{s['pass_s']:.3f} s"),
            ("pass, min – max", lambda s: f"{s['pass_min_s']:.3f} – {s['pass_max_s']:.3f} s"),
            ("pass CPU of this process, median", lambda s: f"{s['pass_cpu_s']:.3f} s"),
            ("pass with nothing due", lambda s: f"{s['idle_pass_s'] * 1e3:.1f} ms"),
            ("SQL statements / time in them", lambda s: f"{s['statements']} / {s['statements_s']:.3f} s"),
            ("peak RSS (process so far)", lambda s: f"{s['peak_rss_mb']:.0f} MB"),
        ]
        width = max(len(r[0]) for r in rows)

        def cell(fn, s):
            try:
                return fn(s)
            except (KeyError, TypeError):
                return "—"

        cw = max(16, *(len(cell(fn, s)) for _, fn in rows for s in sizes))
        print(f"  {'':<{width}}  " + "  ".join(f"{c:>{cw}}" for c in cols))
        for name, fn in rows:
            print(f"  {name:<{width}}  " + "  ".join(f"{cell(fn, s):>{cw}}" for s in sizes))
        for s in sizes:
            for problem in s.get("problems", []):
                print(f"  CHECK FAILED ({s['label']}): {problem}")
            if s.get("profile"):
                print(f"  profile ({s['label']}): {s['profile']}")
    soak = result.get("soak")
    if soak:
        print()
        print(
            f"soak: {soak['passes']} passes via engine.reminders.scheduler.sweep_job, FixedClock +1 min each "
            f"({soak['checklists']} checklists × {soak['tasks_each']} tasks × {soak['items_each']} items, channel {soak['channel']}, "
            f"tracemalloc {'on' if soak['tracemalloc'] else 'off'})"
        )

        def g(key, fmt="{:.1f}"):
            v = soak.get(key)
            return "—" if v is None else fmt.format(v)

        print(
            f"  passes ok {soak.get('passes_ok')} / {soak['passes']}, errors logged {soak.get('errors_logged')}, "
            f"notices {soak.get('notices_created')}, deliveries sent {soak.get('deliveries_sent')}, wall {g('wall_s', '{:.0f}')} s"
        )
        print(
            f"  pass time p50 {g('pass_ms_p50', '{:.2f}')} ms, p95 {g('pass_ms_p95', '{:.2f}')} ms, max {g('pass_ms_max', '{:.0f}')} ms"
            f"{' (tracemalloc on: slower)' if soak['tracemalloc'] else ''}"
        )
        print(
            f"  RSS start {g('rss_start_mb')} MB → after warm-up ({soak['warmup']} passes) {g('rss_warm_mb')} MB → end {g('rss_end_mb')} MB; "
            f"growth after warm-up {g('soak_growth_mb', '{:+.2f}')} MB (tracemalloc's own memory excluded), "
            f"slope {g('rss_slope_mb_per_1000', '{:+.3f}')} MB / 1000 passes"
        )
        if soak.get("traced_warm_mb") is not None:
            print(
                f"  Python heap (tracemalloc) {g('traced_warm_mb', '{:.2f}')} → {g('traced_end_mb', '{:.2f}')} MB "
                f"({g('traced_growth_mb', '{:+.3f}')} MB); SQLAlchemy compiled cache {soak.get('compiled_cache_warm')} → "
                f"{soak.get('compiled_cache_end')} entries; definitions cached {soak.get('catalog_cache_warm')} → {soak.get('catalog_cache_end')}"
            )
            print("  top growth after warm-up (tracemalloc, by line):")
            for entry in soak.get("top_growth_lines", [])[:10]:
                print(f"    {entry['kb']:+9.1f} kB {entry['blocks']:+6d} blocks  {entry['where']}")
        slow = soak.get("slowest_passes") or []
        if slow:
            print("  slowest passes: " + ", ".join(f"#{x['pass']} {x['ms']:.0f} ms ({x['notices']} notices)" for x in slow[:3]))
        if soak.get("first_error"):
            print("  first error: " + soak["first_error"].splitlines()[0])
    for name, error in result["errors"].items():
        print(f"  ERROR in {name}: {error}")
    print()
    print(f"targets (issue: {result['target_items']:,} items on {result['dialect']}, {p['due']} notices due):")
    for key, v in result["targets"].items():
        value = v["value"]
        if value is None:
            shown, mark = "—", "NOT RUN"
        else:
            shown = f"{value:.2f} {v['unit']}"
            mark = "MET" if v["met"] else "MISSED"
        note = {
            "pass_s": f"  (median of warm passes; CPU of this process {f['pass_cpu_s']:.2f} s; cold first pass {f['cold_pass_s']:.2f} s)"
            if "pass_s" in f
            else "",
            "scale_ratio": f"  ({result.get('scale_pair_text', '')}; CPU ratio {f.get('scale_ratio_cpu', float('nan')):.2f}, "
            f"ratio of minimums {f.get('scale_ratio_min', float('nan')):.2f})"
            if "scale_ratio" in f
            else "",
            "soak_growth_mb": "  (heuristic: a bounded cache filling also counts)",
        }.get(key, "")
        print(f"  {mark:<7}  {v['label']:<28} {shown:>10}  (target {v['op']} {v['target']:g} {v['unit']}){note}")


# --------------------------------------------------------------------------------------- main
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", help="PostgreSQL URL: fresh schemas are made in it and dropped at the end (default: fresh SQLite files in temp dirs)"
    )
    parser.add_argument("--items", type=int, help="items at the target size (default 200000 on SQLite, 1000000 on PostgreSQL)")
    parser.add_argument("--due", type=int, default=1000, help="notices that fall due in the timed pass")
    parser.add_argument("--scale", type=int, default=10, help="the scaling test compares a pass at SCALE x the items")
    parser.add_argument(
        "--scale-pair",
        choices=("auto", "up", "down", "none"),
        default="auto",
        help="up: ITEMS vs ITEMS*SCALE; down: ITEMS/SCALE vs ITEMS; auto: up on SQLite, on PostgreSQL up "
        f"only if generating ITEMS took under {SCALE_UP_BUDGET_S:.0f}/SCALE s; none: target size only",
    )
    parser.add_argument("--per-task", type=int, default=100, help="items per task")
    parser.add_argument(
        "--per-checklist", type=int, default=200_000, help="items per checklist (the validator refuses a file of over 1,000,000 YAML nodes)"
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed warm passes per size (the median is reported)")
    parser.add_argument("--soak-passes", type=int, default=5000, help="passes in the soak (0: no soak)")
    parser.add_argument(
        "--soak-warmup",
        type=int,
        default=1440,
        help="soak passes before the warm-up RSS is taken (1440 = one simulated day: every checklist's hour once)",
    )
    parser.add_argument("--soak-sample", type=int, default=100, help="take RSS every N soak passes")
    parser.add_argument("--soak-checklists", type=int, default=24)
    parser.add_argument("--soak-tasks", type=int, default=40)
    parser.add_argument("--soak-items", type=int, default=10)
    parser.add_argument("--soak-no-channel", action="store_true", help="soak without the no-IO delivery channel")
    parser.add_argument("--no-tracemalloc", action="store_true", help="soak without tracemalloc (plain RSS, faster)")
    parser.add_argument("--tracemalloc-frames", type=int, default=4, help="frames kept per allocation (more: slower passes)")
    parser.add_argument("--soak-only", action="store_true", help="skip the pass timings")
    parser.add_argument(
        "--soak-in-process",
        action="store_true",
        help="run the soak in this process (default: a fresh child process, like a scheduler that just started)",
    )
    parser.add_argument("--soak-child", help=argparse.SUPPRESS)  # internal: run the soak, write its JSON here, exit
    parser.add_argument("--profile", action="store_true", help="one extra cProfiled pass per size, into bench/results/profile/")
    parser.add_argument("--out", help="JSON result path (default bench/results/sweep-<dialect>.json)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    import sqlalchemy

    import engine.definition.validation  # noqa: F401

    # every engine module this uses, imported now: one run measures one state of the code (others edit it meanwhile)

    url_arg = args.db
    if url_arg and url_arg.startswith("sqlite"):
        print("note: --db sqlite:… is ignored: every SQLite database is a fresh file in a temp dir", file=sys.stderr)
        url_arg = None
    dialect = "sqlite" if url_arg is None else "postgresql"
    target_items = args.items or (200_000 if dialect == "sqlite" else 1_000_000)
    pair = args.scale_pair
    if pair == "auto" and dialect == "sqlite":
        pair = "up"
    profile_dir = RESULTS / "profile" if args.profile else None
    if args.soak_child:
        Path(args.soak_child).write_text(json.dumps(run_soak(url_arg, args), default=str), encoding="utf-8")
        return 0

    started = dt.datetime.now(dt.UTC).astimezone()
    loadavg_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    figures: dict = {}
    errors: dict = {}
    sizes: list[dict] = []
    scale_note = None
    scale_pair_text = ""

    if not args.soak_only:
        built: list[Size] = []
        try:
            target = Size("target", url_arg, target_items, args)
            built.append(target)
            generated = target.info["generate"]["total_s"]
            if pair == "auto":
                projected = generated * args.scale
                if projected > SCALE_UP_BUDGET_S:
                    pair = "down"
                    scale_note = (
                        f"generating {target_items:,} items took {generated:.0f} s, so {target_items * args.scale:,} "
                        f"would take about {projected:.0f} s (> {SCALE_UP_BUDGET_S:.0f} s): the scaling test compares "
                        f"{target_items // args.scale:,} with {target_items:,} items instead"
                    )
                else:
                    pair = "up"
            if pair == "up":
                target.label = target.info["label"] = "1x = target"
                built.append(Size(f"{args.scale}x", url_arg, target_items * args.scale, args))
                scale_pair_text = f"{target_items:,} → {target_items * args.scale:,} items"
            elif pair == "down":
                target.label = target.info["label"] = f"{args.scale}x = target"
                built.insert(0, Size("1x", url_arg, target_items // args.scale, args))
                scale_pair_text = f"{target_items // args.scale:,} → {target_items:,} items"
            sizes = time_sizes(built, args.repeats, profile_dir)
            figures["pass_s"] = target.info["pass_s"]
            figures["cold_pass_s"] = target.info["cold_pass_s"]
            figures["pass_cpu_s"] = target.info["pass_cpu_s"]
            if len(sizes) == 2:
                figures["scale_ratio"] = sizes[1]["pass_s"] / sizes[0]["pass_s"]
                figures["scale_ratio_cpu"] = sizes[1]["pass_cpu_s"] / sizes[0]["pass_cpu_s"]
                figures["scale_ratio_min"] = sizes[1]["pass_min_s"] / sizes[0]["pass_min_s"]
        except Exception as err:  # noqa: BLE001 - recorded; the soak still runs
            errors["passes"] = f"{type(err).__name__}: {err}"
            traceback.print_exc()
            sizes = [b.info for b in built]
        finally:
            for b in built:
                b.close()
            gc.collect()

    soak = None
    if args.soak_passes > 0:
        try:
            soak = run_soak(url_arg, args) if args.soak_in_process else soak_in_child(argv, url_arg)
            figures["soak_growth_mb"] = soak.get("soak_growth_mb")
        except Exception as err:  # noqa: BLE001
            errors["soak"] = f"{type(err).__name__}: {err}"
            traceback.print_exc()

    result = {
        "benchmark": "sweep",
        "dialect": dialect,
        "target_items": target_items,
        "scale_pair": pair,
        "scale_pair_text": scale_pair_text,
        "scale_note": scale_note,
        "params": {
            "items": target_items,
            "due": args.due,
            "scale": args.scale,
            "per_task": args.per_task,
            "per_checklist": args.per_checklist,
            "repeats": args.repeats,
            "pass_at": PASS_AT.isoformat(),
            "soak_passes": args.soak_passes,
            "soak_warmup": args.soak_warmup,
        },
        "machine": {
            "when": started.isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlalchemy": sqlalchemy.__version__,
            "platform": platform.platform(),
            "loadavg_before": loadavg_before,
            "loadavg_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        },
        "code": code_state(),
        "figures": figures,
        "sizes": sizes,
        "soak": soak,
        "errors": errors,
        "targets": verdicts(figures),
    }
    out = Path(args.out) if args.out else RESULTS / f"sweep-{dialect}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print_table(result)
    print(f"\nresults: {out}")
    return 0


def _step_types():
    from engine.pluginmanager import get_plugin_manager, step_types

    return step_types(get_plugin_manager())


if __name__ == "__main__":
    sys.exit(main())
