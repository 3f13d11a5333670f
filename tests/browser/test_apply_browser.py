"""The application in a real browser: from the empty form to the receipt with one mistake
per step, a draft resumed by link, a youth-fund application – zero axe violations in every
page state (R28)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.apply_helpers import SLUG, formal_words

from .conftest import axe_violations
from .conftest import check_page as check_axe

pytestmark = pytest.mark.browser

NEXT = ".actions button[name=action][value=next]"
# a phone, and a desktop of 1280 px at 200 % zoom (WCAG 1.4.10: no scrolling in two directions)
NARROW = (360, 640)
WIDE = {"width": 1000, "height": 900}

# the elements that stick out to the right of the page (named for the failure message)
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const e of document.querySelectorAll("body *")) {
    const box = e.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0) {
      const cls = typeof e.className === "string" && e.className ? "." + e.className : "";
      out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + cls +
        " right=" + Math.round(box.right));
    }
  }
  return out.slice(0, 12);
}"""


def fits(page: Any, name: str) -> None:
    """No sideways scrolling at 360 px and at 640 px (1280 px at 200 % zoom), and no axe
    violation on the phone either; the page is left at its width before."""
    before = page.viewport_size or WIDE
    try:
        for width in NARROW:
            page.set_viewport_size({"width": width, "height": 800})
            scroll, client = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert scroll <= client, (name, width, scroll, client, page.evaluate(STICKING_OUT))
            if width == NARROW[0]:
                assert axe_violations(page) == [], (name, width)
    finally:
        page.set_viewport_size(before)


def check_page(page: Any, name: str) -> None:
    """An applicant page's state: no axe violation, a screenshot when asked for, and no
    sideways scrolling at 360 and 640 px (issue 17)."""
    check_axe(page, name)
    fits(page, name)


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


def _expect_error_at_field(page: Any, field_id: str) -> None:
    """The summary has focus and links to the field, which says what is wrong."""
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'error-summary'"
    )
    assert page.locator(f'#error-summary a[href="#{field_id}"]').count() == 1
    assert page.locator(f"#{field_id}").get_attribute("aria-invalid") == "true"


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
    "#postal_code": "1925",  # mistake: four digits
    "#city": "Boizenburg/Elbe",
    "#representative": "Jana Beispiel",
    "#contact_name": "Jana Beispiel",
    "#email": "kontakt@elbufer,example",  # mistake: a comma
    "#phone": "038847 0000",
    "#iban": "DE02 1203 0000 0000 2020 52",  # mistake: checksum
    "#account_holder": "Kulturverein Elbufer e.V.",
}


def test_an_action_fund_application_from_empty_form_to_receipt(page, live_server):
    _start(page, live_server, "AIF-2026")
    check_page(page, "01-antragsteller-leer")
    _fill(page, APPLICANT)
    page.click(NEXT)
    _expect_error_at(page, "postal_code")
    _expect_error_at(page, "email")
    # two mistakes, a German plural (issue 17: it read "2 Angabe")
    assert "Bitte korrigieren Sie 2 Angaben" in page.locator("#error-summary").inner_text()
    check_page(page, "02-antragsteller-zwei-fehler")
    assert page.locator("#postal_code").input_value() == "1925"
    page.fill("#postal_code", "19258")
    page.fill("#email", "kontakt@elbufer.example")
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
    for name in ("not_started", "no_double_funding", "anbest_acknowledged", "data_correct"):
        _tab_to(page, f"#{name}")  # past the hints' links
        page.keyboard.press("Space")
    _tab_to(page, "#publicity")
    page.keyboard.press("Space")
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


