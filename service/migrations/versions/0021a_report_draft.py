"""The usage-of-funds report can be saved as a draft and resumed (issue 19, item 5).

``report_draft`` keeps the report form's fields as last saved, one row per application;
the row is deleted when the report is submitted.

Revision ID: 0021a_report_draft
Revises: 0021r_report_review
Create Date: 2026-12-05 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021a_report_draft"
down_revision: str | None = "0021r_report_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_report_draft_application_id_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_draft")),
        sa.UniqueConstraint("application_id", name=op.f("uq_report_draft_application_id")),
    )


def downgrade() -> None:
    op.drop_table("report_draft")
