"""The pages: board, task page, my work (fire, report, stale forms), scope refusals, inbox, language."""

from __future__ import annotations

import re

from engine.runtime.fire import fire
from tests.conftest import at
from tests.web.conftest import CHECKLIST

AWARD = {
    "announced": "2017-05-02",
    "bid_deadline": "2017-05-25",
    "winner": "某建设公司",
    "amount": "30",
    "award_notice": "2017-06-01",
    "contract_signed": "2017-06-10",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_login_redirects_by_role_and_rejects_outside_next(client, auth):
    assert auth.login("head").headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/board/"
    auth.logout()
    assert auth.login("staff").status_code == 302 and client.get("/").headers["Location"] == "/my/"
    auth.logout()
    response = client.post("/login", data={"account": "inspector", "password": "correct-horse-1", "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"
    auth.logout()
    response = client.post("/login", data={"account": "head", "password": "correct-horse-1", "next": "/board/yanting-wenguang-2017"})
    assert response.headers["Location"] == "/board/yanting-wenguang-2017"


def test_wrong_password_is_a_plain_refusal(client):
    response = client.post("/login", data={"account": "head", "password": "nope-nope"})
    assert response.status_code == 401 and "账号或密码不对" in text(response)


def test_board_shows_lights_progress_timeline_and_ranking(client, auth):
    auth.login("head")
    page = text(client.get(f"/board/{CHECKLIST}"))
    assert "盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单" in page
    assert 'id="today-line"' in page and "<svg" in page and 'id="ranking"' in page
    # T1 missed its building milestone on 2017-07-20; T6 its premiere on 07-01: both red
    assert re.search(r'id="task-T1".*?light red', page, re.S) and re.search(r'id="task-T6".*?light red', page, re.S)
    assert "逾期 11 项" in page and "已完工 2017-09-05" in page and "还有 46 天" in page
    assert "0/5472 场次" in page and "贫困村放映 0/300" in page
    assert "时间过" in page  # pace for T4 (pace: true)
    overview = text(client.get("/board/"))
    assert "红灯" in overview and "盐亭县" in overview


def test_board_filters(client, auth):
    auth.login("leader")
    page = text(client.get(f"/board/{CHECKLIST}?unit=radio"))
    assert 'id="task-T2"' in page and 'id="task-T1"' not in page
    page = text(client.get(f"/board/{CHECKLIST}?light=red"))
    assert 'id="task-T1"' in page and 'id="task-T3"' not in page
    page = text(client.get(f"/board/{CHECKLIST}?person=liu"))
    assert 'id="task-T7"' in page and 'id="task-T1"' not in page


def test_task_page_items_deadlines_history(client, auth, store, clock, plugins):
    fire(store, task="T1", item="林农镇玉城村", trigger="approve_plan", actor="li", clock=clock, plugins=plugins, note="方案审定")
    auth.login("head")
    page = text(client.get(f"/board/{CHECKLIST}/tasks/T1"))
    assert page.count('class="item-row"') == 11
    assert "方案已审定" in page and "方案审定" in page and "施工中 2017-07-20" in page
    assert 'data-trigger="approve_plan"' in page  # the head may approve the other ten plans


def test_staff_sees_exactly_the_triggers_they_may_fire(client, auth, store, clock, plugins):
    auth.login("staff")
    page = text(client.get("/my/"))
    # zhang: T1 items are in planning (approve_plan is the leader's); T6 is in script (script_done is zhang's)
    assert 'data-trigger="approve_plan"' not in page
    assert page.count('data-trigger="script_done"') == 1
    fire(store, task="T1", item="林农镇玉城村", trigger="approve_plan", actor="li", clock=clock, plugins=plugins)
    page = text(client.get("/my/"))
    assert page.count('data-trigger="open_tender"') == 1
    assert "T5" in page and 'action="/my/report"' in page  # the quantity target's report form
    assert "T2" not in page  # chen's task, another unit


def test_fire_from_my_work_with_expect_state(client, auth, store):
    auth.login("staff")
    form = {"checklist": CHECKLIST, "task": "T6", "trigger": "script_done", "expect_state": "script", "note": "剧本完成"}
    response = client.post("/my/fire", data=form)
    assert response.status_code == 302
    assert "剧本编写 → 演员选拔" in text(client.get("/my/"))  # the flash names states by their labels
    stale = client.post("/my/fire", data=form)  # the same form again: the item moved on
    assert stale.status_code == 409 and "已被他人改为" in text(stale)


def test_step_data_form_and_award(client, auth, store, clock, plugins):
    for trigger, actor in (("approve_plan", "li"), ("open_tender", "zhang")):
        fire(store, task="T1", item="八角镇人民村", trigger=trigger, actor=actor, clock=clock, plugins=plugins)
    auth.login("staff")
    page = text(client.get("/my/"))
    assert 'name="data_winner"' in page and 'name="data_award_notice"' in page
    refused = client.post("/my/fire", data={"checklist": CHECKLIST, "task": "T1", "item": "八角镇人民村", "trigger": "award"})
    assert refused.status_code == 422 and "还需填写:" in text(refused) and "--data" not in text(refused)  # my work, sent back
    form = {
        "checklist": CHECKLIST,
        "task": "T1",
        "item": "八角镇人民村",
        "trigger": "award",
        "expect_state": "tendering",
        **{f"data_{k}": v for k, v in AWARD.items()},
    }
    assert client.post("/my/fire", data=form).status_code == 302
    assert "招投标 → 施工中" in text(client.get("/my/"))


def test_report_from_my_work(client, auth):
    auth.login("staff")
    response = client.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "2", "note": "送演出"})
    assert response.status_code == 302
    assert "累计 2/25" in text(client.get("/my/"))
    bad = client.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "-3"})
    assert bad.status_code == 422 and "数量必须大于 0" in text(bad) and 'value="-3"' in text(bad)  # sent back as typed


