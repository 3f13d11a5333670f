"""Issuing and notifying (issue 17, item 9): the day an issued notice counts as notified and
the number of days it was computed from, when it was e-mailed, and the recipient's waiver of
the remedy (Rechtsbehelfsverzicht). Notices issued before stay without a notification day.

Revision ID: 0017_notice_notification
Revises: 0020_payment_orders
Create Date: 2026-12-05 14:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_notice_notification"
down_revision: str | None = "0020_payment_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notified_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("notification_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "notice_waiver",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("waived_on", sa.Date(), nullable=False),
        sa.Column(
            "form",
            sa.Enum(
                "written",
                "electronic",
                name="waiver_form",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("declared_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notice.id"],
            name=op.f("fk_notice_waiver_notice_id_notice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_waiver")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_notice_waiver_notice_id")),
    )


def downgrade() -> None:
    op.drop_table("notice_waiver")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_column("mailed_at")
        batch_op.drop_column("notification_days")
        batch_op.drop_column("notified_on")