def test_a_youth_fund_application_in_du_with_a_mistake_on_every_step(page, live_server):
    """The youth fund says "du" (issue 17) – and keeps what was typed and ticked."""
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
    assert not formal_words(page.content())  # the youth fund says "du" (issue 17)
    _fill(
        page,
        {
            "#adult_contact_name": "Tom Beispiel",
            "#adult_contact_email": "tom@skatepark.example",
            "#postal_code": "1927",  # mistake: four digits
        },
    )
    page.click(NEXT)
    _expect_error_at(page, "postal_code")
    assert page.locator("#adult_contact_name").input_value() == "Tom Beispiel"
    page.fill("#postal_code", "19273")
    page.click(NEXT)
    page.wait_for_url(re.compile(r".*/projekt$"))
    _fill(
        page,
        {
            "#title": "Skatepark-Fest",
            "#summary": "Ein Nachmittag mit Workshops auf dem Skatepark.",
            "#goals": "Jugendliche planen ihren Platz mit.",
            "#location": "Lübtheen",
            "#start": "01.02.2026",  # mistake: before the application
            "#end": "30.06.2026",
            "#participants_planned": "40",
        },
    )
    page.check("#fields_of_action-0")
    page.check("#target_groups-0")
    page.click(NEXT)
    _expect_error_at(page, "start")
    check_page(page, "22-jugendfonds-projekt-fehler")
    assert not formal_words(page.content())
    page.fill("#start", "01.05.2026")
    page.click(NEXT)

    page.wait_for_url(re.compile(r".*/kosten$"))
    _fill(
        page,
        {
            "#costs-0-category": "honorare",
            "#costs-0-description": "Workshopleitung",
            "#costs-0-amount": "300,00",
        },
    )
    page.click("button[value='add:costs']")
    # the focus stays at the new row, not at the top of the page (issue 17)
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'costs-1-category'"
    )
    assert page.locator("#costs-0-description").input_value() == "Workshopleitung"
    page.keyboard.press("ArrowDown")  # typed on at once: the first category
    _fill(page, {"#costs-1-description": "Farbe und Holz", "#costs-1-amount": "600,00"})
    page.click(NEXT)  # mistake: no offers for 600 €
    _expect_error_at(page, "costs-1-offers")
    check_page(page, "23-jugendfonds-kosten-fehler")
    assert not formal_words(page.content())
    page.fill("#costs-1-amount", "200,00")
    page.click(NEXT)

    page.wait_for_url(re.compile(r".*/finanzierung$"))
    _fill(page, {"#own_funds": "0", "#revenue": "0", "#requested": "600,00"})
    page.click(NEXT)  # mistake: 600 € for 500 € of costs
    page.wait_for_selector("#error-summary")
    check_page(page, "24-jugendfonds-finanzierung-fehler")
    assert not formal_words(page.content())
    page.fill("#requested", "500,00")
    page.click(NEXT)

    page.wait_for_url(re.compile(r".*/erklaerungen$"))
    for name in ("not_started", "no_double_funding", "anbest_acknowledged"):
        page.check(f"#{name}")
    # a file uploaded keeps the ticks of the page (issue 17: they were lost)
    page.set_input_files(
        "#upload-file",
        files=[
            {
                "name": "Angebot_Holzhandel_Lübtheen_2026.pdf",
                "mimeType": "application/pdf",
                "buffer": _pdf(),
            }
        ],
    )
    page.click("button[value=upload]")
    page.wait_for_url(re.compile(r".*/erklaerungen#uploads$"))
    for name in ("not_started", "no_double_funding", "anbest_acknowledged"):
        assert page.is_checked(f"#{name}"), name
    assert "Angebot_Holzhandel" in page.locator("#uploads").inner_text()
    page.click(NEXT)  # mistake: three declarations are still missing
    page.wait_for_selector("#error-summary")
    check_page(page, "25-jugendfonds-erklaerungen-fehler")
    assert not formal_words(page.content())
    for name in ("data_correct", "publicity", "privacy_consent"):
        page.check(f"#{name}")
    page.click(NEXT)

    page.wait_for_url(re.compile(r".*/pruefen$"))
    assert "Angebot_Holzhandel" in page.locator("main").inner_text()
    check_page(page, "26-jugendfonds-pruefen")
    assert not formal_words(page.content())
    page.click("#submit-form button")
    page.wait_for_url(re.compile(r".*/eingang$"))
    check_page(page, "27-jugendfonds-eingang")
    assert "dein Antrag ist eingegangen" in page.locator("main").inner_text()
    assert not formal_words(page.content())


def _pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_the_resume_page_asks_for_the_address_at_the_field(page, live_server):
    page.goto(f"{live_server.url}/p/{SLUG}/fortsetzen")
    check_page(page, "16-fortsetzen")
    page.click("form button.primary")  # nothing typed (issue 17: it was accepted)
    _expect_error_at_field(page, "email")
    check_page(page, "17-fortsetzen-ohne-adresse")


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


