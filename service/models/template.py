"""A partnership's own document templates (issue 16.4): every uploaded version is kept.

A row is written once and never changed except for ``active``: the bytes, their SHA-256 and
the version number stay as uploaded, so the register's ``template_sha256`` of any document
always finds the file it was rendered from. At most one version per partnership and kind is
active (a partial unique index); where none is, the shipped template in ``doc_templates/``
renders that kind.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class PartnershipTemplate(Base):
    __tablename__ = "partnership_template"
    __table_args__ = (
        UniqueConstraint("partnership_id", "kind", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        # one active version per partnership and kind, also under concurrent activations
        Index(
            "ix_partnership_template_one_active",
            "partnership_id",
            "kind",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    # the document kind of doc_templates/manifest.toml: approval, rejection, minutes, …
    kind: Mapped[str] = mapped_column(String(30))
    # 1, 2, … per partnership and kind
    version: Mapped[int]
    # the file's name as uploaded (shown; the download offers it again)
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(default=False)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the audit log's actor (``staff:12``, ``system:cli``)
    uploaded_by: Mapped[str] = mapped_column(String(200), default="")
    activated_at: Mapped[datetime | None]
