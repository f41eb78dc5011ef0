"""Every shipped list (``checklists/*.yaml``, so a new one is covered by itself), at several dates of its year, on
both databases: ``qingdan status --json`` works, the status API returns the same document, and the board and every
task page render for a head — with counts that make sense (overdue items never exceed a task's items)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from engine.dates.clock import FixedClock
from engine.runtime.loader import load
from tests.conftest import definition_of

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "checklists").glob("*.yaml"))
DATES = ("02-10T10:00", "07-21T10:00", "12-31T18:00")
ZONE = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_status_board_and_task_pages(path, store, steps, plugins, qingdan, tmp_path):
    from engine.accounts import create_account, issue_token
    from web import create_app

    definition = definition_of(path, steps)
    year = definition.year
    load(store, [definition], clock=FixedClock(dt.datetime(year, 1, 1, 8, tzinfo=ZONE)))
    heads = definition.holders_of("head")
    person = heads[0] if heads else next(iter(definition.people))
    create_account(
        store,
        "head",
        "head",
        clock=FixedClock(dt.datetime(year, 1, 1, 9, tzinfo=ZONE)),
        password="correct-horse-1",
        people=[(definition.id, person)],
    )
    token = issue_token(store, "head", clock=FixedClock(dt.datetime(year, 1, 1, 9, tzinfo=ZONE)))
    for when in DATES:
        now = f"{year}-{when}"
        cli = qingdan("status", definition.id, "--json", now=now)
        assert cli.returncode == 0, cli.stderr
        document = json.loads(cli.stdout)
        assert [t["id"] for t in document["tasks"]] == [t.id for t in definition.tasks]
        for task in document["tasks"]:
            assert 0 <= task["overdue"] <= max(task["items"], 1), task
            for milestone in task["milestones"]:
                assert sum(milestone[k] for k in ("on_time", "late", "missed", "open", "void")) in (task["items"], 1), (
                    task["id"],
                    milestone,
                )

        clock = FixedClock(dt.datetime.fromisoformat(now).replace(tzinfo=ZONE))
        app = create_app(
            {
                "TESTING": True,
                "STORE": store,
                "CLOCK": clock,
                "PLUGINS": plugins,
                "SECRET_KEY": "t",
                "INSTANCE_PATH": str(tmp_path / "instance"),
                "WTF_CSRF_ENABLED": False,
            }
        )
        client = app.test_client()
        api = client.get(f"/api/checklists/{definition.id}/status", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 200 and api.get_json() == document
        assert client.post("/login", data={"account": "head", "password": "correct-horse-1"}).status_code == 302
        board = client.get(f"/board/{definition.id}")
        assert board.status_code == 200, (now, board.status_code)
        page = board.get_data(as_text=True)
        assert definition.title in page and "Traceback" not in page
        for task in definition.tasks:
            response = client.get(f"/board/{definition.id}/tasks/{task.id}")
            assert response.status_code == 200, (now, task.id, response.status_code)
            assert task.title in response.get_data(as_text=True)
