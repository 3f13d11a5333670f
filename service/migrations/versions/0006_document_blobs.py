"""Document bytes in the database (issue 8): the content-addressed table ``document_blob``.

Revision ID: 0006_document_blobs
Revises: 0005_outbox
Create Date: 2026-11-23 11:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_document_blobs"
down_revision: str | None = "0005_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_put_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_document_blob_size_not_negative")),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_document_blob_sha256_length")),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_document_blob")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # PDFs are compressed already; uncompressed out-of-line storage lets substr() read a
        # chunk without decompressing everything before it, so streaming stays linear.
        op.execute("ALTER TABLE document_blob ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("document_blob")
