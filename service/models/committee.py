"""The deciding body of a fund – Begleitausschuss or Jugendforum – its members and their terms
(issue 16, item 3: history kept, docs/committees.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.catalogues import DECIDING_BODIES
from ..domain.committees import Sector
from .base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from .fund import Fund
    from .meeting import Meeting
    from .partnership import Partnership
    from .staff import StaffUser

__all__ = ["Committee", "CommitteeBody", "CommitteeMember", "CommitteeTerm", "Seat", "Sector"]


class CommitteeBody(StrEnum):
    begleitausschuss = "begleitausschuss"
    jugendforum = "jugendforum"

    @property
    def label(self) -> str:
        return DECIDING_BODIES[self.value]


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

    def members_on(self, day: date) -> list[Seat]:
        """The committee as it was (or will be) on ``day`` – the members whose term runs then,
        in the order of the member list. Sessions, minutes and quorum ask this with the
        session's date, never "the members now"."""
        seats = []
        for member in self.members:
            term = member.term_on(day)
            if term is not None:
                seats.append(Seat(member, term))
        return seats


class CommitteeMember(Base):
    """A person on a committee: the name and e-mail address that identify them.

    What the person *is* on the committee – group, vote, chair, whose deputy – belongs to a
    term (:class:`CommitteeTerm`), because it changes over time and a past session must still
    show it as it was. Votes, attendance and conflicts of interest point to the person."""

    __tablename__ = "committee_member"
    __table_args__ = (UniqueConstraint("committee_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    # a member who signs in to vote or read documents has a staff account with the committee role
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship(back_populates="members")
    terms: Mapped[list[CommitteeTerm]] = relationship(
        back_populates="member",
        order_by="CommitteeTerm.term_from",
        cascade="all, delete-orphan",
        foreign_keys="CommitteeTerm.member_id",
    )
    staff_user: Mapped[StaffUser | None] = relationship()

    def term_on(self, day: date) -> CommitteeTerm | None:
        return next((term for term in self.terms if term.covers(day)), None)


class CommitteeTerm(Base):
    """One term of a member, ``term_from`` to ``term_to`` (both included; open: running).

    A change ends the running term and starts a new one (service/domain/committees.py), so the
    committee on the day of a session is always known again. A personal deputy has no vote of
    their own and acts for ``deputy_for`` (a voting member of the same committee)."""

    __tablename__ = "committee_term"
    __table_args__ = (
        CheckConstraint("term_to IS NULL OR term_to >= term_from", name="ends_after_start"),
        CheckConstraint("deputy_for_id IS NULL OR NOT voting", name="deputy_has_no_own_vote"),
        CheckConstraint(
            "deputy_for_id IS NULL OR deputy_for_id <> member_id", name="not_own_deputy"
        ),
        CheckConstraint("voting OR NOT chair", name="chair_votes"),
        UniqueConstraint("member_id", "term_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("committee_member.id", ondelete="CASCADE"), index=True
    )
    term_from: Mapped[date]
    term_to: Mapped[date | None]
    organisation: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[Sector] = mapped_column(enum_type(Sector, "sector"))
    voting: Mapped[bool] = mapped_column(default=True)
    chair: Mapped[bool] = mapped_column(default=False)
    deputy_for_id: Mapped[int | None] = mapped_column(ForeignKey("committee_member.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[CommitteeMember] = relationship(back_populates="terms", foreign_keys=[member_id])
    deputy_for: Mapped[CommitteeMember | None] = relationship(foreign_keys=[deputy_for_id])

    def covers(self, day: date) -> bool:
        return self.term_from <= day and (self.term_to is None or day <= self.term_to)


@dataclass(frozen=True)
class Seat:
    """A member as the committee was on one day: the person and the term running then."""

    member: CommitteeMember
    term: CommitteeTerm

    @property
    def id(self) -> int:
        return self.member.id

    @property
    def name(self) -> str:
        return self.member.name

    @property
    def email(self) -> str | None:
        return self.member.email

    @property
    def organisation(self) -> str:
        return self.term.organisation

    @property
    def sector(self) -> Sector:
        return self.term.sector

    @property
    def voting(self) -> bool:
        return self.term.voting

    @property
    def chair(self) -> bool:
        return self.term.chair

    @property
    def deputy_for_id(self) -> int | None:
        return self.term.deputy_for_id

    @property
    def deputy_for(self) -> CommitteeMember | None:
        return self.term.deputy_for
