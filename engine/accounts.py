"""Accounts of the web and the API: roles, passwords, lockout, API tokens and the checklist people they act as.

An account has one role (``head``, ``leader``, ``staff``, ``inspector``, ``informant``, ``admin``) and is linked to
the people it acts as (``account_people``). Person ids are global (one id is one person in every list, checked at
load: ``engine.runtime.people_directory``), so a link is to the person by default: checklist ``*``, that person in
every list naming them, one inbox and one to-do across them. A link naming one list (older accounts) acts in
that list only. Passwords are hashed with werkzeug's scrypt; API tokens are random and only their
SHA-256 is stored. Every change is an event in the ``_system`` audit chain (never a password or a
token). Bumping ``session_version`` revokes every session of the account.

The role narrows what the linked person may do (``role_capacities``): a staff account acts only as a
task's responsible person even when its person is also a head somewhere, an inspector account only
as an inspector, an informant (信息员) account only as a reporter a task names, an admin account not
at all. This module does not import Flask.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, case, delete, func, insert, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from engine.dates.clock import Clock
from engine.definition.definitions import ChecklistDef
from engine.errors import InputError, NotFound
from engine.i18n import say
from engine.runtime import audit
from engine.store import Store
from engine.store.tables import account_people, accounts, api_tokens, login_failures

ROLES = ("head", "leader", "staff", "inspector", "informant", "admin")
ROLE_WORDS = {
    "head": ("主要负责人", "head"),
    "leader": ("分管领导", "leader"),
    "staff": ("责任人", "staff"),
    "inspector": ("验收人员", "inspector"),
    "informant": ("信息员", "informant"),
    "admin": ("系统管理员", "administrator"),
}
ANY_CHECKLIST = "*"
MIN_PASSWORD = 8
#: werkzeug's method string; tests may choose a cheaper work factor (the method is stored with the hash)
PASSWORD_METHOD = "scrypt"
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
TOKEN_PREFIX = "qd_"
_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,100}$")


@dataclass(frozen=True)
class Account:
    id: str
    role: str
    display_name: str | None
    disabled: bool
    session_version: int
    people: tuple[tuple[str, str], ...]  # (checklist id or "*", person id)
    has_password: bool = False

    @property
    def name(self) -> str:
        return self.display_name or self.id

    def person_in(self, checklist: ChecklistDef) -> str | None:
        """The person this account acts as in ``checklist`` (a checklist-specific link wins over ``*``)."""
        for wanted in (checklist.id, ANY_CHECKLIST):
            for checklist_id, person in self.people:
                if checklist_id == wanted and person in checklist.people:
                    return person
        return None


def role_word(role: str) -> str:
    return say(*ROLE_WORDS.get(role, (role, role)))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InputError(say("角色 “{r}” 不存在;可用:{k}。", "there is no role '{r}'; use one of: {k}.", r=role, k=", ".join(ROLES)))


def _check_password(password: str) -> None:
    if password is None or len(password) < MIN_PASSWORD:
        raise InputError(say("密码至少 {n} 个字符。", "a password needs at least {n} characters.", n=MIN_PASSWORD))
    if password != password.strip():
        raise InputError(say("密码首尾不能有空格。", "a password may not start or end with spaces."))


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def new_password() -> str:
    """A random password people can type: 4 groups of 4 letters and digits without look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


# ---------------------------------------------------------------- reading


def get_account(store: Store, account_id: str) -> Account | None:
    with store.read() as conn:
        return account_in(conn, account_id)


def account_in(conn, account_id: str) -> Account | None:
    row = conn.execute(select(accounts).where(accounts.c.id == account_id)).mappings().first()
    if row is None:
        return None
    people = tuple(
        (r.checklist_id, r.person_id)
        for r in conn.execute(
            select(account_people.c.checklist_id, account_people.c.person_id)
            .where(account_people.c.account_id == account_id)
            .order_by(account_people.c.checklist_id, account_people.c.person_id)
        )
    )
    return _account(row, people)


def _account(row, people) -> Account:
    return Account(
        row["id"], row["role"], row["display_name"], bool(row["disabled"]), row["session_version"], people, row["password_hash"] is not None
    )


def list_accounts(store: Store) -> list[Account]:
    with store.read() as conn:
        rows = conn.execute(select(accounts).order_by(accounts.c.id)).mappings().all()
        links: dict[str, list] = {}
        for r in conn.execute(select(account_people).order_by(account_people.c.checklist_id, account_people.c.person_id)):
            links.setdefault(r.account_id, []).append((r.checklist_id, r.person_id))
    return [_account(row, tuple(links.get(row["id"], ()))) for row in rows]


