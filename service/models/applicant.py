"""An applicant (Träger): an association, initiative, school or young person that applies."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .application import Application
    from .partnership import Partnership

# The applicant fields of the interchange application (spec/interchange.md), in order. An
# application keeps its own copy of them (``applicant_<field>``) as they stood when submitted.
APPLICANT_FIELDS = (
    "name",
    "legal_form",
    "street",
    "postal_code",
    "city",
    "representative",
    "contact_name",
    "email",
    "phone",
    "iban",
    "account_holder",
    "vat_deductible",
    "birth_date",
    "adult_contact_name",
    "adult_contact_email",
    "adult_contact_phone",
)


class Applicant(Base):
    __tablename__ = "applicant"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(32), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    representative: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    iban: Mapped[str] = mapped_column(String(42), default="")
    account_holder: Mapped[str] = mapped_column(String(200), default="")
    vat_deductible: Mapped[bool] = mapped_column(default=False)
    # youth fund: the applying young person's birth date and, under 18, an adult contact
    birth_date: Mapped[date | None]
    adult_contact_name: Mapped[str | None] = mapped_column(String(200))
    adult_contact_email: Mapped[str | None] = mapped_column(String(254))
    adult_contact_phone: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partnership: Mapped[Partnership] = relationship()
    applications: Mapped[list[Application]] = relationship(back_populates="applicant")
