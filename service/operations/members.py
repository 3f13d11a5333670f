"""What a committee member sees and does in Förderwerk (issue 20): the sessions of their own
committees, the applications on those agendas, and their conflicts of interest.

Need-to-know: a member account reaches an application only through an agenda item of a
session of a committee in which the account holds a seat on the day of the session. Anything
else is "not there" for them (the views answer 404). Internal comments, the formal check and
the bank details are never part of it; a minor's personal data (birth date, adult contact)
only for the youth forum (docs/decisions.md, "Was ein Gremienmitglied sieht").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import mail_texts
from ..adapters.mail.transport import Mail
from ..domain.messages import N_, Message
from ..domain.partnership_settings import email_is_valid
from ..errors import NotFound, Refused
from ..links import site_url
from ..models import (
    AgendaItem,
    Application,
    Committee,
    CommitteeBody,
    CommitteeMember,
    ConflictOfInterest,
    Meeting,
    Partnership,
    StaffRole,
    StaffUser,
    Upload,
)
from ..uow import UnitOfWork
from . import audit
from . import staff as staff_ops
from .accounts import INVITATION_LIFETIME_HOURS

MAX_REASON = 500

DECIDED = Message(
    N_("This item has been decided; a conflict of interest can no longer be changed.")
)
NO_REASON = Message(N_("Please give the reason for your conflict of interest."))


def seats_of(session: Session, partnership: Partnership, user: StaffUser) -> list[CommitteeMember]:
    """The committee members (persons) of this partnership linked to the account."""
    return list(
        session.scalars(
            select(CommitteeMember)
            .join(Committee)
            .where(
                CommitteeMember.staff_user_id == user.id,
                Committee.partnership_id == partnership.id,
            )
            .order_by(CommitteeMember.id)
        )
    )


def seat_in(meeting: Meeting, user: StaffUser) -> CommitteeMember | None:
    """The account's person in the meeting's committee, if seated on the day of the meeting."""
    for seat in meeting.committee.members_on(meeting.held_on):
        if seat.member.staff_user_id == user.id:
            return seat.member
    return None


def meetings_of(session: Session, partnership: Partnership, user: StaffUser) -> list[Meeting]:
    """The sessions of the member's committees in which they hold a seat, newest first."""
    committees = {m.committee_id for m in seats_of(session, partnership, user)}
    if not committees:
        return []
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.committee_id.in_(committees))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    )
    return [m for m in meetings if seat_in(m, user) is not None]


def meeting_of(
    session: Session, partnership: Partnership, user: StaffUser, meeting_id: int
) -> tuple[Meeting, CommitteeMember] | None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.committee.partnership_id != partnership.id:
        return None
    member = seat_in(meeting, user)
    if member is None:
        return None
    return meeting, member


def item_of(meeting: Meeting, application_id: int) -> AgendaItem | None:
    """The agenda item of a submitted application in this meeting."""
    for item in meeting.items:
        if item.application_id == application_id and item.application.submitted_on is not None:
            return item
    return None


def shows_minor_data(committee: Committee) -> bool:
    """A minor's birth date and adult contact: only the youth forum (and staff) see them."""
    return committee.body is CommitteeBody.jugendforum


def says_du(committee: Committee) -> bool:
    """The youth forum's members are addressed with "du" – pages and e-mails (issue 20.1)."""
    return committee.body is CommitteeBody.jugendforum


def uploads_of(session: Session, application: Application) -> list[Upload]:
    return list(
        session.scalars(
            # the application's attachments; the report's receipts are not the committee's
            select(Upload)
            .where(Upload.application_id == application.id, Upload.kind != "receipt")
            .order_by(Upload.id)
        )
    )


def upload_of(session: Session, application: Application, upload_id: int) -> Upload | None:
    upload = session.get(Upload, upload_id)
    if upload is None or upload.application_id != application.id or upload.kind == "receipt":
        return None
    return upload


# -- conflicts of interest (issue 20.3) -------------------------------------------------------
# The member's declaration is the same record the coordination office keeps on the session
# page (ConflictOfInterest): the quorum, the votes and the minutes read it from there.


def conflict_of(item: AgendaItem, member: CommitteeMember) -> ConflictOfInterest | None:
    return next((c for c in item.conflicts if c.member_id == member.id), None)


def declare_conflict(
    uow: UnitOfWork, item: AgendaItem, member: CommitteeMember, reason: str
) -> ConflictOfInterest:
    """Record (or update the reason of) the member's conflict of interest for the item,
    before or during the session – not once the item is decided."""
    if item.decision is not None:
        raise Refused(DECIDED)
    reason = " ".join(reason.split())[:MAX_REASON]
    if not reason:
        raise Refused(NO_REASON)
    conflict = conflict_of(item, member)
    if conflict is None:
        conflict = ConflictOfInterest(member=member, reason=reason)
        item.conflicts.append(conflict)
    else:
        conflict.reason = reason
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "meeting.conflict_declared",
        "agenda_item",
        item.id,
        partnership_id=item.meeting.committee.partnership_id,
        member=member.id,
    )
    return conflict


