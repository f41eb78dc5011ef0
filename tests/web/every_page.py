"""Every page an account can reach, as URL paths with the status each should answer, for the tests that visit all
of them (page widths in a browser, no internal ids in the words): the board pages, task pages in the account's scope,
my work and the inbox, the admin pages, the documents page, the plugins' navigation pages and step pages, and error
pages (an unknown list, an unknown task, a page of another role).

Built from what is loaded (``app``'s store) and the same rules the views apply (``engine.account_rules.may_view_task``,
``web.documents.may_download``, the plugins' registered pages: navigation, step pages, task-page links), so a new list, task or plugin page is visited without
editing this file. A helper adding a page of its own adds one line below.
"""

from __future__ import annotations

from typing import NamedTuple

BOARD_ROLES = ("head", "leader", "admin")
WORK_ROLES = ("staff", "leader", "head")


class Page(NamedTuple):
    url: str  #: the path and query, e.g. "/board/yanting-wenguang-2017"
    status: int  #: what the server should answer: 200, or 403/404 for the error pages listed on purpose
    what: str  #: a short name for screenshots and messages, e.g. "board-yanting-wenguang-2017"


def pages_for(app, account_id: str, *, items_per_task: int = 1) -> list[Page]:
    """The pages account ``account_id`` can reach in ``app`` once logged in (and a few error pages it may meet), in a
    stable order; the login page is the one page before that.

    ``items_per_task``: how many items of each acceptance task the inspector's item pages cover (the waiting items
    are always all listed)."""
    import engine
    from engine.account_rules import may_view_task
    from engine.queries.listings import items_in_step, items_of, step_states
    from web import services
    from web.documents import may_download
    from web.plugin_pages import pages_of

    svc = app.extensions["qingdan"]
    account = engine.accounts.get_account(svc.store, account_id)
    assert account is not None, f"no account {account_id!r}"
    role = account.role
    with app.test_request_context():
        from flask import url_for

        definitions = services.Services.definitions(svc)
        found: list[Page] = []

        def add(what: str, endpoint: str, status: int = 200, **values) -> None:
            found.append(Page(url_for(endpoint, **values), status, what))

        if role in BOARD_ROLES:
            add("board-index", "board.index")
            for cid, definition in definitions.items():
                add(f"board-{cid}", "board.checklist", checklist_id=cid)
                if may_download(account, definition):
                    add(f"documents-{cid}", "documents.page", checklist_id=cid)
        if role in WORK_ROLES:
            add("my-work", "mywork.index")
        if role != "admin":
            add("inbox", "mywork.inbox")
        if role == "admin":
            add("admin-accounts", "admin.accounts")
            add("admin-checklists", "admin.checklists")
            add("admin-audit", "admin.audit")
            add("admin-deliveries", "admin.deliveries")
        add("password", "auth.password")
        plugin_pages = pages_of(app)
        for link in plugin_pages.nav:
            if role in link.roles:
                add(link.endpoint.replace(".", "-"), link.endpoint)
        for cid, definition in definitions.items():
            for task in definition.tasks:
                if may_view_task(account, definition, task):
                    add(f"task-{cid}-{task.id}", "board.task", checklist_id=cid, task_id=task.id)
                    # the plugins' pages linked from a task page (the funds ledger …)
                    for link in plugin_pages.links_for_task(task, role):
                        add(f"{link.endpoint.replace('.', '-')}-{cid}-{task.id}", link.endpoint, checklist_id=cid, task_id=task.id)
        # the plugins' step pages (the inspection form): every waiting item, and the first items of each such task
        for step, link in plugin_pages.steps.items():
            if role not in link.roles:
                continue
            for cid, definition in definitions.items():
                shown = [t.id for t in definition.tasks if step_states(definition, t, step) and may_view_task(account, definition, t)]
                if not shown:
                    continue
                names = {(t.id, v.name) for t, v in items_in_step(svc.store, definition, step, shown)}
                for task_id, views in items_of(svc.store, cid, shown).items():
                    names.update((task_id, v.name) for v in views[:items_per_task])
                for n, (task_id, item) in enumerate(sorted(names)):
                    add(
                        f"{link.endpoint.replace('.', '-')}-{cid}-{task_id}-{n}",
                        link.endpoint,
                        checklist_id=cid,
                        task_id=task_id,
                        item=item,
                    )
        # error pages: an unknown list and task, and a page of another role
        any_list = next(iter(definitions), "none")
        add("error-404-task", "board.task", 404, checklist_id=any_list, task_id="no-such-task")
        found.append(Page("/no-such-page", 404, "error-404-path"))
        if role == "admin":
            add("error-403", "mywork.index", 403)
        else:
            add("error-403", "admin.accounts", 403)
    return found


def urls_for(app, account_id: str) -> list[str]:
    """Only the paths of ``pages_for``: the pages an account can reach and the error pages it may meet."""
    return [page.url for page in pages_for(app, account_id)]
