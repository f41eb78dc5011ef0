"""Benchmark of the web: the board of a 25,000-item checklist (server time and SQL query count), and the status API
under concurrent clients against gunicorn.

Run ``python -m bench.web [--db URL] [--tasks 1000 --items 25]`` (see bench/README.md, "bench.web"):

1. **Board**: a fresh database (SQLite file, or a new schema in the PostgreSQL database given with ``--db``) gets the
   generated checklist of ``bench.core`` (1,000 tasks × 25 items); a head account opens ``/board/bench-core`` through
   the app in-process (Flask's test client: the whole WSGI request, template rendering included, no network). The
   first request warms the definition cache; then ``--repeats`` requests are timed and their SQL statements counted
   (SQLAlchemy ``before_cursor_execute``). The same is done for a 10-task checklist: the counts must be equal.
   Target: median ≤ 100 ms (issue 13).
2. **Status API** (``--api``; meant for ``--db postgresql…``): ``gunicorn -w 2 --threads 4 'web:create_app()'`` on a
   free loopback port, and beside it the *floor*: the same gunicorn command serving ``bench/floor_app.py``, a Flask
   view that returns from memory the bytes the real API answered first. ``--clients`` (32) threads each send
   ``GET /api/checklists/bench-core/status`` with a Bearer token on a kept-alive connection, to the floor and to the
   API in alternating rounds (``--rounds`` 2: floor, API, API, floor), ``--seconds`` (20) measured for each after a
   warm-up of ``--warmup`` (3) s per round; requests per second and latency percentiles, each with the API's ratio
   to the floor. Targets: the API's rate ≥ 50 % of the floor's, its p99 ≤ 3× the floor's.

Nothing asserts; targets print as MET or MISSED and the figures go to ``bench/results/web-<dialect>.json``.
Traffic goes only to 127.0.0.1; every loop is bounded in time and count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
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

ROOT = Path(__file__).resolve().parent.parent

BOARD_TARGET_S = 0.100  # issue 13: the board of 25,000 items, warm
API_RPS_TARGET = 0.50  # the API's requests per second ÷ the floor's
API_P99_TARGET = 3.0  # the API's p99 latency ÷ the floor's
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


def _gunicorn(app: str, workers: int, threads: int, environ: dict) -> tuple[subprocess.Popen, int]:
    """``gunicorn -w WORKERS --threads THREADS APP`` on a free loopback port, run from the repository root."""
    port = _free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning", app]
    server = subprocess.Popen(command, env=environ, cwd=str(ROOT))
    return server, port


def _first_answer(server: subprocess.Popen, port: int, path: str, headers: dict) -> tuple[bytes, str]:
    """Wait (at most a minute) until the server answers ``path``; its body and content type. Not 200: an error."""
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            conn.close()
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"gunicorn on port {port} did not start") from None
            time.sleep(0.3)
            continue
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}: {body[:200]!r}")
        return body, response.getheader("Content-Type") or "application/json"


def _stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(10)


def _drive(port: int, path: str, headers: dict, clients: int, warmup: float, seconds: float) -> dict:
    """``clients`` threads, each on its own kept-alive connection, send ``GET path`` back to back for ``warmup`` +
    ``seconds``; the requests sent during the last ``seconds`` are counted (latency of each 200, errors otherwise)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    begin = time.monotonic()
    measure_from, stop_at = begin + warmup, begin + warmup + seconds

    def client_loop():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad, sent = [], 0, 0
        while sent < 1_000_000:
            now = time.monotonic()
            if now >= stop_at:
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
            if now >= measure_from:
                if ok:
                    mine.append(time.perf_counter() - start)
                else:
                    bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    pool = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(warmup + seconds + 60)
    return {"latencies": latencies, "errors": errors[0], "seconds": seconds}


def _figures(runs: list[dict]) -> dict:
    latencies = [value for run in runs for value in run["latencies"]]
    seconds = sum(run["seconds"] for run in runs)
    return {
        "requests": len(latencies),
        "errors": sum(run["errors"] for run in runs),
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1) if latencies else None,
        "rps_per_round": [round(len(run["latencies"]) / run["seconds"], 1) for run in runs],
    }


def _ratio(value, floor) -> float | None:
    return round(value / floor, 3) if value is not None and floor else None


