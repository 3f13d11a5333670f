"""Payment requests reviewed by the office, payouts as data (issue 19, item 1).

The payment request gets its review: status, approved amount, reason, the two sign-offs
("sachlich richtig", "rechnerisch richtig") by two different accounts and the Kassenzeichen.
``payout`` keeps what the treasury actually paid: the paid amount P is their sum.

Revision ID: 0020_payment_orders
Revises: 0018_last_step
Create Date: 2026-12-20 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_payment_orders"
down_revision: str | None = "0018_last_step"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = ("pending", "checked", "approved", "refused")


def upgrade() -> None:
    with op.batch_alter_table("payment_request", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(*_STATUSES, name="payment_status", native_enum=False, length=32),
                nullable=False,
                server_default="pending",
            )
        )
        batch_op.add_column(
            sa.Column("approved_amount", sa.Numeric(precision=12, scale=2), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reason", sa.String(length=2000), nullable=False, server_default="")
        )
        for step in ("factual", "arithmetic"):
            batch_op.add_column(sa.Column(f"{step}_by_id", sa.Integer(), nullable=True))
            batch_op.add_column(
                sa.Column(f"{step}_name", sa.String(length=200), nullable=False, server_default="")
            )
            batch_op.add_column(sa.Column(f"{step}_on", sa.Date(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_payment_request_{step}_by_id_staff_user"),
                "staff_user",
                [f"{step}_by_id"],
                ["id"],
            )
        batch_op.add_column(
            sa.Column("cash_reference", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_payment_request_payment_status"),
            sa.column("status").in_(_STATUSES),
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_payment_request_approved_amount_within_request"),
            "approved_amount IS NULL OR (approved_amount > 0 AND approved_amount <= amount)",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_payment_request_four_eyes"),
            "factual_by_id IS NULL OR arithmetic_by_id IS NULL "
            "OR factual_by_id <> arithmetic_by_id",
        )

    op.create_table(
        "payout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("payment_request_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("cash_reference", sa.String(length=64), nullable=False),
        sa.Column(
            "source",
            sa.Enum("hand", "csv", name="payout_source", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payout_amount_positive")),
        sa.CheckConstraint("source IN ('hand', 'csv')", name=op.f("ck_payout_payout_source")),
        sa.ForeignKeyConstraint(
            ["application_id"], ["application.id"], name=op.f("fk_payout_application_id_application")
        ),
        sa.ForeignKeyConstraint(
            ["payment_request_id"],
            ["payment_request.id"],
            name=op.f("fk_payout_payment_request_id_payment_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_payout_idempotency_key")),
    )
    with op.batch_alter_table("payout", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payout_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payout_payment_request_id"), ["payment_request_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("payout", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payout_payment_request_id"))
        batch_op.drop_index(batch_op.f("ix_payout_application_id"))
    op.drop_table("payout")
    with op.batch_alter_table("payment_request", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_payment_request_four_eyes"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("ck_payment_request_approved_amount_within_request"), type_="check"
        )
        batch_op.drop_constraint(batch_op.f("ck_payment_request_payment_status"), type_="check")
        batch_op.drop_column("cash_reference")
        for step in ("arithmetic", "factual"):
            batch_op.drop_constraint(
                batch_op.f(f"fk_payment_request_{step}_by_id_staff_user"), type_="foreignkey"
            )
            batch_op.drop_column(f"{step}_on")
            batch_op.drop_column(f"{step}_name")
            batch_op.drop_column(f"{step}_by_id")
        batch_op.drop_column("reason")
        batch_op.drop_column("approved_amount")
        batch_op.drop_column("status")
