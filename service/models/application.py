"""An application (Projektantrag) with its cost lines and third-party funding.

The applicant's data is copied into the application (``applicant_*``): a notice must name the
recipient as the application did, even after the association moves. ``version`` is the
optimistic lock (R19): an UPDATE of a row another session changed meanwhile raises
``StaleDataError``; changes to cost lines and third-party rows count as changes of the
application. ``idempotency_key`` makes a replayed submission find the first one (R18).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import (
    Mapped,
    Session,
    UOWTransaction,
    mapped_column,
    relationship,
)
from sqlalchemy.orm.exc import StaleDataError

from ..domain.states import ApplicationState
from .applicant import APPLICANT_FIELDS, Applicant
from .base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from .fund import Fund
    from .meeting import AgendaItem, Decision
    from .notice import Notice


# The interchange's declaration keys (service.domain.catalogues.DECLARATIONS) and their columns.
DECLARATION_KEYS = (
    "not_started",
    "no_double_funding",
    "anbest_acknowledged",
    "data_correct",
    "publicity",
    "privacy_consent",
)


class Application(Base):
    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("fund_id", "reference"),
        CheckConstraint("own_funds >= 0", name="own_funds_not_negative"),
        CheckConstraint("revenue >= 0", name="revenue_not_negative"),
        CheckConstraint("requested >= 0", name="requested_not_negative"),
        CheckConstraint("participants_planned >= 0", name="participants_not_negative"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"), index=True)
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicant.id"), index=True)
    # file number (Aktenzeichen), given on submission: AIF-2026-007
    reference: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[ApplicationState] = mapped_column(
        enum_type(ApplicationState, "state"), default=ApplicationState.draft, index=True
    )
    version: Mapped[int] = mapped_column()
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    submitted_at: Mapped[datetime | None]
    # the legal date of receipt (Europe/Berlin); also set for applications received on paper
    submitted_on: Mapped[date | None]
    # answer deadline while the coordination office has asked for more information
    info_due_on: Mapped[date | None]
    # the day (Europe/Berlin) the file reached a final state (closed: for a grant, when the
    # usage-of-funds report check was closed; withdrawn); anchors its retention period (R26).
    # Set by :meth:`move_to` with the caller's "today" (its unit of work's clock).
    ended_on: Mapped[date | None]

    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    applicant_legal_form: Mapped[str] = mapped_column(String(32), default="")
    applicant_street: Mapped[str] = mapped_column(String(200), default="")
    applicant_postal_code: Mapped[str] = mapped_column(String(10), default="")
    applicant_city: Mapped[str] = mapped_column(String(100), default="")
    applicant_representative: Mapped[str] = mapped_column(String(200), default="")
    applicant_contact_name: Mapped[str] = mapped_column(String(200), default="")
    applicant_email: Mapped[str] = mapped_column(String(254), default="")
    applicant_phone: Mapped[str] = mapped_column(String(50), default="")
    applicant_iban: Mapped[str] = mapped_column(String(42), default="")
    applicant_account_holder: Mapped[str] = mapped_column(String(200), default="")
    applicant_vat_deductible: Mapped[bool] = mapped_column(default=False)
    applicant_birth_date: Mapped[date | None]
    applicant_adult_contact_name: Mapped[str | None] = mapped_column(String(200))
    applicant_adult_contact_email: Mapped[str | None] = mapped_column(String(254))
    applicant_adult_contact_phone: Mapped[str | None] = mapped_column(String(50))

    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    fields_of_action: Mapped[list[str]] = mapped_column(default=list)
    target_groups: Mapped[list[str]] = mapped_column(default=list)
    location: Mapped[str] = mapped_column(String(200), default="")
    project_start: Mapped[date | None]
    project_end: Mapped[date | None]
    participants_planned: Mapped[int | None]
    early_start_requested: Mapped[bool] = mapped_column(default=False)

    own_funds: Mapped[Decimal | None]
    revenue: Mapped[Decimal | None]
    requested: Mapped[Decimal | None]

    declaration_not_started: Mapped[bool] = mapped_column(default=False)
    declaration_no_double_funding: Mapped[bool] = mapped_column(default=False)
    declaration_anbest_acknowledged: Mapped[bool] = mapped_column(default=False)
    declaration_data_correct: Mapped[bool] = mapped_column(default=False)
    declaration_publicity: Mapped[bool] = mapped_column(default=False)
    declaration_privacy_consent: Mapped[bool] = mapped_column(default=False)

    # the interchange JSON as submitted, frozen, and the SHA-256 of its canonical form
    submission_snapshot: Mapped[dict[str, Any] | None]
    submission_sha256: Mapped[str | None] = mapped_column(String(64))

    # resume link for the applicant (R15): only the SHA-256 of the token is kept
    resume_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    resume_token_expires_at: Mapped[datetime | None]
    # where the applicant stopped: the wizard page (step slug, or the review's) a resume link
    # opens (issue 17); empty before the first save
    last_step: Mapped[str] = mapped_column(String(32), default="", server_default="")

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 – SQLAlchemy reads a dict

    fund: Mapped[Fund] = relationship()
    applicant: Mapped[Applicant | None] = relationship(back_populates="applications")
    cost_lines: Mapped[list[CostLine]] = relationship(
        back_populates="application",
        order_by="CostLine.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )
    third_party: Mapped[list[ThirdPartyFunding]] = relationship(
        back_populates="application",
        order_by="ThirdPartyFunding.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(back_populates="application")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="application", order_by="Decision.decided_on"
    )
    notices: Mapped[list[Notice]] = relationship(back_populates="application", order_by="Notice.id")

    @property
    def declarations(self) -> dict[str, bool]:
        return {key: getattr(self, f"declaration_{key}") for key in DECLARATION_KEYS}

    def check_version(self, version: int) -> None:
        """Refuse a change made on a form showing another version than the stored one (R19).

        The lock of ``version_id_col`` only covers the time between loading and saving; a form
        carries the version it showed, which may be older than what this request loaded.
        """
        if version != self.version:
            raise StaleDataError(
                f"application {self.id} is at version {self.version}, the form showed {version}"
            )

    def move_to(self, state: ApplicationState, *, today: date) -> None:
        """Put the file into ``state`` (the caller checked that the step is allowed). Reaching
        a final state records ``today`` – the caller's clock, so a pinned date holds here too –
        as the day the file ended. Every operation that may close a file moves it so."""
        if state.is_final and state is not self.state:
            self.ended_on = today
        self.state = state

    def copy_applicant(self, applicant: Applicant) -> None:
        """Link the applicant and take its current data as the application's copy."""
        self.applicant = applicant
        for field in APPLICANT_FIELDS:
            setattr(self, f"applicant_{field}", getattr(applicant, field))