def _require(conn, account_id: str):
    row = conn.execute(select(accounts).where(accounts.c.id == account_id)).mappings().first()
    if row is None:
        raise NotFound(say("没有账号 “{a}”。", "there is no account '{a}'.", a=account_id))
    return row


# ---------------------------------------------------------------- changing


def create_account(
    store: Store,
    account_id: str,
    role: str,
    *,
    clock: Clock,
    password: str | None = None,
    display_name: str | None = None,
    people: list[tuple[str, str]] = (),
    actor: str = "admin",
) -> Account:
    _check_role(role)
    if not _ID.match(account_id or ""):
        raise InputError(
            say(
                "账号 “{a}” 只能由字母、数字和 _ . @ - 组成(最多 100 个字符)。",
                "the account id '{a}' may only hold letters, digits and _ . @ - (at most 100).",
                a=account_id,
            )
        )
    if password is not None:
        _check_password(password)
    now = clock.now()
    with store.write() as conn:
        if conn.execute(select(accounts.c.id).where(accounts.c.id == account_id)).first() is not None:
            raise InputError(say("账号 “{a}” 已存在。", "the account '{a}' already exists.", a=account_id))
        conn.execute(
            insert(accounts).values(
                id=account_id,
                role=role,
                display_name=display_name,
                password_hash=hash_password(password) if password else None,
                disabled=False,
                session_version=1,
                failed_logins=0,
                created_at=now,
            )
        )
        for checklist_id, person in people:
            _link(conn, account_id, checklist_id, person)
        _event(conn, now, actor, "account_created", account_id, {"role": role, "people": [list(p) for p in people]})
        return account_in(conn, account_id)


def _link(conn, account_id: str, checklist_id: str, person: str) -> None:
    if not person or not checklist_id:
        raise InputError(say("关联人员需要清单编号和人员标识。", "linking a person needs a checklist id and a person id."))
    exists = conn.execute(
        select(account_people.c.person_id).where(
            account_people.c.account_id == account_id, account_people.c.checklist_id == checklist_id, account_people.c.person_id == person
        )
    ).first()
    if exists is None:
        conn.execute(insert(account_people).values(account_id=account_id, checklist_id=checklist_id, person_id=person))


def link_person(
    store: Store, account_id: str, person: str, *, clock: Clock, checklist_id: str = ANY_CHECKLIST, actor: str = "admin"
) -> Account:
    """Link the account to ``person``: in every list naming them (``*``, the default), or in ``checklist_id`` only."""
    now = clock.now()
    with store.write() as conn:
        _require(conn, account_id)
        _link(conn, account_id, checklist_id, person)
        _event(conn, now, actor, "account_linked", account_id, {"checklist": checklist_id, "person": person})
        return account_in(conn, account_id)


def unlink_person(
    store: Store, account_id: str, person: str, *, clock: Clock, checklist_id: str = ANY_CHECKLIST, actor: str = "admin"
) -> Account:
    now = clock.now()
    with store.write() as conn:
        _require(conn, account_id)
        conn.execute(
            delete(account_people).where(
                account_people.c.account_id == account_id,
                account_people.c.checklist_id == checklist_id,
                account_people.c.person_id == person,
            )
        )
        _event(conn, now, actor, "account_unlinked", account_id, {"checklist": checklist_id, "person": person})
        return account_in(conn, account_id)


def set_password(store: Store, account_id: str, password: str, *, clock: Clock, actor: str = "admin") -> None:
    """Set a new password; every session of the account ends and a lockout is lifted."""
    _check_password(password)
    now = clock.now()
    with store.write() as conn:
        _require(conn, account_id)
        conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(
                password_hash=hash_password(password), session_version=accounts.c.session_version + 1, failed_logins=0, locked_until=None
            )
        )
        conn.execute(delete(login_failures).where(login_failures.c.name_sha256 == _login_key(account_id)))
        _event(conn, now, actor, "password_set", account_id, {})


def reset_password(store: Store, account_id: str, *, clock: Clock, actor: str = "admin") -> str:
    """Give the account a new random password and return it (shown once to whoever reset it)."""
    password = new_password()
    set_password(store, account_id, password, clock=clock, actor=actor)
    return password


def set_disabled(store: Store, account_id: str, disabled: bool, *, clock: Clock, actor: str = "admin") -> None:
    """Disable (every session ends and every token is revoked at once) or enable an account (with no token: issue
    new ones)."""
    now = clock.now()
    with store.write() as conn:
        _require(conn, account_id)
        conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(disabled=disabled, session_version=accounts.c.session_version + 1, failed_logins=0, locked_until=None)
        )
        conn.execute(delete(login_failures).where(login_failures.c.name_sha256 == _login_key(account_id)))
        if disabled:  # its tokens end for good: enabling the account again does not bring them back
            conn.execute(
                update(api_tokens).where(api_tokens.c.account_id == account_id, api_tokens.c.revoked_at.is_(None)).values(revoked_at=now)
            )
        _event(conn, now, actor, "account_disabled" if disabled else "account_enabled", account_id, {})


