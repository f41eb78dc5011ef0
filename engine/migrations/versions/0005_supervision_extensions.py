"""supervision notices (督办单), their replies, extension requests (申请延期), extended item deadlines

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

New tables only, plus two nullable columns on ``item_deadlines``: ``replaces`` (the workflow milestone an approved
extension moved for one item) and ``original_due`` (the date first set), so a verdict can say it was extended and
from when. Nothing to back-fill.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("item_deadlines") as batch:
        batch.add_column(sa.Column("replaces", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("original_due", sa.Date(), nullable=True))
    op.create_table(
        "supervisions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("checklist_id", sa.String(length=100), nullable=False),
        sa.Column("task_id", Id, nullable=False),
        sa.Column("item_id", Id, nullable=True),
        sa.Column("colour", sa.String(length=8), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("reply_by", sa.Date(), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_supervisions_item_id_items")),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_supervisions_task_id_tasks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisions")),
    )
    op.create_index("ix_supervisions_task", "supervisions", ["checklist_id", "task_id"])
    op.create_table(
        "supervision_replies",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("supervision_id", Id, nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["supervision_id"], ["supervisions.id"], name=op.f("fk_supervision_replies_supervision_id_supervisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_replies")),
    )
    op.create_index("ix_supervision_replies_supervision", "supervision_replies", ["supervision_id"])
    op.create_table(
        "extension_requests",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("checklist_id", sa.String(length=100), nullable=False),
        sa.Column("task_id", Id, nullable=False),
        sa.Column("item_id", Id, nullable=False),
        sa.Column("milestone", sa.String(length=100), nullable=True),
        sa.Column("item_deadline_id", Id, nullable=True),
        sa.Column("current_due", sa.Date(), nullable=False),
        sa.Column("original_due", sa.Date(), nullable=False),
        sa.Column("requested_due", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requester", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("new_deadline_id", Id, nullable=True),
        sa.ForeignKeyConstraint(
            ["item_deadline_id"], ["item_deadlines.id"], name=op.f("fk_extension_requests_item_deadline_id_item_deadlines")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_extension_requests_item_id_items")),
        sa.ForeignKeyConstraint(
            ["new_deadline_id"], ["item_deadlines.id"], name=op.f("fk_extension_requests_new_deadline_id_item_deadlines")
        ),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_extension_requests_task_id_tasks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_requests")),
    )
    op.create_index("ix_extension_requests_task", "extension_requests", ["checklist_id", "task_id"])


def downgrade() -> None:
    op.drop_index("ix_extension_requests_task", table_name="extension_requests")
    op.drop_table("extension_requests")
    op.drop_index("ix_supervision_replies_supervision", table_name="supervision_replies")
    op.drop_table("supervision_replies")
    op.drop_index("ix_supervisions_task", table_name="supervisions")
    op.drop_table("supervisions")
    with op.batch_alter_table("item_deadlines") as batch:
        batch.drop_column("original_due")
        batch.drop_column("replaces")
