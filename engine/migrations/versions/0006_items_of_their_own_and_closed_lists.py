"""items with an owner, a date, a share and a note of their own; lists closed at year end

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

``items.owner`` is the person who holds the item now (the list's ``owner:`` when loaded, then moved by
``qingdan transfer``); ``items.due``, ``items.quantity`` and ``items.note`` are the item's own deadline, share
of the task's target and note as the list declares them. ``checklists.closed_at`` / ``closed_by`` mark a list
closed by ``qingdan close`` (read-only, no notices). All nullable: existing rows keep meaning what they meant.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("quantity", sa.Numeric(20, 4), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    op.create_index("ix_items_owner", "items", ["owner"])
    with op.batch_alter_table("checklists") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_by", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checklists") as batch:
        batch.drop_column("closed_by")
        batch.drop_column("closed_at")
    op.drop_index("ix_items_owner", table_name="items")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("note")
        batch.drop_column("quantity")
        batch.drop_column("due")
        batch.drop_column("owner")
