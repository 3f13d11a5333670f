"""A public body's pages (issue 17, items 7 and 8): imprint, privacy notice, accessibility
statement and funding conditions in German from the partnership's settings, linked from the
footer of every page; the privacy acknowledgement; the rules before the form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from service import db
from service.models import Partnership
from tests.web.apply_helpers import SLUG, make_app, start

from .staff_support import KUF, log_in

PAGES = {
    "impressum": "Impressum",
    "datenschutz": "Datenschutzerklärung",
    "barrierefreiheit": "Erklärung zur Barrierefreiheit",
    "foerderbedingungen": "Förderbedingungen",
}


@pytest.fixture
def site(db_url, tmp_path):
    app = make_app(db_url, tmp_path)
    yield app
    with app.app_context():
        db.engine().dispose()


def _page(app, path: str) -> str:
    response = app.test_client().get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _text(html: str) -> str:
    """The page's words without tags, spaces normalised."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#34;", '"').split())


def _set(app, **values: str) -> None:
    with app.app_context():
        session = db.session()
        partnership = session.scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        for attribute, value in values.items():
            setattr(partnership, attribute, value)
        session.commit()


def _footer_links(html: str) -> list[str]:
    footer = html[html.index('class="site-footer"') :]
    return re.findall(r'<li><a href="([^"]+)">', footer)


# -- each page in German with the settings' data ---------------------------------------------


def test_the_imprint_shows_the_publisher_and_the_responsible_person_from_the_settings(site):
    text = _text(_page(site, f"/p/{SLUG}/impressum"))

    assert "Impressum" in text
    assert "§ 5 Digitale-Dienste-Gesetz" in text
    assert "Herausgeber Stadt Boizenburg/Elbe Kirchplatz 1, 19258 Boizenburg/Elbe" in text
    # [imprint] has no e-mail or phone: the lead office's stand in
    assert "pfd@stadt.example" in text
    assert "038847 0000-0" in text
    assert "Inhaltlich verantwortlich M. Musterfrau" in text
    assert "Beispielträger Bildung e.V." in text
    assert "„Demokratie leben!“" in text


def test_the_privacy_notice_names_controller_officer_basis_recipients_and_rights(site):
    text = _text(_page(site, f"/p/{SLUG}/datenschutz"))

    assert "Art. 13 der Datenschutz-Grundverordnung" in text
    # controller: the lead office with its address
    assert "Stadt Boizenburg/Elbe Federführendes Amt – Partnerschaft für Demokratie" in text
    assert "Kirchplatz 1 19258 Boizenburg/Elbe" in text
    # data protection officer from [data_protection]
    assert "D. Schutz" in text
    assert "datenschutz@stadt.example" in text
    # purposes
    for purpose in ("Förderanträgen", "Sitzungen des Begleitausschusses", "Bescheide"):
        assert purpose in text, purpose
    assert "Verwendungsnachweise" in text
    # legal basis: a public task with the funding rules, not consent
    assert "Art. 6 Abs. 1 Buchst. e" in text
    assert "§§ 23 und 44" in text
    assert "BHO/LHO" in text
    assert "VwVfG M-V" in text
    assert "Förderrichtlinie des Bundesprogramms „Demokratie leben!“" in text
    assert "nicht auf einer Einwilligung" in text
    assert "Aktions- und Initiativfonds 2026" in text  # the fund's principles, linked
    # recipients
    assert "Begleitausschuss oder Jugendforum" in text
    assert "Kasse des federführenden Amtes" in text
    assert "BAFzA" in text
    # rights and no automated decision
    for article in ("Art. 15", "Art. 16", "Art. 17", "Art. 18", "Art. 19", "Art. 20", "Art. 21"):
        assert article in text, article
    assert "Aufsichtsbehörde" in text
    assert "Art. 77" in text
    assert "automatisierte Entscheidung" in text


def test_the_retention_periods_are_the_configured_ones_with_german_plurals(db_url, tmp_path):
    app = make_app(
        db_url,
        tmp_path,
        RETENTION_GRANTED_YEARS=6,
        RETENTION_REJECTED_YEARS=2,
        RETENTION_DRAFT_YEARS=1,
    )
    try:
        text = _text(_page(app, f"/p/{SLUG}/datenschutz"))
    finally:
        with app.app_context():
            db.engine().dispose()

    assert "bewilligte Anträge: 6 Jahre nach" in text
    assert "abgelehnte oder zurückgezogene Anträge: 2 Jahre nach" in text
    assert "nie eingereichte Entwürfe: 1 Jahr nach" in text