def test_after_the_grant_a_new_applicant_requests_reports_in_drafts_and_finds_every_document(
    page, live_server, tmp_path
):
    """Issue 19.5 as a new applicant would try it (screenshots 35–40): the whole grant in one
    payment request closes the form, the report is saved as a draft and resumed, a receipt
    dated after today is a warning, and "Ihre Anträge" links every document."""
    from service import db
    from service.models import Application
    from service.operations.applications import issue_resume_token
    from tests.conftest import uow_on
    from tests.web.apply_helpers import grant

    title = "Gemeinsam kochen, gemeinsam reden – ein interkulturelles Kochbuch"
    app_id = grant(live_server.app, None, title=title)  # 600 € from 1 May to 30 June 2026
    live_server.app.config["TODAY"] = "2026-06-10"
    try:
        with live_server.app.app_context():
            token = issue_resume_token(
                uow_on(db.session(), "test:browser"), db.session().get(Application, app_id)
            )
            db.session().commit()
        page.goto(f"{live_server.url}/p/{SLUG}/fortsetzen/{token}")
        page.click("form button.primary")
        page.wait_for_url(re.compile(r".*/meine-antraege$"))
        page.click(f'a[href$="/antrag/{app_id}/mittelabruf"]')
        _fill(page, {"#amount": "600,00", "#needed_on": "20.06.2026"})
        page.click("form button.primary")
        page.wait_for_selector("#payment-closed")
        assert "Die gesamte Zuwendung ist abgerufen" in page.inner_text("#payment-closed")
        assert page.locator("#amount").count() == 0
        check_page(page, "35-mittelabruf-abgeschlossen")

        page.goto(f"{live_server.url}/p/{SLUG}/antrag/{app_id}/verwendungsnachweis")
        _fill(
            page,
            {
                "#activities": "Sechs Kochabende mit Familien aus acht Ländern.",
                "#receipts-0-number": "K-1",
                "#receipts-0-date": "12.06.2026",  # after "today": a warning, no error
                "#receipts-0-payee": "Markthalle Lübtheen",
                "#receipts-0-purpose": "Lebensmittel für den ersten Abend",
                "#receipts-0-category": "verpflegung",
                "#receipts-0-amount": "84,30",
            },
        )
        page.click(".actions button[value=save]")
        page.wait_for_selector("#draft-saved")
        assert page.locator("#activities").input_value().startswith("Sechs Kochabende")
        check_page(page, "36-verwendungsnachweis-entwurf")

        # a new visit: the draft is still there
        page.goto(f"{live_server.url}/p/{SLUG}/antrag/{app_id}/verwendungsnachweis")
        assert page.locator("#receipts-0-payee").input_value() == "Markthalle Lübtheen"
        page.click("button[value='add:receipts']")
        page.wait_for_selector("#receipts-1-number")
        _fill(
            page,
            {
                "#goals_reached": "Ja; das Kochbuch ist gedruckt.",
                "#participants_actual": "48",
                "#receipts-1-number": "E-1",
                "#receipts-1-date": "05.06.2026",
                "#receipts-1-payee": "Gäste des Abschlussabends",
                "#receipts-1-purpose": "Spenden in der Kasse",
                "#receipts-1-kind": "income",
                "#receipts-1-amount": "42,00",
                "#own_funds": "0",
                "#third_party": "0",
                "#revenue": "42,00",
            },
        )
        page.click(".actions button[value=calculate]")
        page.wait_for_load_state()
        page.wait_for_selector(".warning-summary")
        assert "nach dem Tag des Nachweises" in page.inner_text(".warning-summary")
        check_page(page, "37-verwendungsnachweis-beleg-in-der-zukunft")

        # a photo of the receipt, uploaded with the form's own button
        from tests.web.test_apply_after_grant_applicant import _png

        photo = tmp_path / "K-1 Markthalle.png"
        photo.write_bytes(_png())
        page.set_input_files("#upload-file", str(photo))
        page.click("button[value=upload]")
        page.wait_for_selector("#receipt-files li")
        assert "K-1 Markthalle.png" in page.inner_text("#receipt-files")
        assert page.locator("#goals_reached").input_value().startswith("Ja; das Kochbuch")
        check_page(page, "38-verwendungsnachweis-belegkopien")

        page.goto(f"{live_server.url}/p/{SLUG}/meine-antraege")
        assert page.locator(f'a[href$="/antrag/{app_id}/antrag.pdf"]').count() == 1
        assert page.locator(f'a[href*="/antrag/{app_id}/mittelabruf/"]').count() == 1
        check_page(page, "39-meine-antraege-dokumente")
    finally:
        live_server.app.config["TODAY"] = "2026-02-20"
