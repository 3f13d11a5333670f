"""Staff password reset links (issue 14): only the SHA-256 of the token, single use, expiring.

Revision ID: 0010_staff_password_reset
Revises: 0009_outbox_claims
Create Date: 2026-12-04 15:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_staff_password_reset"
down_revision: str | None = "0009_outbox_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_password_reset_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_password_reset")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_password_reset_token_hash")),
    )
    with op.batch_alter_table("staff_password_reset", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_password_reset_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_password_reset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_password_reset_user_id"))
    op.drop_table("staff_password_reset")
