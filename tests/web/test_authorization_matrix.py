"""Every route × every role: the status each role gets. A route added without a row here fails the test, so nobody
can add a page or endpoint without deciding who may use it.

Pages are requested with a logged-in session, the API with the role's Bearer token ("anon": neither). POSTs carry
an empty or harmless body: for a role that may use the route the request gets past the role check and is refused
by validation (400/404/422) or succeeds; for the others it is 401/403 (or the login redirect, 302)."""

from __future__ import annotations

import pytest

from tests.web.conftest import CHECKLIST, bearer

WHO = ("anon", "head", "leader", "staff", "inspector", "admin")
ITEM = "林农镇玉城村"


def row(anon, head, leader, staff, inspector, admin):
    return dict(zip(WHO, (anon, head, leader, staff, inspector, admin)))


# (endpoint, method) → (url, json body or form data or None, expected status per role)
MATRIX = {
    ("static", "GET"): ("/static/style.css", None, row(200, 200, 200, 200, 200, 200)),
    ("index", "GET"): ("/", None, row(302, 302, 302, 302, 302, 302)),
    ("auth.login", "GET"): ("/login", None, row(200, 302, 302, 302, 302, 302)),
    ("auth.login", "POST"): ("/login", {"account": "nobody", "password": "x"}, row(401, 401, 401, 401, 401, 401)),
    ("auth.logout", "POST"): ("/logout", {}, row(302, 302, 302, 302, 302, 302)),
    ("auth.switch_language", "GET"): ("/lang/en", None, row(302, 302, 302, 302, 302, 302)),
    ("auth.password", "GET"): ("/account/password", None, row(302, 200, 200, 200, 200, 200)),
    ("auth.password", "POST"): ("/account/password", {"current": "wrong"}, row(302, 400, 400, 400, 400, 400)),
    ("board.index", "GET"): ("/board/", None, row(302, 200, 200, 403, 403, 200)),
    ("board.checklist", "GET"): (f"/board/{CHECKLIST}", None, row(302, 200, 200, 403, 403, 200)),
    ("documents.page", "GET"): (f"/board/{CHECKLIST}/documents", None, row(302, 200, 200, 403, 403, 200)),
    ("board.task", "GET"): (f"/board/{CHECKLIST}/tasks/T1", None, row(302, 200, 200, 200, 200, 200)),
    ("mywork.index", "GET"): ("/my/", None, row(302, 200, 200, 200, 403, 403)),
    ("mywork.fire", "POST"): ("/my/fire", {}, row(302, 404, 404, 404, 403, 403)),
    ("mywork.report", "POST"): ("/my/report", {}, row(302, 422, 422, 422, 403, 403)),  # sent back: the amount is missing
    ("mywork.correct", "POST"): ("/my/correct", {}, row(302, 400, 400, 400, 403, 403)),
    ("evidence_files.download", "GET"): (
        f"/files/{CHECKLIST}/T1/{'0' * 64}",
        None,
        row(302, 404, 404, 404, 404, 404),
    ),  # no record names it
    ("mywork.inbox", "GET"): ("/my/inbox", None, row(302, 200, 200, 200, 200, 403)),
    # 督办与延期: past the role check an empty form names no task, notice or request (404); the engine then decides
    # by capacity on the task (tests/web/test_supervision_pages.py)
    ("supervision.issue", "POST"): ("/supervision/issue", {}, row(302, 404, 404, 404, 403, 403)),
    ("supervision.reply", "POST"): ("/supervision/999/reply", {}, row(302, 404, 404, 404, 403, 403)),
    ("supervision.close", "POST"): ("/supervision/999/close", {}, row(302, 404, 404, 404, 403, 403)),
    ("supervision.extension", "POST"): ("/supervision/extension", {}, row(302, 404, 404, 404, 403, 403)),
    ("supervision.decide", "POST"): ("/supervision/extension/999/decide", {}, row(302, 404, 404, 404, 403, 403)),
    # 转办: past the role check an empty form names no task (404); the engine decides by capacity (test_transfer_pages.py)
    ("transfer.move", "POST"): ("/transfer", {}, row(302, 404, 404, 404, 403, 403)),
    # year end: the admin only; unconfirmed it is refused in words (400), nothing closed
    ("yearend.close", "POST"): ("/admin/checklists/yanting-wenguang-2017/close", {}, row(302, 403, 403, 403, 403, 400)),
    ("mywork.mark_read", "POST"): ("/my/inbox/read", {}, row(302, 302, 302, 302, 302, 403)),
    ("inspection.queue", "GET"): ("/inspect/", None, row(302, 403, 403, 403, 200, 403)),
    ("inspection.item", "GET"): (f"/inspect/{CHECKLIST}/T1?item={ITEM}", None, row(302, 403, 403, 403, 200, 403)),
    ("inspection.record", "POST"): (f"/inspect/{CHECKLIST}/T1", {"item": ITEM}, row(302, 403, 403, 403, 400, 403)),
    ("inspection_history.history", "GET"): ("/inspect/history", None, row(302, 403, 403, 403, 200, 403)),
    ("funds.task", "GET"): (f"/funds/{CHECKLIST}/T1", None, row(302, 404, 404, 404, 403, 403)),  # T1 has no budget
    ("funds.record", "POST"): (f"/funds/{CHECKLIST}/T1", {}, row(302, 404, 404, 404, 403, 403)),
    ("admin.index", "GET"): ("/admin/", None, row(302, 403, 403, 403, 403, 302)),
    ("admin.accounts", "GET"): ("/admin/accounts", None, row(302, 403, 403, 403, 403, 200)),
    ("admin.create_account", "POST"): ("/admin/accounts", {}, row(302, 403, 403, 403, 403, 400)),
    ("admin.account_action", "POST"): ("/admin/accounts/staff/nonsense", {}, row(302, 403, 403, 403, 403, 400)),
    ("admin.checklists", "GET"): ("/admin/checklists", None, row(302, 403, 403, 403, 403, 200)),
    ("admin.upload_checklist", "POST"): ("/admin/checklists", {}, row(302, 403, 403, 403, 403, 400)),
    ("admin.audit", "GET"): ("/admin/audit", None, row(302, 403, 403, 403, 403, 200)),
    ("admin.deliveries", "GET"): ("/admin/deliveries", None, row(302, 403, 403, 403, 403, 200)),
    ("api.openapi", "GET"): ("/api/openapi.json", None, row(200, 200, 200, 200, 200, 200)),
    ("api.me", "GET"): ("/api/me", None, row(401, 200, 200, 200, 200, 200)),
    ("api.checklists", "GET"): ("/api/checklists", None, row(401, 200, 200, 200, 200, 200)),
    ("api.status", "GET"): (f"/api/checklists/{CHECKLIST}/status", None, row(401, 200, 200, 200, 200, 200)),
    ("api.fire", "POST"): ("/api/fire", {}, row(401, 400, 400, 400, 400, 403)),
    ("api.report", "POST"): ("/api/report", {}, row(401, 400, 400, 400, 403, 403)),
    ("api.correct", "POST"): ("/api/correct", {}, row(401, 400, 400, 400, 403, 403)),
    ("api.inbox", "GET"): ("/api/inbox", None, row(401, 200, 200, 200, 200, 403)),
    ("api.inbox_read", "POST"): ("/api/inbox/read", {}, row(401, 200, 200, 200, 200, 403)),
}

