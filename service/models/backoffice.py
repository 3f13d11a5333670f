"""Records of the staff back office: login sessions, login attempts, password reset links,
formal checks, comments.

A staff login is a row here, not only a signed cookie: logout and deactivation end it on the
server, so a copied cookie stops working (R16). Only the SHA-256 of the session token is kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .application import Application
    from .staff import StaffUser


class StaffSession(Base):
    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[StaffUser] = relationship()


class StaffPasswordReset(Base):
    """A link to set a new password, sent by e-mail (issue 14). Only the SHA-256 of its
    random token is kept; it works once (``used_at``) and until ``expires_at``."""

    __tablename__ = "staff_password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[StaffUser] = relationship()


class LoginAttempt(Base):
    """A failed or successful login, counted for the rate limit per account and address.

    ``address`` is the limit's key for the client address (an IPv6 address's /64 network:
    one connection has a whole /64 to choose from), not necessarily the full address."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index(None, "email", "created_at"),
        Index(None, "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FormalCheck(Base):
    """The coordination office's checklist of the formal check (formale Prüfung)."""

    __tablename__ = "formal_check"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), primary_key=True
    )
    items: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    application: Mapped[Application] = relationship()
    checked_by: Mapped[StaffUser | None] = relationship()


class ApplicationComment(Base):
    """A staff comment; internal unless ``visible_to_applicant``."""

    __tablename__ = "application_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)
    visible_to_applicant: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    author: Mapped[StaffUser | None] = relationship()
