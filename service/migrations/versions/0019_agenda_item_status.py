"""An agenda item can be postponed or withdrawn without a vote (issue 18, item 4): its status
and a note for the minutes; a committee decision may record a withdrawal.

Revision ID: 0019_agenda_item_status
Revises: 0017_notice_notification
Create Date: 2026-12-05 14:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_agenda_item_status"
down_revision: str | None = "0017_notice_notification"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OUTCOMES = ("approved", "rejected", "deferred", "not-decided")


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(
                    "vote",
                    "postponed",
                    "withdrawn",
                    name="status",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=False,
                server_default="vote",
            )
        )
        batch_op.add_column(sa.Column("status_note", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_decision_outcome"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_decision_outcome"), _in("outcome", (*_OUTCOMES, "withdrawn"))
        )


def downgrade() -> None:
    # a recorded withdrawal has no older form: it becomes "not decided", which also sent the
    # application back to the queue – the application's own state (withdrawn) stays
    op.execute("UPDATE decision SET outcome = 'not-decided' WHERE outcome = 'withdrawn'")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_decision_outcome"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_decision_outcome"), _in("outcome", _OUTCOMES)
        )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_agenda_item_status"), type_="check")
        batch_op.drop_column("status_note")
        batch_op.drop_column("status")
