"""The application in a real browser: from the empty form to the receipt with one mistake
per step, a draft resumed by link, a youth-fund application – zero axe violations in every
page state (R28)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.apply_helpers import SLUG

from .conftest import check_page

pytestmark = pytest.mark.browser

NEXT = ".actions button[name=action][value=next]"


def _fill(page: Any, values: dict[str, str]) -> None:
    for selector, value in values.items():
        element = page.locator(selector)
        if element.evaluate("e => e.tagName") == "SELECT":
            element.select_option(value)
        else:
            element.fill(value)


def _expect_error_at(page: Any, field_id: str) -> None:
    """The summary has focus, links to the field, and the field says what is wrong."""
    page.wait_for_selector("#error-summary")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'error-summary'"
    )
    assert page.locator(f'#error-summary a[href="#{field_id}"]').count() >= 1
    field = page.locator(f"#{field_id}")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby") or ""
    assert f"{field_id}-error-1" in described
    assert page.locator(f"#{field_id}-error-1").inner_text().strip()


def _start(page: Any, server: Any, fund: str) -> None:
    """As a new user: the start page, the partnership's page, "apply"."""
    page.goto(f"{server.url}/")
    check_page(page, "00-startseite")
    page.click(f'a[href="/p/{SLUG}/"]')
    page.wait_for_url(re.compile(rf".*/p/{SLUG}/$"))
    check_page(page, "00-partnerschaft")
    page.locator(f'form[action$="/{fund}/antrag"] button').click()
    page.wait_for_url(re.compile(r".*/antragsteller$"))


APPLICANT = {
    "#name": "Kulturverein Elbufer e.V.",
    "#legal_form": "verein",
    "#street": "Elbstraße 4",
    "#postal_code": "19258",
    "#city": "Boizenburg/Elbe",
    "#representative": "Jana Beispiel",
    "#contact_name": "Jana Beispiel",
    "#email": "kontakt@elbufer.example",
    "#phone": "038847 0000",
    "#iban": "DE02 1203 0000 0000 2020 52",  # mistake: checksum
    "#account_holder": "Kulturverein Elbufer e.V.",
}


def test_an_action_fund_application_from_empty_form_to_receipt(page, live_server):
    _start(page, live_server, "AIF-2026")
    check_page(page, "01-antragsteller-leer")
    _fill(page, APPLICANT)
    page.click(NEXT)
    _expect_error_at(page, "iban")
    check_page(page, "02-antragsteller-fehler")
    assert page.locator("#name").input_value() == "Kulturverein Elbufer e.V."
    page.fill("#iban", "DE02 1203 0000 0000 2020 51")
    page.click(NEXT)

    page.wait_for_url(re.compile(r".*/projekt$"))
    check_page(page, "03-projekt-leer")
    _fill(
        page,
        {
            "#title": "Demokratiefest am Elbufer",
            "#summary": "Ein Nachmittag mit Workshops, Musik und Gesprächen.",
            "#goals": "Jugendliche und Eltern kommen ins Gespräch.",
            "#location": "Boizenburg/Elbe",
            "#start": "31.02.2026",  # mistake: no such day
            "#end": "30.06.2026",
            "#participants_planned": "120",
        },
    )
    page.check("#fields_of_action-0")
    page.check("#target_groups-1")
    page.check("#target_groups-3")
    page.click(NEXT)
    _expect_error_at(page, "start")
    check_page(page, "04-projekt-fehler")
    page.fill("#start", "01.05.2026")
    page.click(NEXT)

    page.wait_for_url(re.compile(r".*/kosten$"))
    _fill(
        page,
        {
            "#costs-0-category": "honorare",
            "#costs-0-description": "Workshopleitung",
            "#costs-0-quantity": "8",
            "#costs-0-unit": "h",
            "#costs-0-unit_price": "60,00",
            "#costs-0-amount": "500,00",  # mistake: 8 × 60 = 480
        },
    )
    page.click("button[value='add:costs']")
    _fill(
        page,
        {
            "#costs-1-category": "sachausgaben",
            "#costs-1-description": "Moderationsmaterial",
            "#costs-1-amount": "120,00",
        },
    )
    page.click("button[value='add:costs']")
    _fill(
        page,
        {
            "#costs-2-category": "oeffentlichkeitsarbeit",
            "#costs-2-description": "Plakate und Flyer",
            "#costs-2-amount": "250,00",
        },
    )
    assert page.locator("[data-total-costs]").inner_text().startswith("870,00")
    page.click(NEXT)
    _expect_error_at(page, "costs-0-amount")
    check_page(page, "05-kosten-fehler")
    page.fill("#costs-0-amount", "480,00")
    page.click(NEXT)

    page.wait_for_url(re.compile(r".*/finanzierung$"))
    page.click("button[value='add:third_party']")
    _fill(
        page,
        {
            "#own_funds": "100,00",
            "#third_party-0-source": "Sparkassenstiftung",
            "#third_party-0-amount": "150,00",
            "#revenue": "0",
            "#requested": "650,00",  # mistake: the plan does not balance
        },
    )
    page.click(NEXT)
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'error-summary'"
    )
    assert page.locator('#error-summary a[href="#financing"]').count() == 1
    check_page(page, "06-finanzierung-fehler")
    page.fill("#requested", "600,00")
    page.locator("#requested").dispatch_event("input")
    assert (
        "ausgeglichen" in page.locator("#live-gap").inner_text()
        or "balanced" in page.locator("#live-gap").inner_text()
    )
    page.click(NEXT)

    page.wait_for_url(re.compile(r".*/erklaerungen$"))
    # keyboard only: tick five of six declarations with the space bar, submit with Enter
    page.focus("#not_started")
    for _ in range(5):
        page.keyboard.press("Space")
        # past the link to the privacy notice or the ANBest-P in a hint to the next box
        for _hop in range(3):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.type") == "checkbox":
                break
    page.focus(NEXT)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    _expect_error_at(page, "privacy_consent")
    check_page(page, "07-erklaerungen-fehler")
    page.focus("#privacy_consent")
    page.keyboard.press("Space")
    page.focus(NEXT)
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r".*/pruefen$"))
    assert page.locator("#error-summary").count() == 0
    check_page(page, "08-pruefen")
    page.click("#submit-form button")
    page.wait_for_url(re.compile(r".*/eingang$"))
    reference = page.locator("#reference").inner_text()
    assert reference.startswith("AIF-2026-")
    check_page(page, "09-eingangsbestaetigung")
    assert any(reference in text for text in live_server.mails())

    page.go_back()
    page.wait_for_load_state()
    assert "/eingang" in page.url or "/pruefen" in page.url


