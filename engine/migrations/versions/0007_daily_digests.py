"""daily digests: a person's reminders, overdue notices and escalations batched into one message a day

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

``digests`` holds one row per person, channel and local day (unique: two scheduler processes cannot both
make it), with its composed text and the same send bookkeeping as ``deliveries`` (status, attempts, lease).
``deliveries.digest_id`` says which digest carried a delivery that was held for one (status ``held`` until the
digest is made, then ``digest``): a notice goes into exactly one digest.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "digests",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("checklist_id", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=400), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("notices", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
        sa.UniqueConstraint("recipient", "channel", "day", name=op.f("uq_digests_recipient")),
    )
    op.create_index("ix_digests_status_next", "digests", ["status", "next_attempt_at"])
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("digest_id", Id, nullable=True))
        batch.create_foreign_key("fk_deliveries_digest_id_digests", "digests", ["digest_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint("fk_deliveries_digest_id_digests", type_="foreignkey")
        batch.drop_column("digest_id")
    op.drop_index("ix_digests_status_next", table_name="digests")
    op.drop_table("digests")
