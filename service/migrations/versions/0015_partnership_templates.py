"""Templates per partnership (issue 16.4): every uploaded version of a document template, as
bytes, with at most one active version per partnership and kind.

Revision ID: 0015_partnership_templates
Revises: 0012_partnership_settings
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_partnership_templates"
down_revision: str | None = "0014_committee_terms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partnership_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "version >= 1", name=op.f("ck_partnership_template_version_positive")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_template_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_template")),
        sa.UniqueConstraint(
            "partnership_id",
            "kind",
            "version",
            name=op.f("uq_partnership_template_partnership_id_kind_version"),
        ),
    )
    with op.batch_alter_table("partnership_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partnership_template_partnership_id"), ["partnership_id"], unique=False
        )
        batch_op.create_index(
            "ix_partnership_template_one_active",
            ["partnership_id", "kind"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )


def downgrade() -> None:
    with op.batch_alter_table("partnership_template", schema=None) as batch_op:
        batch_op.drop_index("ix_partnership_template_one_active")
        batch_op.drop_index(batch_op.f("ix_partnership_template_partnership_id"))
    op.drop_table("partnership_template")