def withdraw_conflict(uow: UnitOfWork, item: AgendaItem, member: CommitteeMember) -> None:
    if item.decision is not None:
        raise Refused(DECIDED)
    conflict = conflict_of(item, member)
    if conflict is None:
        return
    item.conflicts.remove(conflict)
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "meeting.conflict_withdrawn",
        "agenda_item",
        item.id,
        partnership_id=item.meeting.committee.partnership_id,
        member=member.id,
    )


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def organisation_matches(organisation: str, applicant: str) -> bool:
    """The member's organisation is (or contains, or is contained in) the applicant's name."""
    mine, theirs = _folded(organisation), _folded(applicant)
    if len(mine) < 3 or len(theirs) < 3:
        return False
    return mine in theirs or theirs in mine


def organisation_hint(meeting: Meeting, item: AgendaItem, member: CommitteeMember) -> bool:
    """Whether the member's organisation (their term on the day of the session) looks like
    the applicant – a hint to consider a conflict of interest, not a decision."""
    term = member.term_on(meeting.held_on)
    if term is None:
        return False
    return organisation_matches(term.organisation, item.application.applicant_name)


def organisation_hints(meeting: Meeting) -> dict[int, list[str]]:
    """Per agenda item: the names of the members whose organisation looks like the
    applicant (for the coordination office's session page)."""
    hints: dict[int, list[str]] = {}
    for item in meeting.items:
        for seat in meeting.committee.members_on(meeting.held_on):
            if organisation_matches(seat.organisation, item.application.applicant_name):
                hints.setdefault(item.id, []).append(seat.name)
    return hints


# -- member accounts from the committee list (issue 20.1) --------------------------------------


class Invitation(StrEnum):
    invited = "invited"  # a new account (or one without password yet): mail with a link
    linked = "linked"  # an existing account with a password: role and link, no mail
    already = "already"  # linked before and able to sign in: nothing to do
    no_email = "no_email"  # no (valid) e-mail address in the member list
    inactive = "inactive"  # the account of that address is deactivated: left alone


@dataclass(frozen=True)
class InvitationResult:
    member: CommitteeMember
    outcome: Invitation


NO_SUCH_MEMBER = N_("There is no member “%(name)s” in the committees.")


def invite_members(
    uow: UnitOfWork,
    partnership: Partnership,
    committees: list[Committee],
    *,
    member_name: str | None = None,
) -> list[InvitationResult]:
    """Give the members of ``committees`` (those whose term runs today or begins later; or
    only the one named ``member_name``) a staff account with the committee role, linked to
    their person in the member list, and send those who cannot sign in yet an invitation
    with a link to set their password (the password-reset link, valid
    :data:`~service.operations.accounts.INVITATION_LIFETIME_HOURS`). The youth forum's
    members are addressed with "du". Repeating it invites nobody twice who has signed in."""
    today = uow.today()
    results: list[InvitationResult] = []
    for committee in committees:
        if committee.partnership_id != partnership.id:
            raise NotFound(Message(N_("There is no such committee.")))
        for member in committee.members:
            if member_name is not None and member.name != member_name:
                continue
            if member_name is None and not any(
                t.term_to is None or t.term_to >= today for t in member.terms
            ):
                continue  # a former member is not invited
            results.append(InvitationResult(member, _invite_member(uow, partnership, member)))
    if member_name is not None and not results:
        raise NotFound(Message(NO_SUCH_MEMBER, {"name": member_name}))
    return results


def _invite_member(
    uow: UnitOfWork, partnership: Partnership, member: CommitteeMember
) -> Invitation:
    email = (member.email or "").strip().lower()
    if not email_is_valid(email):
        return Invitation.no_email
    account = staff_ops.find_user(uow.session, email)
    if account is not None and not account.active:
        return Invitation.inactive
    if account is None:
        account = StaffUser(email=email, name=member.name, password_hash="")
        uow.session.add(account)
        uow.session.flush()
        audit.record(
            uow.session,
            uow.actor,
            "staff.create",
            "staff_user",
            account.id,
            partnership_id=partnership.id,
            email=account.email,
        )
    was_linked = member.staff_user_id == account.id
    staff_ops.grant_roles(uow, account, [(partnership, StaffRole.committee)])
    member.staff_user_id = account.id
    uow.session.flush()
    if account.password_hash:
        return Invitation.already if was_linked else Invitation.linked
    token = staff_ops.issue_reset_token(uow, account, timedelta(hours=INVITATION_LIFETIME_HOURS))
    addressee = mail_texts.Addressee(informal=member.committee.body is CommitteeBody.jugendforum)
    body = mail_texts.member_invitation_body(
        addressee,
        name=member.name,
        committee=member.committee.name,
        partnership=partnership.name,
        link=site_url("auth.password_reset_link", token=token),
        hours=INVITATION_LIFETIME_HOURS,
        email=account.email,
        login=site_url("auth.login"),
    )
    mail = Mail(
        to=account.email, subject=mail_texts.member_invitation_subject(addressee), body=body
    )
    uow.mail(mail_texts.from_partnership(mail, partnership))
    audit.record(
        uow.session,
        uow.actor,
        "committee.member_invited",
        "committee_member",
        member.id,
        partnership_id=partnership.id,
        staff_user=account.id,
    )
    return Invitation.invited
