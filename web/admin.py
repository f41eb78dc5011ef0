"""Administration, for admin accounts only: accounts (create, disable, reset, tokens, people), uploading a checklist
(checked and loaded in one step; problems beside the YAML lines they point at; a reload that would strand recorded
work explained and confirmed on the page), the audit log with its verification, and
failed notice deliveries.

A new password or token is shown once in the answer to the POST that made it, never put in the session cookie
(which is signed, not encrypted)."""

from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, url_for

import engine
from engine import InputError, say
from engine import accounts as engine_accounts
from engine.amounts import parse_id
from web import services, wording
from web.access import account, roles
from web.checklist_upload import stranded_words

bp = Blueprint("admin", __name__, url_prefix="/admin")

CONTEXT_LINES = 3
FULL_LISTING = 400  # files up to this many lines are shown whole, longer ones around each problem


@bp.route("/")
@roles("admin")
def index():
    return redirect(url_for("admin.accounts"))


def _accounts_page(secret=None, status=200):
    svc = services.get()
    definitions = svc.definitions()
    return render_template(
        "admin_accounts.html",
        accounts=engine_accounts.list_accounts(svc.store),
        tokens=engine_accounts.count_tokens(svc.store),
        roles=engine_accounts.ROLES,
        checklists=definitions,
        people_choices=person_choices(definitions),
        secret=secret,
    ), status


def person_choices(definitions: dict) -> list[tuple[str, str]]:
    """One choice per person, not per list entry: ``(person id, "王强 · 县清单、林农镇清单")``. Person ids are global,
    so a bare id links the account to the person in every list naming them (``accounts.ANY_CHECKLIST``)."""
    names: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for definition in definitions.values():
        for person_id, person in definition.people.items():
            names.setdefault(person_id, person.name)
            lists.setdefault(person_id, []).append(definition.title)
    return [(pid, f"{names[pid]} · {'、'.join(lists[pid])}") for pid in sorted(names)]


@bp.route("/accounts")
@roles("admin")
def accounts():
    return _accounts_page()


def _links(text: str, checklist: str | None):
    """``[CHECKLIST:]PERSON`` words typed or picked: a bare person id is that person in every list (the default; ids
    are global), ``CHECKLIST:PERSON`` or the form's list limits the link to one list (as older accounts have)."""
    links = []
    for word in (text or "").replace(",", " ").split():
        checklist_id, _, person = word.rpartition(":")
        links.append((checklist_id or checklist or engine_accounts.ANY_CHECKLIST, person))
    return links


@bp.route("/accounts", methods=["POST"])
@roles("admin")
def create_account():
    svc = services.get()
    form = request.form
    password = form.get("password") or None
    generated = password is None
    password = password or engine_accounts.new_password()
    created = engine_accounts.create_account(
        svc.store,
        (form.get("id") or "").strip(),
        form.get("role") or "",
        clock=svc.clock,
        password=password,
        display_name=(form.get("name") or "").strip() or None,
        people=_links(form.get("people", ""), form.get("checklist") or None),
        actor=account().id,
    )
    secret = {"account": created.id, "what": say("初始密码", "initial password"), "value": password} if generated else None
    return _accounts_page(secret, 201)


@bp.route("/accounts/<account_id>/<action>", methods=["POST"])
@roles("admin")
def account_action(account_id, action):
    svc = services.get()
    me = account().id
    secret = None
    if action == "disable":
        if account_id == me:
            raise InputError(say("不能停用自己的账号。", "you cannot disable your own account."))
        engine_accounts.set_disabled(svc.store, account_id, True, clock=svc.clock, actor=me)
    elif action == "enable":
        engine_accounts.set_disabled(svc.store, account_id, False, clock=svc.clock, actor=me)
    elif action == "reset":
        secret = {
            "account": account_id,
            "what": say("新密码", "new password"),
            "value": engine_accounts.reset_password(svc.store, account_id, clock=svc.clock, actor=me),
        }
    elif action == "token":
        secret = {
            "account": account_id,
            "what": say("接口令牌", "API token"),
            "value": engine_accounts.issue_token(svc.store, account_id, clock=svc.clock, actor=me),
        }
    elif action == "revoke":
        engine_accounts.revoke_tokens(svc.store, account_id, clock=svc.clock, actor=me)
    elif action == "link":
        for checklist_id, person in _links(request.form.get("people", ""), request.form.get("checklist") or None):
            engine_accounts.link_person(svc.store, account_id, person, checklist_id=checklist_id, clock=svc.clock, actor=me)
    elif action == "unlink":
        checklist_id, _, person = (request.form.get("link") or "").rpartition(":")
        engine_accounts.unlink_person(svc.store, account_id, person, checklist_id=checklist_id or "*", clock=svc.clock, actor=me)
    elif action == "role":
        if account_id == me:
            raise InputError(say("不能更改自己的角色。", "you cannot change your own role."))
        engine_accounts.set_role(svc.store, account_id, request.form.get("role") or "", clock=svc.clock, actor=me)
    else:
        raise InputError(say("未知操作 “{a}”。", "unknown action '{a}'.", a=action))
    if secret:
        return _accounts_page(secret)
    return redirect(url_for("admin.accounts"))


