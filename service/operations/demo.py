"""``load_demo``: the fictional partnership Boizenburg/Elbe – Lübtheen with its two funds,
committees, a dozen applications in different states and the sessions that decided them.

The funds are those of the year of "today" (from November also the next year's), so that a
new user can apply at once on any day; the sample applications and sessions lie in the last
year in which they are past (service/demo/__init__.py). A database that already has them keeps
them in their year: only the funds of the new day are added.

Idempotent: every object is looked up by its natural key first and only created when it is
missing, so loading twice changes nothing and a newer demo adds only what is new. Existing
rows are never changed – staff may have played with them (a new fund's budget line is added to
the partnership's lines, never one replaced).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..demo import DemoFund, calendar_shift, demo_text, fund_years, story_year
from ..demo.content import (
    APPLICATIONS,
    COMMITTEES,
    FUNDS,
    KUF_CONTACT,
    MEETINGS,
    DemoApplication,
    DemoCommittee,
    DemoMeeting,
    applicant_data,
)
from ..domain.states import ApplicationState, DecisionOutcome
from ..models import (
    AgendaItem,
    Applicant,
    Application,
    AuditLog,
    Committee,
    CommitteeBody,
    CommitteeMember,
    CommitteeTerm,
    ConflictOfInterest,
    Decision,
    Fund,
    Meeting,
    MeetingMode,
    MeetingParticipant,
    Partnership,
    Sector,
    Vote,
    VoteChoice,
    allocate_reference,
)
from ..paths import doc_templates_dir
from .interchange import application_from_interchange, freeze_submission

BERLIN = ZoneInfo("Europe/Berlin")
DEMO_ACTOR = "system:demo"
# the sample ANBest files (doc_templates/anlagen/, not the official texts)
DEMO_ANNEXES = {"anbest_p": "anbest-p-muster.pdf", "anbest_gk": "anbest-gk-muster.pdf"}


def _term_start() -> date:
    """The demo's members sit from 1 January of the year of its first session on (an open
    term), so every demo session, and every session tried out later, finds them."""
    first = min(meeting.held_on for meeting in MEETINGS)
    return date(first.year, 1, 1)


class _Loader:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.created: Counter[str] = Counter()

    def _add(self, obj: object) -> None:
        self.session.add(obj)
        self.created[type(obj).__name__] += 1

    def partnership(self) -> Partnership:
        settings = tomllib.loads(demo_text("partnership.toml"))
        slug = settings["partnership"]["slug"]
        partnership = self.session.scalars(
            select(Partnership).where(Partnership.slug == slug)
        ).one_or_none()
        if partnership is None:
            partnership = Partnership()
            partnership.apply_settings(settings)
            # Anlage 2 of the approvals: the samples shipped with the templates (issue 18)
            for key, name in DEMO_ANNEXES.items():
                path = doc_templates_dir() / "anlagen" / name
                partnership.set_file("annexes", key, name, path.read_bytes())
            self._add(partnership)
        return partnership

    def committee(self, partnership: Partnership, demo: DemoCommittee) -> Committee:
        committee = self.session.scalars(
            select(Committee).where(
                Committee.partnership_id == partnership.id, Committee.name == demo.name
            )
        ).one_or_none()
        if committee is None:
            committee = Committee(
                partnership=partnership, name=demo.name, body=CommitteeBody(demo.body)
            )
            self._add(committee)
        existing = {member.name: member for member in committee.members}
        for spec in demo.members:
            if spec.name in existing:
                continue
            member = CommitteeMember(committee=committee, name=spec.name)
            self._add(member)
            self._add(
                CommitteeTerm(
                    member=member,
                    term_from=_term_start(),
                    organisation=spec.organisation,
                    sector=Sector(spec.sector),
                    voting=spec.voting,
                    chair=spec.chair,
                    deputy_for=existing.get(spec.deputy_for) if spec.deputy_for else None,
                )
            )
            existing[spec.name] = member
        return committee

    def fund(
        self, partnership: Partnership, demo: DemoFund, year: int, committee: Committee
    ) -> Fund:
        key = demo.key(year)
        fund = self.session.scalars(
            select(Fund).where(Fund.partnership_id == partnership.id, Fund.key == key)
        ).one_or_none()
        if fund is None:
            fund = Fund(partnership=partnership, key=key, committee=committee)
            self._add(fund)
            lines = dict(partnership.budget_lines or {})
            if demo.budget_line and key not in lines:
                lines[key] = demo.budget_line
                partnership.budget_lines = lines  # a new dict: the JSON column sees the change
        versions = len(fund.guidelines)
        fund.add_guideline(demo.guideline_text(year))
        if len(fund.guidelines) > versions:
            self.created["FundGuideline"] += 1
        return fund

    def story_year(self, partnership: Partnership, today: date) -> int:
        """The year of the sample applications: the one they were loaded into before (a
        database keeps its story), else the last year in which they are past on ``today``."""
        first = APPLICATIONS[0]
        loaded = self.session.scalars(
            select(Fund.key)
            .join(Application, Application.fund_id == Fund.id)
            .where(
                Fund.partnership_id == partnership.id,
                Fund.key.startswith(f"{first.fund}-"),
                Application.title == first.project["title"],
            )
            .order_by(Fund.key)
        ).first()
        if loaded is not None:
            year = loaded.rpartition("-")[2]
            if year.isdigit():
                return int(year)
        return story_year(today)

    def applicant(self, partnership: Partnership, key: str, shift: timedelta) -> Applicant:
        data = applicant_data(key, shift)
        applicant = self.session.scalars(
            select(Applicant).where(
                Applicant.partnership_id == partnership.id, Applicant.name == data["name"]
            )
        ).one_or_none()
        if applicant is None:
            contact = data["adult_contact"] or {}
            birth_date = data["birth_date"]
            applicant = Applicant(
                partnership=partnership,
                **{
                    key: value
                    for key, value in data.items()
                    if key not in ("adult_contact", "birth_date")
                },
                birth_date=date.fromisoformat(birth_date) if birth_date else None,
                adult_contact_name=contact.get("name"),
                adult_contact_email=contact.get("email"),
                adult_contact_phone=contact.get("phone"),
            )
            self._add(applicant)
        return applicant

    def application(
        self, partnership: Partnership, fund: Fund, demo: DemoApplication
    ) -> Application:
        title = demo.project["title"]
        application = self.session.scalars(
            select(Application).where(Application.fund_id == fund.id, Application.title == title)
        ).one_or_none()
        if application is not None:
            return application
        applicant = self.applicant(partnership, demo.applicant, demo.shift)
        self.session.flush()
        application = application_from_interchange(
            self.session, partnership, fund, demo.interchange(fund.key), applicant=applicant
        )
        self.created["Application"] += 1
        application.state = ApplicationState(demo.state)
        if application.state.is_final:
            # the day the file ended in the story, not the day the demo was loaded
            application.ended_on = demo.ended_on
        application.info_due_on = demo.info_due_on
        if application.submitted_on is not None:
            # received in the morning of the day of receipt, Berlin time
            received = datetime.combine(application.submitted_on, time(10, 15), tzinfo=BERLIN)
            application.submitted_at = received.astimezone(UTC)
            application.reference = allocate_reference(self.session, fund)
            freeze_submission(application)
        return application

    def meeting(
        self, committee: Committee, demo: DemoMeeting, applications: dict[str, Application]
    ) -> None:
        meeting = self.session.scalars(
            select(Meeting).where(
                Meeting.committee_id == committee.id,
                Meeting.held_on == demo.held_on,
                Meeting.mode == MeetingMode.session,
            )
        ).one_or_none()
        members = {member.name: member for member in committee.members}
        if meeting is None:
            meeting = Meeting(
                committee=committee,
                held_on=demo.held_on,
                mode=MeetingMode.session,
                place=demo.place,
                start_time=demo.start_time,
                end_time=demo.end_time,
                minute_taker=KUF_CONTACT if demo.held else "",
                next_on=demo.next_on,
            )
            self._add(meeting)
            for seat in committee.members_on(demo.held_on):
                self._add(
                    MeetingParticipant(
                        meeting=meeting,
                        member=seat.member,
                        invited=True,
                        present=seat.name in demo.present,
                    )
                )
        on_agenda = {item.application_id for item in meeting.items}
        for spec in demo.items:
            application = applications[spec.application]
            if application.id in on_agenda:
                continue
            position = len(meeting.items)
            item = AgendaItem(
                meeting=meeting,
                application=application,
                position=position,
                proposed_amount=Decimal(spec.proposed_amount) if spec.proposed_amount else None,
                conditions=spec.conditions,
            )
            self._add(item)
            for name, reason in spec.conflicts.items():
                self._add(ConflictOfInterest(item=item, member=members[name], reason=reason))
            for name, choice in spec.votes.items():
                self._add(Vote(item=item, member=members[name], choice=VoteChoice(choice)))
            if spec.outcome:
                self._add(
                    Decision(
                        application=application,
                        item=item,
                        outcome=DecisionOutcome(spec.outcome),
                        amount=Decimal(spec.amount) if spec.amount else None,
                        conditions=spec.conditions,
                        reasons=spec.reasons,
                        decided_on=demo.held_on,
                    )
                )


def load_demo(session: Session, today: date) -> dict[str, int]:
    """Create what is missing of the demo partnership as on ``today`` (the clock's day:
    FOERDERWERK_TODAY where it is pinned); flushes, never commits.

    Returns how many objects of each kind were created (empty when all were there).
    """
    loader = _Loader(session)
    partnership = loader.partnership()
    committees = {demo.name: loader.committee(partnership, demo) for demo in COMMITTEES}
    story = loader.story_year(partnership, today)
    funds = {
        (demo.prefix, year): loader.fund(partnership, demo, year, committees[demo.committee])
        for year in fund_years(today, story)
        for demo in FUNDS.values()
    }
    session.flush()
    shift = calendar_shift(story)
    # file numbers in the order the applications came in
    in_order = sorted(
        (demo.shifted(shift) for demo in APPLICATIONS),
        key=lambda demo: (demo.submitted_on or "9999", demo.key),
    )
    applications = {
        demo.key: loader.application(partnership, funds[demo.fund, story], demo)
        for demo in in_order
    }
    session.flush()
    for demo_meeting in MEETINGS:
        loader.meeting(
            committees[demo_meeting.committee], demo_meeting.shifted(shift), applications
        )
    from .staff import load_demo_staff  # the back office's fictional accounts

    staff_created = load_demo_staff(session, partnership)
    if staff_created:
        loader.created["StaffUser"] += staff_created
    created = dict(sorted(loader.created.items()))
    if created:
        session.add(
            AuditLog(
                partnership_id=partnership.id,
                actor=DEMO_ACTOR,
                action="demo.load",
                object_type="partnership",
                object_id=partnership.slug,
                details={"created": created},
            )
        )
    session.flush()
    return created
