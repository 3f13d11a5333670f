"""Accounts for committee members from the committee list (issue 20.1): the coordination
office or an administrator invites; a member with an e-mail address gets an account with the
committee role, linked to their person, and – unless they can sign in already – an invitation
with a link to set the password; the youth forum is addressed with "du"."""

from __future__ import annotations

from sqlalchemy import select

from service import db
from service.cli import cli
from service.models import Committee, CommitteeBody, CommitteeMember, OutboxMail, StaffRole

from .staff_support import ADMIN, KUF, LEAD, SLUG, STAFF, log_in, post, text
from .test_admin_pages import account

PAGE = f"{STAFF}/verwaltung/gremien"


def _set_email(app, name: str, email: str) -> tuple[int, int]:
    with app.app_context():
        session = db.session()
        member = session.scalars(select(CommitteeMember).where(CommitteeMember.name == name)).one()
        member.email = email
        session.commit()
        return member.committee_id, member.id


def _mails(app, to: str) -> list[OutboxMail]:
    with app.app_context():
        return list(db.session().scalars(select(OutboxMail).where(OutboxMail.recipient == to)))


def _member(app, name: str) -> CommitteeMember:
    with app.app_context():
        return (
            db.session().scalars(select(CommitteeMember).where(CommitteeMember.name == name)).one()
        )


def test_the_coordination_office_invites_the_members_of_a_committee(demo_app):
    committee_id, _ = _set_email(demo_app, "Anna Beispiel", "Anna@Elbufer.Example")
    _set_email(demo_app, "Ben Muster", LEAD)  # has an account with a password already
    kuf = demo_app.test_client()
    log_in(kuf, KUF)

    response = post(kuf, f"{PAGE}/{committee_id}/einladen", {}, PAGE)
    page = text(kuf.get(PAGE))

    assert response.status_code == 302
    assert "1 Einladung verschickt" in page
    assert "1 Mitglied hatte schon ein Konto" in page
    assert "Ohne E-Mail-Adresse, nicht eingeladen: Clara Platzhalter" in page
    with demo_app.app_context():
        anna = account("anna@elbufer.example")
        assert [m.role for m in anna.roles] == [StaffRole.committee]
        assert anna.password_hash == ""
        assert _member(demo_app, "Anna Beispiel").staff_user_id == anna.id
        lead = account(LEAD)
        assert StaffRole.committee in {m.role for m in lead.roles}
        assert _member(demo_app, "Ben Muster").staff_user_id == lead.id
    [mail] = _mails(demo_app, "anna@elbufer.example")
    assert mail.subject == "Ihr Förderwerk-Konto für das Gremium"
    assert "Guten Tag Anna Beispiel," in mail.body
    assert "/anmelden/passwort-neu/" in mail.body
    assert "72 Stunden" in mail.body
    assert _mails(demo_app, LEAD) == []


def test_a_youth_forum_member_is_invited_with_du_from_the_command_line(demo_app):
    _set_email(demo_app, "Mia Probe", "mia@sv.example")

    result = demo_app.test_cli_runner().invoke(
        cli, ["committees", "invite", "--partnership", SLUG, "--member", "Mia Probe"]
    )

    assert result.exit_code == 0, result.output
    assert "Mia Probe – Einladung verschickt" in result.output
    [mail] = _mails(demo_app, "mia@sv.example")
    assert mail.subject == "Dein Förderwerk-Konto für das Gremium"
    assert "Hallo Mia Probe," in mail.body
    assert "kannst du" in mail.body
    assert "Sie " not in mail.body


def test_inviting_again_sends_nothing_to_who_can_sign_in_and_unknown_names_are_refused(
    demo_app,
):
    _committee_id, _member_id = _set_email(demo_app, "Ben Muster", LEAD)
    runner = demo_app.test_cli_runner()
    runner.invoke(cli, ["committees", "invite", "--partnership", SLUG, "--member", "Ben Muster"])

    again = runner.invoke(
        cli, ["committees", "invite", "--partnership", SLUG, "--member", "Ben Muster"]
    )
    unknown = runner.invoke(
        cli, ["committees", "invite", "--partnership", SLUG, "--member", "Niemand"]
    )

    assert "kann sich schon anmelden" in again.output
    assert _mails(demo_app, LEAD) == []
    assert unknown.exit_code != 0
    assert "kein Mitglied „Niemand“" in unknown.output


def test_only_coordination_and_admin_invite(demo_app):
    with demo_app.app_context():
        committee_id = (
            db.session()
            .scalars(select(Committee.id).where(Committee.body == CommitteeBody.begleitausschuss))
            .first()
        )
    lead = demo_app.test_client()
    log_in(lead, LEAD)
    admin = demo_app.test_client()
    log_in(admin, ADMIN)

    assert (
        post(lead, f"{PAGE}/{committee_id}/einladen", {}, f"{STAFF}/sitzungen").status_code == 403
    )
    assert post(admin, f"{PAGE}/{committee_id}/einladen", {}, PAGE).status_code == 302