def test_without_a_data_protection_officer_the_notice_says_whom_to_ask(site):
    _set(site, dpo_name="", dpo_address="", dpo_email="", dpo_phone="")

    text = _text(_page(site, f"/p/{SLUG}/datenschutz"))

    assert "D. Schutz" not in text
    assert "Kontaktdaten der oder des Datenschutzbeauftragten" in text


def test_the_accessibility_statement_is_partially_compliant_with_contact_and_federal_body(site):
    text = _text(_page(site, f"/p/{SLUG}/barrierefreiheit"))

    assert "Erklärung zur Barrierefreiheit" in text
    assert "BITV 2.0" in text
    assert "teilweise mit den Anforderungen der BITV 2.0 vereinbar" in text
    assert "Gebärdensprache" in text
    assert "Leichter Sprache" in text
    assert "120 Minuten" in text  # the configured idle time, not a made-up one
    assert "am 5. Dezember 2026 erstellt" in text
    # feedback: the lead office's address while [accessibility] email is empty
    assert "pfd@stadt.example" in text
    # enforcement: the federal conciliation body
    assert "Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz" in text
    assert "Mauerstraße 53" in text


def test_the_settings_name_the_feedback_address_and_the_lands_enforcement_body(site):
    _set(
        site,
        accessibility_email="barrierefrei@stadt.example",
        accessibility_enforcement_body=(
            "Landesdurchsetzungsstelle Beispiel\nAllee 1, 19000 Beispiel"
        ),
    )

    text = _text(_page(site, f"/p/{SLUG}/barrierefreiheit"))

    assert "barrierefrei@stadt.example" in text
    assert "Landesdurchsetzungsstelle Beispiel Allee 1, 19000 Beispiel" in text
    assert "Mauerstraße 53" not in text


def test_the_conditions_page_offers_the_uploaded_anbest_p_as_a_download(site):
    pdf = b"%PDF-1.4\n% ANBest-P\n"
    with site.app_context():
        session = db.session()
        partnership = session.scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        partnership.set_file("annexes", "anbest_p", "ANBest-P 2026.pdf", pdf)
        # the demo carries both sample annexes (issue 18); this office has no ANBest-Gk
        partnership.set_file("annexes", "anbest_gk", None, None)
        session.commit()

    html = _page(site, f"/p/{SLUG}/foerderbedingungen")
    text = _text(html)
    assert "Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung (ANBest-P)" in text
    assert f'href="/p/{SLUG}/foerderbedingungen/anbest-p.pdf"' in html
    assert "ANBest-Gk" not in text  # not uploaded, not offered
    assert "Aktions- und Initiativfonds 2026" in text
    assert "Jugendfonds 2026" in text

    response = site.test_client().get(f"/p/{SLUG}/foerderbedingungen/anbest-p.pdf")
    assert response.status_code == 200
    assert response.data == pdf
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "ANBest-P%202026.pdf" in response.headers["Content-Disposition"]


def test_without_an_uploaded_anbest_the_conditions_page_names_the_office(site):
    with site.app_context():
        session = db.session()
        partnership = session.scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        # the demo carries both sample annexes (issue 18): this office has none
        partnership.set_file("annexes", "anbest_p", None, None)
        partnership.set_file("annexes", "anbest_gk", None, None)
        session.commit()
    html = _page(site, f"/p/{SLUG}/foerderbedingungen")

    assert "anbest-p.pdf" not in html
    assert "bitte beim federführenden Amt" in _text(html)
    assert site.test_client().get(f"/p/{SLUG}/foerderbedingungen/anbest-p.pdf").status_code == 404
    assert site.test_client().get(f"/p/{SLUG}/foerderbedingungen/etwas.pdf").status_code == 404


def test_the_guideline_page_summarises_the_fund_in_german(site):
    text = _text(_page(site, f"/p/{SLUG}/foerdergrundsaetze/AIF-2026"))

    assert "Fördergrundsätze: Aktions- und Initiativfonds 2026" in text
    assert "40.000,00 €" in text  # budget
    assert "Begleitausschuss" in text
    assert "Fehlbedarfsfinanzierung" in text
    assert "100,00 € bis 5.000,00 €" in text
    assert "höchstens 90 %" in text
    assert "Verein" in text
    assert "30. November 2026" in text  # latest end
    assert "10. März 2026" in text
    assert "24. Februar 2026" in text
    assert "Fahrtkosten je Kilometer höchstens 0,20 €" in text
    assert "42 Tage nach dem Ende des Projekts" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert not re.search(r"\d+\.\d{2} €", text.replace(".000,", ""))


