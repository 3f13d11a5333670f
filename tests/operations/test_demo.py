"""The demo partnership: idempotent, fictional, and consistent with the rules engine."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.demo import STORY_DAY, fund_years, story_year
from service.demo.content import FUNDS
from service.domain.check import check_application, check_meeting
from service.domain.guideline import load_guideline_text
from service.domain.states import ApplicationState
from service.models import (
    Application,
    Base,
    Committee,
    CommitteeBody,
    Fund,
    Meeting,
    Partnership,
    Sector,
)
from service.operations.demo import load_demo
from service.operations.interchange import application_to_interchange, canonical_json

# any date: every fixture states its date of receipt
TODAY = date(2026, 3, 1)


@pytest.fixture
def demo(db_session: Session) -> Partnership:
    load_demo(db_session, STORY_DAY)
    db_session.commit()
    return db_session.scalars(select(Partnership)).one()


def _row_counts(session: Session) -> dict[str, int]:
    return {
        name: session.scalar(select(func.count()).select_from(table)) or 0
        for name, table in Base.metadata.tables.items()
    }


def _applications(session: Session) -> list[Application]:
    return list(session.scalars(select(Application).order_by(Application.id)))


@pytest.mark.db_semantics
def test_loading_the_demo_twice_changes_nothing(db_session: Session, demo: Partnership):
    before = _row_counts(db_session)

    created = load_demo(db_session, STORY_DAY)
    db_session.commit()

    assert created == {}
    assert _row_counts(db_session) == before
    assert before["application"] >= 12


def test_the_demo_partnership_is_boizenburg_luebtheen_with_its_two_funds(demo: Partnership):
    assert demo.slug == "boizenburg-luebtheen"
    assert demo.lead_office_name == "Stadt Boizenburg/Elbe"
    assert (demo.lead_office_street, demo.lead_office_postal_code) == ("Kirchplatz 1", "19258")
    assert demo.coordination_carrier == "Beispielträger Bildung e.V."
    assert [fund.key for fund in demo.funds] == ["AIF-2026", "JF-2026"]
    for fund in demo.funds:
        assert fund.committee is not None
        assert fund.committee.body == fund.guideline.deciding_body


def test_the_monitoring_committee_has_seven_voting_members_mostly_from_civil_society(
    db_session: Session, demo: Partnership
):
    committee = db_session.scalars(
        select(Committee).where(Committee.body == CommitteeBody.begleitausschuss)
    ).one()
    seats = committee.members_on(committee.meetings[0].held_on)
    voting = [m for m in seats if m.voting]
    deputies = [m for m in seats if m.deputy_for is not None]

    assert len(voting) == 7
    civil = sum(m.sector is Sector.civil for m in voting)
    assert civil > len(voting) - civil
    assert deputies
    voting_people = [m.member for m in voting]
    assert all(not d.voting and d.deputy_for in voting_people for d in deputies)
    assert sum(m.chair for m in seats) == 1


def test_the_demo_shows_applications_in_every_step_before_the_notice(
    db_session: Session, demo: Partnership
):
    states = {application.state for application in _applications(db_session)}

    assert states >= {
        ApplicationState.draft,
        ApplicationState.submitted,
        ApplicationState.in_check,
        ApplicationState.info_requested,
        ApplicationState.on_agenda,
        ApplicationState.approved,
        ApplicationState.rejected,
        ApplicationState.deferred,
        ApplicationState.withdrawn,
    }


def test_every_submitted_demo_application_passes_the_rules_without_errors(
    db_session: Session, demo: Partnership
):
    submitted = [a for a in _applications(db_session) if a.state is not ApplicationState.draft]
    assert len(submitted) >= 10

    for application in submitted:
        result = check_application(
            application_to_interchange(application), application.fund.guideline, today=TODAY
        )
        errors = [(f.code, f.field) for f in result.findings if f.is_error]
        assert errors == [], application.title
        assert result.extra["session"] is not None, application.title


def test_submitted_demo_applications_have_file_number_receipt_time_and_frozen_copy(
    db_session: Session, demo: Partnership
):
    for application in _applications(db_session):
        if application.state is ApplicationState.draft:
            assert application.reference is None
            assert application.submission_snapshot is None
            continue
        assert application.reference is not None
        assert application.reference.startswith(application.fund.key + "-")
        assert application.submitted_at is not None
        assert application.submission_snapshot == application_to_interchange(application)
        digest = hashlib.sha256(canonical_json(application.submission_snapshot)).hexdigest()
        assert application.submission_sha256 == digest


def _meeting_interchange(meeting: Meeting) -> dict[str, Any]:
    ids = {member.id: f"m{member.id}" for member in meeting.committee.members}
    return {
        "body": meeting.committee.body.value,
        "mode": meeting.mode.value,
        "date": meeting.held_on.isoformat(),
        "place": meeting.place,
        "members": [
            {
                "id": ids[m.id],
                "name": m.name,
                "sector": m.sector.value,
                "voting": m.voting,
                "chair": m.chair,
                **({"deputy_for": ids[m.deputy_for.id]} if m.deputy_for else {}),
            }
            for m in meeting.committee.members_on(meeting.held_on)
        ],
        "invited": [ids[p.member_id] for p in meeting.participants if p.invited],
        "present": [ids[p.member_id] for p in meeting.participants if p.present],
        "objections": [ids[p.member_id] for p in meeting.participants if p.objected],
        "items": [
            {
                "ref": item.application.reference,
                "applicant": item.application.applicant_name,
                "requested": str(item.application.requested),
                "proposed_amount": str(item.proposed_amount),
                "conditions": item.conditions,
                "conflicts": [ids[c.member_id] for c in item.conflicts],
                "votes": {ids[v.member_id]: v.choice.value for v in item.votes},
            }
            for item in meeting.items
            if item.votes
        ],
    }


def test_the_decisions_of_the_demo_sessions_agree_with_the_meeting_rules(
    db_session: Session, demo: Partnership
):
    held = [
        m for m in db_session.scalars(select(Meeting)) if any(p.present for p in m.participants)
    ]
    assert len(held) >= 3

    for meeting in held:
        result = check_meeting(_meeting_interchange(meeting))
        assert [(f.code, f.field) for f in result.findings if f.is_error] == []
        assert result.extra["quorate"] is True
        computed = {item["ref"]: item for item in result.extra["items"]}
        for item in meeting.items:
            decision = item.decision
            assert decision is not None
            assert decision.decided_on == meeting.held_on
            assert item.application.state is decision.outcome.application_state
            if item.votes:
                outcome = computed[item.application.reference]
                assert outcome["outcome"] == decision.outcome.value
                assert outcome["approved_amount"] == decision.amount


def test_the_demo_names_no_real_contact_data(db_session: Session, demo: Partnership):
    emails = [demo.lead_office_email, demo.coordination_email]
    for application in _applications(db_session):
        emails += [application.applicant_email, application.applicant_adult_contact_email]

    assert all(email.endswith(".example") for email in emails if email)


@pytest.mark.parametrize("day", ["2026-01-02", "2026-06-30", "2026-12-04", "2027-03-01"])
def test_on_any_day_the_demo_has_this_years_funds_and_tells_as_past_only_what_is_past(
    db_session: Session, day: str
):
    today = date.fromisoformat(day)
    load_demo(db_session, today)
    db_session.commit()

    keys = set(db_session.scalars(select(Fund.key)))
    assert {f"AIF-{today.year}", f"JF-{today.year}"} <= keys
    assert (f"AIF-{today.year + 1}" in keys) is (today.month >= 11)
    applications = _applications(db_session)
    assert len(applications) >= 12
    for application in applications:
        if application.submitted_on is not None:
            assert application.submitted_on <= today, application.title
        if application.ended_on is not None:
            assert application.ended_on <= today, application.title
        for decision in application.decisions:
            assert decision.decided_on < today, application.title
    for meeting in db_session.scalars(select(Meeting)):
        if any(p.present for p in meeting.participants):
            assert meeting.held_on < today
        # every session is one of its fund's sessions
        for item in meeting.items:
            assert meeting.held_on in item.application.fund.guideline.sessions
    for application in applications:
        if application.state is ApplicationState.draft:
            continue
        result = check_application(
            application_to_interchange(application),
            application.fund.guideline,
            today=application.submitted_on,
        )
        assert [f.code for f in result.findings if f.is_error] == [], application.title


def test_loaded_again_a_year_later_the_demo_keeps_its_story_and_adds_the_new_funds(
    db_session: Session,
):
    load_demo(db_session, STORY_DAY)
    db_session.commit()
    before = [(a.fund.key, a.title) for a in _applications(db_session)]

    created = load_demo(db_session, date(2027, 11, 20))
    db_session.commit()

    assert created == {"Fund": 4, "FundGuideline": 4}
    assert [(a.fund.key, a.title) for a in _applications(db_session)] == before
    assert {key for key, _title in before} == {"AIF-2026", "JF-2026"}
    partnership = db_session.scalars(select(Partnership)).one()
    assert set(partnership.budget_lines) == {
        f"{prefix}-{year}" for prefix in ("AIF", "JF") for year in (2026, 2027, 2028)
    }


def test_the_demo_guidelines_put_every_session_on_its_weekday_and_a_deadline_ahead_every_day():
    deadlines: dict[int, list[date]] = {}
    for year in range(2025, 2035):
        deadlines[year] = []
        for fund in FUNDS.values():
            rules = load_guideline_text(fund.guideline_text(year))
            assert (rules.fund_key, rules.year) == (fund.key(year), year)
            # the 2026 sessions' weekdays, within three days of their 2026 calendar days
            assert [day.weekday() for day in rules.sessions] == [
                day.weekday() for day in fund.sessions
            ]
            for day, first in zip(rules.sessions, fund.sessions, strict=True):
                assert abs((day - first.replace(year=year)).days) <= 3
            lead = timedelta(days=rules.submission_lead_days)
            deadlines[year] += [session - lead for session in rules.sessions]
    for year in range(2026, 2034):
        day = date(year, 1, 1)
        while day.year == year:
            ahead = [
                deadline
                for loaded in fund_years(day, story_year(day))
                for deadline in deadlines[loaded]
                if deadline >= day
            ]
            assert ahead, day
            day += timedelta(days=1)
