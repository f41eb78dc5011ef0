"""Benchmark of the web: the board of a 25,000-item checklist (server time and SQL query count), and the status API
under concurrent clients against gunicorn.

Run ``python -m bench.web [--db URL] [--tasks 1000 --items 25]`` (see docs/web.md, "Benchmark"):

1. **Board**: a fresh database (SQLite file, or a new schema in the PostgreSQL database given with ``--db``) gets the
   generated checklist of ``bench.core`` (1,000 tasks × 25 items); a head account opens ``/board/bench-core`` through
   the app in-process (Flask's test client: the whole WSGI request, template rendering included, no network). The
   first request warms the definition cache; then ``--repeats`` requests are timed and their SQL statements counted
   (SQLAlchemy ``before_cursor_execute``). The same is done for a 10-task checklist: the counts must be equal.
   Target: median ≤ 300 ms.
2. **Status API** (``--api``; needs ``--db postgresql…``): ``gunicorn -w 2 --threads 4 'web:create_app()'`` on a free
   loopback port, ``--clients`` (32) threads each sending ``GET /api/checklists/bench-core/status`` with a Bearer token
   on a kept-alive connection for ``--seconds`` (20) after a warm-up; requests per second and latency percentiles.

Nothing asserts; targets print as MET or MISSED and the figures go to ``bench/results/web-<dialect>.json``.
Traffic goes only to 127.0.0.1; every loop is bounded in time and count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.core import CHECKLIST_ID, NOW, RESULTS, Database, generate_checklist

BOARD_TARGET_S = 0.300
PASSWORD = "bench-password-1"


def _load(store, text: str, plugins, clock):
    from engine.definition.validation import validate_text
    from engine.pluginmanager import step_types
    from engine.runtime.loader import load

    checked = validate_text(text, "bench.yaml", step_types(plugins))
    if not checked.ok:
        raise SystemExit("\n".join(p.format() for p in checked.errors))
    load(store, [checked.definition], clock=clock, actor="bench")
    return checked.definition


def _count_queries(store):
    from sqlalchemy import event

    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    return seen, lambda: event.remove(store.engine, "before_cursor_execute", count)


def board_phase(url: str, tasks: int, items: int, repeats: int) -> dict:
    from engine.accounts import create_account
    from engine.dates.clock import FixedClock
    from engine.pluginmanager import get_plugin_manager
    from engine.store import open_store
    from engine.store.migrate import ensure_schema
    from web import create_app

    store = open_store(url)
    ensure_schema(store)
    plugins = get_plugin_manager()
    clock = FixedClock(NOW)
    t0 = time.perf_counter()
    _load(store, generate_checklist(tasks, items), plugins, clock)
    load_s = time.perf_counter() - t0
    create_account(store, "bench-head", "head", clock=clock, password=PASSWORD, people=[(CHECKLIST_ID, "wang")])
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-web-") as instance:
        app = create_app({"STORE": store, "CLOCK": clock, "PLUGINS": plugins, "INSTANCE_PATH": instance, "WTF_CSRF_ENABLED": False})
        client = app.test_client()
        client.post("/login", data={"account": "bench-head", "password": PASSWORD})
        first = time.perf_counter()
        response = client.get(f"/board/{CHECKLIST_ID}")
        first_s = time.perf_counter() - first
        assert response.status_code == 200, response.status_code
        size = len(response.data)
        times, cpu, counts = [], [], []
        for _ in range(repeats):
            seen, stop = _count_queries(store)
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(f"/board/{CHECKLIST_ID}")
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            stop()
            counts.append(len(seen))
            assert response.status_code == 200
    store.dispose()
    return {
        "tasks": tasks,
        "items": tasks * items,
        "load_s": round(load_s, 3),
        "first_s": round(first_s, 4),
        "median_s": round(statistics.median(times), 4),
        "p95_s": round(sorted(times)[max(0, int(len(times) * 0.95) - 1)], 4),
        "min_s": round(min(times), 4),
        "cpu_median_s": round(statistics.median(cpu), 4),
        "queries": counts[0],
        "queries_stable": len(set(counts)) == 1,
        "html_bytes": size,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


def api_phase(url: str, clients: int, seconds: float, workers: int, threads: int) -> dict:
    from engine.accounts import issue_token
    from engine.dates.clock import FixedClock
    from engine.store import open_store

    store = open_store(url)
    token = issue_token(store, "bench-head", clock=FixedClock(NOW))
    store.dispose()
    port = _free_port()
    instance = tempfile.mkdtemp(prefix="qingdan-bench-gunicorn-")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    environ.update({"QINGDAN_DATABASE_URL": url, "QINGDAN_NOW": NOW.isoformat(), "QINGDAN_INSTANCE": instance})
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "web:create_app()",
        ],
        env=environ,
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    path = f"/api/checklists/{CHECKLIST_ID}/status"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers=headers)
                if conn.getresponse().read() and True:
                    conn.close()
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.3)
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop_at = [0.0]

        def client_loop(warmup_until: float):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine, bad, sent = [], 0, 0
            while sent < 100000:
                now = time.monotonic()
                if now >= stop_at[0]:
                    break
                start = time.perf_counter()
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                sent += 1
                if now >= warmup_until:
                    if ok:
                        mine.append(time.perf_counter() - start)
                    else:
                        bad += 1
            conn.close()
            with lock:
                latencies.extend(mine)
                errors[0] += bad

        warmup = 3.0
        begin = time.monotonic()
        stop_at[0] = begin + warmup + seconds
        pool = [threading.Thread(target=client_loop, args=(begin + warmup,)) for _ in range(clients)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(seconds + warmup + 60)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    return {
        "clients": clients,
        "workers": workers,
        "threads": threads,
        "seconds": seconds,
        "requests": len(latencies),
        "errors": errors[0],
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1) if latencies else None,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file); PostgreSQL gets a fresh schema")
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--api", action="store_true", help="also load the status API through gunicorn (PostgreSQL)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    big, small = Database(args.db), Database(args.db)
    result = {"dialect": big.dialect, "python": sys.version.split()[0], "load_before": os.getloadavg()[0]}
    try:
        result["board_small"] = board_phase(small.url, 10, args.items, args.repeats)
        result["board"] = board_phase(big.url, args.tasks, args.items, args.repeats)
        result["queries_constant"] = result["board"]["queries"] == result["board_small"]["queries"]
        if args.api:
            if big.dialect != "postgresql":
                print("--api is meant for PostgreSQL (several gunicorn workers on one SQLite file serialize writers); running anyway")
            result["api"] = api_phase(big.url, args.clients, args.seconds, args.workers, args.threads)
    finally:
        big.drop()
        small.drop()
    result["load_after"] = os.getloadavg()[0]
    board = result["board"]
    met = "MET" if board["median_s"] <= BOARD_TARGET_S else "MISSED"
    print(
        f"board of {board['items']:,} items ({board['tasks']} tasks) on {result['dialect']}: median {board['median_s'] * 1000:.0f} ms, "
        f"p95 {board['p95_s'] * 1000:.0f} ms, min {board['min_s'] * 1000:.0f} ms, CPU {board['cpu_median_s'] * 1000:.0f} ms, first {board['first_s'] * 1000:.0f} ms, {board['html_bytes'] // 1024} KiB  "
        f"[target ≤ {BOARD_TARGET_S * 1000:.0f} ms: {met}]"
    )
    print(
        f"SQL statements per board: {board['queries']} ({board['tasks']} tasks) vs {result['board_small']['queries']} "
        f"(10 tasks)  [constant: {'MET' if result['queries_constant'] and board['queries_stable'] else 'MISSED'}]"
    )
    if "api" in result:
        api = result["api"]
        print(
            f"status API, {api['clients']} clients, gunicorn {api['workers']} workers × {api['threads']} threads, {api['seconds']:.0f} s: "
            f"{api['rps']} req/s, p50 {api['p50_ms']} ms, p95 {api['p95_ms']} ms, p99 {api['p99_ms']} ms, errors {api['errors']}"
        )
    out = Path(args.out) if args.out else RESULTS / f"web-{result['dialect']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"figures: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
