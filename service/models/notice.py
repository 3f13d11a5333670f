"""A notice (Bescheid) of the lead office: the administrative act that grants or refuses.

An issued notice is never changed. A correction is a new version with the same number that
``replaces`` the old one and says why (``replacement_reason``); an amendment or revocation is
a notice of its own kind that replaces the grant it changes.

What happens to the act after it is issued is recorded beside it (issue 17, item 9): the day
it counts as notified is written when it is issued (with the settings' number of days it was
computed from), and the recipient's waiver of the remedy is a row of :class:`NoticeWaiver`,
written once.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.notice import WaiverForm
from ..domain.states import NoticeKind, NoticeState
from .base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from .application import Application
    from .fund import Fund
    from .meeting import Decision


class Notice(Base):
    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("fund_id", "number", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("replaces_id IS NULL OR replaces_id <> id", name="not_replacing_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # numbers are unique per fund (they start with its key), hence the fund beside the application
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[NoticeKind] = mapped_column(enum_type(NoticeKind, "kind"))
    state: Mapped[NoticeState] = mapped_column(
        enum_type(NoticeState, "state"), default=NoticeState.draft
    )
    version: Mapped[int] = mapped_column(default=1)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"), index=True)
    replacement_reason: Mapped[str] = mapped_column(Text, default="")

    # the content of the act: granted amount (refund amount for a revocation), approved
    # period, financing type, special conditions and the reasons (Begründung)
    amount: Mapped[Decimal | None]
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    financing_type: Mapped[str | None] = mapped_column(String(16))
    conditions: Mapped[list[str]] = mapped_column(default=list)
    grounds: Mapped[str] = mapped_column(Text, default="")
    signatory: Mapped[str] = mapped_column(String(200), default="")

    issued_on: Mapped[date | None]
    issued_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # posted (and e-mailed) on ``issued_on``, the notice counts as notified on ``notified_on``
    # (§ 41 (2) VwVfG; domain/notice.notification_day), computed with the partnership's
    # ``notification_days`` of that day; empty for notices issued before they were recorded
    notified_on: Mapped[date | None]
    notification_days: Mapped[int | None]
    # when the notice was queued as an e-mail to the applicant (none: no address)
    mailed_at: Mapped[datetime | None]

    fund: Mapped[Fund] = relationship()
    application: Mapped[Application] = relationship(back_populates="notices")
    decision: Mapped[Decision | None] = relationship(back_populates="notices")
    replaces: Mapped[Notice | None] = relationship(remote_side=[id])
    waiver: Mapped[NoticeWaiver | None] = relationship(back_populates="notice")


class NoticeWaiver(Base):
    """The recipient's waiver of the remedy against a notice (Rechtsbehelfsverzicht): the day
    it was declared, how, and by whom; recorded once by the lead office (who: the audit
    log's actor) and never changed – a waiver cannot be taken back."""

    __tablename__ = "notice_waiver"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), unique=True)
    waived_on: Mapped[date]
    form: Mapped[WaiverForm] = mapped_column(enum_type(WaiverForm, "waiver_form"))
    # the person who declared it for the recipient (e.g. the association's chair)
    declared_by: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    notice: Mapped[Notice] = relationship(back_populates="waiver")
