"""The inspector's history of rounds (plugins.acceptance_history): after a round the queue is empty, says what comes
next and shows the latest rounds; /inspect/history lists the items inspected, when, the verdict and the unmet
criteria, with links to the task page."""

from __future__ import annotations

import html

from tests.web.conftest import CHECKLIST, to_inspection
from tests.web.test_admin_and_inspection import CRITERIA_OK
from tests.web.test_pages import text


def _round(client, item, **values):
    data = {**CRITERIA_OK, **values, "item": item, "expect_state": "inspecting"}
    response = client.post(f"/inspect/{CHECKLIST}/T1", data=data)
    assert response.status_code == 302, text(response)[:500]


def test_history_after_rounds(client, auth, store, clock, plugins):
    to_inspection(store, clock, plugins, item="林农镇玉城村")
    to_inspection(store, clock, plugins, item="八角镇人民村")
    auth.login("inspector")
    queue = text(client.get("/inspect/"))
    assert 'id="history-link"' in queue and 'id="latest-rounds"' not in queue  # work waiting: the queue first
    _round(client, "林农镇玉城村", c0="150", c5="")  # two criteria unmet: square 150 < 200, equipment not complete
    _round(client, "八角镇人民村")

    queue = text(client.get("/inspect/"))
    assert 'id="queue-empty"' in queue and "申请验收后" in queue  # says what happens next
    latest = queue.split('id="latest-rounds"')[1]
    assert latest.index("八角镇人民村") < latest.index("林农镇玉城村")  # newest first
    assert 'href="/inspect/history"' in queue

    page = text(client.get("/inspect/history"))
    assert "验收记录" in page and "2017-07-21" in page
    failed = html.unescape(page.split('data-item="林农镇玉城村"')[1].split("\n  </li>")[0])
    assert "不通过" in failed and "第 1 轮" in failed and "2017-07-21 10:00" in failed and "赵敏" in failed
    assert "文化广场面积 150 < 200 平方米" in failed and "电脑、电视、话筒等电子设备齐全:未达到" in failed
    assert f'href="/board/{CHECKLIST}/tasks/T1"' in failed  # to the task page
    passed = page.split('data-item="八角镇人民村"')[1].split("\n  </li>")[0]
    assert "通过" in passed and "不通过" not in passed and "未达标" not in passed


def test_history_empty_and_scoped(client, auth):
    auth.login("inspector")
    assert "还没有验收记录" in text(client.get("/inspect/history"))
    queue = text(client.get("/inspect/"))
    assert 'id="queue-empty"' in queue and 'id="latest-rounds"' not in queue
    auth.logout()
    auth.login("staff")
    assert client.get("/inspect/history").status_code == 403
