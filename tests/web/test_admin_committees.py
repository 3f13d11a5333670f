"""The administrators' committee page (issue 16, item 3): members with their terms, a new
member, a change from a day on (a new term, the old one kept), the end of a membership,
deputies – German error summary, nothing saved on a problem; only the admin role of the
partnership in the URL gets in, another partnership's admin gets 404."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from service import db
from service.models import AuditLog, Committee, CommitteeBody, CommitteeMember, StaffRole
from service.operations.staff import DEMO_PASSWORD, add_staff_user
from tests.conftest import make_fund, uow_on

from .staff_support import ADMIN, KUF, LEAD, STAFF, csrf, log_in, text

COMMITTEES = f"{STAFF}/verwaltung/gremien"
OTHER_ADMIN = "admin@andere.example"


def bga(app) -> Committee:
    with app.app_context():
        committee = (
            db.session()
            .scalars(select(Committee).where(Committee.body == CommitteeBody.begleitausschuss))
            .one()
        )
        db.session().expunge(committee)
        return committee


def member_id(app, name: str) -> int:
    with app.app_context():
        return (
            db.session()
            .scalars(select(CommitteeMember.id).where(CommitteeMember.name == name))
            .one()
        )


def terms_of(app, name: str) -> list[tuple[date, date | None, str, bool, bool]]:
    with app.app_context():
        person = (
            db.session().scalars(select(CommitteeMember).where(CommitteeMember.name == name)).one()
        )
        return [(t.term_from, t.term_to, t.sector.value, t.voting, t.chair) for t in person.terms]


def member_form(**changes: str) -> dict[str, str]:
    values = {
        "name": "Zora Neu",
        "organisation": "Stadtrat Boizenburg",
        "email": "zora.neu@stadtrat.example",
        "group": "politik",
        "voting": "1",
        "deputy_for": "",
        "term_from": "2026-06-01",
        "term_to": "",
    }
    values.update(changes)
    return values


def post_form(client, url: str, values: dict[str, str]):
    return client.post(url, data={**values, "csrf_token": csrf(client, COMMITTEES)})


@pytest.fixture
def admin(demo_app):
    client = demo_app.test_client()
    log_in(client, ADMIN)
    return client


def test_the_admin_sees_every_committee_with_members_groups_and_terms(demo_app, admin):
    response = admin.get(COMMITTEES)

    assert response.status_code == 200
    page = text(response)
    assert "Begleitausschuss Boizenburg/Elbe – Lübtheen" in page
    assert "Jugendforum Boizenburg/Elbe – Lübtheen" in page
    assert "Zivilgesellschaft, stimmberechtigt, Vorsitz" in page
    assert "Verwaltung, beratend, Stellvertretung für Erika Mustermann" in page
    assert "ab 01.01.2026" in page
    html = response.get_data(as_text=True)
    committee = bga(demo_app)
    assert f'href="{COMMITTEES}/{committee.id}/mitglieder/neu"' in html
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html):
        assert f'for="{field_id}"' in html, field_id
    assert f'href="{COMMITTEES}"' in html  # in the navigation


def test_a_new_member_is_added_with_a_term(demo_app, admin):
    committee = bga(demo_app)

    response = post_form(admin, f"{COMMITTEES}/{committee.id}/mitglieder/neu", member_form())

    assert response.status_code == 302
    assert terms_of(demo_app, "Zora Neu") == [(date(2026, 6, 1), None, "politics", True, False)]
    with demo_app.app_context():
        zora = (
            db.session()
            .scalars(select(CommitteeMember).where(CommitteeMember.name == "Zora Neu"))
            .one()
        )
        assert zora.email == "zora.neu@stadtrat.example"
        assert db.session().scalar(
            select(AuditLog.id).where(AuditLog.action == "committee.member_add")
        )
    assert "Zora Neu wurde in das Gremium aufgenommen." in text(admin.get(COMMITTEES))


def test_wrong_entries_are_listed_in_german_at_their_fields_and_nothing_is_saved(demo_app, admin):
    committee = bga(demo_app)
    deputy = member_id(demo_app, "Hanna Ersatz")  # a deputy cannot have a deputy of their own

    response = post_form(
        admin,
        f"{COMMITTEES}/{committee.id}/mitglieder/neu",
        member_form(email="a@b.de; c@d.de", group="", term_from="bald", deputy_for=str(deputy)),
    )

    assert response.status_code == 422
    page = text(response)
    assert "Bitte korrigieren Sie Ihre Eingabe" in page
    assert "E-Mail-Adresse: Bitte geben Sie genau eine E-Mail-Adresse an" in page
    assert "Gruppe: Diese Angabe fehlt; bitte ergänzen Sie sie." in page
    assert "Amtszeit ab: Bitte geben Sie das Datum als JJJJ-MM-TT an" in page
    html = response.get_data(as_text=True)
    assert 'href="#f-email"' in html
    assert 'id="f-email-error-1"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="a@b.de; c@d.de"' in html  # the entry stays for correcting
    with demo_app.app_context():
        assert (
            db.session()
            .scalars(select(CommitteeMember).where(CommitteeMember.name == "Zora Neu"))
            .first()
            is None
        )


def test_a_deputy_must_stand_in_for_a_voting_member_and_have_no_vote_of_their_own(demo_app, admin):
    committee = bga(demo_app)
    deputy = member_id(demo_app, "Hanna Ersatz")
    url = f"{COMMITTEES}/{committee.id}/mitglieder/neu"

    of_a_deputy = post_form(admin, url, member_form(voting="0", deputy_for=str(deputy)))
    voting = post_form(
        admin, url, member_form(voting="1", deputy_for=str(member_id(demo_app, "Ben Muster")))
    )

    assert of_a_deputy.status_code == 422
    assert "Hanna Ersatz ist am 01.06.2026 kein stimmberechtigtes Mitglied" in text(of_a_deputy)
    assert voting.status_code == 422
    assert "Stimmrecht: Eine Stellvertretung hat keine eigene Stimme" in text(voting)
    good = post_form(
        admin, url, member_form(voting="0", deputy_for=str(member_id(demo_app, "Ben Muster")))
    )
    assert good.status_code == 302
    with demo_app.app_context():
        zora = (
            db.session()
            .scalars(select(CommitteeMember).where(CommitteeMember.name == "Zora Neu"))
            .one()
        )
        (term,) = zora.terms
        assert (term.voting, term.deputy_for.name) == (False, "Ben Muster")


def test_a_change_from_a_day_on_ends_the_old_term_and_starts_a_new_one(demo_app, admin):
    committee = bga(demo_app)
    felix = member_id(demo_app, "Felix Vorlage")
    url = f"{COMMITTEES}/{committee.id}/mitglieder/{felix}"
    page = text(admin.get(url))
    assert "Gültig ab" in page

    response = post_form(
        admin,
        url,
        member_form(
            name="Felix Vorlage",
            organisation="Stadtrat Lübtheen",
            email="",
            group="politik",
            term_from="2026-06-01",
        ),
    )

    assert response.status_code == 302, text(response)[:800]
    assert terms_of(demo_app, "Felix Vorlage") == [
        (date(2026, 1, 1), date(2026, 5, 31), "admin", True, False),
        (date(2026, 6, 1), None, "politics", True, False),
    ]
    history = text(admin.get(url))
    assert "01.01.2026 bis 31.05.2026" in history
    assert "ab 01.06.2026" in history


def test_a_change_before_a_decided_session_is_refused(demo_app, admin):
    committee = bga(demo_app)
    felix = member_id(demo_app, "Felix Vorlage")

    response = post_form(
        admin,
        f"{COMMITTEES}/{committee.id}/mitglieder/{felix}",
        member_form(name="Felix Vorlage", group="politik", term_from="2026-05-01"),
    )

    assert response.status_code == 422
    assert "Sitzung vom 12.05.2026 Mitglied war" in text(response)
    assert terms_of(demo_app, "Felix Vorlage") == [(date(2026, 1, 1), None, "admin", True, False)]


def test_ending_a_principal_with_a_deputy_is_refused_and_ending_the_deputy_works(demo_app, admin):
    committee = bga(demo_app)
    erika = member_id(demo_app, "Erika Mustermann")
    ilja = member_id(demo_app, "Ilja Vertreter")
    base = f"{COMMITTEES}/{committee.id}/mitglieder"

    refused = admin.post(
        f"{base}/{erika}/ende",
        data={"last_day": "2030-06-30", "csrf_token": csrf(admin, COMMITTEES)},
    )
    assert refused.status_code == 422
    assert "Ilja Vertreter: Erika Mustermann ist am 01.07.2030 kein stimmberechtigtes" in text(
        refused
    )
    assert terms_of(demo_app, "Erika Mustermann")[-1][1] is None

    for person in (ilja, erika):
        ended = admin.post(
            f"{base}/{person}/ende",
            data={"last_day": "2030-06-30", "csrf_token": csrf(admin, COMMITTEES)},
        )
        assert ended.status_code == 302, text(ended)[:500]
    assert terms_of(demo_app, "Erika Mustermann") == [
        (date(2026, 1, 1), date(2030, 6, 30), "admin", True, False)
    ]
    assert "01.01.2026 bis 30.06.2030" in text(admin.get(COMMITTEES))


def test_a_new_committee_can_be_created(demo_app, admin):
    response = admin.post(
        COMMITTEES,
        data={
            "name": "Begleitausschuss 2027",
            "body": "begleitausschuss",
            "csrf_token": csrf(admin, COMMITTEES),
        },
    )

    assert response.status_code == 302
    assert "Begleitausschuss 2027" in text(admin.get(COMMITTEES))


def test_the_lead_office_gets_403(demo_app):
    client = demo_app.test_client()
    log_in(client, LEAD)
    assert client.get(COMMITTEES).status_code == 403


def test_the_coordination_office_reads_the_list_and_invites_but_does_not_change_it(demo_app):
    # issue 20.1: the coordination office invites the members from this page
    client = demo_app.test_client()
    log_in(client, KUF)
    page = client.get(COMMITTEES)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "/einladen" in html
    assert "/mitglieder/neu" not in html
    assert 'id="new-committee"' not in html


def test_another_partnerships_admin_gets_404_for_everything_here(demo_app):
    with demo_app.app_context():
        session = db.session()
        other = make_fund(session, "andere").partnership
        add_staff_user(
            uow_on(session), OTHER_ADMIN, "Andere Admin", DEMO_PASSWORD, [(other, StaffRole.admin)]
        )
        session.commit()
    committee = bga(demo_app)
    anna = member_id(demo_app, "Anna Beispiel")
    client = demo_app.test_client()
    log_in(client, OTHER_ADMIN)

    assert client.get(COMMITTEES).status_code == 404
    assert client.get(f"{COMMITTEES}/{committee.id}/mitglieder/{anna}").status_code == 404
    # with its own partnership in the address, the demo's committee is not found either
    own = f"/p/andere/staff/verwaltung/gremien/{committee.id}/mitglieder"
    token = csrf(client, "/p/andere/staff/verwaltung/gremien")
    assert client.get(f"{own}/{anna}").status_code == 404
    assert client.get(f"{own}/neu").status_code == 404
    ended = client.post(f"{own}/{anna}/ende", data={"last_day": "2026-10-31", "csrf_token": token})
    assert ended.status_code == 404
    assert terms_of(demo_app, "Anna Beispiel")[-1][1] is None
