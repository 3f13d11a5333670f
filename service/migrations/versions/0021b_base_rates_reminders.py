"""The base rate table kept by an administrator, and the reminders sent (issue 19, items 3
and 4).

``base_rate`` starts with the rows shipped in service/domain/base_rates.toml (read here with
tomllib, as the file is at this revision: the rows that existed when the table was made);
``sent_reminder`` holds one row per reminder e-mail, unique per kind, subject and due day.

Revision ID: 0021b_base_rates_reminders
Revises: 0021s_session_plan
Create Date: 2026-12-05 12:00:00.000000
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0021b_base_rates_reminders"
down_revision: str | None = "0021s_session_plan"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHIPPED = Path(__file__).resolve().parents[2] / "domain" / "base_rates.toml"


def _shipped_rows() -> list[dict[str, object]]:
    data = tomllib.loads(SHIPPED.read_text("utf-8"))
    source = str(data["source"]["name"])
    now = datetime.now(UTC)
    return [
        {
            "starts_on": row["from"],
            "rate": Decimal(row["rate"]),
            "source": source,
            "unsure": bool(row.get("unsure", False)),
            "entered_by": "shipped",
            "created_at": now,
        }
        for row in data["rate"]
    ]


def upgrade() -> None:
    base_rate = op.create_table(
        "base_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("unsure", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_base_rate")),
        sa.UniqueConstraint("starts_on", name=op.f("uq_base_rate_starts_on")),
    )
    op.bulk_insert(base_rate, _shipped_rows())
    op.create_table(
        "sent_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_sent_reminder_application_id_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_reminder")),
        sa.UniqueConstraint(
            "kind", "subject_id", "due_on", name=op.f("uq_sent_reminder_kind_subject_id_due_on")
        ),
    )
    with op.batch_alter_table("sent_reminder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sent_reminder_application_id"), ["application_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sent_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_reminder_application_id"))
    op.drop_table("sent_reminder")
    op.drop_table("base_rate")
