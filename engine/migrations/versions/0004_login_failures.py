"""login failures per typed name, counted atomically before a password is checked

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

The lockout moves from ``accounts.failed_logins``/``locked_until`` (read, then written after the password check,
so parallel logins all passed) to ``login_failures``, keyed by the SHA-256 of the name typed, whether an account
has it or not. A lockout running at upgrade time is carried over; the old columns stay but are no longer read.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "login_failures",
        sa.Column("name_sha256", sa.String(length=64), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name_sha256", name=op.f("pk_login_failures")),
    )
    conn = op.get_bind()
    accounts = sa.table(
        "accounts",
        sa.column("id", sa.String()),
        sa.column("failed_logins", sa.Integer()),
        sa.column("locked_until", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = conn.execute(sa.select(accounts).where(sa.or_(accounts.c.failed_logins > 0, accounts.c.locked_until.is_not(None)))).all()
    if rows:
        op.bulk_insert(
            table,
            [
                {
                    "name_sha256": hashlib.sha256(r.id.encode("utf-8")).hexdigest(),
                    "failed": r.failed_logins,
                    "locked_until": r.locked_until,
                    "updated_at": r.locked_until or r.created_at,
                }
                for r in rows
            ],
        )


def downgrade() -> None:
    op.drop_table("login_failures")