def test_an_unknown_partnership_or_fund_answers_404(site):
    client = site.test_client()
    assert client.get("/p/gibt-es-nicht/impressum").status_code == 404
    assert client.get(f"/p/{SLUG}/foerdergrundsaetze/XYZ-2026").status_code == 404


def test_the_instance_pages_lead_to_the_one_partnerships_page(site):
    client = site.test_client()
    for path in PAGES:
        response = client.get(f"/{path}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/p/{SLUG}/{path}")


# -- footer of every page ----------------------------------------------------------------------


def _assert_legal_footer(html: str, prefix: str) -> None:
    links = _footer_links(html)
    for path in PAGES:
        assert f"{prefix}/{path}" in links, (path, links)
    assert "Impressum" in html
    assert "Barrierefreiheit" in html


def test_public_and_applicant_pages_link_the_partnerships_legal_pages(site):
    client = site.test_client()
    _assert_legal_footer(client.get("/").get_data(as_text=True), "")
    _assert_legal_footer(client.get(f"/p/{SLUG}/").get_data(as_text=True), f"/p/{SLUG}")
    step = start(client)
    _assert_legal_footer(client.get(step).get_data(as_text=True), f"/p/{SLUG}")
    # the legal pages themselves
    for path in PAGES:
        _assert_legal_footer(_page(site, f"/p/{SLUG}/{path}"), f"/p/{SLUG}")
    # an error page too (no partnership: the instance's addresses)
    _assert_legal_footer(client.get("/gibt-es-nicht").get_data(as_text=True), "")


def test_staff_pages_link_the_partnerships_legal_pages(site):
    client = site.test_client()
    _assert_legal_footer(client.get("/anmelden").get_data(as_text=True), "")
    log_in(client, KUF)
    inbox = client.get(f"/p/{SLUG}/staff/antraege")
    assert inbox.status_code == 200
    _assert_legal_footer(inbox.get_data(as_text=True), f"/p/{SLUG}")


# -- item 7: the rules before the form ---------------------------------------------------------


def test_the_fund_page_states_the_rules_that_decide_most_errors(site):
    # the app's day is 20 February 2026 (apply_helpers.TODAY)
    html = _page(site, f"/p/{SLUG}/")
    aif = _text(html[html.index('id="fund-AIF-2026"') : html.index('id="fund-JF-2026"')])
    youth = _text(html[html.index('id="fund-JF-2026"') :])

    assert "höchstens 90 % der Gesamtausgaben" in aif
    assert "Eine Zuwendung bis 500,00 € darf die Ausgaben ganz decken." in aif
    assert "ab 1.000,00 € sind mindestens 3 vergleichbare Angebote nötig" in aif
    assert "Der Projektzeitraum wird der Bewilligungszeitraum" in aif
    assert "die Vorbereitung und jede Zahlung" in aif
    assert "spätestens am 30. November 2026" in aif
    assert "Nächste Sitzung: 10. März 2026. Anträge dafür müssen bis zum 24. Februar 2026" in aif
    assert f'href="/p/{SLUG}/foerdergrundsaetze/AIF-2026"' in html

    assert "Die Zuwendung darf die gesamten Ausgaben des Projekts decken." in youth
    assert "ab 500,00 € sind mindestens 3 vergleichbare Angebote nötig" in youth
    assert "Nächste Sitzung: 15. April 2026. Anträge dafür müssen bis zum 8. April 2026" in youth


# -- the acknowledgement instead of a consent --------------------------------------------------


def test_the_declarations_step_asks_for_an_acknowledgement_with_a_link(site):
    client = site.test_client()
    step = start(client)
    html = client.get(step.replace("antragsteller", "erklaerungen")).get_data(as_text=True)
    text = _text(html)

    # the catalogue's wording, the same the application PDF prints (issue 17.9)
    assert "Die Datenschutzhinweise nach Art. 13 DSGVO wurden zur Kenntnis genommen" in text
    assert "einverstanden" not in text
    assert "willige" not in text
    assert f'href="/p/{SLUG}/datenschutz"' in html
    assert "keine Einwilligung" in text
    # the field keeps its key: stored applications and the interchange format use it
    assert 'name="privacy_consent"' in html