def test_a_draft_saved_and_resumed_by_link_in_another_browser(page, chromium, live_server):
    _start(page, live_server, "AIF-2026")
    _fill(
        page,
        {
            "#name": "Initiative Lübtheen bleibt bunt",
            "#email": "bunt@luebtheen.example",
            "#legal_form": "initiative",
        },
    )
    page.click("button[name=action][value=save]")
    page.wait_for_selector("#saved-confirmation", state="visible")
    check_page(page, "10-entwurf-gespeichert")
    page.click(".resume-link button")
    page.wait_for_selector(".flash")
    mail = next(text for text in reversed(live_server.mails()) if "bunt@luebtheen.example" in text)
    link = re.search(r"(http://\S+/fortsetzen/\S+)", mail).group(1)

    other = chromium.new_context(locale="de-DE")
    try:
        fresh = other.new_page()
        fresh.goto(link)
        assert "/fortsetzen/weiter" in fresh.url  # the token left the address bar at once
        check_page(fresh, "11-entwurf-fortsetzen")
        fresh.click("form button.primary")
        fresh.wait_for_url(re.compile(r".*/antragsteller$"))
        assert fresh.locator("#name").input_value() == "Initiative Lübtheen bleibt bunt"
        check_page(fresh, "12-entwurf-wieder-geoeffnet")
        fresh.goto(fresh.url.replace("/antragsteller", "/pruefen"))
        fresh.wait_for_function(
            "() => document.activeElement && document.activeElement.id === 'error-summary'"
        )
        check_page(fresh, "15-pruefen-mit-fehlern")
    finally:
        other.close()


def test_a_youth_fund_application_asks_for_age_and_an_adult_contact(page, live_server):
    _start(page, live_server, "JF-2026")
    assert page.locator("#birth_date").count() == 1
    check_page(page, "20-jugendfonds-leer")
    _fill(
        page,
        {
            "#name": "Jugendgruppe Skatepark",
            "#legal_form": "initiative",
            "#street": "Am Markt 1",
            "#postal_code": "19273",
            "#city": "Lübtheen",
            "#representative": "Mia Beispiel",
            "#contact_name": "Mia Beispiel",
            "#email": "mia@skatepark.example",
            "#iban": "DE02120300000000202051",
            "#account_holder": "Mia Beispiel",
            "#birth_date": "14.03.2011",  # 14 years old: an adult contact is needed
        },
    )
    page.click(NEXT)
    _expect_error_at(page, "adult_contact_name")
    check_page(page, "21-jugendfonds-fehler")
    _fill(
        page,
        {"#adult_contact_name": "Tom Beispiel", "#adult_contact_email": "tom@skatepark.example"},
    )
    page.click(NEXT)
    page.wait_for_url(re.compile(r".*/projekt$"))


def test_the_axe_check_finds_a_violation_when_there_is_one(page, live_server):
    from .conftest import axe_violations

    page.goto(f"{live_server.url}/p/{SLUG}/")
    page.evaluate("() => { const i = document.createElement('input'); document.body.append(i); }")
    assert any(v["id"] == "label" for v in axe_violations(page))


