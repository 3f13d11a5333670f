"""The administrators' page of the document templates (issue 16.4): upload (checked, with
a German error summary and nothing saved on a problem), preview as PNG and PDF, download,
activate; only the admin of the partnership in the URL gets in."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

import service.web.uow
from service import db
from service.models import Partnership, PartnershipTemplate, StaffRole
from service.operations.publish import template_for
from service.operations.staff import DEMO_PASSWORD, add_staff_user
from tests.conftest import require_tools, uow_on
from tests.documents.template_edits import approval_saying, shipped
from tests.operations.test_regeneration import fake_pdf

from .staff_support import ADMIN, LEAD, SLUG, STAFF, add_draft_notice, csrf, log_in, text

TEMPLATES = f"{STAFF}/verwaltung/vorlagen"
CHANGED = "Der Betrag ist eine Obergrenze der Stadt."
OTHER_ADMIN = "admin@andere.example"


@pytest.fixture
def app(demo_app, monkeypatch):
    # the preview converts on the request's PDF port: a stand-in instead of LibreOffice
    monkeypatch.setattr(service.web.uow, "office_pdf", fake_pdf)
    return demo_app


@pytest.fixture
def admin(app):
    client = app.test_client()
    log_in(client, ADMIN)
    return client


def upload(client, kind: str, data: bytes, name: str = "bescheid.docx"):
    return client.post(
        TEMPLATES,
        data={
            "kind": kind,
            "file": (io.BytesIO(data), name),
            "csrf_token": csrf(client, TEMPLATES),
        },
        content_type="multipart/form-data",
    )


def stored_versions(app) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(PartnershipTemplate)) or 0)


def test_the_page_lists_every_kind_with_the_template_in_use_and_an_upload_form(admin):
    response = admin.get(TEMPLATES)

    assert response.status_code == 200
    page = text(response)
    for title in ("Zuwendungsbescheid", "Ablehnungsbescheid", "Protokoll der Sitzung"):
        assert title in page
    assert "Dokumentvorlagen" in page
    assert "mitgelieferte Vorlage" in page
    html = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    for field_id in re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html):
        assert f'for="{field_id}"' in html, field_id
    # the navigation leads here
    assert f'href="{TEMPLATES}"' in html


def test_an_unknown_placeholder_is_named_in_the_error_summary_and_nothing_is_saved(app, admin):
    response = upload(admin, "approval", approval_saying("Für {{ recipient.nmae }}."))

    assert response.status_code == 422
    page = text(response)
    assert "Die Vorlage wurde nicht gespeichert" in page
    assert "recipient.nmae" in page
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert '<option value="approval" selected>' in html
    assert stored_versions(app) == 0


def test_a_broken_tag_and_a_missing_choice_are_refused_too(app, admin):
    broken = upload(admin, "approval", approval_saying("{% if decision.reduced %} weniger"))
    without_kind = upload(admin, "", shipped("approval"))

    assert broken.status_code == 422
    assert "{% if decision.reduced %} weniger" in text(broken)
    assert without_kind.status_code == 422
    assert "Bitte wählen Sie" in text(without_kind)
    assert stored_versions(app) == 0


def test_an_upload_is_saved_previewed_downloaded_and_then_activated(app, admin):
    require_tools("pdftoppm")
    data = approval_saying(CHANGED)

    saved = upload(admin, "approval", data, "Bescheid Musterstadt.docx")

    assert saved.status_code == 302
    detail_url = f"{TEMPLATES}/approval/1"
    assert saved.headers["Location"].endswith(detail_url)
    detail = admin.get(detail_url)
    assert detail.status_code == 200
    assert "Version 1 gespeichert" in text(detail)
    assert "Für neue Dokumente verwenden" in text(detail)
    html = detail.get_data(as_text=True)
    assert f'src="{detail_url}/vorschau.png"' in html
    assert 'alt="Seite 1 der Vorschau: Zuwendungsbescheid, Version 1"' in html

    png = admin.get(f"{detail_url}/vorschau.png")
    assert png.status_code == 200
    assert png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG")
    pdf = admin.get(f"{detail_url}/vorschau.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    file = admin.get(f"{detail_url}/datei")
    assert file.data == data
    assert "Bescheid%20Musterstadt.docx" in file.headers["Content-Disposition"]
    with app.app_context():
        session = db.session()
        p = session.scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        assert template_for(session, p.id, "approval").shipped  # not before it is activated

    add_draft_notice(app)
    activated = admin.post(f"{detail_url}/aktivieren", data={"csrf_token": csrf(admin, detail_url)})

    assert activated.status_code == 302
    listing = admin.get(activated.headers["Location"])
    page = text(listing)
    assert "Version 1 wird jetzt für neue Dokumente verwendet." in page
    # the offer to bring the drafts up to date; this admin may not start it, so it says who
    assert "1 Bescheidentwurf von vorher zeigt noch die alte Vorlage" in page
    assert "foerderwerk notices regenerate --partnership boizenburg-luebtheen --all" in page
    with app.app_context():
        session = db.session()
        p = session.scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        assert template_for(session, p.id, "approval").version == 1


def test_the_lead_office_as_admin_gets_the_link_to_the_dry_run_of_the_regeneration(app):
    with app.app_context():
        session = db.session()
        p = session.scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        add_staff_user(
            uow_on(session),
            "leitung@demo.example",
            "Leitung und Verwaltung",
            DEMO_PASSWORD,
            [(p, StaffRole.admin), (p, StaffRole.lead)],
        )
        session.commit()
    client = app.test_client()
    log_in(client, "leitung@demo.example")
    assert upload(client, "approval", approval_saying(CHANGED)).status_code == 302
    add_draft_notice(app)

    activated = client.post(
        f"{TEMPLATES}/approval/1/aktivieren",
        data={"csrf_token": csrf(client, f"{TEMPLATES}/approval/1")},
        follow_redirects=True,
    )

    html = activated.get_data(as_text=True)
    assert f'href="{STAFF}/bescheide/neu-erzeugen?scope=all"' in html
    assert client.get(f"{STAFF}/bescheide/neu-erzeugen?scope=all").status_code == 200


def test_the_shipped_template_can_be_previewed_downloaded_and_used_again(app, admin):
    assert upload(admin, "minutes", shipped("minutes"), "p.docx").status_code == 302
    admin.post(
        f"{TEMPLATES}/minutes/1/aktivieren",
        data={"csrf_token": csrf(admin, f"{TEMPLATES}/minutes/1")},
    )

    shipped_page = admin.get(f"{TEMPLATES}/minutes/0")
    assert shipped_page.status_code == 200
    assert admin.get(f"{TEMPLATES}/minutes/0/datei").data == shipped("minutes")
    back = admin.post(
        f"{TEMPLATES}/minutes/0/aktivieren",
        data={"csrf_token": csrf(admin, f"{TEMPLATES}/minutes/0")},
        follow_redirects=True,
    )

    assert "Die mitgelieferte Vorlage wird wieder für neue Dokumente verwendet." in text(back)
    with app.app_context():
        session = db.session()
        p = session.scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        assert template_for(session, p.id, "minutes").shipped


def test_unknown_kinds_and_versions_answer_404(admin):
    assert admin.get(f"{TEMPLATES}/bescheid/0").status_code == 404
    assert admin.get(f"{TEMPLATES}/approval/7").status_code == 404
    assert admin.get(f"{TEMPLATES}/approval/7/datei").status_code == 404


@pytest.fixture
def other_admin(app):
    """An admin of another partnership, and a version stored in the demo partnership."""
    from tests.conftest import make_fund

    with app.app_context():
        session = db.session()
        other = make_fund(session, "andere").partnership
        add_staff_user(
            uow_on(session), OTHER_ADMIN, "Andere Admin", DEMO_PASSWORD, [(other, StaffRole.admin)]
        )
        session.commit()
    owner = app.test_client()
    log_in(owner, ADMIN)
    assert upload(owner, "approval", approval_saying(CHANGED)).status_code == 302
    client = app.test_client()
    log_in(client, OTHER_ADMIN)
    return client


def test_another_partnerships_admin_sees_and_changes_nothing(app, other_admin):
    for url in (
        TEMPLATES,
        f"{TEMPLATES}/approval/1",
        f"{TEMPLATES}/approval/1/vorschau.png",
        f"{TEMPLATES}/approval/1/vorschau.pdf",
        f"{TEMPLATES}/approval/1/datei",
        f"{TEMPLATES}/approval/0/datei",
    ):
        assert other_admin.get(url).status_code == 404, url
    token = csrf(other_admin, "/p/andere/staff/verwaltung/vorlagen")
    assert (
        other_admin.post(f"{TEMPLATES}/approval/1/aktivieren", data={"csrf_token": token})
    ).status_code == 404
    posted = other_admin.post(
        TEMPLATES,
        data={
            "kind": "approval",
            "file": (io.BytesIO(shipped("approval")), "x.docx"),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    assert posted.status_code == 404
    assert stored_versions(app) == 1
    # its own page shows none of the demo partnership's versions
    own = other_admin.get("/p/andere/staff/verwaltung/vorlagen")
    assert own.status_code == 200
    assert "bescheid.docx" not in text(own)


@pytest.mark.parametrize("email", [LEAD])
def test_other_roles_get_403(app, email):
    client = app.test_client()
    log_in(client, email)
    assert client.get(TEMPLATES).status_code == 403
    assert client.get(f"{TEMPLATES}/approval/0/datei").status_code == 403


def test_without_draft_notices_the_activation_offers_no_regeneration(app, admin):
    assert upload(admin, "approval", approval_saying(CHANGED)).status_code == 302

    activated = admin.post(
        f"{TEMPLATES}/approval/1/aktivieren",
        data={"csrf_token": csrf(admin, f"{TEMPLATES}/approval/1")},
        follow_redirects=True,
    )

    page = text(activated)
    assert "es gibt keine Entwürfe, die neu erstellt werden müssten" in page
    assert "notices regenerate" not in page