def set_role(store: Store, account_id: str, role: str, *, clock: Clock, actor: str = "admin") -> None:
    _check_role(role)
    now = clock.now()
    with store.write() as conn:
        _require(conn, account_id)
        conn.execute(update(accounts).where(accounts.c.id == account_id).values(role=role, session_version=accounts.c.session_version + 1))
        _event(conn, now, actor, "account_role", account_id, {"role": role})


def _event(conn, now, actor, kind, account_id, data) -> None:
    audit.append(conn, chain=audit.SYSTEM_CHAIN, at=now, actor=actor, kind=kind, data={"account": account_id, **data})


# ---------------------------------------------------------------- logging in


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    reason: str | None = None  # "unknown" | "password" | "disabled" | "locked"

    @property
    def ok(self) -> bool:
        return self.account is not None


_DUMMY_HASH: str | None = None
#: a name's failures in a row are forgotten after this long without an attempt
FAILURES_FORGOTTEN = dt.timedelta(days=1)


def _login_key(account_id: str) -> str:
    return hashlib.sha256((account_id or "").encode("utf-8")).hexdigest()


def _count_attempt(conn, dialect: str, key: str, now) -> bool:
    """Count one attempt on the name ``key`` BEFORE its password is checked, in one statement (an upsert with a
    condition, atomic on SQLite and PostgreSQL alike). False when the name is locked, or when as many attempts as
    allowed are counted already (being checked right now): then no password may be checked."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    table = login_failures
    # a count left at the limit without a lock (a process died between counting and checking) goes stale
    stale = table.c.updated_at <= now - LOCKOUT
    statement = (
        upsert(table)
        .values(name_sha256=key, failed=1, locked_until=None, updated_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.name_sha256],
            set_={
                "failed": case((table.c.failed >= MAX_FAILED_LOGINS, 1), else_=table.c.failed + 1),
                "locked_until": None,
                "updated_at": now,
            },
            where=or_(table.c.locked_until.is_(None), table.c.locked_until <= now) & or_(table.c.failed < MAX_FAILED_LOGINS, stale),
        )
        .returning(table.c.failed)
    )
    return conn.execute(statement).first() is not None


def authenticate(store: Store, account_id: str, password: str, *, clock: Clock) -> LoginResult:
    """Check a password. Each attempt is counted in the database before its password is checked, atomically, so
    parallel logins cannot check more than ``MAX_FAILED_LOGINS`` passwords in a row; when that many failed the name
    is locked for ``LOCKOUT`` (every web worker sees it). A name no account has is counted, checked (against a
    dummy hash, the same time) and locked exactly the same way, so the answers never tell whether an account
    exists; that an account is disabled is said only after its right password. A success clears the count."""
    global _DUMMY_HASH
    now = clock.now()
    key = _login_key(account_id)
    with store.write() as conn:
        if not _count_attempt(conn, store.dialect, key, now):
            return LoginResult(None, "locked")
        row = conn.execute(select(accounts).where(accounts.c.id == account_id)).mappings().first()
    if row is None or row["password_hash"] is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(secrets.token_hex(8))
        check_password_hash(_DUMMY_HASH, password or "")
        right = False
    else:
        right = check_password_hash(row["password_hash"], password or "")
    with store.write() as conn:
        if right:
            conn.execute(delete(login_failures).where(login_failures.c.name_sha256 == key))
        else:
            locked = conn.execute(
                update(login_failures)
                .where(login_failures.c.name_sha256 == key, login_failures.c.failed >= MAX_FAILED_LOGINS)
                .values(failed=0, locked_until=now + LOCKOUT, updated_at=now)
            ).rowcount
            if locked and row is not None:
                _event(conn, now, account_id, "account_locked", account_id, {"minutes": int(LOCKOUT.total_seconds() // 60)})
            conn.execute(
                delete(login_failures).where(
                    login_failures.c.updated_at < now - FAILURES_FORGOTTEN,
                    or_(login_failures.c.locked_until.is_(None), login_failures.c.locked_until < now),
                )
            )
    if not right:
        return LoginResult(None, "unknown" if row is None or row["password_hash"] is None else "password")
    if row["disabled"]:
        return LoginResult(None, "disabled")
    return LoginResult(get_account(store, account_id))


def end_sessions(store: Store, account_id: str) -> None:
    """End every session of the account (logging out ends them all: a copied cookie stops working too)."""
    with store.write() as conn:
        conn.execute(update(accounts).where(accounts.c.id == account_id).values(session_version=accounts.c.session_version + 1))


def login_refusal(reason: str | None) -> str:
    if reason == "locked":
        return say(
            "登录失败次数过多,账号已暂时锁定,请 {m} 分钟后再试或联系管理员。",
            "too many failed logins: the account is locked for a while; try again in {m} minutes or ask an administrator.",
            m=int(LOCKOUT.total_seconds() // 60),
        )
    if reason == "disabled":
        return say("账号已停用,请联系管理员。", "this account is disabled; ask an administrator.")
    return say("账号或密码不对。", "wrong account or password.")


# ---------------------------------------------------------------- API tokens


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(store: Store, account_id: str, *, clock: Clock, actor: str = "admin") -> str:
    """A new API token for the account; shown once, only its SHA-256 is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    with store.write() as conn:
        _require(conn, account_id)
        token_id = conn.execute(
            insert(api_tokens).values(account_id=account_id, token_sha256=_digest(token), created_at=now).returning(api_tokens.c.id)
        ).scalar_one()
        _event(conn, now, actor, "token_issued", account_id, {"token_id": token_id})
    return token


