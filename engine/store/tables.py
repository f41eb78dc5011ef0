"""The database tables. Runtime state only: definitions are stored whole as their normalized JSON.

Every change to these goes through a new Alembic migration in ``engine/migrations/versions``.
Timestamps are stored in UTC (``UTCDateTime``) and shown in the checklist's time zone.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (BigInteger, Boolean, Column, DateTime, ForeignKey, Index, Integer, MetaData, Numeric,
                        String, Table, Text, UniqueConstraint)
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive storage) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; the engine only uses aware datetimes")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


Id = BigInteger().with_variant(Integer, "sqlite")  # SQLite only auto-increments INTEGER PRIMARY KEY

checklists = Table(
    "checklists", metadata,
    Column("id", String(100), primary_key=True),
    Column("title", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("revision", Integer, nullable=False),  # +1 on every load that changed the definition
    Column("source_sha256", String(64), nullable=False),
    Column("definition", Text, nullable=False),  # ChecklistDef.source_json
    Column("format_version", Integer, nullable=False),
    Column("loaded_at", UTCDateTime, nullable=False),
)

tasks = Table(
    "tasks", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("checklist_id", String(100), ForeignKey("checklists.id"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("position", Integer, nullable=False),
    Column("removed", Boolean, nullable=False, default=False),
    UniqueConstraint("checklist_id", "key"),
)

items = Table(
    "items", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("task_id", Id, ForeignKey("tasks.id"), nullable=False),
    Column("name", String(500), nullable=False),
    Column("position", Integer, nullable=False),
    Column("state", String(100), nullable=True),  # None for target and recurring tasks
    Column("version", Integer, nullable=False, default=1),  # optimistic concurrency check
    Column("state_since", UTCDateTime, nullable=False),
    Column("removed", Boolean, nullable=False, default=False),
    UniqueConstraint("task_id", "name"),
    Index("ix_items_task_state", "task_id", "state"),
)

progress = Table(
    "progress", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("task_id", Id, ForeignKey("tasks.id"), nullable=False),
    Column("item_id", Id, ForeignKey("items.id"), nullable=True),
    Column("part", String(100), nullable=True),
    Column("amount", Numeric(20, 4), nullable=False),
    Column("note", Text, nullable=True),
    Column("actor", String(100), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("reverses", Id, ForeignKey("progress.id"), nullable=True, unique=True),
    Index("ix_progress_task", "task_id", "part"),
)

events = Table(
    "events", metadata,
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
    "chain_heads", metadata,
    Column("chain", String(100), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)
