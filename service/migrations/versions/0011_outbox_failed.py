"""Outbox: mails that can never be sent are set aside (``failed_at``) instead of stopping
the queue – a bad recipient, a refused header, a recipient the server refused (issue 14).

Revision ID: 0011_outbox_failed
Revises: 0010_staff_password_reset
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_outbox_failed"
down_revision: str | None = "0010_staff_password_reset"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.drop_column("failed_at")
