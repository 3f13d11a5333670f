"""Partnership settings for the accessibility statement (issue 17, item 8): the e-mail address
for reports of barriers and the Land's conciliation or enforcement body. Both optional; empty
means the lead office's address and the federal conciliation body under § 16 BGG.

Revision ID: 0016_accessibility_settings
Revises: 0015_partnership_templates
Create Date: 2026-12-05 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_accessibility_settings"
down_revision: str | None = "0015_partnership_templates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("accessibility_email", 254),
    ("accessibility_enforcement_body", 500),
)


def upgrade() -> None:
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        for name, length in _TEXT_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )


def downgrade() -> None:
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        for name, _length in reversed(_TEXT_COLUMNS):
            batch_op.drop_column(name)
