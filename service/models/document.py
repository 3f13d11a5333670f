"""A rendered document (notice, minutes, receipt, print file …) and what it was made from.

The file itself lives in the content-addressed store under ``file_sha256`` (R23); the row keeps
the template and the context it was rendered from, so a regeneration can say what changed.
Regeneration adds a version that ``replaces`` the old one; the old bytes stay.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .application import Application
    from .meeting import Meeting
    from .notice import Notice
    from .partnership import Partnership


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("partnership_id", "kind", "number", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint("replaces_id IS NULL OR replaces_id <> id", name="not_replacing_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    # notice, minutes, application, receipt, invitation, report, print … (doc_templates manifest)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(80))
    template_key: Mapped[str] = mapped_column(String(100))
    template_sha256: Mapped[str] = mapped_column(String(64))
    context: Mapped[dict[str, Any]]
    # SHA-256 of the context's canonical JSON: a regeneration whose context and template
    # hashes are both unchanged has nothing to do
    context_sha256: Mapped[str | None] = mapped_column(String(64))
    # SHA-256 of everything the context is built from (record data, guideline, letterhead,
    # the code and catalog that build it): equal means the context is equal, without
    # building it – how a run with nothing changed stays near instant
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    # why an issued document got a new version (a regeneration's --reason)
    replacement_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued: Mapped[bool] = mapped_column(default=False)

    partnership: Mapped[Partnership] = relationship()
    application: Mapped[Application | None] = relationship()
    notice: Mapped[Notice | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    replaces: Mapped[Document | None] = relationship(remote_side=[id])
