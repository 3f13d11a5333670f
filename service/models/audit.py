"""The audit log: who did what to which object, when (R24).

Append-only: database triggers (created by the migrations, on SQLite and PostgreSQL) refuse
every UPDATE and DELETE. Keep tokens, passwords and document contents out of ``details``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index(None, "object_type", "object_id"),
        Index(None, "partnership_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for events outside any partnership (a staff login, a migration)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id"))
    # "staff:12", "applicant:application/34", "system:demo" – who acted
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
