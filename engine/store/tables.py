"""The database tables. Runtime state only: definitions are stored whole as their normalized JSON.

Every change to these goes through a new Alembic migration in ``engine/migrations/versions``.
Timestamps are stored in UTC (``UTCDateTime``) and shown in the checklist's time zone.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


_BIND_MEMO_SIZE = 4096  # distinct timestamps remembered per dialect before starting again


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive storage) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; the engine only uses aware datetimes")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect):
        """``process_bind_param`` and the dialect's own conversion, remembered per value: a load binds 260,000
        timestamps for 100,000 items, nearly all the same few (the load's moment, each task's due times), and
        converting each again was a fifth of the load. Keyed with ``fold`` too, since two wall times of one zone
        that differ only in it compare equal but are different instants."""
        convert = super().bind_processor(dialect)
        memo: dict = {}

        def process(value):
            if value is None:
                return None
            key = (value, value.fold)
            found = memo.get(key)
            if found is None:
                found = convert(value)
                if len(memo) >= _BIND_MEMO_SIZE:
                    memo.clear()
                memo[key] = found
            return found

        return process

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


Id = BigInteger().with_variant(Integer, "sqlite")  # SQLite only auto-increments INTEGER PRIMARY KEY

checklists = Table(
    "checklists",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("title", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("revision", Integer, nullable=False),  # +1 on every load that changed the definition
    Column("source_sha256", String(64), nullable=False),
    Column("definition", Text, nullable=False),  # ChecklistDef.source_json
    Column("format_version", Integer, nullable=False),
    Column("loaded_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),  # qingdan close: read-only, no notices (0006)
    Column("closed_by", String(100), nullable=True),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("checklist_id", String(100), ForeignKey("checklists.id"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("position", Integer, nullable=False),
    Column("removed", Boolean, nullable=False, default=False),
    UniqueConstraint("checklist_id", "key"),
)

items = Table(
    "items",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("task_id", Id, ForeignKey("tasks.id"), nullable=False),
    Column("name", String(500), nullable=False),
    Column("position", Integer, nullable=False),
    Column("state", String(100), nullable=True),  # None for target and recurring tasks
    Column("version", Integer, nullable=False, default=1),  # optimistic concurrency check
    Column("state_since", UTCDateTime, nullable=False),
    Column("removed", Boolean, nullable=False, default=False),
    # the item's own (0006): who holds it now (the list's owner:, then qingdan transfer), its own deadline, its
    # share of the task's target, its note
    Column("owner", String(100), nullable=True),
    Column("due", Date, nullable=True),
    Column("quantity", Numeric(20, 4), nullable=True),
    Column("note", Text, nullable=True),
    UniqueConstraint("task_id", "name"),
    Index("ix_items_task_state", "task_id", "state"),
    Index("ix_items_owner", "owner"),
)

progress = Table(
    "progress",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("task_id", Id, ForeignKey("tasks.id"), nullable=False),
    Column("item_id", Id, ForeignKey("items.id"), nullable=True),
    Column("part", String(100), nullable=True),
    Column("amount", Numeric(20, 4), nullable=False),
    Column("note", Text, nullable=True),
    Column("actor", String(100), nullable=False),
    Column("at", UTCDateTime, nullable=False),  # when it was entered (the real clock)
    Column("on_date", Date, nullable=False),  # the local activity date: decides the period or milestone it counts for
    Column("reverses", Id, ForeignKey("progress.id"), nullable=True, unique=True),
    Index("ix_progress_task", "task_id", "part"),
)

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("chain", String(100), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("checklist_id", String(100), nullable=True),
    Column("task_key", String(100), nullable=True),
    Column("item_name", String(500), nullable=True),
    Column("trigger", String(100), nullable=True),
    Column("from_state", String(100), nullable=True),
    Column("to_state", String(100), nullable=True),
    Column("note", Text, nullable=True),
    Column("data", Text, nullable=False),  # canonical JSON, hashed as stored
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("chain", "seq"),
    Index("ix_events_task_item", "checklist_id", "task_key", "item_name"),
)

chain_heads = Table(
    "chain_heads",
    metadata,
    Column("chain", String(100), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=True),  # entry time of the newest event: a later event may not be entered earlier
)

item_reached = Table(
    # When each item first counted as having reached each state (``WorkflowDef.reached`` of the state it
    # entered): the activity date decides milestone verdicts, the entry time is kept beside it.
    "item_reached",
    metadata,
    Column("item_id", Id, ForeignKey("items.id"), primary_key=True),
    Column("state", String(100), primary_key=True),
    Column("reached_on", Date, nullable=False),  # local activity date
    Column("entered_at", UTCDateTime, nullable=False),  # when it was entered (the real clock)
)

# ---------------------------------------------------------------- deadlines and notices (reminders issue)

item_deadlines = Table(
    # Deadlines that appear later, for one item: rectification after a failed inspection, a contract
    # after an award. Met when ``reach_state`` is reached or when cleared (the plugin clears it).
    "item_deadlines",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("item_id", Id, ForeignKey("items.id"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("label", Text, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("reach_state", String(100), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("cleared_at", UTCDateTime, nullable=True),
    Column("outcome", String(16), nullable=True),  # met | superseded (by a new deadline with the same key); None while open
    Column("met_on", Date, nullable=True),  # local activity date the deadline was met
    Column("replaces", String(100), nullable=True),  # the workflow milestone (state) an approved extension moved for this item
    Column("original_due", Date, nullable=True),  # the date first set, when an approved extension moved it (0005)
    UniqueConstraint("item_id", "key", "due_date"),
)

schedule = Table(
    # One row per (task or item deadline, rule): when that rule fires. The sweep reads only pending rows
    # whose time has come, so a pass costs what is due, not what exists.
    "schedule",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("checklist_id", String(100), nullable=False),
    Column("task_id", Id, ForeignKey("tasks.id"), nullable=False),
    Column("item_deadline_id", Id, ForeignKey("item_deadlines.id"), nullable=True),
    Column("milestone", String(100), nullable=True),  # the workflow state (or "done") of a task deadline
    Column("period_start", Date, nullable=True),  # the period of a recurring duty
    Column("due_date", Date, nullable=False),
    Column("kind", String(16), nullable=False),  # engine.kinds.RuleKind
    Column("rule_index", Integer, nullable=True),  # which ``remind`` / ``escalate`` entry; None for the overdue notice
    Column("fire_at", UTCDateTime, nullable=False),
    Column("pending", Boolean, nullable=False, default=True),
    Column("processed_at", UTCDateTime, nullable=True),
    Index("ix_schedule_pending_fire_at", "pending", "fire_at"),
    Index("ix_schedule_task", "task_id"),
)

notices = Table(
    "notices",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("dedupe_key", String(400), nullable=False, unique=True),  # exactly once per (subject, rule, deadline, recipient)
    Column("checklist_id", String(100), nullable=False),
    Column("task_id", Id, ForeignKey("tasks.id"), nullable=True),
    Column("item_id", Id, ForeignKey("items.id"), nullable=True),
    Column("kind", String(20), nullable=False),
    Column("rule_index", Integer, nullable=True),
    Column("milestone", String(100), nullable=True),
    Column("period_start", Date, nullable=True),
    Column("item_deadline_id", Id, ForeignKey("item_deadlines.id"), nullable=True),
    Column("due_date", Date, nullable=True),
    Column("recipient", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("subject", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("read_at", UTCDateTime, nullable=True),
    Index("ix_notices_recipient", "checklist_id", "recipient", "read_at"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("notice_id", Id, ForeignKey("notices.id"), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("address", String(400), nullable=True),
    Column("status", String(16), nullable=False),  # pending | sent | failed (will retry) | abandoned
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),  # a sender's claim, so two processes never send one delivery
    Column("sent_at", UTCDateTime, nullable=True),
    Column("digest_id", Id, ForeignKey("digests.id"), nullable=True),  # the daily digest that carried it (engine.reminders.digest)
    UniqueConstraint("notice_id", "channel"),
    Index("ix_deliveries_status_next", "status", "next_attempt_at"),
)

digests = Table(
    # One message a day per person and channel batching their reminders, overdue notices and escalations; the
    # unique (recipient, channel, day) keeps two scheduler processes from making one twice.
    "digests",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("recipient", String(100), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("day", Date, nullable=False),  # the local day it is for
    Column("checklist_id", String(100), nullable=False),  # a list naming the person (for their name and address)
    Column("address", String(400), nullable=True),
    Column("subject", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("notices", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # pending | sent | failed (will retry) | abandoned
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    UniqueConstraint("recipient", "channel", "day"),
    Index("ix_digests_status_next", "status", "next_attempt_at"),
)

# ---------------------------------------------------------------- step data (plugins issue)

step_records = Table(
    # The latest value of each piece of step data per item (tender dates, winner, contract date);
    # every change is also an audit event.
    "step_records",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("item_id", Id, ForeignKey("items.id"), nullable=False),
    Column("step", String(50), nullable=False),
    Column("key", String(100), nullable=False),
    Column("value", Text, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("item_id", "step", "key"),
)

inspections = Table(
    "inspections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("item_id", Id, ForeignKey("items.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("inspector", String(100), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("on_date", Date, nullable=True),  # the local date of the inspection when it differs from entry
    Column("results", Text, nullable=False),  # JSON: per criterion value, bound, met
    Column("evidence", Text, nullable=False),  # JSON: [{name, sha256, size}]
    Column("note", Text, nullable=True),
    UniqueConstraint("item_id", "round"),
)

funds_entries = Table(
    "funds_entries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("task_id", Id, ForeignKey("tasks.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # allocated | disbursed | spent
    Column("amount", Numeric(20, 4), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("document", String(200), nullable=True),
    Column("note", Text, nullable=True),
    Column("actor", String(100), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_funds_task", "task_id", "kind"),
)

# ---------------------------------------------------------------- accounts (web issue)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("role", String(16), nullable=False),  # head | leader | staff | inspector | informant | admin
    Column("display_name", Text, nullable=True),
    Column("password_hash", Text, nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("session_version", Integer, nullable=False, default=1),  # bump to revoke sessions and remember-me cookies
    Column("failed_logins", Integer, nullable=False, default=0),  # no longer read: see login_failures (0004)
    Column("locked_until", UTCDateTime, nullable=True),  # no longer read: see login_failures (0004)
    Column("created_at", UTCDateTime, nullable=False),
)

login_failures = Table(
    # Failed logins in a row per name typed at the login form, known account or not (so an unknown name is locked
    # exactly like a real one); the name's SHA-256, so a password typed into the name field is not kept.
    "login_failures",
    metadata,
    Column("name_sha256", String(64), primary_key=True),
    Column("failed", Integer, nullable=False),  # attempts counted before their password was checked
    Column("locked_until", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

account_people = Table(
    # Which checklist people an account acts as; checklist_id '*' means that person id in every checklist.
    "account_people",
    metadata,
    Column("account_id", String(100), ForeignKey("accounts.id"), primary_key=True),
    Column("checklist_id", String(100), primary_key=True),
    Column("person_id", String(100), primary_key=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", String(100), ForeignKey("accounts.id"), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
)

# ---------------------------------------------------------------- supervision and extensions (issue 12, 0005)

supervisions = Table(
    # 督办单: a leader's or head's notice on a task or one item that demands a written reply by a date.
    "supervisions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("checklist_id", String(100), nullable=False),
    Column("task_id", Id, ForeignKey("tasks.id"), nullable=False),
    Column("item_id", Id, ForeignKey("items.id"), nullable=True),  # None: the whole task
    Column("colour", String(8), nullable=False),  # engine.runtime.supervision.Colour: blue | yellow | red
    Column("instruction", Text, nullable=False),
    Column("reply_by", Date, nullable=False),  # local date the reply is due
    Column("issuer", String(100), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("answered_at", UTCDateTime, nullable=True),  # the first reply
    Column("escalated_at", UTCDateTime, nullable=True),  # unanswered past reply_by: the sweep escalated it
    Column("closed_at", UTCDateTime, nullable=True),  # the issuer read the reply and closed it (办结)
    Column("closed_by", String(100), nullable=True),
    Index("ix_supervisions_task", "checklist_id", "task_id"),
)

supervision_replies = Table(
    "supervision_replies",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("supervision_id", Id, ForeignKey("supervisions.id"), nullable=False),
    Column("author", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("evidence", Text, nullable=False),  # JSON: [{name, sha256, size}]
    Column("at", UTCDateTime, nullable=False),
    Index("ix_supervision_replies_supervision", "supervision_id"),
)

extension_requests = Table(
    # 申请延期: one item's deadline (a workflow milestone or one of its own deadlines), asked for and decided.
    "extension_requests",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("checklist_id", String(100), nullable=False),
    Column("task_id", Id, ForeignKey("tasks.id"), nullable=False),
    Column("item_id", Id, ForeignKey("items.id"), nullable=False),
    Column("milestone", String(100), nullable=True),  # the workflow state of a task milestone, or None
    Column("item_deadline_id", Id, ForeignKey("item_deadlines.id"), nullable=True),  # or the item's own deadline
    Column("current_due", Date, nullable=False),  # the due date when asked
    Column("original_due", Date, nullable=False),  # the date first set (before any extension)
    Column("requested_due", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("requester", String(100), nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("decision", String(16), nullable=True),  # approved | refused; None while pending
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decision_note", Text, nullable=True),
    Column("new_deadline_id", Id, ForeignKey("item_deadlines.id"), nullable=True),  # the deadline an approval opened
    Index("ix_extension_requests_task", "checklist_id", "task_id"),
)
