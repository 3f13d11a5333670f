"""Refunds after the review (issue 19.4): receipts of money and the total a notice claims.

``refund_receipt`` holds what the lead office records from the treasury's statement
(Zahlungseingang: amount, day, note; a unique idempotency key per form). ``report_review``
gets the total an issued refund notice claims (refund and interest, as the notice states it)
and the day the last of it was received. Refund notices issued before this revision get
their total from the review's stored result (``total_due``), which is what the notice states.

Revision ID: 0022f_refund_receipts
Revises: 0021a_report_draft
Create Date: 2026-12-05 13:00:00.000000
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op


revision: str = "0022f_refund_receipts"
down_revision: str | None = "0021a_report_draft"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report_review") as batch:
        batch.add_column(
            sa.Column("refund_total", sa.Numeric(precision=12, scale=2), nullable=True)
        )
        batch.add_column(sa.Column("settled_on", sa.Date(), nullable=True))
    op.create_table(
        "refund_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("report_review_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_refund_receipt_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["report_review_id"],
            ["report_review.id"],
            name=op.f("fk_refund_receipt_report_review_id_report_review"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_receipt")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_refund_receipt_idempotency_key")),
    )
    op.create_index(
        op.f("ix_refund_receipt_application_id"), "refund_receipt", ["application_id"]
    )
    op.create_index(
        op.f("ix_refund_receipt_report_review_id"), "refund_receipt", ["report_review_id"]
    )
    # refund notices issued before this revision: the total their review stored
    bind = op.get_bind()
    review = sa.table(
        "report_review",
        sa.column("id", sa.Integer()),
        sa.column("issued_kind", sa.String()),
        sa.column("result", sa.JSON()),
        sa.column("refund_total", sa.Numeric(12, 2)),
    )
    rows = bind.execute(
        sa.select(review.c.id, review.c.result).where(review.c.issued_kind == "refund_notice")
    ).all()
    for row_id, result in rows:
        stored = json.loads(result) if isinstance(result, str) else (result or {})
        total = stored.get("total_due")
        if total is not None:
            bind.execute(
                review.update()
                .where(review.c.id == row_id)
                .values(refund_total=Decimal(str(total)))
            )


def downgrade() -> None:
    op.drop_index(op.f("ix_refund_receipt_report_review_id"), table_name="refund_receipt")
    op.drop_index(op.f("ix_refund_receipt_application_id"), table_name="refund_receipt")
    op.drop_table("refund_receipt")
    with op.batch_alter_table("report_review") as batch:
        batch.drop_column("settled_on")
        batch.drop_column("refund_total")
