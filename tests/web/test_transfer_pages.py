"""转办 on the task page, through the test client: the leader sees a form per item and moves one (state and history
kept, both people told); a refused form keeps the choice with the message beside the field; staff see no form and are
refused."""

from sqlalchemy import select

from engine.reminders.notices import inbox
from engine.store.tables import items
from tests.web.conftest import CHECKLIST

TASK_PAGE = f"/board/{CHECKLIST}/tasks/T1"
ITEM = "林农镇玉城村"


def _move(client, **overrides):
    data = {"checklist": CHECKLIST, "task": "T1", "item": ITEM, "to": "chen", "note": "人员调整"}
    data.update(overrides)
    return client.post("/transfer", data=data)


def test_leader_transfers_an_item_from_the_task_page(client, auth, store):
    auth.login("leader")
    page = client.get(TASK_PAGE).get_data(as_text=True)
    assert 'id="transfer"' in page and "子项转办" in page and "现由 张明(文化股) 负责" in page
    assert page.count('action="/transfer"') == 11  # one form per item
    sent = _move(client)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#transfer")
    page = client.get(TASK_PAGE).get_data(as_text=True)
    assert "已将 林农镇玉城村 转交 陈红 负责" in page and "现由 陈红(广电股) 负责" in page
    with store.read() as conn:
        assert conn.execute(select(items.c.owner, items.c.state).where(items.c.name == ITEM)).one() == ("chen", "planning")
    assert [n["kind"] for n in inbox(store, "chen")].count("assigned") == 1
    assert [n["kind"] for n in inbox(store, "zhang")].count("transferred") == 1


def test_a_refused_transfer_keeps_the_choice_with_the_message_beside_the_field(client, auth):
    auth.login("leader")
    response = _move(client, to="zhang", note="再核实")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "已由 张明 负责,无需转办" in page and 'class="field-error"' in page
    assert 'value="再核实"' in page and "<details open>" in page
    assert "Traceback" not in page and "<title>" in page


def test_staff_see_no_transfer_form_and_are_refused(client, auth):
    auth.login("staff")
    page = client.get(TASK_PAGE).get_data(as_text=True)
    assert 'id="transfer"' not in page
    assert _move(client).status_code == 403


def test_history_shows_the_transfer_in_names(client, auth):
    auth.login("leader")
    _move(client)
    page = client.get(TASK_PAGE).get_data(as_text=True)
    history = page[page.index('id="history"') if 'id="history"' in page else page.rindex("<table") :]
    assert "转办" in history and "张明 → 陈红" in history and "人员调整" in history


def test_a_rejected_item_on_the_board_and_the_task_page(client, auth, store, clock, plugins, steps, tmp_path):
    """A list whose workflow may end an item as 不予认定: the board counts it apart, the task page's history shows it."""
    from engine.runtime.fire import fire
    from engine.runtime.loader import load
    from tests.conftest import at, definition_of
    from tests.plugins.conftest import AWARD, move
    from tests.plugins.test_rejection import _list_text

    path = tmp_path / "rejecting.yaml"
    path.write_text(_list_text(), encoding="utf-8")
    load(store, [definition_of(path, steps)], clock=clock)
    steps_taken = [("approve_plan", "li", "2017-07-22"), ("open_tender", "zhang", "2017-07-23"), ("award", "zhang", "2017-07-24", AWARD)]
    move(store, clock, plugins, *steps_taken, ("finish", "zhang", "2017-09-01"), ("request_inspection", "zhang", "2017-09-04"))
    clock.at = at("2017-09-10T10:00")
    fire(store, task="T1", item=ITEM, trigger="refuse", actor="zhao", clock=clock, plugins=plugins, note="不符合认定条件")
    auth.login("head")
    board = client.get(f"/board/{CHECKLIST}").get_data(as_text=True)
    assert "不予认定 1" in board and "完成 0/10" in board
    page = client.get(TASK_PAGE).get_data(as_text=True)
    assert "验收中 → 不予认定" in page and "不符合认定条件" in page
    assert "refuse" not in page and "rejected" not in page
