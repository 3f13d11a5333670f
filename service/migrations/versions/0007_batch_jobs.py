"""Batch regeneration (issue 6): jobs with one item per notice; documents keep their
context hash and the reason of a new version.

Revision ID: 0007_batch_jobs
Revises: 0006_document_blobs
Create Date: 2026-11-23 13:44:51.888352
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_batch_jobs"
down_revision: str | None = "0006_document_blobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "batch_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "running",
                "done",
                "cancelled",
                name="job_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_job")),
    )
    with op.batch_alter_table("batch_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batch_job_state"), ["state"], unique=False)

    op.create_table(
        "batch_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "done",
                "failed",
                name="item_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_batch_item_document_id_document")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["batch_job.id"], name=op.f("fk_batch_item_job_id_batch_job")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_batch_item_notice_id_notice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_item")),
        sa.UniqueConstraint("job_id", "notice_id", name=op.f("uq_batch_item_job_id_notice_id")),
    )
    with op.batch_alter_table("batch_item", schema=None) as batch_op:
        batch_op.create_index("ix_batch_item_job_id_state", ["job_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_batch_item_notice_id"), ["notice_id"], unique=False)

    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("source_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("replacement_reason", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("replacement_reason")
        batch_op.drop_column("source_sha256")
        batch_op.drop_column("context_sha256")

    with op.batch_alter_table("batch_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_item_notice_id"))
        batch_op.drop_index("ix_batch_item_job_id_state")

    op.drop_table("batch_item")
    with op.batch_alter_table("batch_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_job_state"))

    op.drop_table("batch_job")
