"""Partnership settings (issue 16): the legal pieces, data protection officer, imprint, budget
lines per fund, and the logo and annexes as bytes in the database (no path any more).

A logo given as a path before is not carried over: no partnership could set one except by
editing the database, and the demo's was empty. Set it again on the settings page or with
``foerderwerk partnerships update``.

Revision ID: 0012_partnership_settings
Revises: 0011_outbox_failed
Create Date: 2026-12-05 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_partnership_settings"
down_revision: str | None = "0011_outbox_failed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("lead_office_signatory_function", 200),
    ("coordination_phone", 50),
    ("legal_procedure_act", 200),
    ("legal_remedy", 20),
    ("legal_remedy_body", 500),
    ("dpo_name", 200),
    ("dpo_address", 500),
    ("dpo_email", 254),
    ("dpo_phone", 50),
    ("imprint_publisher", 200),
    ("imprint_address", 500),
    ("imprint_email", 254),
    ("imprint_phone", 50),
    ("imprint_responsible", 200),
)


def upgrade() -> None:
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        for name, length in _TEXT_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch_op.add_column(sa.Column("legal_notification_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("budget_lines", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.drop_column("logo_path")

    op.create_table(
        "partnership_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_file_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_file")),
        sa.UniqueConstraint(
            "partnership_id", "kind", name=op.f("uq_partnership_file_partnership_id_kind")
        ),
    )
    with op.batch_alter_table("partnership_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partnership_file_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("partnership_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partnership_file_partnership_id"))
    op.drop_table("partnership_file")
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("logo_path", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.drop_column("budget_lines")
        batch_op.drop_column("legal_notification_days")
        for name, _length in reversed(_TEXT_COLUMNS):
            batch_op.drop_column(name)