def test_a_timed_out_session_and_the_error_pages_keep_data_and_stay_accessible(page, live_server):
    _start(page, live_server, "AIF-2026")
    page.fill("#name", "Kulturverein Elbufer e.V.")
    # the session times out on the server while the page is open (a negative idle time ends
    # it at the next request); the cookie stays, so it is this browser's own application
    live_server.app.config["APPLICANT_SESSION_IDLE_MINUTES"] = -1
    try:
        page.click(NEXT)
        page.wait_for_selector(".notice")
    finally:
        live_server.app.config["APPLICANT_SESSION_IDLE_MINUTES"] = 120
    assert page.locator("#name").input_value() == "Kulturverein Elbufer e.V."
    check_page(page, "13-sitzung-abgelaufen")
    page.goto(f"{live_server.url}/p/{SLUG}/gibt-es-nicht/x")
    check_page(page, "14-seite-nicht-gefunden")


def test_a_usage_of_funds_report_with_three_receipts(page, live_server):
    from service import db
    from service.models import Application
    from service.operations.applications import issue_resume_token
    from tests.conftest import uow_on
    from tests.web.apply_helpers import grant

    app_id = grant(live_server.app, None)
    with live_server.app.app_context():
        token = issue_resume_token(
            uow_on(db.session(), "test:browser"), db.session().get(Application, app_id)
        )
        db.session().commit()
    page.goto(f"{live_server.url}/p/{SLUG}/fortsetzen/{token}")
    page.click("form button.primary")
    page.wait_for_url(re.compile(r".*/meine-antraege$"))
    check_page(page, "30-meine-antraege")
    page.click(f'a[href$="/antrag/{app_id}/mittelabruf"]')
    _fill(page, {"#amount": "700,00", "#needed_on": "20.05.2026"})
    page.click("form button.primary")
    _expect_error_at(page, "amount")
    check_page(page, "34-mittelabruf-fehler")
    page.goto(f"{live_server.url}/p/{SLUG}/meine-antraege")
    page.click(f'a[href$="/antrag/{app_id}/verwendungsnachweis"]')
    page.wait_for_url(re.compile(r".*/verwendungsnachweis$"))
    check_page(page, "31-verwendungsnachweis-leer")
    _fill(
        page,
        {
            "#activities": "Fest mit drei Workshops.",
            "#goals_reached": "Ja.",
            "#participants_actual": "95",
        },
    )
    receipts = [
        ("1", "20.05.2026", "Mira Muster", "Workshopleitung", "honorare", "480,00"),
        ("2", "18.05.2026", "Bürobedarf Elbe", "Moderationsmaterial", "sachausgaben", "100,00"),
        (
            "3",
            "10.05.2026",
            "Druckerei Boizenburg",
            "Plakate und Flyer",
            "oeffentlichkeitsarbeit",
            "250,00",
        ),
    ]
    for index, (number, day, payee, purpose, category, amount) in enumerate(receipts):
        if index:
            page.click("button[value='add:receipts']")
            page.wait_for_selector(f"#receipts-{index}-number")
        _fill(
            page,
            {
                f"#receipts-{index}-number": number,
                f"#receipts-{index}-date": day,
                f"#receipts-{index}-payee": payee,
                f"#receipts-{index}-purpose": purpose,
                f"#receipts-{index}-category": category,
                f"#receipts-{index}-amount": amount,
            },
        )
    _fill(page, {"#own_funds": "100,00", "#third_party": "150,00", "#revenue": "0"})
    # live from the rules engine while typing, without pressing a button
    page.wait_for_function(
        "() => document.getElementById('final-grant').textContent.startsWith('580,00')"
    )
    page.click(".actions button[value=calculate]")
    page.wait_for_load_state()
    assert page.locator("#final-grant").inner_text().startswith("580,00")
    check_page(page, "32-verwendungsnachweis-berechnet")
    page.click(".actions button[value=submit]")
    page.wait_for_url(re.compile(r".*/verwendungsnachweis/eingang$"))
    check_page(page, "33-verwendungsnachweis-eingang")


def _tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus (fails if the keyboard cannot reach it)."""
    for _ in range(limit):
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_the_first_step_can_be_completed_with_the_keyboard_only(page, live_server):
    _start(page, live_server, "AIF-2026")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    typed = [
        ("#name", "Kulturverein Elbufer e.V."),
        ("#street", "Elbstraße 4"),
        ("#postal_code", "19258"),
        ("#city", "Boizenburg/Elbe"),
        ("#representative", "Jana Beispiel"),
        ("#contact_name", "Jana Beispiel"),
        ("#email", "kontakt@elbufer.example"),
        ("#iban", "DE02120300000000202051"),
        ("#account_holder", "Kulturverein Elbufer e.V."),
    ]
    for selector, text in typed:
        _tab_to(page, selector)
        page.keyboard.type(text)
        if selector == "#name":
            _tab_to(page, "#legal_form")
            page.keyboard.press("ArrowDown")  # the first legal form: Eingetragener Verein
    _tab_to(page, ".actions button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/projekt$"))
