"""The administrators' pages (issue 16): the partnership's settings and its staff accounts.
Only the admin role of the partnership in the URL gets in; another partnership's admin sees
and changes nothing of it."""

from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from service import db
from service.models import AuditLog, OutboxMail, Partnership, StaffRole, StaffUser
from service.operations.partnerships import letterhead_of
from service.operations.staff import DEMO_PASSWORD, add_staff_user
from tests.conftest import make_fund, uow_on
from tests.documents.test_logo import png

from .staff_support import ADMIN, KUF, LEAD, SLUG, STAFF, csrf, log_in, text

SETTINGS = f"{STAFF}/verwaltung/einstellungen"
ACCOUNTS = f"{STAFF}/verwaltung/konten"
OTHER_ADMIN = "admin@andere.example"


@pytest.fixture
def two(demo_app):
    """The demo partnership and a second one, "andere", with an admin of its own."""
    with demo_app.app_context():
        session = db.session()
        other = make_fund(session, "andere").partnership
        add_staff_user(
            uow_on(session), OTHER_ADMIN, "Andere Admin", DEMO_PASSWORD, [(other, StaffRole.admin)]
        )
        session.commit()
    return demo_app


def form_of(page_html: str) -> dict[str, str]:
    """The settings form's text values as the browser would post them."""
    values: dict[str, str] = {}
    for name, value in re.findall(
        r'<input type="(?:text|email)" id="[^"]+" name="([^"]+)"[^>]*value="([^"]*)"', page_html
    ):
        values[name] = value.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'")
    for name, value in re.findall(
        r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', page_html
    ):
        values[name] = value.replace("&amp;", "&")
    for name, block in re.findall(
        r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', page_html, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected', block)
        values[name] = chosen.group(1) if chosen else ""
    return values


def post_settings(client, changes: dict[str, object]):
    page = client.get(SETTINGS).get_data(as_text=True)
    data: dict[str, object] = {**form_of(page), **changes, "csrf_token": csrf(client, SETTINGS)}
    return client.post(SETTINGS, data=data, content_type="multipart/form-data")


def stored(app) -> Partnership:
    return db.session().scalars(select(Partnership).where(Partnership.slug == SLUG)).one()


# -- settings --------------------------------------------------------------------------------


def test_the_admin_sees_every_setting_in_german_fieldsets(demo_app):
    client = demo_app.test_client()
    log_in(client, ADMIN)

    response = client.get(SETTINGS)

    assert response.status_code == 200
    page = text(response)
    for legend in (
        "Federführendes Amt (erlassende Behörde)",
        "Rechtliche Angaben der Bescheide",
        "Datenschutzbeauftragte Person",
        "Impressum",
        "Haushaltsstelle je Fonds",
        "Anlagen des Zuwendungsbescheids",
    ):
        assert legend in page
    html = response.get_data(as_text=True)
    assert 'name="legal.notification_days"' in html
    assert 'value="4"' in html
    assert 'name="budget_lines.AIF-2026"' in html
    assert 'enctype="multipart/form-data"' in html
    # every field has its label
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]* id="(f-[^"]+)"', html):
        assert f'for="{field_id}"' in html, field_id


def test_a_wrong_value_is_named_at_its_field_and_nothing_is_saved(demo_app):
    client = demo_app.test_client()
    log_in(client, ADMIN)

    response = post_settings(
        client,
        {
            "legal.notification_days": "vier",
            "lead_office.email": "a@b.de, c@d.de",
            "partnership.name": "Geändert",
        },
    )

    assert response.status_code == 422
    page = text(response)
    assert "[legal] notification_days: Bitte geben Sie eine ganze Zahl an." in page
    assert "[lead_office] email:" in page
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert 'id="f-legal-notification_days-error-1"' in html
    with demo_app.app_context():
        assert stored(demo_app).name != "Geändert"
        assert stored(demo_app).legal_notification_days == 4