ACCOUNT_OF = {"head": "head", "leader": "leader", "staff": "staff", "inspector": "inspector", "admin": "admin"}


def routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((rule.endpoint, method))
    return found


def test_every_route_has_a_row_and_every_row_a_route(app):
    present = routes(app)
    missing = sorted(present - set(MATRIX))
    assert not missing, f"routes without an authorization row (add them to MATRIX): {missing}"
    stale = sorted(set(MATRIX) - present)
    assert not stale, f"MATRIX rows for routes that no longer exist: {stale}"
    for key, (_, _, expected) in MATRIX.items():
        assert set(expected) == set(WHO), key


def test_every_view_declares_its_roles(app):
    """A view without the role decorator would be open to everyone logged in (or to nobody's check at all)."""
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        assert getattr(view, "qingdan_roles", None), f"{endpoint} has no @roles/@api_roles (or qingdan_roles marker)"


@pytest.mark.parametrize("who", WHO)
def test_matrix(app, auth, client, tokens, who):
    wrong = []
    for (endpoint, method), (url, body, expected) in sorted(MATRIX.items()):
        api = url.startswith("/api/")
        client.delete_cookie("qingdan_session")
        if who != "anon" and not api:
            response = auth.login(ACCOUNT_OF[who])
            assert response.status_code == 302, (who, response.status_code)
        headers = bearer(tokens[ACCOUNT_OF[who]]) if (api and who != "anon") else {}
        if method == "GET":
            response = client.get(url, headers=headers)
        elif api:
            response = client.post(url, json=body, headers=headers)
        else:
            response = client.post(url, data=body, headers=headers)
        if response.status_code != expected[who]:
            wrong.append((endpoint, method, url, expected[who], response.status_code, response.get_data(as_text=True)[:200]))
        if api and response.status_code >= 400:
            assert response.is_json and "error" in response.get_json(), (endpoint, response.get_data(as_text=True)[:200])
        assert b"Traceback" not in response.data
        response.close()
    assert not wrong, "\n".join(map(str, wrong))
