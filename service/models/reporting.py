"""After the grant: the recipient's payment requests (Mittelabruf) and the usage-of-funds
report (Verwendungsnachweis) as submitted through the applicant pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.labelled import LabelledEnum
from ..domain.messages import N_
from .base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from .application import Application


class PaymentStatus(LabelledEnum):
    """Where a payment request stands in the office: filed; signed "sachlich richtig" (the
    approved amount is set); signed "rechnerisch richtig" by a second account as well (the
    payment order exists); or refused with a reason."""

    pending = "pending", N_("Waiting for review")
    checked = "checked", N_("Factually correct, second sign-off missing")
    approved = "approved", N_("Approved")
    refused = "refused", N_("Refused")


class PayoutSource(LabelledEnum):
    hand = "hand", N_("Entered by hand")
    csv = "csv", N_("Treasury import (CSV)")


class PaymentRequest(Base):
    __tablename__ = "payment_request"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "approved_amount IS NULL OR (approved_amount > 0 AND approved_amount <= amount)",
            name="approved_amount_within_request",
        ),
        CheckConstraint(
            "factual_by_id IS NULL OR arithmetic_by_id IS NULL "
            "OR factual_by_id <> arithmetic_by_id",
            name="four_eyes",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    amount: Mapped[Decimal]
    # the day the money is needed for payments, and the day of the request (Europe/Berlin)
    needed_on: Mapped[date]
    requested_on: Mapped[date]
    # a replayed form submits the same key: one request (R18)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # the office's review (issue 19.1): the amount approved (lower only with ``reason``), the
    # reason of a refusal, and the two sign-offs by two different accounts
    status: Mapped[PaymentStatus] = mapped_column(
        enum_type(PaymentStatus, "payment_status"), default=PaymentStatus.pending
    )
    approved_amount: Mapped[Decimal | None]
    reason: Mapped[str] = mapped_column(String(2000), default="")
    factual_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    factual_name: Mapped[str] = mapped_column(String(200), default="")
    factual_on: Mapped[date | None]
    arithmetic_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    arithmetic_name: Mapped[str] = mapped_column(String(200), default="")
    arithmetic_on: Mapped[date | None]
    # Kassenzeichen: given when the second sign-off completes the payment order
    cash_reference: Mapped[str] = mapped_column(String(64), default="")

    application: Mapped[Application] = relationship()

    @property
    def effective_amount(self) -> Decimal:
        """What this request claims of the grant: nothing once refused, the approved amount
        once approved, else the amount requested."""
        if self.status is PaymentStatus.refused:
            return Decimal(0)
        return self.approved_amount if self.approved_amount is not None else self.amount


class Payout(Base):
    """Money actually paid by the treasury (Kasse): the paid amount P is their sum."""

    __tablename__ = "payout"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    payment_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_request.id"), index=True
    )
    amount: Mapped[Decimal]
    paid_on: Mapped[date]
    cash_reference: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[PayoutSource] = mapped_column(enum_type(PayoutSource, "payout_source"))
    created_by: Mapped[str] = mapped_column(String(254), default="")
    # the same payout posted twice (double click, a CSV imported again) is recorded once
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    request: Mapped[PaymentRequest | None] = relationship()


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


class ReportReview(Base):
    """The office's review of the usage-of-funds report (issue 19.2): what it entered
    (overrides with reasons, the sampled receipts, the review note, an interest waiver with
    its reason, the dates of the refund notice), who finished it when and with which result,
    and the outcome document once issued. One per application."""

    __tablename__ = "report_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    usage_report_id: Mapped[int] = mapped_column(ForeignKey("usage_report.id"))
    # {category: "123.45"} and {category: reason}: only the categories the office overrode
    recognised: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reasons: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # the numbers of the receipts compared with the originals (Stichprobe)
    sampled: Mapped[list[str]] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(String(10000), default="")
    # § 49a Abs. 3 Satz 2 VwVfG: the office does not claim the interest, for a reason
    waive_interest: Mapped[bool] = mapped_column(default=False)
    waiver_reason: Mapped[str] = mapped_column(String(2000), default="")
    # the day the partial revocation takes effect (interest from then) and the refund's due day
    effective_on: Mapped[date | None]
    refund_on: Mapped[date | None]
    # finishing: who, when, and the money of the review as it stood (ReviewResult.as_dict)
    finished_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    finished_name: Mapped[str] = mapped_column(String(200), default="")
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(32), default="")
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # the outcome document (closing letter or refund notice) once issued
    issued_kind: Mapped[str] = mapped_column(String(32), default="")
    issued_number: Mapped[str] = mapped_column(String(64), default="")
    issued_on: Mapped[date | None]
    # a refund notice: the total it claims (refund and interest, as the issued notice states
    # it) and the day the last of it was received (issue 19.4); None while money is open
    refund_total: Mapped[Decimal | None]
    settled_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    application: Mapped[Application] = relationship()
    report: Mapped[UsageReport] = relationship()

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class ReportDraft(Base):
    """The report form as last saved by the applicant, before it is submitted (issue 19.5):
    the typed fields exactly as sent (``fields``: name → values), so that nothing typed is
    lost, not even a value the form cannot read yet. Deleted when the report is submitted."""

    __tablename__ = "report_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    fields: Mapped[dict[str, Any]]
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()


class RefundReceipt(Base):
    """Money received on a refund notice (Zahlungseingang, issue 19.4), recorded by the lead
    office from the treasury's statement; partial payments are several rows.
    ``idempotency_key`` makes a form sent twice record once."""

    __tablename__ = "refund_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    report_review_id: Mapped[int] = mapped_column(ForeignKey("report_review.id"), index=True)
    amount: Mapped[Decimal]
    received_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(254), default="")
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