# ---------------------------------------------------------------- checklists


def _listing(text: str, problems) -> list[dict]:
    """The YAML lines to show, each with the problems that point at it; ``gap`` rows stand for skipped lines."""
    lines = text.splitlines()
    by_line: dict[int, list] = {}
    for problem in problems:
        by_line.setdefault(max(1, min(problem.line, len(lines) or 1)), []).append(problem)
    if len(lines) <= FULL_LISTING:
        wanted = set(range(1, len(lines) + 1))
    else:
        wanted = {n for line in by_line for n in range(line - CONTEXT_LINES, line + CONTEXT_LINES + 1) if 1 <= n <= len(lines)}
    shown, previous = [], 0
    for number in sorted(wanted):
        if number != previous + 1:
            shown.append({"gap": True})
        shown.append({"number": number, "text": lines[number - 1] if number <= len(lines) else "", "problems": by_line.get(number, [])})
        previous = number
    if lines and previous != len(lines):
        shown.append({"gap": True})
    return shown


@bp.route("/checklists")
@roles("admin")
def checklists():
    return render_template("admin_checklists.html", loaded=services.get().definitions(), result=None)


@bp.route("/checklists", methods=["POST"])
@roles("admin")
def upload_checklist():
    svc = services.get()
    upload = request.files.get("file")
    findings = None
    if upload is not None and upload.filename and upload.filename.lower().endswith(".xlsx"):
        name, raw, findings = _imported(upload)
    elif upload is not None and upload.filename:
        from engine.definition.limits import MAX_FILE_BYTES
        from engine.definition.yamlsource import too_big_message

        raw = upload.read(MAX_FILE_BYTES + 1)  # refused here, before decoding and composing a huge file
        if len(raw) > MAX_FILE_BYTES:
            refused = InputError(too_big_message(), field="file")
            refused.http_status = 413
            raise refused
        name = upload.filename
    else:
        raw = (request.form.get("text") or "").encode("utf-8")
        name = request.form.get("name") or "checklist.yaml"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(say("文件不是 UTF-8 编码的文本。", "the file is not UTF-8 text.")) from None
    if not text.strip():
        raise InputError(say("请上传清单文件或粘贴其内容。", "upload a checklist file or paste its text."))
    checked = engine.validate_text(text, name, engine.step_types(svc.plugins))
    result = {
        "name": name,
        "text": text,
        "checked": checked,
        "listing": _listing(text, checked.problems),
        "report": None,
        "findings": findings,
    }
    status = 200 if checked.ok else 422
    # check and load are one step; an Excel draft waits for its cells to be checked, a reload that would strand
    # recorded work waits for a confirmation that loads the same text with force (the text rides in the form)
    if checked.ok and request.form.get("action") == "load" and not findings:
        force = request.form.get("force") == "1"
        try:
            result["report"] = engine.load(svc.store, [checked.definition], clock=svc.clock, actor=account().id, force=force)[0]
        except engine.StrandedData as refused:
            result["confirm"] = stranded_words(refused.stranded, svc.definitions().get(checked.definition.id), checked.definition)
            status = 409
    return render_template("admin_checklists.html", loaded=svc.definitions(), result=result), status


def _imported(upload) -> tuple[str, bytes, list]:
    """An Excel list as received from above, drafted into a checklist file (``qingdan import``): its YAML, and
    what the clerk should check, cell by cell."""
    import os
    import tempfile

    from engine.importing.findings import ImportFailed
    from engine.importing.workbook import import_workbook

    year = (request.form.get("year") or "").strip()
    if year and not (re.fullmatch(r"[0-9]{4}", year) and 2000 <= int(year) <= 2100):
        raise InputError(
            say("年份 “{y}” 看不懂,请写四位数字,如 2019。", "the year '{y}' is not understood; write four digits, e.g. 2019.", y=year),
            field="year",
        )
    folder = tempfile.mkdtemp(prefix="qingdan-import-")
    path = os.path.join(folder, os.path.basename(upload.filename) or "list.xlsx")
    try:
        upload.save(path)
        imported = import_workbook(path, year=int(year) if year else None)
    except ImportFailed as err:
        raise InputError(str(err)) from None
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return f"{imported.list_id}.yaml", imported.text.encode("utf-8"), imported.findings


# ---------------------------------------------------------------- audit and deliveries


@bp.route("/audit")
@roles("admin")
def audit():
    svc = services.get()
    before = parse_id(request.args.get("before") or "") if request.args.get("before") else None  # beyond BIGINT: from the newest
    chain = request.args.get("chain") or None
    with svc.store.read() as conn:
        rows = engine.recent_events(conn, limit=100, before=before, chain=chain)
        verification = engine.verify_audit(conn)
    return render_template(
        "admin_audit.html",
        verification=verification,
        events=wording.audit_rows(rows, svc.definitions()),
        chain=chain,
        chains=svc.definitions(),
        more=rows[-1]["id"] if len(rows) == 100 else None,
    )


@bp.route("/deliveries")
@roles("admin")
def deliveries():
    svc = services.get()
    failed = engine.delivery_log(svc.store, failed_only=True, limit=200)
    return render_template("admin_deliveries.html", failed=wording.delivery_rows(failed, svc.definitions()))
