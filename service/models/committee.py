"""The deciding body of a fund – Begleitausschuss or Jugendforum – and its members."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.catalogues import DECIDING_BODIES
from ..domain.labelled import LabelledEnum
from ..domain.messages import N_
from .base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from .fund import Fund
    from .meeting import Meeting
    from .partnership import Partnership
    from .staff import StaffUser


class CommitteeBody(StrEnum):
    begleitausschuss = "begleitausschuss"
    jugendforum = "jugendforum"

    @property
    def label(self) -> str:
        return DECIDING_BODIES[self.value]


class Sector(LabelledEnum):
    """Where a member comes from; civil society must hold the majority of a Begleitausschuss."""

    civil = "civil", N_("Civil society")
    admin = "admin", N_("Administration and politics")


class Committee(Base):
    __tablename__ = "committee"
    __table_args__ = (UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    body: Mapped[CommitteeBody] = mapped_column(enum_type(CommitteeBody, "body"))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="committees")
    funds: Mapped[list[Fund]] = relationship(back_populates="committee")
    members: Mapped[list[CommitteeMember]] = relationship(
        back_populates="committee", order_by="CommitteeMember.id"
    )
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="committee", order_by="Meeting.held_on"
    )


class CommitteeMember(Base):
    """A member; a personal deputy has no vote of its own and acts for ``deputy_for``."""

    __tablename__ = "committee_member"
    __table_args__ = (
        CheckConstraint("deputy_for_id IS NULL OR NOT voting", name="deputy_has_no_own_vote"),
        CheckConstraint("deputy_for_id IS NULL OR deputy_for_id <> id", name="not_own_deputy"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[Sector] = mapped_column(enum_type(Sector, "sector"))
    voting: Mapped[bool] = mapped_column(default=True)
    chair: Mapped[bool] = mapped_column(default=False)
    deputy_for_id: Mapped[int | None] = mapped_column(ForeignKey("committee_member.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # a member who signs in to vote or read documents has a staff account with the committee role
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship(back_populates="members")
    deputy_for: Mapped[CommitteeMember | None] = relationship(
        remote_side=[id], back_populates="deputies"
    )
    deputies: Mapped[list[CommitteeMember]] = relationship(back_populates="deputy_for")
    staff_user: Mapped[StaffUser | None] = relationship()
