"""Staff accounts: coordination office, lead office, committee members, administrators."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..domain.labelled import LabelledEnum
from ..domain.messages import N_
from .base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from .partnership import Partnership


class StaffRole(LabelledEnum):
    coordination = "coordination", N_("Coordination office")
    lead = "lead", N_("Lead office")
    committee = "committee", N_("Committee member")
    admin = "admin", N_("Administrator")


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # kept in lower case, so the unique constraint is case-insensitive in effect
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Argon2id (R16); empty until the user has set a password
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    roles: Mapped[list[StaffMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @validates("email")
    def _lower_case_email(self, _key: str, value: str) -> str:
        return value.strip().lower()

    def has_role(self, partnership_id: int, *roles: StaffRole) -> bool:
        return self.active and any(
            m.partnership_id == partnership_id and m.role in roles for m in self.roles
        )


class StaffMembership(Base):
    """A role of a staff user in one partnership."""

    __tablename__ = "staff_membership"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True
    )
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id"), primary_key=True, index=True
    )
    role: Mapped[StaffRole] = mapped_column(enum_type(StaffRole, "role"), primary_key=True)

    user: Mapped[StaffUser] = relationship(back_populates="roles")
    partnership: Mapped[Partnership] = relationship()
