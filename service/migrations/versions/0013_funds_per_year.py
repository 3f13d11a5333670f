"""Funds per year (issue 16.2): a fund is open or closed for applications, a fund copied for
the next year is a draft until an admin confirms it, and every decision keeps the guideline
version it was made under.

Decisions recorded before this migration get the version that is current now (the only one
most funds have): nothing better is known about them.

Revision ID: 0013_funds_per_year
Revises: 0012_partnership_settings
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_funds_per_year"
down_revision: str | None = "0012_partnership_settings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fund", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "accepts_applications", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )
        batch_op.add_column(
            sa.Column("draft", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guideline_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE decision SET guideline_id = ("
        " SELECT fund_guideline.id FROM fund_guideline"
        " JOIN application ON application.fund_id = fund_guideline.fund_id"
        " WHERE application.id = decision.application_id"
        " ORDER BY fund_guideline.version DESC LIMIT 1)"
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.alter_column("guideline_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_decision_guideline_id"), ["guideline_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_decision_guideline_id_fund_guideline"),
            "fund_guideline",
            ["guideline_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_decision_guideline_id_fund_guideline"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_decision_guideline_id"))
        batch_op.drop_column("guideline_id")
    with op.batch_alter_table("fund", schema=None) as batch_op:
        batch_op.drop_column("draft")
        batch_op.drop_column("accepts_applications")
