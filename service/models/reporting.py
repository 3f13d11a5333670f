"""After the grant: the recipient's payment requests (Mittelabruf) and the usage-of-funds
report (Verwendungsnachweis) as submitted through the applicant pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .application import Application


class PaymentRequest(Base):
    __tablename__ = "payment_request"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    amount: Mapped[Decimal]
    # the day the money is needed for payments, and the day of the request (Europe/Berlin)
    needed_on: Mapped[date]
    requested_on: Mapped[date]
    # a replayed form submits the same key: one request (R18)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()


class UsageReport(Base):
    """The report as submitted: its interchange JSON, the rules engine's result, the hash."""

    __tablename__ = "usage_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    submitted_on: Mapped[date]
    data: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any]]
    sha256: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
