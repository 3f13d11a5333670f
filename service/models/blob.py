"""The bytes of documents kept in the database itself (issue 8): one row per content address.

Used by :class:`service.archive.database_storage.DatabaseStorage` when several machines
share the database but no disk. The row is written in the caller's transaction, so a register
row and its bytes are committed – or rolled back – together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class DocumentBlob(Base):
    __tablename__ = "document_blob"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    # The SHA-256 of ``data``: the address the register keeps (never a path).
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Stored again (same bytes put by a new register row): the orphan sweep spares it.
    last_put_at: Mapped[datetime] = mapped_column(default=utcnow)