def test_the_admin_saves_settings_with_a_logo_and_an_annex(demo_app):
    client = demo_app.test_client()
    log_in(client, ADMIN)
    logo = png(40, 20)

    response = post_settings(
        client,
        {
            "legal.notification_days": "3",
            "legal.remedy": "klage",
            "budget_lines.AIF-2026": "1.1.1.3.01",
            "branding.logo": (io.BytesIO(logo), "logo.png"),
            "annexes.anbest_p": (io.BytesIO(b"%PDF-1.4 ANBest-P"), "anbest-p.pdf"),
        },
    )

    assert response.status_code == 302, text(response)[:500]
    with demo_app.app_context():
        row = stored(demo_app)
        assert row.legal_notification_days == 3
        assert row.legal_remedy == "klage"
        assert row.budget_lines["AIF-2026"] == "1.1.1.3.01"
        assert row.file("annexes", "anbest_p").data == b"%PDF-1.4 ANBest-P"
        assert letterhead_of(row).logo_data == logo
        assert db.session().scalar(
            select(AuditLog.id).where(AuditLog.action == "partnership.update")
        )
    # a save without a new upload keeps the files
    assert post_settings(client, {"imprint.publisher": "Stadt Boizenburg/Elbe"}).status_code == 302
    with demo_app.app_context():
        assert stored(demo_app).file("branding", "logo").data == logo


def test_an_svg_logo_is_refused_at_its_field(demo_app):
    client = demo_app.test_client()
    log_in(client, ADMIN)

    response = post_settings(
        client,
        {
            "branding.logo": (io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"/>'), "logo.svg"),
            "partnership.name": "Geändert",  # nothing of the form is saved, not only the logo
        },
    )

    assert response.status_code == 422
    assert "[branding] logo: Eine SVG-Datei kann nicht als Logo verwendet werden" in text(response)
    with demo_app.app_context():
        assert stored(demo_app).file("branding", "logo") is None
        assert stored(demo_app).name != "Geändert"


def test_a_posted_slug_is_ignored(demo_app):
    client = demo_app.test_client()
    log_in(client, ADMIN)

    response = post_settings(client, {"partnership.slug": "gekapert"})

    assert response.status_code == 302
    with demo_app.app_context():
        assert db.session().scalars(select(Partnership.slug)).all() == [SLUG]


def test_the_settings_page_needs_the_csrf_token(demo_app):
    client = demo_app.test_client()
    log_in(client, ADMIN)

    response = client.post(SETTINGS, data={"partnership.name": "Ohne Token"})

    assert response.status_code == 400


@pytest.mark.parametrize("email", [LEAD, KUF])
def test_lead_and_coordination_offices_get_403(demo_app, email):
    client = demo_app.test_client()
    log_in(client, email)

    assert client.get(SETTINGS).status_code == 403
    assert client.get(ACCOUNTS).status_code == 403


def test_another_partnerships_admin_gets_404(two):
    client = two.test_client()
    log_in(client, OTHER_ADMIN)

    assert client.get(SETTINGS).status_code == 404
    assert client.get(ACCOUNTS).status_code == 404
    # and manages its own partnership
    assert client.get("/p/andere/staff/verwaltung/einstellungen").status_code == 200
    page = text(client.get("/p/andere/staff/verwaltung/konten"))
    assert OTHER_ADMIN in page
    assert ADMIN not in page
    assert KUF not in page


# -- accounts --------------------------------------------------------------------------------


def post_accounts(client, url: str, data: dict[str, object]):
    return client.post(url, data={**data, "csrf_token": csrf(client, ACCOUNTS)})


def account(email: str) -> StaffUser:
    return db.session().scalars(select(StaffUser).where(StaffUser.email == email)).one()


def test_the_admin_lists_the_partnerships_accounts(two):
    client = two.test_client()
    log_in(client, ADMIN)

    page = text(client.get(ACCOUNTS))

    assert KUF in page
    assert LEAD in page
    assert OTHER_ADMIN not in page


def test_the_admin_creates_an_account_and_an_invitation_goes_out(demo_app):
    client = demo_app.test_client()
    log_in(client, ADMIN)

    response = post_accounts(
        client,
        f"{ACCOUNTS}/neu",
        {"email": "Neu@Stadt.Example", "name": "Nina Neu", "roles": ["lead", "committee"]},
    )

    assert response.status_code == 302
    with demo_app.app_context():
        user = account("neu@stadt.example")
        assert sorted(m.role.value for m in user.roles) == ["committee", "lead"]
        assert user.password_hash == ""
        mail = (
            db.session()
            .scalars(select(OutboxMail).where(OutboxMail.recipient == "neu@stadt.example"))
            .one()
        )
        assert "/anmelden/passwort-neu/" in mail.body
        assert "72 Stunden" in mail.body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "a@b.de, c@d.de", "roles": ["lead"]}, "genau eine gültige E-Mail-Adresse"),
        ({"email": "ohne-at", "roles": ["lead"]}, "genau eine gültige E-Mail-Adresse"),
        ({"email": "neu@stadt.example"}, "mindestens eine Rolle"),
        ({"email": KUF, "roles": ["lead"]}, "schon ein Konto"),
    ],
)
def test_an_account_with_a_wrong_entry_is_not_created(demo_app, data, message):
    client = demo_app.test_client()
    log_in(client, ADMIN)

    response = post_accounts(client, f"{ACCOUNTS}/neu", {**data, "name": "Nina Neu"})

    # the form again, with what was typed and the problem at the form (nothing lost)
    assert response.status_code == 422
    assert message in text(response)
    html = response.get_data(as_text=True)
    assert 'value="Nina Neu"' in html
    assert f'value="{escape(data["email"])}"' in html
    for role in data.get("roles", []):
        assert f'value="{role}" checked' in html
    with demo_app.app_context():
        assert db.session().scalar(select(OutboxMail.id)) is None
        assert [m.role for m in account(KUF).roles] == [StaffRole.coordination]


