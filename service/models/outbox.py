"""E-mails waiting to be sent: written in the same transaction as the change they report, sent
after the commit, kept with ``sent_at`` so a failed delivery can be retried (R20)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class OutboxMail(Base):
    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # {"items": [{"filename", "mime_type", "content" (base64)}],
    #  "deferred": [{"filename", "mime_type", "kind", "ref", "digest_line"}] (rendered on sending)}
    attachments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    # set by the sender that is on it (rendering, delivering); see mail.CLAIM_TIMEOUT
    claimed_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(String(500), default="")
    # a mail that can never be sent (a bad recipient, a refused header, the server refused
    # the recipient): set aside with the reason in last_error, so it no longer stops or
    # slows the mails queued behind it (issue 14); `mail send` reports it
    failed_at: Mapped[datetime | None] = mapped_column()
