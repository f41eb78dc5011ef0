"""Several scheduler processes against one database never double-send; the real scheduler process runs passes."""

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from engine.dates.clock import FixedClock
from engine.runtime.loader import load
from engine.store.tables import notices
from tests.conftest import YANTING, at, definition_of

SIMULATE_JULY = """
import datetime as dt, sys
from engine.dates.clock import FixedClock
from engine.store import open_store
from engine.reminders.sweep import run_pass
store = open_store(sys.argv[1])
zone = dt.timezone(dt.timedelta(hours=8))
day = dt.date(2017, 7, 1)
while day <= dt.date(2017, 7, 31):
    run_pass(store, FixedClock(dt.datetime.combine(day, dt.time(9, 1), zone)), batch=3)
    day += dt.timedelta(days=1)
"""


def count(store):
    with store.read() as conn:
        total = conn.execute(select(func.count()).select_from(notices)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(notices.c.dedupe_key)))).scalar_one()
    return total, distinct


def test_two_scheduler_processes_for_a_simulated_month_send_each_notice_once(store, db_url, steps, tmp_path):
    load(store, [definition_of(YANTING, steps)], clock=FixedClock(at("2017-06-01")))
    script = tmp_path / "simulate.py"
    script.write_text(SIMULATE_JULY, encoding="utf-8")
    procs = [subprocess.Popen([sys.executable, str(script), db_url], stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    total, distinct = count(store)
    # T1's 11 villages: 2 reminders, overdue, 2 escalations each; T6: its whole sequence; nothing twice
    assert total == distinct and total >= 11 * 5


def test_scheduler_command_runs_passes_until_stopped(store, db_url, steps, qingdan):
    load(store, [definition_of(YANTING, steps)], clock=FixedClock(at("2017-06-01")))
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    env.update(QINGDAN_DATABASE_URL=db_url, QINGDAN_NOW="2017-07-24T09:30")
    proc = subprocess.Popen(
        [qingdan.executable, "scheduler", "--interval", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and count(store)[0] == 0:
            time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    total, distinct = count(store)
    assert total > 0 and total == distinct, err
    assert "Traceback" not in err
