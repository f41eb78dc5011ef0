"""Crash safety: the real ``qingdan`` processes killed with SIGKILL mid-work leave a whole database.

- ``qingdan load`` of a generated large list, killed while it writes items (seen on its progress bar): the list is
  there entirely or not at all, and a rerun loads it;
- ``qingdan tick`` with thousands of due notices, killed after some batches were committed (seen in the database):
  a rerun ends with exactly the notices of a run that was never killed, nothing lost, nothing twice;
- ``qingdan serve`` (waitress) under concurrent API fires, killed after some answers: every fire is applied whole
  (state, one event, the audit chain verifies) or not at all, and every fire answered 200 is applied.

Each kill comes after observed progress plus a random small delay; nothing here asserts on time.
"""

from __future__ import annotations

import http.client
import json
import os
import pty
import random
import re
import select as selectors
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.core import CHECKLIST_ID, generate_checklist
from engine.store import open_store
from engine.store.tables import checklists, events, items, notices, schedule, tasks
from tests.conftest import empty_database

BOUND = 120  # seconds any one process may take before the test gives up on it


def environ(db_url: str, home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    env.update(QINGDAN_DATABASE_URL=db_url, QINGDAN_HOME=str(home), QINGDAN_LANG="en", **extra)
    return env


def run(qingdan, env, *args) -> subprocess.CompletedProcess:
    done = subprocess.run([qingdan.executable, *args], env=env, capture_output=True, text=True, timeout=BOUND)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=BOUND)


@pytest.fixture
def home(tmp_path):
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def other_url(db_url, tmp_path):
    """A second empty database of the same kind (the reference run)."""
    with empty_database("sqlite" if db_url.startswith("sqlite") else "postgresql", tmp_path, "reference") as url:
        yield url


def counts(store) -> tuple[int, int, int]:
    with store.read() as conn:
        return tuple(conn.execute(select(func.count()).select_from(table)).scalar_one() for table in (checklists, tasks, items))


# ------------------------------------------------------------------------------------------------------------ load


