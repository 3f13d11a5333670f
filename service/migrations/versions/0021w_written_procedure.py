"""The written vote online and the approval of the minutes (issue 20, items 4 and 5): a
meeting's deadline, start and close of the written vote, the chair's approval of the
minutes; a participant's one reminder; when a vote was cast online.

Revision ID: 0021w_written_procedure
Revises: 0021b_base_rates_reminders
Create Date: 2026-12-05 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021w_written_procedure"
down_revision: str | None = "0021b_base_rates_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("written_deadline", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("written_started_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("written_closed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("minutes_approved_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "minutes_approved_by", sa.String(length=200), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("minutes_approved_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_minutes_approved_by_id_staff_user"),
            "staff_user",
            ["minutes_approved_by_id"],
            ["id"],
        )
    with op.batch_alter_table("meeting_participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cast_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_column("cast_at")
    with op.batch_alter_table("meeting_participant", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_meeting_minutes_approved_by_id_staff_user"), type_="foreignkey"
        )
        batch_op.drop_column("minutes_approved_by_id")
        batch_op.drop_column("minutes_approved_by")
        batch_op.drop_column("minutes_approved_at")
        batch_op.drop_column("written_closed_at")
        batch_op.drop_column("written_started_at")
        batch_op.drop_column("written_deadline")