def test_staff_scope_is_their_own_tasks(client, auth):
    auth.login("staff")
    assert client.get(f"/board/{CHECKLIST}/tasks/T2").status_code == 403  # 广电股's task
    refused = client.post("/my/report", data={"checklist": CHECKLIST, "task": "T4", "amount": "5"})
    assert refused.status_code == 403 and "无权为任务 T4 报送进度" in text(refused)
    refused = client.post("/my/fire", data={"checklist": CHECKLIST, "task": "T1", "item": "1", "trigger": "approve_plan"})
    assert refused.status_code == 403 and "无权对任务 T1 执行" in text(refused) and "approve_plan" not in text(refused)
    assert client.get(f"/board/{CHECKLIST}").status_code == 403


def test_inspector_scope(client, auth):
    auth.login("inspector")
    assert client.get(f"/board/{CHECKLIST}/tasks/T5").status_code == 403  # no acceptance step
    refused = client.post("/my/report", data={"checklist": CHECKLIST, "task": "T5", "amount": "1"})
    assert refused.status_code == 403


def test_inbox_unread_and_mark_read(client, auth, store, clock):
    from engine.reminders.sweep import run_pass

    run_pass(store, clock, channels=())
    auth.login("staff")
    page = text(client.get("/my/inbox"))
    unread = int(re.search(r'id="unread-count">(\d+)<', page).group(1))
    assert unread > 0 and "T1" in page
    first = re.search(r'data-id="(\d+)"', page).group(1)
    client.post("/my/inbox/read", data={"id": first})
    after = text(client.get("/my/inbox"))
    assert int(re.search(r'id="unread-count">(\d+)<', after).group(1)) == unread - 1
    client.post("/my/inbox/read", data={})
    assert 'id="unread-count"' not in text(client.get("/my/inbox"))


def test_english(client, auth):
    auth.login("head")
    client.get("/lang/en")
    page = text(client.get(f"/board/{CHECKLIST}"))
    assert "Milestones" in page and "Units ranked" in page and 'lang="en"' in page
    refused = client.get(f"/board/{CHECKLIST}/tasks/T99")
    assert refused.status_code == 404


def test_every_asset_is_local(client, auth):
    pages = [text(client.get("/login"))]
    auth.login("head")
    pages += [text(client.get(url)) for url in ("/board/", f"/board/{CHECKLIST}", f"/board/{CHECKLIST}/tasks/T1")]
    for url, page in zip(("/login", "/board/", "checklist", "task"), pages):
        for ref in re.findall(r'(?:src|href)="([^"]+)"', page):
            assert not re.match(r"(https?:)?//", ref), (url, ref)
        assert 'name="viewport"' in page


