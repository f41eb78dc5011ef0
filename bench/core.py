"""Benchmark of the engine core: validate + load, fires against a raw SQLAlchemy Core baseline, status, memory.

Run ``python -m bench.core [--db URL] [--tasks 1000 --items 25 --fires 10000]``; see bench/README.md for
what each figure means and the targets. Without ``--db`` a fresh SQLite file in a temporary directory is
used; with a PostgreSQL URL a fresh schema ``bench_<random>`` is created and dropped at the end.

The machine this runs on is shared and noisy, so a fire is reported beside a floor (the standard library's
``sqlite3``, or psycopg alone, with a shared ``transitions`` Machine) and a raw Core baseline, all measured in
the same run, interleaved block by block, each figure also as a multiple of the floor; on SQLite an anatomy of
raw Core shows what a connection per transaction and statements built per call cost. Nothing here asserts: each
target is printed as met or missed, and the figures are written to ``bench/results/core-<dialect>.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import gc
import importlib
import io
import json
import os
import platform
import pstats
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
ZONE = ZoneInfo("Asia/Shanghai")
# A date in the middle of the year: the first deadline (plan_approved) is already missed, the others are ahead.
NOW = dt.datetime(2017, 6, 1, 10, 0, tzinfo=ZONE)
CHECKLIST_ID = "bench-core"
FIRE_TRIGGER, FIRE_FROM, FIRE_TO, FIRE_ACTOR = "approve_plan", "planning", "plan_approved", "li"
FAKE_HASH = "f" * 64  # the baseline's and floor's events carry no real hash: they measure the writes, not the chain

TARGETS = {  # the issues' targets, for a SQLite file on the 2-core machine (see ``targets`` for the exceptions)
    "load_s": ("validate + load", "<=", 5.0, "s"),
    "engine_ms_p50": ("one fire, p50", "<=", 1.0, "ms"),
    "status_s": ("status (in-process, cold)", "<=", 0.5, "s"),
    "peak_rss_mb": ("peak RSS", "<=", 300.0, "MB"),
    "cli_status_small_s": ("qingdan status of a small list", "<=", 0.4, "s"),
}
SCALE_ITEMS, SCALE_LOAD_S = 100_000, 10.0  # the scale target: a list of 100,000 items validates and loads in ≤ 10 s
PG_FIRE_MS = 2.0  # on PostgreSQL one fire's p50 may take 2 ms

UNITS = [("culture", "文化股"), ("radio", "广电股"), ("tourism", "旅游股"), ("office", "办公室")]
TOWNS = ["林农镇", "八角镇", "茶亭镇", "石牛庙乡", "云溪镇", "金安镇", "黑坪镇", "麻秧乡", "安家镇", "富驿镇"]
VILLAGES = [
    "玉城村",
    "人民村",
    "燕来村",
    "红联村",
    "石牌村",
    "华龙村",
    "三清村",
    "龙华村",
    "高罐村",
    "安定村",
    "天水村",
    "鹅溪村",
    "新华村",
    "和平村",
    "永兴村",
    "光明村",
    "太平村",
    "双河村",
    "青龙村",
    "白果村",
    "桂花村",
    "凤凰村",
    "金鸡村",
    "长乐村",
    "红星村",
    "联合村",
    "同心村",
    "团结村",
    "胜利村",
    "东风村",
]
PLAN_DAYS = [8, 9, 10, 11, 12, 15, 16, 17, 18, 19]  # workdays in May 2017, all before NOW
TITLES = [
    "完善提升贫困村综合文化服务中心",
    "提升改造贫困村村级广播系统",
    "建设村级文化广场",
    "安装旅游标识标牌",
    "修缮村史馆",
    "建设农家书屋",
    "改造应急广播终端",
    "建设乡村旅游厕所",
]


# --------------------------------------------------------------------------------------- generation
def header_yaml(checklist_id: str, title: str, notify_at: str = "09:00", tendering_step: bool = True) -> str:
    """The part every generated checklist shares: header, units, people and the construction workflow."""
    out = io.StringIO()
    w = out.write
    w(
        f"checklist:\n  id: {checklist_id}\n  title: {title}\n"
        "  year: 2017\n  issued_by: 基准测试领导小组办公室\n  owner: 基准测试局\n  timezone: Asia/Shanghai\n"
        f'  calendar: cn\n  notify_at: "{notify_at}"\n\n'
    )
    w("units:\n")
    for key, name in UNITS:
        w(f"  {key}: {{name: {name}}}\n")
    w("\npeople:\n  wang: {name: 王建国, roles: [head]}\n  li: {name: 李文华, roles: [leader]}\n  zhao: {name: 赵敏, roles: [inspector]}\n")
    for i, (key, _) in enumerate(UNITS):
        w(f"  staff{i}: {{name: 工作人员{i}, roles: [staff], unit: {key}}}\n")
    # The construction workflow of checklists/yanting-wenguang-2017.yaml, trimmed to six states.
    step = ", step: tendering" if tendering_step else ""
    w(f"""
workflows:
  construction:
    title: 建设类项目
    initial: planning
    states:
      planning:      {{label: 编制实施方案}}
      plan_approved: {{label: 方案已审定}}
      tendering:     {{label: 招投标{step}}}
      building:      {{label: 施工中}}
      completed:     {{label: 已完工}}
      accepted:      {{label: 已验收销号, final: true}}
    transitions:
      - {{trigger: approve_plan, from: planning,      to: plan_approved, by: [leader, head]}}
      - {{trigger: open_tender,  from: plan_approved, to: tendering,     by: [responsible]}}
      - {{trigger: award,        from: tendering,     to: building,      by: [responsible]}}
      - {{trigger: finish,       from: building,      to: completed,     by: [responsible]}}
      - {{trigger: accept,       from: completed,     to: accepted,      by: [inspector]}}
""")
    return out.getvalue()


def generate_checklist(n_tasks: int, n_items: int) -> str:
    """A checklist of ``n_tasks`` construction tasks with ``n_items`` villages each, as YAML text."""
    out = io.StringIO()
    w = out.write
    w("# generated by bench/core.py\n")
    w(header_yaml(CHECKLIST_ID, f"基准测试任务清单({n_tasks} 项任务 × {n_items} 个子项)"))
    w("""
