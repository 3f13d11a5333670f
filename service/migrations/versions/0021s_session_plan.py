"""Sessions done right (issue 20.6): a session can be cancelled (day and reason kept), names
the next session (a later session of the calendar, or a date), and an absence is recorded as
excused or not.

Revision ID: 0021s_session_plan
Revises: 0019_agenda_item_status
Create Date: 2026-12-05 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021s_session_plan"
down_revision: str | None = "0019_agenda_item_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_meeting_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cancelled_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("cancel_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_next_meeting_id"), ["next_meeting_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_next_meeting_id_meeting"),
            "meeting",
            ["next_meeting_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("meeting_participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("excused", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_participant", schema=None) as batch_op:
        batch_op.drop_column("excused")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_meeting_next_meeting_id_meeting"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_meeting_next_meeting_id"))
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_on")
        batch_op.drop_column("next_meeting_id")