def test_board_shows_funds_execution(client, auth, store, clock, steps):
    """Funds come from the funds plugin (task option ``funds``, ledger via plugins.funds.record)."""
    from engine.definition.validation import validate_text
    from engine.runtime.loader import load
    from plugins.funds import record
    from tests.conftest import YANTING

    text_ = YANTING.read_text(encoding="utf-8").replace(
        "    target: {quantity: 172.12, unit: 万元}\n", "    target: {quantity: 172.12, unit: 万元}\n    funds: {budget: 172.12}\n"
    )
    checked = validate_text(text_, "yanting.yaml", steps)
    assert checked.ok, [p.format() for p in checked.errors]
    load(store, [checked.definition], clock=clock)
    for action, amount in (("allocate", "172.12"), ("disburse", "100"), ("spend", "43.03")):
        record(
            store, task="T8", action=action, amount=amount, on_date="2017-07-01", document="川财教〔2017〕137号", actor="he", clock=clock
        )
    auth.login("head")
    row = text(client.get(f"/board/{CHECKLIST}")).split('id="task-T8"')[1].split("</tr>")[0]
    assert "支出 43.03/172.12 万元 (25%)" in row and "已拨付 100" in row


def test_my_work_for_every_demo_role_and_a_recurring_duty(store, clock, plugins, tmp_path):
    """``/my/`` answers every account that may use it — the demo accounts of ``qingdan serve --demo`` and accounts of
    people with a recurring duty (R5 of the Huangjin list: a monthly visit per household), whose report form lists
    the duty's items — and refuses the roles that may not, with a page."""
    from engine.accounts import create_account
    from web import create_app
    from web.demo import DEMO_ACCOUNTS, DEMO_NOW, prepare

    clock.at = at(DEMO_NOW)
    passwords = prepare(store, clock, plugins).passwords
    for account_id, person in (("hj-ma", "ma"), ("hj-song", "song")):  # R5's responsible person and its leader
        create_account(
            store,
            account_id,
            "staff" if person == "ma" else "leader",
            clock=clock,
            password="correct-horse-1",
            people=[("huangjin-village-2019", person)],
        )
        passwords[account_id] = "correct-horse-1"
    app = create_app(
        {
            "TESTING": True,
            "STORE": store,
            "CLOCK": clock,
            "PLUGINS": plugins,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    roles = {account_id: role for account_id, (role, _, _) in DEMO_ACCOUNTS.items()} | {"hj-ma": "staff", "hj-song": "leader"}
    shown = {}
    for account_id, role in roles.items():
        client.delete_cookie("qingdan_session")
        assert client.post("/login", data={"account": account_id, "password": passwords[account_id]}).status_code == 302
        response = client.get("/my/")
        page = text(response)
        if role in ("inspector", "admin"):
            assert response.status_code == 403 and "不能使用这个页面" in page, account_id
            continue
        assert response.status_code == 200, (account_id, page[:300])
        assert "<h1>我的工作</h1>" in page and 'id="inbox-link"' in page
        shown[account_id] = page
    # by the entries' task attributes: a bare "T2" may turn up inside a random CSRF token
    assert (
        'data-task="T1"' in shown["demo-staff"] and 'data-task="T6"' in shown["demo-staff"] and 'data-task="T2"' not in shown["demo-staff"]
    )
    # li leads T1-T7, but a leader's to-do keeps only what needs them (engine.queries.todo): T1's and T6's overdue
    # items; the rest is in hand (on the task pages and the board), so never "nothing for you to do"
    assert 'data-task="T1"' in shown["demo-leader"] and 'data-task="T6"' in shown["demo-leader"]
    assert 'data-task="T2"' not in shown["demo-leader"] and "当前没有您可执行的操作" not in shown["demo-leader"]
    assert 'data-task="T1"' not in shown["demo-head"] and 'data-task="T8"' not in shown["demo-head"]  # wang leads T8, not behind
    assert 'data-task="R5"' not in shown["hj-song"]  # R5's leader: not behind, so not on the to-do
    for account_id in ("hj-ma",):
        duty = shown[account_id].split('data-task="R5"')[1].split("</section>")[0]
        assert "包联干部每月入户走访" in duty and '<option value="一组刘改艳户">' in duty and '<option value="五组张玉梅户">' in duty
    assert 'action="/my/report"' in shown["hj-ma"]
