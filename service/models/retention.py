"""Retention (R26): legal holds that stop a purge, and the tombstones a purge leaves.

A legal hold (Sperrvermerk) is a row of its own rather than columns on the application:
placing or releasing it must not bump the application's version (a member of staff with the
file open would get a conflict page) nor its ``updated_at`` (the anchor of a draft's period).

A tombstone (``purged_application``) says that a file existed and was deleted on purpose,
under which rule, without any personal data: file number, fund, year, final state, amounts.
Amounts are not personal data and keep the fund statistics complete.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.retention import RetentionRule
from ..domain.states import ApplicationState
from .base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from .application import Application
    from .fund import Fund


class LegalHold(Base):
    """A Sperrvermerk: a pending lawsuit, an audit by the Bundesamt … – never purged."""

    __tablename__ = "legal_hold"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), primary_key=True
    )
    # the court file or audit, not people's names (the text stays on the file, not in the log)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(200))
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()


class PurgedApplication(Base):
    """What is left of a purged file: no names, addresses, contacts, texts or documents."""

    __tablename__ = "purged_application"
    __table_args__ = (UniqueConstraint("application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # the former application's id, without a foreign key: the row is gone, the audit log
    # entries that name it stay (append-only) and can be matched to the tombstone
    application_id: Mapped[int]
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"), index=True)
    fund_key: Mapped[str] = mapped_column(String(32))
    # file number (AIF-2026-009); None for a draft that never got one
    reference: Mapped[str | None] = mapped_column(String(40))
    year: Mapped[int]
    final_state: Mapped[ApplicationState] = mapped_column(enum_type(ApplicationState, "state"))
    submitted_on: Mapped[date | None]
    requested: Mapped[Decimal | None]
    # latest committee approval, latest issued grant (notice), sum of the payment requests
    approved: Mapped[Decimal | None]
    granted: Mapped[Decimal | None]
    paid: Mapped[Decimal | None]
    fields_of_action: Mapped[list[str]] = mapped_column(default=list)
    rule: Mapped[RetentionRule] = mapped_column(enum_type(RetentionRule, "retention_rule"))
    retention_years: Mapped[int]
    # the day the period started from (end of that year counts) and its last day
    anchor_on: Mapped[date]
    kept_until: Mapped[date]
    purged_on: Mapped[date]
    purged_at: Mapped[datetime] = mapped_column(default=utcnow)
    purged_by: Mapped[str] = mapped_column(String(200))

    fund: Mapped[Fund] = relationship()