def api_phase(url: str, clients: int, seconds: float, workers: int, threads: int, rounds: int = 2, warmup: float = 3.0) -> dict:
    """The status API and its floor (``bench/floor_app.py``: the same bytes from memory) on the same gunicorn
    configuration, loaded by the same clients in alternating rounds (floor, API, API, floor, …), ``seconds`` in all
    for each, so that both meet the same noise of a shared machine."""
    from engine.accounts import issue_token
    from engine.dates.clock import FixedClock
    from engine.store import open_store

    store = open_store(url)
    token = issue_token(store, "bench-head", clock=FixedClock(NOW))
    store.dispose()
    path = f"/api/checklists/{CHECKLIST_ID}/status"
    headers = {"Authorization": f"Bearer {token}"}
    instance = tempfile.mkdtemp(prefix="qingdan-bench-gunicorn-")
    base = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    servers = []
    try:
        api, api_port = _gunicorn(
            "web:create_app()",
            workers,
            threads,
            {**base, "QINGDAN_DATABASE_URL": url, "QINGDAN_NOW": NOW.isoformat(), "QINGDAN_INSTANCE": instance},
        )
        servers.append(api)
        body, content_type = _first_answer(api, api_port, path, headers)
        body_file = Path(instance) / "status-body.json"
        body_file.write_bytes(body)
        floor_env = {
            **base,
            "QINGDAN_BENCH_FLOOR_BODY": str(body_file),
            "QINGDAN_BENCH_FLOOR_PATH": path,
            "QINGDAN_BENCH_FLOOR_TYPE": content_type,
        }
        floor, floor_port = _gunicorn("bench.floor_app:create_app()", workers, threads, floor_env)
        servers.append(floor)
        floor_body, _ = _first_answer(floor, floor_port, path, headers)
        if floor_body != body:
            raise SystemExit("the floor does not answer the API's bytes")
        load_before = os.getloadavg()
        runs: dict[str, list[dict]] = {"floor": [], "api": []}
        share = seconds / rounds
        for number in range(rounds):
            order = ("floor", "api") if number % 2 == 0 else ("api", "floor")
            for name in order:
                port = floor_port if name == "floor" else api_port
                runs[name].append(_drive(port, path, headers, clients, warmup, share))
        load_after = os.getloadavg()
    finally:
        for server in servers:
            _stop(server)
        shutil.rmtree(instance, ignore_errors=True)
    floor_figures, api_figures = _figures(runs["floor"]), _figures(runs["api"])
    api_figures["ratio_to_floor"] = {
        "rps": _ratio(api_figures["rps"], floor_figures["rps"]),
        "p50": _ratio(api_figures["p50_ms"], floor_figures["p50_ms"]),
        "p95": _ratio(api_figures["p95_ms"], floor_figures["p95_ms"]),
        "p99": _ratio(api_figures["p99_ms"], floor_figures["p99_ms"]),
    }
    return {
        "clients": clients,
        "workers": workers,
        "threads": threads,
        "seconds": seconds,
        "rounds": rounds,
        "warmup_s": warmup,
        "body_bytes": len(body),
        "content_type": content_type,
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in load_after],
        "floor": floor_figures,
        "api": api_figures,
    }


def _print_api(api: dict) -> None:
    floor, real = api["floor"], api["api"]
    ratio = real["ratio_to_floor"]
    print(
        f"status API, {api['body_bytes'] // 1024} KiB answers, {api['clients']} clients, gunicorn {api['workers']} workers × "
        f"{api['threads']} threads, {api['seconds']:.0f} s each in {api['rounds']} alternating rounds, "
        f"load {api['load_before'][0]:.2f} → {api['load_after'][0]:.2f}:"
    )
    print(f"  {'':22} {'req/s':>9} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'errors':>7}")
    for name, figures in (("floor (bytes in memory)", floor), ("/api/…/status", real)):
        print(
            f"  {name:22} {figures['rps']:>9} {figures['p50_ms']!s:>9} {figures['p95_ms']!s:>9} {figures['p99_ms']!s:>9} "
            f"{figures['errors']:>7}"
        )
    rps_met = ratio["rps"] is not None and ratio["rps"] >= API_RPS_TARGET
    p99_met = ratio["p99"] is not None and ratio["p99"] <= API_P99_TARGET
    print(
        f"  {'ratio to the floor':22} {ratio['rps']!s:>9} {ratio['p50']!s:>9} {ratio['p95']!s:>9} {ratio['p99']!s:>9}  "
        f"[req/s ≥ {API_RPS_TARGET:.0%} of the floor: {'MET' if rps_met else 'MISSED'}; "
        f"p99 ≤ {API_P99_TARGET:g}× the floor's: {'MET' if p99_met else 'MISSED'}]"
    )


def code_state() -> dict:
    """The commit and the uncommitted changes under engine/, plugins/ and web/ when the run started (others may be
    editing the tree while a benchmark runs)."""

    def git(*args):
        try:
            done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    dirty = git("status", "--porcelain", "--", "engine", "plugins", "web")
    return {"commit": git("rev-parse", "HEAD"), "dirty_files": dirty.splitlines() if dirty else []}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file); PostgreSQL gets a fresh schema")
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--api", action="store_true", help="also load the status API through gunicorn (PostgreSQL)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds for the API and for the floor, each")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds the seconds are split into")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each round")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    big, small = Database(args.db), Database(args.db)
    result = {"dialect": big.dialect, "python": sys.version.split()[0], "load_before": os.getloadavg()[0], "code": code_state()}
    dirty = result["code"]["dirty_files"]
    print(f"code: {(result['code']['commit'] or '?')[:10]}" + (f" + {len(dirty)} uncommitted files in engine/plugins/web" if dirty else ""))
    try:
        result["board_small"] = board_phase(small.url, 10, args.items, args.repeats)
        result["board"] = board_phase(big.url, args.tasks, args.items, args.repeats)
        result["queries_constant"] = result["board"]["queries"] == result["board_small"]["queries"]
        if args.api:
            if big.dialect != "postgresql":
                print("--api is meant for PostgreSQL (several gunicorn workers on one SQLite file serialize writers); running anyway")
            result["api"] = api_phase(big.url, args.clients, args.seconds, args.workers, args.threads, args.rounds, args.warmup)
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
        _print_api(result["api"])
    out = Path(args.out) if args.out else RESULTS / f"web-{result['dialect']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"figures: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