defaults:
  remind: [5 workdays, 1 workday]
  escalate:
    - {after: 1 workday, to: leader}
    - {after: 5 workdays, to: head}

tasks:
""")
    for t in range(n_tasks):
        unit = t % len(UNITS)
        town = TOWNS[t % len(TOWNS)]
        names = ", ".join(
            f"{town}{VILLAGES[j % len(VILLAGES)]}{j // len(VILLAGES) + 1 if j >= len(VILLAGES) else ''}" for j in range(n_items)
        )
        w(
            f"  - id: T{t + 1}\n"
            f"    title: {TITLES[t % len(TITLES)]}(第 {t + 1} 批)\n"
            f"    unit: {UNITS[unit][0]}\n"
            f"    responsible: staff{unit}\n"
            f"    leader: li\n"
            f"    workflow: construction\n"
            f"    items: [{names}]\n"
            f"    deadlines:\n"
            f"      plan_approved: 2017-05-{PLAN_DAYS[t % len(PLAN_DAYS)]:02d}\n"
            f"      building: 2017-07-{20 + t % 2}\n"
            f"      completed: 2017-09-05\n"
            f"      accepted: 2017-10-31\n"
            f"    tendering: {{mandatory: {'true' if t % 2 == 0 else 'false'}}}\n"
        )
    return out.getvalue()


# --------------------------------------------------------------------------------------- databases
class Database:
    """A fresh database for one run: a SQLite file in a temp dir, or a new PostgreSQL schema."""

    def __init__(self, url: str | None, keep: bool = False):
        from sqlalchemy.engine import make_url

        self.keep = keep
        self.tmpdir = None
        self.schema = None
        self.admin_url = None
        if url is None or url.startswith("sqlite"):
            if url is None:
                self.tmpdir = tempfile.mkdtemp(prefix="qingdan-bench-")
                url = f"sqlite:///{os.path.join(self.tmpdir, 'bench.sqlite')}"
            self.url = url
            self.dialect = "sqlite"
            return
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        self.admin_url = url
        self.schema = f"bench_{secrets.token_hex(4)}"
        from sqlalchemy import create_engine, text

        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        admin.dispose()
        self.url = parsed.update_query_dict({"options": f"-csearch_path={self.schema}"}).render_as_string(hide_password=False)

    def size_bytes(self) -> int | None:
        if self.dialect == "sqlite":
            path = self.url.split("///", 1)[1]
            return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
        from sqlalchemy import create_engine, text

        admin = create_engine(self.admin_url)
        with admin.connect() as conn:
            size = conn.execute(
                text(
                    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind = 'r'"
                ),
                {"s": self.schema},
            ).scalar()
        admin.dispose()
        return int(size)

    def drop(self):
        if self.keep:
            print(f"kept database: {self.url}")
            return
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        if self.schema:
            from sqlalchemy import create_engine, text

            admin = create_engine(self.admin_url)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            admin.dispose()


# --------------------------------------------------------------------------------------- helpers
def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def current_rss_mb() -> float | None:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
    except OSError:
        return None


class Profiler:
    """cProfile around chosen phases when --profile is given; a no-op otherwise."""

    def __init__(self, directory: Path | None, dialect: str):
        self.directory = directory
        self.dialect = dialect
        self.written = []

    def run(self, name: str, function, *args, **kwargs):
        if self.directory is None:
            return function(*args, **kwargs)
        profile = cProfile.Profile()
        try:
            return profile.runcall(function, *args, **kwargs)
        finally:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"core-{self.dialect}-{name}.prof"
            profile.dump_stats(path)
            self.written.append(path)
            text = io.StringIO()
            pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(25)
            (self.directory / f"core-{self.dialect}-{name}.txt").write_text(text.getvalue(), encoding="utf-8")


def calibrate() -> float:
    """Seconds for a fixed pure-Python workload: how fast the shared machine is at this moment.

    Measured at the start, between phases and at the end; a run whose figures are slower than usual
    and whose calibration is too met a busy machine, not slower code.
    """
    t0 = time.perf_counter()
    data = [{"id": i, "name": f"item{i}", "state": "planning", "tags": [i, i * 2]} for i in range(10000)]
    for _ in range(2):
        json.loads(json.dumps(data))
        sorted(data, key=lambda d: d["name"])
    return time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --------------------------------------------------------------------------------------- phases
def phase_validate_load(store, text: str, plugins, clock, profiler):
    from engine.definition.validation import validate_text
    from engine.pluginmanager import step_types
    from engine.runtime.loader import load

    steps = step_types(plugins)
    t0, c0 = time.perf_counter(), time.process_time()
    validated = profiler.run("validate", validate_text, text, "bench-core.yaml", steps)
    t1, c1 = time.perf_counter(), time.process_time()
    if not validated.ok:
        for problem in validated.errors[:20]:
            print(problem.format(), file=sys.stderr)
        raise SystemExit("the generated checklist did not validate")
    reports = profiler.run("load", load, store, [validated.definition], clock=clock, actor="wang")
    t2, c2 = time.perf_counter(), time.process_time()
    return {
        "validate_s": t1 - t0,
        "load_only_s": t2 - t1,
        "load_s": t2 - t0,
        "validate_cpu_s": c1 - c0,
        "load_only_cpu_s": c2 - c1,
        "load_cpu_s": c2 - c0,
        "warnings": len(validated.warnings),
        "items_loaded": reports[0].items_added,
        "tasks_loaded": reports[0].tasks_added,
    }, validated.definition


def plan_fires(store, definition, n_fires: int, warmup: int):
    """Pick distinct items in state 'planning': interleaved so engine and baseline items sit side by side."""
    from sqlalchemy import select

    from engine.store.tables import items, tasks

    with store.read() as conn:
        rows = conn.execute(
            select(items.c.id, items.c.name, items.c.version, tasks.c.key, items.c.position)
            .join(tasks, tasks.c.id == items.c.task_id)
            .where(tasks.c.checklist_id == definition.id, items.c.state == FIRE_FROM)
            .order_by(items.c.position, tasks.c.position)
        ).all()
    need = 2 * (n_fires + warmup)
    if len(rows) < need:
        raise SystemExit(
            f"{n_fires} engine fires + {n_fires} baseline fires (+{2 * warmup} warm-up) need {need} items; "
            f"the checklist has {len(rows)}: raise --tasks/--items or lower --fires"
        )
    # rows go position 0 of every task, position 1 of every task, …: fires spread over all tasks
    engine_rows, baseline_rows = rows[0:need:2], rows[1:need:2]
    return engine_rows[:warmup], engine_rows[warmup:], baseline_rows[:warmup], baseline_rows[warmup:]


def make_baseline(store, checklist_id: str):
    """The raw Core equivalent of one fire: UPDATE the item with its version check, INSERT the event."""
    from sqlalchemy import bindparam, insert, update

    from engine.store.tables import events, items

    update_item = (
        update(items)
        .where(items.c.id == bindparam("item_id"), items.c.version == bindparam("old_version"))
        .values(state=bindparam("new_state"), version=items.c.version + 1, state_since=bindparam("now"))
    )
    insert_event = insert(events)
    state = {"seq": 0}
    fake_hash = FAKE_HASH

    def one(row, now):
        state["seq"] += 1
        with store.write() as conn:
            changed = conn.execute(update_item, {"item_id": row.id, "old_version": row.version, "new_state": FIRE_TO, "now": now}).rowcount
            if changed != 1:
                raise RuntimeError(f"baseline: item {row.id} was not updated")
            conn.execute(
                insert_event,
                {
                    "chain": "bench-baseline",
                    "seq": state["seq"],
                    "at": now,
                    "actor": FIRE_ACTOR,
                    "kind": "transition",
                    "checklist_id": checklist_id,
                    "task_key": row.key,
                    "item_name": row.name,
                    "trigger": FIRE_TRIGGER,
                    "from_state": FIRE_FROM,
                    "to_state": FIRE_TO,
                    "note": None,
                    "data": "{}",
                    "prev_hash": fake_hash,
                    "hash": fake_hash,
                },
            )

    return one


FLOOR_TRIGGER, FLOOR_TO = "open_tender", "tendering"  # the floor moves the baseline's items one step further
FLOOR_UPDATE = "UPDATE items SET state = {p}, version = version + 1, state_since = {p} WHERE id = {p} AND version = {p}"
FLOOR_INSERT = (
    "INSERT INTO events (chain, seq, at, actor, kind, checklist_id, task_key, item_name, trigger, from_state, to_state, "
    "note, data, prev_hash, hash) VALUES ({ps})"
)


def workflow_machine(definition):
    """A shared ``transitions`` Machine of the bench workflow, built the way the floor of the issue builds it."""
    from transitions import Machine

    workflow = definition.workflows["construction"]
    return Machine(
        model=None,
        states=list(workflow.states),
        transitions=[{"trigger": t.trigger, "source": list(t.sources), "dest": t.dest} for t in workflow.transitions],
        initial=workflow.initial,
        auto_transitions=False,
    )


class _Token:
    pass


class Floor:
    """The floor: what one fire cannot do with less, in the same run, on the same database.

    SQLite: the standard library's ``sqlite3`` on the same file (one connection kept open, the store's four PRAGMAs,
    ``BEGIN IMMEDIATE``), a shared ``transitions`` Machine asked where the trigger leads (token model added and
    removed), then ``UPDATE`` with the version check, ``INSERT`` of the event and ``COMMIT``. PostgreSQL: the same
    with the driver (psycopg) alone on one connection. It moves the baseline's items one step further
    (plan_approved → tendering), so it needs no items of its own.
    """

    def __init__(self, db, definition):
        self.dialect = db.dialect
        self.machine = workflow_machine(definition)
        self.checklist_id = definition.id
        self.seq = 0
        if db.dialect == "sqlite":
            import sqlite3

            self.conn = sqlite3.connect(db.url.split("///", 1)[1], timeout=30, isolation_level=None)
            for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON", "synchronous=NORMAL"):
                self.conn.execute(f"PRAGMA {pragma}")
            self.update, self.insert = FLOOR_UPDATE.format(p="?"), FLOOR_INSERT.format(ps=", ".join("?" * 15))
        else:
            import psycopg
            from sqlalchemy.engine import make_url

            url = make_url(db.url)
            self.conn = psycopg.connect(
                host=url.host or "127.0.0.1",
                port=url.port or 5432,
                user=url.username,
                password=url.password,
                dbname=url.database,
                options=url.query.get("options"),
            )
            self.update, self.insert = FLOOR_UPDATE.format(p="%s"), FLOOR_INSERT.format(ps=", ".join(["%s"] * 15))

    def stamp(self, now):
        utc = now.astimezone(dt.UTC)
        # SQLAlchemy's SQLite DateTime text, naive UTC (as ``UTCDateTime`` stores it); a timestamptz on PostgreSQL
        return utc.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if self.dialect == "sqlite" else utc

    def __call__(self, row, now, version):
        token = _Token()
        self.machine.add_model(token, initial=FIRE_TO)
        try:
            getattr(token, FLOOR_TRIGGER)()
            dest = token.state
        finally:
            self.machine.remove_model(token)
        self.seq += 1
        at = self.stamp(now)
        event = (
            "bench-floor", self.seq, at, FIRE_ACTOR, "transition", self.checklist_id, row.key, row.name,
            FLOOR_TRIGGER, FIRE_TO, dest, None, "{}", FAKE_HASH, FAKE_HASH,
        )  # fmt: skip
        conn = self.conn
        if self.dialect == "sqlite":
            conn.execute("BEGIN IMMEDIATE")
            changed = conn.execute(self.update, (dest, at, row.id, version)).rowcount
            conn.execute(self.insert, event)
            conn.execute("COMMIT")
        else:
            changed = conn.execute(self.update, (dest, at, row.id, version)).rowcount
            conn.execute(self.insert, event)
            conn.commit()
        if changed != 1:
            raise RuntimeError(f"floor: item {row.id} was not updated")

    def close(self):
        self.conn.close()


def phase_fires(store, db, definition, plugins, clock, n_fires: int, block: int, warmup: int, profiler, peers=()):
    """``peers``: steps of a peer library (``bench.peers.spiff.steps``), each called as often as the engine fires,
    in the same interleaved blocks."""
    from engine.runtime.fire import fire

    warm_engine, engine_rows, warm_base, base_rows = plan_fires(store, definition, n_fires, warmup)
    baseline = make_baseline(store, definition.id)
    floor = Floor(db, definition)
    now = clock.now()

    def engine_one(row):
        result = fire(
            store,
            task=row.key,
            item=row.name,
            trigger=FIRE_TRIGGER,
            actor=FIRE_ACTOR,
            clock=clock,
            plugins=plugins,
            checklist=definition.id,
        )
        if result.to_state != FIRE_TO:
            raise RuntimeError(f"engine fire went to {result.to_state}")

    try:
        # warm-up (not timed): first fire rebuilds the definition from its JSON, first statements compile
        t0 = time.perf_counter()
        for row in warm_engine:
            engine_one(row)
        warm_engine_s = time.perf_counter() - t0
        for row in warm_base:
            baseline(row, now)
        for row in warm_base:
            floor(row, now, row.version + 1)
        for peer in peers:
            for _ in range(warmup):
                peer()

        lat = {"engine": [], "baseline": [], "floor": [], **{f"peer_{peer.name}": [] for peer in peers}}

        def timed(kind, one, rows, *args):
            into = lat[kind]
            for row in rows:
                s = time.perf_counter()
                one(row, *args)
                into.append(time.perf_counter() - s)

        def run_engine(rows):
            timed("engine", lambda row: engine_one(row), rows)

        def run_floor(rows):
            timed("floor", lambda row: floor(row, now, row.version + 1), rows)

        # Interleave blocks (baseline, floor, engine, baseline …) so all three meet the same machine noise; the floor
        # moves on the items the baseline block just moved.
        gc.collect()
        wall = {"engine": 0.0, "baseline": 0.0, "floor": 0.0}
        cpu = dict(wall)
        block_ratios = []
        for start in range(0, n_fires, block):
            spent = {}
            for kind in ("baseline", "floor", "engine", *(f"peer_{peer.name}" for peer in peers)):
                s, c = time.perf_counter(), time.process_time()
                if kind.startswith("peer_"):
                    step = next(p for p in peers if kind == f"peer_{p.name}")
                    timed(kind, lambda row, step=step: step(), base_rows[start : start + block])
                elif kind == "baseline":
                    timed("baseline", baseline, base_rows[start : start + block], now)
                elif kind == "floor":
                    run_floor(base_rows[start : start + block])
                elif profiler.directory is not None and start == 0:
                    profiler.run("fires", run_engine, engine_rows[start : start + block])
                else:
                    run_engine(engine_rows[start : start + block])
                spent[kind] = time.perf_counter() - s
                wall[kind] = wall.get(kind, 0.0) + spent[kind]
                cpu[kind] = cpu.get(kind, 0.0) + time.process_time() - c
            block_ratios.append(spent["baseline"] / spent["engine"] if spent["engine"] else float("nan"))
    finally:
        floor.close()
    n = len(engine_rows)
    p50 = {kind: pct(values, 0.50) * 1e3 for kind, values in lat.items()}
    peer_figures = {}
    for peer in peers:
        kind = f"peer_{peer.name}"
        peer_figures.update(
            {
                f"{kind}_ms_p50": p50[kind],
                f"{kind}_cpu_ms": cpu[kind] / len(lat[kind]) * 1e3,
                f"{kind}_floor_ratio": p50[kind] / p50["floor"],
                f"{kind}_engine_ratio": p50["engine"] / p50[kind],
            }
        )
    return {
        **peer_figures,
        "fires": n,
        "block": block,
        "warmup": warmup,
        "warmup_first_fires_s": warm_engine_s,
        "engine_s": wall["engine"],
        "baseline_s": wall["baseline"],
        "floor_s": wall["floor"],
        "engine_fires_per_s": n / wall["engine"],
        "baseline_fires_per_s": n / wall["baseline"],
        "floor_fires_per_s": n / wall["floor"],
        "fire_ratio": wall["baseline"] / wall["engine"],
        # CPU time of this process (SQLite's work included, PostgreSQL's server not): steadier than wall time
        "engine_cpu_ms_per_fire": cpu["engine"] / n * 1e3,
        "baseline_cpu_ms_per_fire": cpu["baseline"] / n * 1e3,
        "floor_cpu_ms_per_fire": cpu["floor"] / n * 1e3,
        "fire_cpu_ratio": cpu["baseline"] / cpu["engine"] if cpu["engine"] else float("nan"),
        "fire_ratio_block_median": statistics.median(block_ratios),
        "fire_ratio_block_min": min(block_ratios),
        "fire_ratio_block_max": max(block_ratios),
        "engine_ms_p50": p50["engine"],
        "engine_ms_p95": pct(lat["engine"], 0.95) * 1e3,
        "baseline_ms_p50": p50["baseline"],
        "baseline_ms_p95": pct(lat["baseline"], 0.95) * 1e3,
        "floor_ms_p50": p50["floor"],
        "floor_ms_p95": pct(lat["floor"], 0.95) * 1e3,
        # each figure as a multiple of its floor (p50 to p50, CPU to CPU)
        "engine_floor_ratio": p50["engine"] / p50["floor"],
        "baseline_floor_ratio": p50["baseline"] / p50["floor"],
        "engine_floor_cpu_ratio": cpu["engine"] / cpu["floor"] if cpu["floor"] else float("nan"),
        "baseline_floor_cpu_ratio": cpu["baseline"] / cpu["floor"] if cpu["floor"] else float("nan"),
        "floor_kind": "stdlib sqlite3, one connection" if db.dialect == "sqlite" else "psycopg, one connection",
    }


def phase_anatomy(n: int) -> dict:
    """Why raw Core costs what it costs on SQLite: one UPDATE + INSERT + COMMIT taken apart, ``n`` transactions per
    variant, each on its own items of a fresh file with the real schema (not the benchmark's database).

    Variants: the standard library on one open connection (the floor without the Machine); the same opening and
    closing a connection per transaction (what ``NullPool`` does underneath), with the connect and close shares
    timed apart; Core through a ``NullPool`` engine with the store's hooks (the store before this change); Core
    through the store (pooled) with statements built once; the same with the statements built per call; and the
    store's empty write transaction alone.
    """
    import sqlite3

    from sqlalchemy import bindparam, create_engine, insert, update
    from sqlalchemy.pool import NullPool

    from engine.store import open_store
    from engine.store.db import SQLITE_CONNECT_ARGS, SQLITE_PRAGMAS, sqlite_transactions
    from engine.store.tables import checklists, events, items, metadata, tasks

    tmp = tempfile.mkdtemp(prefix="qingdan-anatomy-")
    path = os.path.join(tmp, "anatomy.sqlite")
    url = f"sqlite:///{path}"
    now = NOW.astimezone(dt.UTC)
    stamp = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    store = open_store(url)
    nullpool = sqlite_transactions(create_engine(url, poolclass=NullPool, connect_args=SQLITE_CONNECT_ARGS))
    variants = ["stdlib_shared", "stdlib_per_txn", "core_nullpool", "core_pooled", "core_pooled_built_per_call", "core_pooled_empty"]
    try:
        metadata.create_all(store.engine)
        with store.write() as conn:
            conn.execute(
                insert(checklists),
                {
                    "id": "a",
                    "title": "a",
                    "year": 2017,
                    "revision": 1,
                    "source_sha256": "-",
                    "definition": "{}",
                    "format_version": 1,
                    "loaded_at": now,
                },
            )
            conn.execute(insert(tasks), {"id": 1, "checklist_id": "a", "key": "T1", "kind": "workflow", "position": 0, "removed": False})
            conn.execute(
                insert(items),
                [
                    {
                        "task_id": 1,
                        "name": f"item{i}",
                        "position": i,
                        "state": FIRE_FROM,
                        "version": 1,
                        "state_since": now,
                        "removed": False,
                    }
                    for i in range(len(variants) * n)
                ],
            )
            first_id = conn.exec_driver_sql("SELECT min(id) FROM items").scalar()
        update_item = (
            update(items)
            .where(items.c.id == bindparam("item_id"), items.c.version == bindparam("old_version"))
            .values(state=bindparam("new_state"), version=items.c.version + 1, state_since=bindparam("now"))
        )
        event_row = {
            "chain": "anatomy", "at": now, "actor": FIRE_ACTOR, "kind": "transition", "checklist_id": "a", "task_key": "T1",
            "item_name": "x", "trigger": FIRE_TRIGGER, "from_state": FIRE_FROM, "to_state": FIRE_TO, "note": None, "data": "{}",
            "prev_hash": FAKE_HASH, "hash": FAKE_HASH,
        }  # fmt: skip
        raw_update = FLOOR_UPDATE.format(p="?")
        raw_insert = FLOOR_INSERT.format(ps=", ".join("?" * 15))
        parts = {"connect": [], "close": []}

        def raw_txn(conn, item_id, seq):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(raw_update, (FIRE_TO, stamp, item_id, 1))
            conn.execute(
                raw_insert,
                (
                    "anatomy-raw",
                    seq,
                    stamp,
                    FIRE_ACTOR,
                    "transition",
                    "a",
                    "T1",
                    "x",
                    FIRE_TRIGGER,
                    FIRE_FROM,
                    FIRE_TO,
                    None,
                    "{}",
                    FAKE_HASH,
                    FAKE_HASH,
                ),
            )
            conn.execute("COMMIT")

        def open_raw():
            conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            for pragma in SQLITE_PRAGMAS:
                conn.execute(f"PRAGMA {pragma}")
            return conn

        shared = open_raw()

        def stdlib_shared(item_id, seq):
            raw_txn(shared, item_id, seq)

        def stdlib_per_txn(item_id, seq):
            t0 = time.perf_counter()
            conn = open_raw()
            t1 = time.perf_counter()
            raw_txn(conn, item_id, seq)
            t2 = time.perf_counter()
            conn.close()  # the last connection of the process: SQLite checkpoints the WAL and removes it
            parts["connect"].append(t1 - t0)
            parts["close"].append(time.perf_counter() - t2)

        def core(engine_or_store, built_per_call=False):
            def one(item_id, seq):
                begin = engine_or_store.write() if hasattr(engine_or_store, "write") else _write(engine_or_store)
                with begin as conn:
                    if built_per_call:
                        conn.execute(
                            update(items)
                            .where(items.c.id == item_id, items.c.version == 1)
                            .values(state=FIRE_TO, version=items.c.version + 1, state_since=now)
                        )
                        conn.execute(insert(events).values(seq=seq, **event_row))
                    else:
                        conn.execute(update_item, {"item_id": item_id, "old_version": 1, "new_state": FIRE_TO, "now": now})
                        conn.execute(insert(events), {"seq": seq, **event_row})

            return one

        def empty(item_id, seq):
            with store.write():
                pass

        work = {
            "stdlib_shared": stdlib_shared,
            "stdlib_per_txn": stdlib_per_txn,
            "core_nullpool": core(nullpool),
            "core_pooled": core(store),
            "core_pooled_built_per_call": core(store, built_per_call=True),
            "core_pooled_empty": empty,
        }
        out = {}
        seq = 0
        for index, name in enumerate(variants):
            alone = name in ("stdlib_per_txn", "core_nullpool")
            if alone:
                shared.close()  # so that each of its connections is the last one, as under NullPool in one process
                store.dispose()
            lat = []
            for k in range(n):
                seq += 1
                s = time.perf_counter()
                work[name](first_id + index * n + k, seq)
                lat.append(time.perf_counter() - s)
            if alone:
                shared = open_raw()
            out[f"{name}_ms_p50"] = pct(lat, 0.5) * 1e3
        out["stdlib_connect_ms_p50"] = pct(parts["connect"], 0.5) * 1e3
        out["stdlib_close_ms_p50"] = pct(parts["close"], 0.5) * 1e3
        out["transactions"] = n
        shared.close()
        return out
    finally:
        nullpool.dispose()
        store.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def _write(engine):
    """``Store.write`` on a bare engine (the ``NullPool`` variant of the anatomy)."""
    from engine.store.db import Store

    with Store(engine).write() as conn:
        yield conn


def phase_status(store, definition, clock, repeats: int, profiler):
    from engine import catalog
    from engine.queries.status import checklist_status

    catalog._cache.clear()  # cold: the definition is rebuilt from its stored JSON, as in a fresh process
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    board = profiler.run("status", checklist_status, store, definition.id, clock)
    cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
    warm = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        board = checklist_status(store, definition.id, clock)
        warm.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    payload = json.dumps(board.as_json(), ensure_ascii=False, indent=2)
    to_json = time.perf_counter() - t0
    moved = sum(t.states.get(FIRE_TO, 0) for t in board.tasks)
    moved_on = sum(t.states.get(FLOOR_TO, 0) for t in board.tasks)
    overdue = sum(t.overdue for t in board.tasks)
    return {
        "status_s": cold,
        "status_cpu_s": cold_cpu,
        "status_warm_s": statistics.median(warm),
        "status_as_json_s": to_json,
        "status_json_bytes": len(payload.encode()),
        "tasks_in_status": len(board.tasks),
        "items_moved_seen": moved,
        "items_moved_on_seen": moved_on,
        "overdue_items": overdue,
    }


def _small_list_status(exe_cmd: list[str], env: dict, repeats: int) -> list[float]:
    """``qingdan status`` of a small list (the shipped Yanting list, 8 tasks) in a SQLite file of its own: the issue's
    "a command that starts at once", beside ``--help``."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="qingdan-bench-small-") as folder:
        small = dict(env, QINGDAN_DATABASE_URL=f"sqlite:///{folder}/small.sqlite", QINGDAN_HOME=folder)
        small.pop("QINGDAN_NOW", None)
        loaded = subprocess.run(exe_cmd + ["load", str(ROOT / "checklists" / "yanting-wenguang-2017.yaml")], env=small, capture_output=True)
        if loaded.returncode != 0:
            raise RuntimeError(f"loading the small list failed: {loaded.stderr.decode()[-300:]}")
        subprocess.run(exe_cmd + ["status", "yanting-wenguang-2017"], env=small, capture_output=True)  # caches, bytecode
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            subprocess.run(exe_cmd + ["status", "yanting-wenguang-2017"], env=small, capture_output=True, check=True)
            runs.append(time.perf_counter() - t0)
    return runs


def phase_cli_status(url: str, repeats: int):
    exe = str(Path(sys.executable).with_name("qingdan"))
    if not os.path.exists(exe):
        exe_cmd = [sys.executable, "-m", "engine.cli.main"]
    else:
        exe_cmd = [exe]
    env = dict(os.environ, QINGDAN_DATABASE_URL=url, QINGDAN_NOW=NOW.isoformat())
    env.pop("QINGDAN_DEBUG", None)
    # as an installed command runs: with its bytecode cached (a shell that sets PYTHONDONTWRITEBYTECODE would make
    # every run compile qingdan's modules again, a cost no user pays twice); the first, untimed run writes it
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def timed(args):
        t0 = time.perf_counter()
        done = subprocess.run(exe_cmd + args, env=env, capture_output=True, cwd=ROOT)
        elapsed = time.perf_counter() - t0
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(exe_cmd + args)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
        return elapsed, done.stdout

    timed(["--version"])
    startup = [timed(["--version"])[0] for _ in range(repeats)]
    helps = [timed(["--help"])[0] for _ in range(repeats)]
    small = _small_list_status(exe_cmd, env, repeats)
    runs = []
    out = b""
    for _ in range(repeats):
        elapsed, out = timed(["status", CHECKLIST_ID, "--json"])
        runs.append(elapsed)
    json.loads(out)  # it printed a whole JSON document
    return {
        "cli_status_s": statistics.median(runs),
        "cli_status_min_s": min(runs),
        "cli_startup_s": statistics.median(startup),
        "cli_help_s": statistics.median(helps),
        "cli_status_small_s": statistics.median(small),
        "cli_repeats": repeats,
        "cli_command": " ".join(exe_cmd + ["status", CHECKLIST_ID, "--json"]),
    }


@contextlib.contextmanager
def phase(name: str, errors: dict):
    try:
        yield
    except Exception as err:  # noqa: BLE001 - reported, and the remaining phases still run
        errors[name] = f"{type(err).__name__}: {err}"
        traceback.print_exc()
        print(f"phase {name} failed; continuing", file=sys.stderr)


def code_state() -> dict:
    """The commit and whether engine/ or plugins/ had uncommitted changes (read-only git calls)."""

    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    dirty = git("status", "--porcelain", "--", "engine", "plugins")
    return {
        "commit": git("rev-parse", "HEAD"),
        "engine_dirty": bool(dirty) if dirty is not None else None,
        "dirty_files": dirty.splitlines() if dirty else [],
    }


# --------------------------------------------------------------------------------------- report
def targets(dialect: str, n_items: int) -> dict:
    """The targets that apply to this run: the fire target has its own limit on PostgreSQL, and a list larger than
    the default 25,000 items is held to the scale target (100,000 items in ≤ 10 s)."""
    out = dict(TARGETS)
    if dialect != "sqlite":
        out["engine_ms_p50"] = ("one fire, p50", "<=", PG_FIRE_MS, "ms")
    if n_items > 25_000:
        out["load_s"] = (f"validate + load (scale, ≤ {SCALE_ITEMS:,} items)", "<=", SCALE_LOAD_S, "s")
    return out


def applies(key: str, dialect: str, n_items: int) -> bool:
    """Whether a target was set for this kind of run (the others are printed for comparison)."""
    if key == "engine_ms_p50":
        return True
    if dialect != "sqlite":
        return False
    return key == "load_s" or n_items <= 25_000


def verdicts(figures: dict, dialect: str = "sqlite", n_items: int = 25_000) -> dict:
    out = {}
    for key, (label, op, limit, unit) in targets(dialect, n_items).items():
        value = figures.get(key)
        met = None if value is None else (value <= limit if op == "<=" else value >= limit)
        out[key] = {
            "label": label,
            "value": value,
            "op": op,
            "target": limit,
            "unit": unit,
            "met": met,
            "applies": applies(key, dialect, n_items),
        }
    return out


def print_table(result: dict) -> None:
    f = result["figures"]
    p = result["params"]

    def fmt(template: str, *keys, scale: float = 1.0) -> str:
        values = [f.get(k) for k in keys]
        if any(v is None for v in values):
            return "—"
        return template.format(*[v * scale if scale != 1.0 else v for v in values])

    print()
    print(
        f"qingdan core benchmark — {result['dialect']}  ({p['tasks']} tasks × {p['items']} items = "
        f"{p['tasks'] * p['items']} items, {p['fires']} fires)  {result['machine']['when']}"
    )
    code = result["code"]
    print(
        f"database: {result['database']}   cpus: {result['machine']['cpus']}   "
        f"load avg: {result['machine']['loadavg_before']} → {result['machine']['loadavg_after']}   "
        f"code: {(code['commit'] or '?')[:10]}{' + uncommitted engine changes' if code['engine_dirty'] else ''}"
    )
    rows = [
        ("generate YAML", fmt("{:.2f} s", "generate_s"), fmt("{:.1f} MB of YAML", "yaml_bytes", scale=1e-6)),
        ("validate", fmt("{:.2f} s", "validate_s"), fmt("CPU {:.2f} s; {} warnings", "validate_cpu_s", "warnings")),
        (
            "load (DB write)",
            fmt("{:.2f} s", "load_only_s"),
            fmt("CPU {:.2f} s; {} tasks, {} items, one transaction", "load_only_cpu_s", "tasks_loaded", "items_loaded"),
        ),
        ("validate + load", fmt("{:.2f} s", "load_s"), fmt("CPU {:.2f} s; target ≤ 5 s", "load_cpu_s")),
        ("first fires (warm-up)", fmt("{:.2f} s", "warmup_first_fires_s"), fmt("{} fires, incl. definition rebuild", "warmup")),
        (
            "floor: " + ("stdlib sqlite3" if result["dialect"] == "sqlite" else "psycopg alone"),
            fmt("{:.3f} ms", "floor_ms_p50"),
            fmt("p50; p95 {:.3f} ms; CPU {:.3f} ms/fire; UPDATE+INSERT+commit, shared Machine", "floor_ms_p95", "floor_cpu_ms_per_fire"),
        ),
        (
            "engine fire()",
            fmt("{:.3f} ms", "engine_ms_p50"),
            fmt(
                "p50 = {:.1f}× floor; p95 {:.2f} ms; CPU {:.3f} ms/fire = {:.1f}× floor; {} fires",
                "engine_floor_ratio",
                "engine_ms_p95",
                "engine_cpu_ms_per_fire",
                "engine_floor_cpu_ratio",
                "fires",
            ),
        ),
        *(
            (
                f"peer: SpiffWorkflow {kind}",
                fmt("{:.3f} ms", f"peer_{kind}_ms_p50"),
                fmt(
                    "p50 = {:.1f}× floor; CPU {:.3f} ms/step; engine fire = {:.2f}× it; load + complete + serialize, no database",
                    f"peer_{kind}_floor_ratio",
                    f"peer_{kind}_cpu_ms",
                    f"peer_{kind}_engine_ratio",
                ),
            )
            for kind in ("bpmn", "core")
            if f"peer_{kind}_ms_p50" in f
        ),
        (
            "raw Core UPDATE+INSERT",
            fmt("{:.3f} ms", "baseline_ms_p50"),
            fmt(
                "p50 = {:.1f}× floor; p95 {:.2f} ms; CPU {:.3f} ms/fire = {:.1f}× floor",
                "baseline_floor_ratio",
                "baseline_ms_p95",
                "baseline_cpu_ms_per_fire",
                "baseline_floor_cpu_ratio",
            ),
        ),
        (
            "fire rate raw Core/engine",
            fmt("{:.0%}", "fire_ratio"),
            fmt(
                "engine {:.0f} /s, raw Core {:.0f} /s; per block: median {:.0%}, min {:.0%}, max {:.0%}",
                "engine_fires_per_s",
                "baseline_fires_per_s",
                "fire_ratio_block_median",
                "fire_ratio_block_min",
                "fire_ratio_block_max",
            ),
        ),
        (
            "anatomy: stdlib, one conn.",
            fmt("{:.3f} ms", "anatomy_stdlib_shared_ms_p50"),
            fmt("p50 of {} UPDATE+INSERT+COMMIT on a fresh file, no Machine", "anatomy_transactions"),
        ),
        (
            "  stdlib, conn. per txn",
            fmt("{:.3f} ms", "anatomy_stdlib_per_txn_ms_p50"),
            fmt(
                "of which connect + 4 PRAGMAs {:.3f} ms, close (WAL checkpoint) {:.3f} ms",
                "anatomy_stdlib_connect_ms_p50",
                "anatomy_stdlib_close_ms_p50",
            ),
        ),
        ("  Core, NullPool", fmt("{:.3f} ms", "anatomy_core_nullpool_ms_p50"), "the store before: a new connection per transaction"),
        ("  Core, pooled", fmt("{:.3f} ms", "anatomy_core_pooled_ms_p50"), "the store now, statements built once"),
        (
            "  Core, pooled, built per call",
            fmt("{:.3f} ms", "anatomy_core_pooled_built_per_call_ms_p50"),
            "statements constructed per transaction",
        ),
        ("  Core, empty write txn", fmt("{:.3f} ms", "anatomy_core_pooled_empty_ms_p50"), "BEGIN IMMEDIATE + COMMIT through the store"),
        (
            "status (in-process, cold)",
            fmt("{:.0f} ms", "status_s", scale=1e3),
            fmt("CPU {:.0f} ms; definition rebuilt from JSON; target ≤ 500 ms", "status_cpu_s", scale=1e3),
        ),
        ("status (in-process, warm)", fmt("{:.0f} ms", "status_warm_s", scale=1e3), "definition cached; median"),
        ("status → JSON text", fmt("{:.0f} ms", "status_as_json_s", scale=1e3), fmt("{:.0f} kB", "status_json_bytes", scale=1e-3)),
        (
            "qingdan status --json",
            fmt("{:.2f} s", "cli_status_s"),
            fmt("subprocess, median of {}; start-up alone (--version) {:.2f} s", "cli_repeats", "cli_startup_s"),
        ),
        (
            "qingdan status (small list)",
            fmt("{:.2f} s", "cli_status_small_s"),
            fmt("the shipped Yanting list (8 tasks); the floor, qingdan --help: {:.2f} s", "cli_help_s"),
        ),
        (
            "peak RSS",
            fmt("{:.0f} MB", "peak_rss_mb"),
            fmt("after validate+load {:.0f}, after fires {:.0f}; target ≤ 300 MB", "rss_after_validate_load_mb", "rss_after_fires_mb"),
        ),
        ("database size", fmt("{:.1f} MB", "db_bytes", scale=1e-6), ""),
        (
            "machine speed check",
            " / ".join(f"{c:.2f}" for c in f.get("calibration_s", [])) + " s",
            "fixed pure-Python workload before load / after fires / after status; higher = busier machine",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>{vwidth}}  {note}")
    for name, error in result["errors"].items():
        print(f"  ERROR in phase {name}: {error}")
    print()
    print("targets (issues: SQLite file on the 2-core machine; one fire ≤ 2 ms on PostgreSQL):")
    for key, v in result["targets"].items():
        value = v["value"]
        if value is None:
            shown, mark = "—", "NOT RUN"
        else:
            shown = f"{value:.0%}" if key == "fire_ratio" else f"{value:.2f} {v['unit']}".strip()
            mark = "MET" if v["met"] else "MISSED"
        limit = f"{v['target']:.0%}" if key == "fire_ratio" else f"{v['target']:g} {v['unit']}".strip()
        note = "" if v["applies"] else "  (target set for SQLite and 25,000 items; shown for comparison)"
        print(f"  {mark:<7}  {v['label']:<26} {shown:>10}  (target {v['op']} {limit}){note}")


def _peer_steps(peer: str | None, definition) -> list:
    if peer is None:
        return []
    from bench.peers import spiff

    if not spiff.available():
        raise SystemExit("SpiffWorkflow is not installed: run python -m bench.peers.spiff --install first")
    return spiff.steps(definition.workflows["construction"])


# --------------------------------------------------------------------------------------- main
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.core", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        help="database URL (default: a fresh SQLite file in a temp dir); for PostgreSQL "
        "a fresh schema is created in it and dropped at the end",
    )
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument("--fires", type=int, default=10000)
    parser.add_argument("--block", type=int, default=200, help="fires per interleaved engine/baseline block")
    parser.add_argument("--warmup", type=int, default=20, help="untimed fires of each kind before timing")
    parser.add_argument("--status-repeats", type=int, default=5)
    parser.add_argument("--cli-repeats", type=int, default=3)
    parser.add_argument("--no-cli", action="store_true", help="skip the 'qingdan status' subprocess timing")
    parser.add_argument(
        "--anatomy", type=int, default=500, help="transactions per variant of the SQLite cost anatomy of raw Core (0: skip)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile validate, load, the first fire block and status into bench/results/profile/ "
        "(figures then include profiler overhead)",
    )
    parser.add_argument(
        "--peer",
        choices=["spiff"],
        help="also time a peer library's step in the fire blocks (bench/peers/; install it first with "
        "python -m bench.peers.spiff --install)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (print its URL) instead of dropping it")
    parser.add_argument("--out", help="JSON result path (default bench/results/core-<dialect>.json)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    import sqlalchemy

    from engine.dates.clock import FixedClock
    from engine.pluginmanager import get_plugin_manager
    from engine.store import open_store
    from engine.store.migrate import ensure_schema

    started = dt.datetime.now(dt.UTC).astimezone()
    loadavg_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    figures: dict = {}
    errors: dict = {}
    code = code_state()  # before the imports below: the code this run measures
    # Import every engine module this benchmark uses now, so one run measures one state of the code.
    for module in ("engine.runtime.loader", "engine.runtime.fire", "engine.queries.status", "engine.definition.validation"):
        importlib.import_module(module)

    t0 = time.perf_counter()
    text = generate_checklist(args.tasks, args.items)
    figures["generate_s"] = time.perf_counter() - t0
    figures["yaml_bytes"] = len(text.encode("utf-8"))

    db = Database(args.db, keep=args.keep)
    profiler = Profiler(RESULTS / "profile" if args.profile else None, db.dialect)
    store = None
    try:
        store = open_store(db.url)
        t0 = time.perf_counter()
        ensure_schema(store)
        figures["ensure_schema_s"] = time.perf_counter() - t0
        plugins = get_plugin_manager()
        clock = FixedClock(NOW)
        figures["rss_before_mb"] = rss_mb()

        calibration = [calibrate()]
        loaded, definition = phase_validate_load(store, text, plugins, clock, profiler)
        figures.update(loaded)
        del text
        figures["rss_after_validate_load_mb"] = rss_mb()

        # A failing phase (other people edit the engine while this runs) is recorded; the others still run.
        with phase("fires", errors):
            peers = _peer_steps(args.peer, definition)
            figures.update(phase_fires(store, db, definition, plugins, clock, args.fires, args.block, args.warmup, profiler, peers))
        figures["rss_after_fires_mb"] = rss_mb()
        if db.dialect == "sqlite" and args.anatomy:
            with phase("anatomy", errors):
                figures.update({f"anatomy_{key}": value for key, value in phase_anatomy(args.anatomy).items()})
        calibration.append(calibrate())

        with phase("status", errors):
            figures.update(phase_status(store, definition, clock, args.status_repeats, profiler))
            if "fires" in figures:
                # the engine's items in plan_approved, the baseline's moved on by the floor to tendering
                expected = figures["fires"] + figures["warmup"]
                if (figures["items_moved_seen"], figures["items_moved_on_seen"]) != (expected, expected):
                    raise RuntimeError(
                        f"status shows {figures['items_moved_seen']} items in {FIRE_TO} and {figures['items_moved_on_seen']} "
                        f"in {FLOOR_TO}, expected {expected} each"
                    )
        calibration.append(calibrate())
        figures["calibration_s"] = calibration
        figures["peak_rss_mb"] = rss_mb()  # in-process work done; the CLI runs in a child process
        figures["rss_current_mb"] = current_rss_mb()

        if not args.no_cli:
            with phase("cli_status", errors):
                figures.update(phase_cli_status(db.url, args.cli_repeats))
        figures["db_bytes"] = db.size_bytes()
    finally:
        if store is not None:
            store.dispose()
        db.drop()

    result = {
        "benchmark": "core",
        "dialect": db.dialect,
        "database": "sqlite file in a temp dir" if db.tmpdir else (f"schema {db.schema} (dropped)" if db.schema else db.url),
        "params": {
            "tasks": args.tasks,
            "items": args.items,
            "fires": args.fires,
            "block": args.block,
            "warmup": args.warmup,
            "profile": args.profile,
            "now": NOW.isoformat(),
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
        "code": code,
        "figures": figures,
        "errors": errors,
        "targets": verdicts(figures, db.dialect, args.tasks * args.items),
    }
    out = Path(args.out) if args.out else RESULTS / f"core-{db.dialect}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_table(result)
    print(f"\nresults: {out}")
    for path in profiler.written:
        print(f"profile: {path}  (text summary next to it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
