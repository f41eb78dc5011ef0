"""The status API served from the cache: an ETag per list version, day, language and scope; 304 only while nothing
changed; workers that share nothing but the database see each other's writes (two apps in one process, and two real
gunicorn workers)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import YANTING
from tests.web.conftest import CHECKLIST, bearer

STATUS = f"/api/checklists/{CHECKLIST}/status"


def _t4(payload: dict) -> float:
    return next(t for t in payload["tasks"] if t["id"] == "T4")["progress"]["done"]


def test_an_etag_is_answered_with_304_until_the_list_changes(client, tokens):
    head = bearer(tokens["head"])
    first = client.get(STATUS, headers=head)
    assert first.status_code == 200 and first.headers["ETag"] and "no-cache" in first.headers["Cache-Control"]
    tag = first.headers["ETag"]
    again = client.get(STATUS, headers=head | {"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    written = client.post("/api/report", json={"task": "T4", "amount": "7"}, headers=bearer(tokens["staff2"]))
    assert written.status_code == 200
    after = client.get(STATUS, headers=head | {"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag  # never a 304 after a change
    assert _t4(after.get_json()) == _t4(first.get_json()) + 7


def test_each_scope_has_its_own_etag(client, tokens):
    head = client.get(STATUS, headers=bearer(tokens["head"]))
    staff = client.get(STATUS, headers=bearer(tokens["staff"]))
    assert head.headers["ETag"] != staff.headers["ETag"]
    assert len(staff.get_json()["tasks"]) < len(head.get_json()["tasks"])
    # the head's tag does not open the staff member's narrower answer, nor the other way round
    assert client.get(STATUS, headers=bearer(tokens["staff"]) | {"If-None-Match": head.headers["ETag"]}).status_code == 200
    assert client.get(STATUS, headers=bearer(tokens["staff"]) | {"If-None-Match": staff.headers["ETag"]}).status_code == 304


def test_a_new_day_is_a_new_answer(client, tokens, clock):
    import datetime as dt

    head = bearer(tokens["head"])
    tag = client.get(STATUS, headers=head).headers["ETag"]
    clock.at = clock.at + dt.timedelta(days=1)
    answer = client.get(STATUS, headers=head | {"If-None-Match": tag})
    assert answer.status_code == 200 and answer.get_json()["today"] == "2017-07-22"


def test_two_apps_on_one_database_see_each_others_writes(app, client, tokens, store, clock, plugins, tmp_path):
    from web import create_app

    other = create_app(
        {
            "TESTING": True,
            "STORE": store,
            "CLOCK": clock,
            "PLUGINS": plugins,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(tmp_path / "other"),
            "WTF_CSRF_ENABLED": False,
        }
    ).test_client()
    head = bearer(tokens["head"])
    before = _t4(other.get(STATUS, headers=head).get_json())  # the other worker's cache is warm
    assert _t4(client.get(STATUS, headers=head).get_json()) == before
    assert client.post("/api/report", json={"task": "T4", "amount": "3"}, headers=bearer(tokens["staff2"])).status_code == 200
    assert _t4(other.get(STATUS, headers=head).get_json()) == before + 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, headers: dict, body: dict | None = None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # a new connection each time: any worker may answer
    try:
        if body is None:
            conn.request("GET", path, headers=headers)
        else:
            conn.request("POST", path, body=json.dumps(body), headers=headers | {"Content-Type": "application/json"})
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        conn.close()


def test_two_gunicorn_workers_see_each_others_writes(db_url, tmp_path):
    from engine.accounts import create_account, issue_token
    from engine.dates.clock import FixedClock, parse_instant
    from engine.definition.validation import validate_file
    from engine.pluginmanager import get_plugin_manager, step_types
    from engine.runtime.loader import load
    from engine.store import open_store
    from engine.store.migrate import ensure_schema

    now = "2017-07-21T10:00"
    store = open_store(db_url)
    try:
        ensure_schema(store)
        clock = FixedClock(parse_instant(now))
        load(store, [validate_file(str(YANTING), step_types(get_plugin_manager())).definition], clock=clock)
        create_account(store, "head", "head", clock=clock, password="correct-horse-1", people=[(CHECKLIST, "wang")])
        create_account(store, "chen", "staff", clock=clock, password="correct-horse-1", people=[(CHECKLIST, "chen")])
        head = {"Authorization": f"Bearer {issue_token(store, 'head', clock=clock)}"}
        staff = {"Authorization": f"Bearer {issue_token(store, 'chen', clock=clock)}"}
    finally:
        store.dispose()
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_") or k == "QINGDAN_HOME"}
    environ.update({"QINGDAN_DATABASE_URL": db_url, "QINGDAN_NOW": now, "QINGDAN_INSTANCE": str(tmp_path / "instance")})
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "-w", "2", "--threads", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "web:create_app()"],
        env=environ,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, payload = _get(port, STATUS, head)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        assert status == 200
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(workers) == 2
        expected = _t4(payload)
        for _ in range(4):
            for _ in range(6):  # warm both workers' caches
                assert _get(port, STATUS, head)[0] == 200
            status, _ = _get(port, "/api/report", staff, {"task": "T4", "amount": "2"})
            assert status == 200
            expected += 2
            seen = [_t4(_get(port, STATUS, head)[1]) for _ in range(10)]
            assert seen == [expected] * 10
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_cached_answer_costs_one_statement_and_still_sees_a_write(client, tokens, store):
    """The token and the list's data version are asked in one statement; its answer decides whether the cached status
    still holds, so a report in between is seen by the very next request."""
    from sqlalchemy import event

    head = bearer(tokens["head"])
    first = client.get(STATUS, headers=head)
    assert first.status_code == 200
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement != "BEGIN":  # SQLite's read transaction: a call into the library, not a round trip
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        cached = client.get(STATUS, headers=head)
        asked = list(seen)
        written = client.post("/api/report", json={"task": "T4", "amount": "3"}, headers=bearer(tokens["staff2"]))
        seen.clear()
        after = client.get(STATUS, headers=head)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert cached.status_code == 200 and cached.get_data() == first.get_data()
    assert len(asked) == 1 and "api_tokens" in asked[0] and "chain_heads" in asked[0], asked
    assert written.status_code == 200
    assert after.headers["ETag"] != first.headers["ETag"] and _t4(after.get_json()) == _t4(first.get_json()) + 3
    assert len(seen) > 1  # the changed version made it compute again


def test_the_board_keeps_its_rows_with_the_cached_status_and_a_write_renews_them(app, client, auth, tokens):
    """The board's rows are built once per cached status (``presenters.board_rows``): two warm boards share them, a
    report gives the next board new rows with the new figure, and English rows are built for an English board."""
    import re

    from engine.numbers import plain
    from web import services

    def t4_cell() -> str:
        html = client.get(f"/board/{CHECKLIST}").get_data(as_text=True)
        row = re.search(r'id="task-T4".*?</tr>', html, re.S)
        assert row, html[:500]
        return row.group(0)

    def kept_rows():
        with app.app_context():
            return services.get().cache.status(services.get().store, CHECKLIST, services.get().clock).payloads["board-rows"]

    auth.login("head")
    before = t4_cell()
    rows = kept_rows()
    assert t4_cell() == before and kept_rows() is rows  # a warm board: the same rows, not built again
    written = client.post("/api/report", json={"task": "T4", "amount": "7"}, headers=bearer(tokens["staff2"]))
    assert written.status_code == 200
    after = t4_cell()
    assert after != before and kept_rows() is not rows
    done = next(r for r in kept_rows() if r.id == "T4").done
    assert done == next(r for r in rows if r.id == "T4").done + 7 and f"{plain(done)}/" in after
    client.get("/lang/en")
    assert "items" in t4_cell() or "days left" in t4_cell() or "overdue" in t4_cell()
