"""Every decision keeps the guideline version it was made under (issue 16.2): a later version
of the fund's guideline changes nothing for the notices and checks of an earlier decision."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from service.domain.check import check_application
from service.domain.states import ApplicationState, DecisionOutcome
from service.models import (
    AgendaItem,
    Committee,
    CommitteeBody,
    CommitteeMember,
    CommitteeTerm,
    Decision,
    Meeting,
    MeetingMode,
    MeetingParticipant,
    Sector,
    Vote,
    VoteChoice,
)
from service.operations import funds as ops
from service.operations.interchange import application_from_interchange, freeze_submission
from service.operations.notices import notice_data, prepare_notice
from service.operations.partnerships import read_settings_file, update_partnership
from service.operations.sessions import decide
from tests.conftest import AIF_GUIDELINE, FIXTURES, uow_on

# the second version: another financing type, and a grant limit below the 600.00 requested
STRICTER = AIF_GUIDELINE.replace('financing_type = "fehlbedarf"', 'financing_type = "anteil"')
STRICTER = STRICTER.replace('max = "5000.00"', 'max = "500.00"')


def submitted_application(db_session, fund):
    data = json.loads((FIXTURES / "application-aif.json").read_text(encoding="utf-8"))
    application = application_from_interchange(db_session, fund.partnership, fund, data)
    application.state = ApplicationState.approved
    application.reference = "AIF-2026-001"
    freeze_submission(application)
    db_session.flush()
    return application


def approve(db_session, application, guideline=None) -> Decision:
    decision = Decision(
        application=application,
        outcome=DecisionOutcome.approved,
        amount=Decimal("600.00"),
        decided_on=date(2026, 3, 10),
    )
    if guideline is not None:
        decision.guideline = guideline
    db_session.add(decision)
    db_session.flush()
    return decision


def test_a_decision_recorded_without_a_version_gets_the_current_one(db_session, fund):
    application = submitted_application(db_session, fund)

    decision = approve(db_session, application)

    assert decision.guideline_id == fund.current_guideline.id
    assert decision.guideline.version == 1


def test_a_new_version_leaves_the_decisions_version_and_rules_alone(db_session, fund):
    application = submitted_application(db_session, fund)
    decision = approve(db_session, application)
    uow = uow_on(db_session)

    added = ops.add_guideline_version(uow, fund, STRICTER)

    assert added is not None
    assert added.version == 2
    assert [g.version for g in fund.guidelines] == [1, 2]
    db_session.expire_all()
    assert decision.guideline.version == 1
    assert decision.rules.financing_type == "fehlbedarf"
    assert ops.rules_for(application).financing_type == "fehlbedarf"
    data = notice_data(application, decision, number="AIF-2026-001", issued_on=date(2026, 3, 17))
    assert data["decision"]["financing_type"] == "fehlbedarf"
    # the current version would find the approved 600.00 above its limit …
    payload = {k: v for k, v in data.items() if k != "decision"}
    current = check_application(payload, fund.guideline, today=date(2026, 3, 17))
    assert "grant.above-max" in {f.code for f in current.findings}


def test_the_notice_of_an_earlier_decision_is_checked_by_its_version(db_session, fund):
    from service.domain.messages import PlainLocalizer

    uow = uow_on(db_session)
    settings = read_settings_file(FIXTURES / "partnership.toml")
    settings["partnership"]["slug"] = fund.partnership.slug
    settings["legal"] = {
        "procedure_act": "VwVfG M-V",
        "remedy": "widerspruch",
        "remedy_body": "Stadt Boizenburg/Elbe, Kirchplatz 1, 19258 Boizenburg/Elbe",
        "notification_days": 4,
    }
    update_partnership(uow, fund.partnership, settings)
    application = submitted_application(db_session, fund)
    decision = approve(db_session, application)
    ops.add_guideline_version(uow, fund, STRICTER)
    db_session.expire_all()
    data = notice_data(application, decision, number="AIF-2026-001", issued_on=date(2026, 3, 17))

    # … the notice of the decision made under version 1 is not refused for it
    prepared = prepare_notice(db_session, application, decision, data, PlainLocalizer())

    assert prepared.template == "approval"
    assert "grant.above-max" not in {f.code for f in prepared.findings}


def test_a_decision_after_the_new_version_is_made_under_it(db_session, fund):
    application = submitted_application(db_session, fund)
    ops.add_guideline_version(uow_on(db_session), fund, STRICTER)

    decision = approve(db_session, application)

    assert decision.guideline.version == 2
    assert ops.rules_for(application).financing_type == "anteil"


def test_the_session_records_its_decisions_with_the_current_version(db_session, fund):
    committee = Committee(
        partnership=fund.partnership, body=CommitteeBody.begleitausschuss, name="BgA"
    )
    db_session.add(committee)
    fund.committee = committee
    members = [CommitteeMember(committee=committee, name=f"M{i}") for i in range(3)]
    db_session.add_all(members)
    db_session.add_all(
        CommitteeTerm(member=m, term_from=date(2026, 1, 1), sector=Sector.civil) for m in members
    )
    application = submitted_application(db_session, fund)
    application.state = ApplicationState.on_agenda
    meeting = Meeting(committee=committee, held_on=date(2026, 3, 10), mode=MeetingMode.session)
    item = AgendaItem(
        meeting=meeting, application=application, position=0, proposed_amount=Decimal("600.00")
    )
    db_session.add_all([committee, meeting, item, *members])
    db_session.flush()
    for member in members:
        db_session.add(
            MeetingParticipant(meeting=meeting, member=member, invited=True, present=True)
        )
        db_session.add(Vote(item=item, member=member, choice=VoteChoice.yes))
    ops.add_guideline_version(uow_on(db_session), fund, STRICTER)
    db_session.flush()

    decisions = decide(uow_on(db_session), meeting)

    assert [d.outcome for d in decisions] == [DecisionOutcome.approved]
    assert decisions[0].guideline.version == 2


@pytest.mark.parametrize("year", [2027, 2028])
def test_a_copy_moves_every_date_by_whole_years(db_session, fund, year):
    uow = uow_on(db_session)

    copy = ops.copy_fund(uow, fund, year)

    rules = copy.guideline
    assert copy.key == f"AIF-{year}"
    assert copy.draft
    assert rules.year == year
    assert rules.budget == fund.guideline.budget
    shift = year - 2026
    assert [d.year for d in rules.sessions] == [2026 + shift] * 3
    assert [(d.month, d.day) for d in rules.sessions] == [
        (d.month, d.day) for d in fund.guideline.sessions
    ]
    assert copy.current_guideline.toml_text.startswith("# Fördergrundsätze")