class CostLine(Base):
    """One line of the cost plan (Einzelansatz); ``position`` is its zero-based index."""

    __tablename__ = "cost_line"
    __table_args__ = (
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("offers >= 0", name="offers_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    category: Mapped[str] = mapped_column(String(32), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    # the interchange allows 3 decimal places for quantities and 4 for unit prices
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    unit: Mapped[str | None] = mapped_column(String(20))
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    amount: Mapped[Decimal | None]
    offers: Mapped[int] = mapped_column(default=0)

    application: Mapped[Application] = relationship(back_populates="cost_lines")


class ThirdPartyFunding(Base):
    """Drittmittel: money from another funder for the same measure."""

    __tablename__ = "third_party_funding"
    __table_args__ = (
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    source: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[Decimal | None]

    application: Mapped[Application] = relationship(back_populates="third_party")


def _changed_applications(session: Session, objects: Iterable[object]) -> set[Application]:
    changed: set[Application] = set()
    for obj in objects:
        if isinstance(obj, CostLine | ThirdPartyFunding):
            parent = obj.application
            if parent is not None:
                changed.add(parent)
        elif isinstance(obj, Application) and session.is_modified(obj):
            changed.add(obj)
    return changed


@event.listens_for(Session, "before_flush")
def _version_covers_child_rows(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    # A changed cost line must bump the application's version like a changed title does, or
    # two staff could overwrite each other's cost plans unnoticed. Touching updated_at turns
    # the parent into an UPDATE carrying the version check.
    with session.no_autoflush:
        objects = chain(session.new, session.dirty, session.deleted)
        for application in _changed_applications(session, list(objects)):
            if application not in session.new and application not in session.deleted:
                application.updated_at = utcnow()