def revoke_tokens(store: Store, account_id: str, *, clock: Clock, actor: str = "admin") -> int:
    now = clock.now()
    with store.write() as conn:
        _require(conn, account_id)
        count = conn.execute(
            update(api_tokens).where(api_tokens.c.account_id == account_id, api_tokens.c.revoked_at.is_(None)).values(revoked_at=now)
        ).rowcount
        _event(conn, now, actor, "tokens_revoked", account_id, {"count": count})
    return count


def count_tokens(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {
            r[0]: r[1]
            for r in conn.execute(
                select(api_tokens.c.account_id, func.count()).where(api_tokens.c.revoked_at.is_(None)).group_by(api_tokens.c.account_id)
            )
        }


#: the token, its account and the account's people in one round trip (every API request asks it): one row per linked
#: person, or one with no person
_TOKEN_ACCOUNT = (
    select(
        api_tokens.c.id.label("token_id"),
        api_tokens.c.last_used_at,
        accounts,
        account_people.c.checklist_id.label("link_checklist"),
        account_people.c.person_id.label("link_person"),
    )
    .select_from(
        api_tokens.join(accounts, accounts.c.id == api_tokens.c.account_id).outerjoin(
            account_people, account_people.c.account_id == accounts.c.id
        )
    )
    .where(api_tokens.c.token_sha256 == bindparam("digest"), api_tokens.c.revoked_at.is_(None))
)

#: last_used_at is written at most this often per token (a busy API client must not write on every call)
TOUCH_EVERY = dt.timedelta(minutes=5)


def account_for_token(store: Store, token: str, *, clock: Clock) -> Account | None:
    """The enabled account an unrevoked token belongs to, else None."""
    return account_for_token_asking(store, token, clock=clock)[0]


_WITH_QUESTION: dict[int, object] = {}  # id of a question's column -> the token statement with it, built once


def account_for_token_asking(store: Store, token: str, *, clock: Clock, question=None) -> tuple[Account | None, object]:
    """``account_for_token`` and the answer to one more single-value question asked in the same statement (one round
    trip where a request would make two; the status API asks its list's data version, ``status_cache``).
    ``question``: ``(column, params)``, a scalar subquery built once and its parameters; the answer is None without a
    question or when the token is unknown."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None, None
    now = clock.now()
    statement, params = _TOKEN_ACCOUNT, {"digest": _digest(token)}
    if question is not None:
        column, asked = question
        statement = _WITH_QUESTION.get(id(column))
        if statement is None:
            statement = _WITH_QUESTION[id(column)] = _TOKEN_ACCOUNT.add_columns(column.label("answer"))
        params = {**asked, **params}
    with store.peek() as conn:  # one statement: no transaction around it on PostgreSQL
        rows = conn.execute(statement, params).mappings().all()
    if not rows:
        return None, None
    row = rows[0]
    answer = row["answer"] if question is not None else None
    people = tuple(sorted((r["link_checklist"], r["link_person"]) for r in rows if r["link_person"] is not None))
    account = _account(row, people)
    if account.disabled:
        return None, None
    if row["last_used_at"] is None or now - row["last_used_at"] > TOUCH_EVERY:
        with store.write() as conn:
            conn.execute(update(api_tokens).where(api_tokens.c.id == row["token_id"]).values(last_used_at=now))
    return account, answer


# ---------------------------------------------------------------- what a role may do (pure)
