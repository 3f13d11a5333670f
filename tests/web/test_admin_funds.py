"""The funds page /p/<slug>/staff/verwaltung/foerdertoepfe (issue 16.2): list, upload (the
reader of `check`, problems named at the field, nothing saved), open/close, next year's draft;
the start pages show a closed fund and each session's own deadline."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from service import db
from service.models import Fund, FundGuideline, Partnership
from tests.conftest import FIXTURES

from .staff_support import ADMIN, COMMITTEE, KUF, LEAD, SLUG, STAFF, csrf, log_in, text

FUNDS = f"{STAFF}/verwaltung/foerdertoepfe"
AIF = (FIXTURES / "guideline-aif-2026.toml").read_text(encoding="utf-8")
SESSIONS_LINE = 'sessions = ["2026-03-10", "2026-05-12", "2026-09-08"]'
# Mondays, deadlines on the Friday 10 and 17 days before; the last by the 14 lead days
MUSTER = (
    AIF.replace('key = "AIF-2026"', 'key = "MUSTER-2026"')
    .replace('name = "Aktions- und Initiativfonds 2026"', 'name = "Musterfonds 2026"')
    .replace(
        SESSIONS_LINE,
        'sessions = [{ date = "2026-03-09", deadline = "2026-02-27" },'
        ' { date = "2026-06-15", deadline = "2026-05-29" }, "2026-09-07"]',
    )
)


@pytest.fixture
def app(demo_app):
    demo_app.config["TODAY"] = "2026-02-20"
    return demo_app


def upload(client, content: str, name: str = "g.toml", committee: str = ""):
    return client.post(
        FUNDS,
        data={
            "csrf_token": csrf(client, FUNDS),
            "committee": committee,
            "guideline": (io.BytesIO(content.encode("utf-8")), name),
        },
        content_type="multipart/form-data",
    )


def fund(app, key: str) -> Fund | None:
    with app.app_context():
        found = db.session().scalars(select(Fund).where(Fund.key == key)).one_or_none()
        if found is not None:
            db.session().expunge(found)
        return found


def versions(app, key: str) -> list[int]:
    with app.app_context():
        return list(
            db.session().scalars(
                select(FundGuideline.version)
                .join(Fund)
                .where(Fund.key == key)
                .order_by(FundGuideline.version)
            )
        )


def post_form(client, url: str, data: dict[str, str] | None = None):
    return client.post(url, data={"csrf_token": csrf(client, FUNDS), **(data or {})})


def fund_id(app, key: str) -> int:
    found = fund(app, key)
    assert found is not None
    return found.id


def test_the_admin_uploads_a_fund_and_sees_each_sessions_own_deadline(app):
    client = app.test_client()
    log_in(client, ADMIN)

    response = upload(client, MUSTER)

    assert response.status_code == 302
    assert "MUSTER-2026" in text(client.get(response.headers["Location"]))
    created = fund(app, "MUSTER-2026")
    assert created is not None
    assert created.is_open
    page = text(client.get(FUNDS))
    assert "Sitzung am 09.03.2026 – Antrag bis 27.02.2026" in page
    assert "Sitzung am 15.06.2026 – Antrag bis 29.05.2026" in page
    assert "Sitzung am 07.09.2026 – Antrag bis 24.08.2026 (14 Tage vorher)" in page


def test_a_guideline_with_a_missing_key_is_refused_naming_it_and_nothing_is_saved(app):
    client = app.test_client()
    log_in(client, ADMIN)
    with app.app_context():
        before = db.session().scalar(select(func.count()).select_from(FundGuideline))

    response = upload(client, MUSTER.replace('budget = "40000.00"\n', ""))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert 'href="#guideline-file"' in page
    assert "„fund.budget“" in text(response)
    assert 'aria-invalid="true"' in page
    assert fund(app, "MUSTER-2026") is None
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(FundGuideline)) == before


def test_an_upload_without_a_file_is_named_too(app):
    client = app.test_client()
    log_in(client, ADMIN)
    response = client.post(FUNDS, data={"csrf_token": csrf(client, FUNDS), "committee": ""})
    assert response.status_code == 422
    assert "Bitte wählen Sie die Datei" in text(response)


def test_a_changed_guideline_of_a_known_fund_is_its_next_version(app):
    client = app.test_client()
    log_in(client, ADMIN)
    upload(client, MUSTER)

    changed = upload(client, MUSTER.replace('max = "5000.00"', 'max = "6000.00"'))
    said = text(client.get(changed.headers["Location"]))
    same = upload(client, MUSTER.replace('max = "5000.00"', 'max = "6000.00"'))

    assert changed.status_code == 302
    assert "als Version 2 gespeichert" in said
    assert same.status_code == 302
    assert versions(app, "MUSTER-2026") == [1, 2]


def test_a_closed_fund_takes_no_application_and_says_so_in_german(app):
    client = app.test_client()
    log_in(client, ADMIN)
    upload(client, MUSTER)
    key_id = fund_id(app, "MUSTER-2026")

    closed = post_form(client, f"{FUNDS}/{key_id}/schliessen")

    assert closed.status_code == 302
    assert not fund(app, "MUSTER-2026").is_open
    visitor = app.test_client()
    start = text(visitor.get("/"))
    assert "Dieser Fonds nimmt zurzeit keine Anträge an." in start
    page = visitor.get(f"/p/{SLUG}/")
    assert "Dieser Fonds nimmt zurzeit keine Anträge an." in text(page)
    assert f"/p/{SLUG}/MUSTER-2026/antrag" not in page.get_data(as_text=True)
    token = csrf(visitor, f"/p/{SLUG}/")
    refused = visitor.post(f"/p/{SLUG}/MUSTER-2026/antrag", data={"csrf_token": token})
    assert refused.status_code == 302
    assert "nimmt zurzeit keine Anträge an" in text(visitor.get(refused.headers["Location"]))

    post_form(client, f"{FUNDS}/{key_id}/oeffnen")
    assert fund(app, "MUSTER-2026").is_open


def test_the_partnership_page_shows_each_sessions_own_deadline(app):
    client = app.test_client()
    log_in(client, ADMIN)
    upload(client, MUSTER)

    page = text(app.test_client().get(f"/p/{SLUG}/"))

    assert "Sitzung am 9. März 2026 – Antrag bis 27. Februar 2026" in page
    assert "Sitzung am 15. Juni 2026 – Antrag bis 29. Mai 2026" in page
    assert "Sitzung am 7. September 2026 – Antrag bis 24. August 2026" in page


def test_next_years_draft_is_hidden_and_closed_until_an_admin_confirms_it(app):
    client = app.test_client()
    log_in(client, ADMIN)
    upload(client, MUSTER)

    copied = post_form(client, f"{FUNDS}/{fund_id(app, 'MUSTER-2026')}/kopieren", {"year": "2027"})

    assert copied.status_code == 302
    draft = fund(app, "MUSTER-2027")
    assert draft is not None
    assert draft.draft
    assert not draft.is_open
    page = text(client.get(FUNDS))
    assert "Entwurf (geschlossen, Budget zu bestätigen)" in page
    assert "Musterfonds 2027" not in text(app.test_client().get(f"/p/{SLUG}/"))

    coordination = app.test_client()
    log_in(coordination, KUF)
    refused = post_form(coordination, f"{FUNDS}/{draft.id}/oeffnen", {"confirm": "1"})
    assert refused.status_code == 302
    assert fund(app, "MUSTER-2027").draft

    unconfirmed = post_form(client, f"{FUNDS}/{draft.id}/oeffnen")
    assert fund(app, "MUSTER-2027").draft
    assert "nicht bestätigt" in text(client.get(unconfirmed.headers["Location"]))

    post_form(client, f"{FUNDS}/{draft.id}/oeffnen", {"confirm": "1"})
    opened = fund(app, "MUSTER-2027")
    assert opened.is_open
    assert not opened.draft


def test_a_wrong_year_for_the_copy_is_named(app):
    client = app.test_client()
    log_in(client, ADMIN)
    upload(client, MUSTER)

    response = post_form(client, f"{FUNDS}/{fund_id(app, 'MUSTER-2026')}/kopieren", {"year": "27"})

    assert response.status_code == 422
    assert "vierstellig" in text(response)
    assert fund(app, "MUSTER-27") is None


# a committee member gets 404: need-to-know, nothing beyond their agenda exists (issue 20.2)
@pytest.mark.parametrize(("email", "status"), [(KUF, 200), (LEAD, 200), (COMMITTEE, 404)])
def test_who_sees_the_funds_page(app, email, status):
    client = app.test_client()
    log_in(client, email)
    response = client.get(FUNDS)
    assert response.status_code == status
    if status == 200:
        # no upload for the offices: only the admin changes guidelines
        assert 'name="guideline"' not in response.get_data(as_text=True)


def test_the_coordination_office_closes_a_fund_but_uploads_nothing(app):
    client = app.test_client()
    log_in(client, KUF)
    with app.app_context():
        demo = (
            db.session()
            .scalars(select(Fund).join(Partnership).where(Partnership.slug == SLUG))
            .first()
        )
        assert demo is not None
        demo_id = demo.id

    assert post_form(client, f"{FUNDS}/{demo_id}/schliessen").status_code == 302
    with app.app_context():
        assert not db.session().get(Fund, demo_id).accepts_applications
    assert upload(client, MUSTER).status_code == 403
