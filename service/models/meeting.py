"""A session (or written vote) of a committee: attendance, agenda, conflicts, votes, decisions.

The minutes follow from these records; the rules engine's meeting check works on the same
facts (spec/interchange.md, "Meeting").
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from ..domain.labelled import LabelledEnum
from ..domain.messages import N_
from ..domain.states import DecisionOutcome
from .base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from ..domain.guideline import Guideline
    from .application import Application
    from .committee import Committee, CommitteeMember
    from .fund import FundGuideline
    from .notice import Notice


class MeetingMode(LabelledEnum):
    session = "session", N_("Session")
    # Umlaufverfahren: valid only when no voting member objects
    written = "written", N_("Written vote")


class VoteChoice(LabelledEnum):
    yes = "yes", N_("Yes")
    no = "no", N_("No")
    abstain = "abstain", N_("Abstention")


class AgendaItemStatus(LabelledEnum):
    """How an agenda item was dealt with (issue 18): voted on, postponed to a later session,
    or withdrawn by the applicant – the last two without a vote."""

    vote = "vote", N_("Voted on")
    postponed = "postponed", N_("Postponed")
    withdrawn = "withdrawn", N_("Withdrawn")


class Meeting(Base):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    held_on: Mapped[date]
    mode: Mapped[MeetingMode] = mapped_column(enum_type(MeetingMode, "mode"))
    place: Mapped[str] = mapped_column(String(200), default="")
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    minute_taker: Mapped[str] = mapped_column(String(200), default="")
    guests: Mapped[list[str]] = mapped_column(default=list)
    # the next session (issue 20.6): a later session of the same committee from the calendar,
    # else only a date (``next_on``); the minutes print the session's date when it is linked
    next_on: Mapped[date | None]
    next_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    # a session called off before it decided stays listed as cancelled, with the reason
    cancelled_on: Mapped[date | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the written vote online (issue 20.4): started by the coordination office with a
    # deadline (votes are taken through that day, Europe/Berlin); closed when every voting
    # member has answered or after the deadline, its decisions recorded then
    written_deadline: Mapped[date | None]
    written_started_at: Mapped[datetime | None]
    written_closed_at: Mapped[datetime | None]
    # the chair's approval of the minutes (issue 20.5): until then the minutes are a draft
    minutes_approved_at: Mapped[datetime | None]
    minutes_approved_by: Mapped[str] = mapped_column(String(200), default="")
    minutes_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    next_meeting: Mapped[Meeting | None] = relationship(
        remote_side="Meeting.id", foreign_keys=[next_meeting_id]
    )

    committee: Mapped[Committee] = relationship(back_populates="meetings")
    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )


class MeetingParticipant(Base):
    """A member's invitation, presence and – in a written vote – objection."""

    __tablename__ = "meeting_participant"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("committee_member.id"), primary_key=True, index=True
    )
    invited: Mapped[bool] = mapped_column(default=True)
    present: Mapped[bool] = mapped_column(default=False)
    # an absent member who sent apologies (entschuldigt) – printed so in the minutes
    excused: Mapped[bool] = mapped_column(default=False)
    objected: Mapped[bool] = mapped_column(default=False)
    # the one reminder of a written vote online (issue 20.4): sent at most once
    reminded_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    member: Mapped[CommitteeMember] = relationship()


class AgendaItem(Base):
    __tablename__ = "agenda_item"
    __table_args__ = (
        UniqueConstraint("meeting_id", "application_id"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("proposed_amount >= 0", name="proposed_amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    position: Mapped[int]
    proposed_amount: Mapped[Decimal | None]
    conditions: Mapped[str] = mapped_column(Text, default="")
    # voted on, or postponed/withdrawn without a vote, with a note for the minutes
    status: Mapped[AgendaItemStatus] = mapped_column(
        enum_type(AgendaItemStatus, "status"), default=AgendaItemStatus.vote
    )
    status_note: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    application: Mapped[Application] = relationship(back_populates="agenda_items")
    conflicts: Mapped[list[ConflictOfInterest]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )
    votes: Mapped[list[Vote]] = relationship(back_populates="item", cascade="all, delete-orphan")
    decision: Mapped[Decision | None] = relationship(back_populates="item")


class ConflictOfInterest(Base):
    """Befangenheit: the member leaves for this item and does not vote (nor its deputy)."""

    __tablename__ = "conflict_of_interest"
    __table_args__ = (UniqueConstraint("agenda_item_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[AgendaItem] = relationship(back_populates="conflicts")
    member: Mapped[CommitteeMember] = relationship()


class Vote(Base):
    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("agenda_item_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id"), index=True)
    choice: Mapped[VoteChoice] = mapped_column(enum_type(VoteChoice, "choice"))
    # when the member cast it online in a written vote (issue 20.4); None: typed in by the
    # coordination office
    cast_at: Mapped[datetime | None]

    item: Mapped[AgendaItem] = relationship(back_populates="votes")
    member: Mapped[CommitteeMember] = relationship()


class Decision(Base):
    """Beschluss: what the committee decided on an application (not yet a grant)."""

    __tablename__ = "decision"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"), unique=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_type(DecisionOutcome, "outcome"))
    # approved amount; may be below the requested grant
    amount: Mapped[Decimal | None]
    conditions: Mapped[str] = mapped_column(Text, default="")
    # the committee's reasons, taken into a rejection notice's Begründung
    reasons: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date]
    # the guideline version the decision was made under (issue 16.2): its notices and the
    # checks of its report use this version, whatever the fund's guideline says later
    guideline_id: Mapped[int] = mapped_column(ForeignKey("fund_guideline.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="decisions")
    item: Mapped[AgendaItem | None] = relationship(back_populates="decision")
    notices: Mapped[list[Notice]] = relationship(back_populates="decision")
    guideline: Mapped[FundGuideline] = relationship()

    @property
    def rules(self) -> Guideline:
        """The rules of the guideline version the decision was made under."""
        if self.guideline is not None:
            return self.guideline.rules
        # recorded but not flushed yet: it is stored with the fund's current version
        return self.application.fund.guideline


@event.listens_for(Decision, "before_insert")
def _decided_under_the_current_guideline(
    _mapper: Mapper[Decision], connection: Connection, target: Decision
) -> None:
    """A decision recorded without naming its guideline version gets the fund's current one
    (the version in force when it is recorded) – so no path can store a decision without."""
    if target.guideline_id is not None:
        return
    from .application import Application
    from .fund import FundGuideline

    target.guideline_id = connection.scalar(
        select(FundGuideline.id)
        .join(Application, Application.fund_id == FundGuideline.fund_id)
        .where(Application.id == target.application_id)
        .order_by(FundGuideline.version.desc())
        .limit(1)
    )
