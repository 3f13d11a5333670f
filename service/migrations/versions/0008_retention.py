"""Retention (R26): legal holds, tombstones of purged files, and the day a file ended.

Revision ID: 0008_retention
Revises: 0007_batch_jobs
Create Date: 2026-11-23 13:49:22.374308
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0008_retention"
down_revision: str | None = "0007_batch_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = (
    "draft",
    "submitted",
    "in_check",
    "info_requested",
    "on_agenda",
    "approved",
    "rejected",
    "deferred",
    "notice_issued",
    "in_payment",
    "report_submitted",
    "revoked",
    "withdrawn",
    "closed",
)


def upgrade() -> None:
    op.create_table(
        "purged_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("fund_key", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "final_state",
            sa.Enum(
                *STATES,
                name="state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("requested", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("approved", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("granted", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("paid", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("fields_of_action", sa.JSON(none_as_null=True), nullable=False),
        sa.Column(
            "rule",
            sa.Enum(
                "granted",
                "rejected",
                "draft",
                name="retention_rule",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("retention_years", sa.Integer(), nullable=False),
        sa.Column("anchor_on", sa.Date(), nullable=False),
        sa.Column("kept_until", sa.Date(), nullable=False),
        sa.Column("purged_on", sa.Date(), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["fund.id"], name=op.f("fk_purged_application_fund_id_fund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purged_application")),
        sa.UniqueConstraint("application_id", name=op.f("uq_purged_application_application_id")),
    )
    with op.batch_alter_table("purged_application", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purged_application_fund_id"), ["fund_id"], unique=False
        )

    op.create_table(
        "legal_hold",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=200), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_legal_hold_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_legal_hold")),
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
    _backfill_ended_on()


def _backfill_ended_on() -> None:
    # Files that ended before this migration have no recorded day; their last change is the
    # best stand-in (docs/decisions.md, "Aufbewahrung"), taken as the Berlin calendar day.
    berlin = ZoneInfo("Europe/Berlin")
    application = sa.table(
        "application",
        sa.column("id", sa.Integer()),
        sa.column("state", sa.String()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("ended_on", sa.Date()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(application.c.id, application.c.updated_at).where(
            application.c.state.in_(("closed", "withdrawn"))
        )
    ).all()
    for row_id, updated_at in rows:
        if updated_at is None:
            continue
        if updated_at.tzinfo is None:  # SQLite keeps naive UTC
            updated_at = updated_at.replace(tzinfo=UTC)
        connection.execute(
            sa.update(application)
            .where(application.c.id == row_id)
            .values(ended_on=updated_at.astimezone(berlin).date())
        )


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("ended_on")

    op.drop_table("legal_hold")
    with op.batch_alter_table("purged_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purged_application_fund_id"))

    op.drop_table("purged_application")
