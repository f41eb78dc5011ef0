"""The board's SQL query count does not grow with the number of tasks or items (bench/web.py measures the time)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from bench.core import CHECKLIST_ID, generate_checklist
from tests.web.conftest import PASSWORD


@contextmanager
def counting(store):
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_board_queries_do_not_grow(store, clock, plugins, steps, tmp_path):
    from engine.accounts import create_account
    from engine.definition.validation import validate_text
    from engine.runtime.loader import load
    from web import create_app

    create_account(store, "boss", "head", clock=clock, password=PASSWORD, people=[(CHECKLIST_ID, "wang")])
    app = create_app(
        {
            "TESTING": True,
            "STORE": store,
            "CLOCK": clock,
            "PLUGINS": plugins,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path / "i"),
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    client.post("/login", data={"account": "boss", "password": PASSWORD})
    counts = []
    for tasks, items in ((4, 3), (40, 12)):
        checked = validate_text(generate_checklist(tasks, items), "bench.yaml", steps)
        assert checked.ok
        load(store, [checked.definition], clock=clock)
        client.get(f"/board/{CHECKLIST_ID}")  # warm the definition cache
        with counting(store) as seen:
            response = client.get(f"/board/{CHECKLIST_ID}")
        assert response.status_code == 200 and response.get_data(as_text=True).count('class="task-row') == tasks
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 30, counts
