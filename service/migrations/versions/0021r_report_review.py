"""The office's review of the usage-of-funds report (issue 19, item 2).

``report_review`` keeps what the coordination office entered (recognised amounts that differ
from the rules' with their reasons, the sampled receipts, the review note, an interest waiver
with its reason, the dates of a refund notice), who finished the review when with which
result, and the outcome document (closing letter or refund notice) once issued.

Revision ID: 0021r_report_review
Revises: 0021w_written_procedure
Create Date: 2026-12-05 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0021r_report_review"
down_revision: str | None = "0021w_written_procedure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("usage_report_id", sa.Integer(), nullable=False),
        sa.Column("recognised", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("reasons", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("sampled", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("note", sa.String(length=10000), nullable=False),
        sa.Column("waive_interest", sa.Boolean(), nullable=False),
        sa.Column("waiver_reason", sa.String(length=2000), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("refund_on", sa.Date(), nullable=True),
        sa.Column("finished_by_id", sa.Integer(), nullable=True),
        sa.Column("finished_name", sa.String(length=200), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("result", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("issued_kind", sa.String(length=32), nullable=False),
        sa.Column("issued_number", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_report_review_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["usage_report_id"],
            ["usage_report.id"],
            name=op.f("fk_report_review_usage_report_id_usage_report"),
        ),
        sa.ForeignKeyConstraint(
            ["finished_by_id"],
            ["staff_user.id"],
            name=op.f("fk_report_review_finished_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_review")),
        sa.UniqueConstraint("application_id", name=op.f("uq_report_review_application_id")),
    )


def downgrade() -> None:
    op.drop_table("report_review")