def test_the_admin_changes_roles_but_not_away_from_itself(demo_app):
    client = demo_app.test_client()
    log_in(client, ADMIN)
    with demo_app.app_context():
        kuf_id, admin_id = account(KUF).id, account(ADMIN).id

    changed = post_accounts(
        client, f"{ACCOUNTS}/{kuf_id}/rollen", {"roles": ["coordination", "lead"]}
    )
    own = post_accounts(client, f"{ACCOUNTS}/{admin_id}/rollen", {"roles": ["lead"]})

    assert changed.status_code == 302
    assert own.status_code == 302
    with demo_app.app_context():
        assert sorted(m.role.value for m in account(KUF).roles) == ["coordination", "lead"]
        assert [m.role for m in account(ADMIN).roles] == [StaffRole.admin]


def test_deactivating_ends_the_accounts_sessions_on_the_server(demo_app):
    kuf = demo_app.test_client()
    log_in(kuf, KUF)
    client = demo_app.test_client()
    log_in(client, ADMIN)
    with demo_app.app_context():
        kuf_id = account(KUF).id

    response = post_accounts(client, f"{ACCOUNTS}/{kuf_id}/deaktivieren", {})

    assert response.status_code == 302
    assert kuf.get(f"{STAFF}/antraege").status_code == 302  # back to the login
    with demo_app.app_context():
        assert account(KUF).active is False


def test_an_account_of_two_partnerships_only_loses_its_roles_here(two):
    with two.app_context():
        other = db.session().scalars(select(Partnership).where(Partnership.slug == "andere")).one()
        add_staff_user(uow_on(db.session()), KUF, "", "", [(other, StaffRole.coordination)])
        db.session().commit()
        kuf_id = account(KUF).id
    client = two.test_client()
    log_in(client, ADMIN)

    post_accounts(client, f"{ACCOUNTS}/{kuf_id}/deaktivieren", {})

    with two.app_context():
        user = account(KUF)
        assert user.active is True
        assert [m.partnership.slug for m in user.roles] == ["andere"]


def test_another_partnerships_account_answers_404(two):
    with two.app_context():
        other_id = account(OTHER_ADMIN).id
    client = two.test_client()
    log_in(client, ADMIN)

    for path in ("rollen", "deaktivieren"):
        response = post_accounts(client, f"{ACCOUNTS}/{other_id}/{path}", {"roles": ["lead"]})
        assert response.status_code == 404, path
    with two.app_context():
        user = account(OTHER_ADMIN)
        assert user.active is True
        assert [m.role for m in user.roles] == [StaffRole.admin]