def test_a_killed_load_leaves_all_or_nothing(store, db_url, home, qingdan, tmp_path):
    source = tmp_path / "big.yaml"
    source.write_text(generate_checklist(60, 50), encoding="utf-8")  # 3,000 items in one transaction
    env = environ(db_url, home, QINGDAN_NOW="2017-03-01T09:00")
    whole = (1, 60, 3000)
    rng = random.Random(7)
    killed_mid_load = 0
    for _ in range(3):
        target = rng.uniform(0.1, 0.9)
        master, slave = pty.openpty()  # the progress bar is drawn only on a terminal
        proc = subprocess.Popen([qingdan.executable, "load", str(source)], env=env, stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        try:
            seen = b""
            while proc.poll() is None:
                ready, _, _ = selectors.select([master], [], [], 1.0)
                if not ready:
                    continue
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    break
                progress = re.findall(rb"(\d+)/(\d+)", seen)
                if progress and int(progress[-1][0]) >= target * int(progress[-1][1]):
                    time.sleep(rng.uniform(0, 0.05))
                    killed_mid_load += proc.poll() is None
                    break
        finally:
            kill(proc)
            os.close(master)
        assert counts(store) in ((0, 0, 0), whole)
        if counts(store) == whole:
            break
    assert killed_mid_load >= 1
    run(qingdan, env, "load", str(source))
    assert counts(store) == whole
    assert "intact" in run(qingdan, env, "audit", "verify").stdout


# ------------------------------------------------------------------------------------------------------------ tick


def notice_rows(url: str) -> list[tuple]:
    opened = open_store(url)
    try:
        with opened.read() as conn:
            rows = conn.execute(
                select(notices.c.dedupe_key, notices.c.kind, notices.c.recipient, notices.c.due_date, notices.c.subject, notices.c.text)
            ).all()
            pending = conn.execute(select(func.count()).select_from(schedule).where(schedule.c.pending.is_(True))).scalar_one()
    finally:
        opened.dispose()
    return sorted(tuple(row) for row in rows) + [("pending", pending)]


def test_a_killed_tick_reruns_to_the_reference(store, db_url, other_url, home, qingdan, tmp_path):
    source = tmp_path / "due.yaml"
    source.write_text(generate_checklist(24, 25), encoding="utf-8")  # 600 items, all behind by late July
    swept = environ(db_url, home, QINGDAN_NOW="2017-07-24T10:00")
    reference_home = tmp_path / "reference-home"
    for url, folder in ((db_url, home), (other_url, reference_home)):
        run(qingdan, environ(url, folder, QINGDAN_NOW="2017-03-01T09:00"), "load", str(source))
    run(qingdan, environ(other_url, reference_home, QINGDAN_NOW="2017-07-24T10:00"), "tick", "--no-deliver")
    reference = notice_rows(other_url)
    total = len(reference) - 1
    assert total > 1000
    rng = random.Random(11)
    killed = 0
    for _ in range(3):
        with store.read() as conn:
            before = conn.execute(select(func.count()).select_from(notices)).scalar_one()
        if before == total:
            break
        target = before + rng.randint(1, max(1, (total - before) // 2))
        proc = subprocess.Popen(
            [qingdan.executable, "tick", "--no-deliver"], env=swept, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            while proc.poll() is None:
                with store.read() as conn:
                    if conn.execute(select(func.count()).select_from(notices)).scalar_one() >= target:
                        time.sleep(rng.uniform(0, 0.05))
                        killed += proc.poll() is None
                        break
                time.sleep(0.02)
        finally:
            kill(proc)
    assert killed >= 1
    run(qingdan, swept, "tick", "--no-deliver")
    assert notice_rows(db_url) == reference
    run(qingdan, swept, "tick", "--no-deliver")  # and a further pass adds nothing
    assert notice_rows(db_url) == reference
    assert "intact" in run(qingdan, swept, "audit", "verify").stdout


# ------------------------------------------------------------------------------------------------------------ serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as err:
        err.close()
        return err.code
    except (OSError, http.client.HTTPException):
        return 0  # the server died under the request


def wait_until_serving(proc: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        assert proc.poll() is None, "qingdan serve exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("qingdan serve did not start listening")


def test_api_fires_killed_mid_burst_are_whole_or_absent(store, db_url, home, qingdan, tmp_path):
    source = tmp_path / "fires.yaml"
    source.write_text(generate_checklist(10, 20), encoding="utf-8")  # 200 items in planning
    env = environ(db_url, home, QINGDAN_NOW="2017-03-01T09:00")
    run(qingdan, env, "load", str(source))
    run(qingdan, env, "users", "add", "li", "--role", "leader", "--person", "li")
    token = run(qingdan, env, "users", "token", "li").stdout.strip().splitlines()[-1]
    targets = [(f"T{t}", name) for t in range(1, 11) for name in _item_names(store, f"T{t}")]
    rng = random.Random(5)
    rng.shuffle(targets)
    acknowledged: set[tuple[str, str]] = set()
    rounds = [targets[i * 60 : (i + 1) * 60] for i in range(3)]
    for burst in rounds:
        port = free_port()
        proc = subprocess.Popen(
            [qingdan.executable, "serve", "--no-scheduler", "--port", str(port), "--threads", "8"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pool = ThreadPoolExecutor(max_workers=8)
        try:
            wait_until_serving(proc, port)
            url = f"http://127.0.0.1:{port}/api/fire"
            futures = {
                pool.submit(post, url, token, {"checklist": CHECKLIST_ID, "task": task, "item": item, "trigger": "approve_plan"}): (
                    task,
                    item,
                )
                for task, item in burst
            }
            wanted = rng.randint(3, 20)
            answered = 0
            for future, key in futures.items():
                status = future.result(timeout=BOUND)
                if status == 200:
                    acknowledged.add(key)
                    answered += 1
                if answered >= wanted:
                    time.sleep(rng.uniform(0, 0.05))
                    break
        finally:
            kill(proc)
            pool.shutdown(wait=True, cancel_futures=True)
        assert_fires_whole(store, acknowledged)
    assert acknowledged
    assert "intact" in run(qingdan, env, "audit", "verify").stdout


def _item_names(store, task_key: str) -> list[str]:
    with store.read() as conn:
        return list(conn.execute(select(items.c.name).join(tasks, tasks.c.id == items.c.task_id).where(tasks.c.key == task_key)).scalars())


def assert_fires_whole(store, acknowledged: set) -> None:
    with store.read() as conn:
        states = {
            (task, name): state
            for task, name, state in conn.execute(
                select(tasks.c.key, items.c.name, items.c.state).join(tasks, tasks.c.id == items.c.task_id)
            )
        }
        fired: dict[tuple[str, str], int] = {}
        for task, name in conn.execute(select(events.c.task_key, events.c.item_name).where(events.c.trigger == "approve_plan")):
            fired[(task, name)] = fired.get((task, name), 0) + 1
    assert set(states.values()) <= {"planning", "plan_approved"}
    applied = {key for key, state in states.items() if state == "plan_approved"}
    assert applied == set(fired) and set(fired.values()) <= {1}  # a state change always with its one event
    assert acknowledged <= applied  # an answered fire is never lost
