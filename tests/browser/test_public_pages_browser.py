"""A public body's pages in a real browser (issue 17, items 7 and 8): imprint, privacy notice,
accessibility statement, funding conditions and a fund's principles – zero axe violations at
desktop width and at 360 px, reached through the footer as a visitor would."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.apply_helpers import SLUG

from .conftest import check_page

pytestmark = pytest.mark.browser

FOOTER = {
    "impressum": "Impressum",
    "datenschutz": "Datenschutzerklärung",
    "barrierefreiheit": "Erklärung zur Barrierefreiheit",
    "foerderbedingungen": "Förderbedingungen",
}


def _no_sideways_scrolling(page: Any, name: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.evaluate("() => document.documentElement.clientWidth")
    assert width <= viewport, f"{name}: {width} px wide in a {viewport} px window"


@pytest.mark.parametrize("width", [1000, 360])
def test_the_legal_pages_from_the_footer_have_no_axe_violations(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/p/{SLUG}/")
    check_page(page, f"public-{width}-partnerschaft")
    heading = page.locator("#fund-AIF-2026")
    assert heading.is_visible()
    assert "höchstens 90 % der Gesamtausgaben" in page.inner_text("main")

    for path, title in FOOTER.items():
        page.click(f'footer a[href="/p/{SLUG}/{path}"]')
        page.wait_for_url(re.compile(rf".*/p/{SLUG}/{path}$"))
        assert page.locator("h1").inner_text() == title
        check_page(page, f"public-{width}-{path}")
        _no_sideways_scrolling(page, path)

    page.click(f'a[href="/p/{SLUG}/foerdergrundsaetze/JF-2026"]')
    page.wait_for_url(re.compile(r".*/foerdergrundsaetze/JF-2026$"))
    assert page.locator("h1").inner_text() == "Fördergrundsätze: Jugendfonds 2026"
    check_page(page, f"public-{width}-foerdergrundsaetze")
    _no_sideways_scrolling(page, "foerdergrundsaetze")


def test_the_staff_login_links_the_legal_pages_too(page, live_server):
    page.goto(f"{live_server.url}/anmelden")
    page.click('footer a[href="/datenschutz"]')
    # one partnership: the instance's address leads to its page
    page.wait_for_url(re.compile(rf".*/p/{SLUG}/datenschutz$"))
    check_page(page, "public-datenschutz-von-der-anmeldung")


def test_the_privacy_acknowledgement_links_the_notice_without_axe_violations(page, live_server):
    page.goto(f"{live_server.url}/p/{SLUG}/")
    page.locator('form[action$="/AIF-2026/antrag"] button').click()
    page.wait_for_url(re.compile(r".*/antragsteller$"))
    page.goto(page.url.replace("/antragsteller", "/erklaerungen"))
    label = page.locator('label[for="privacy_consent"]')
    assert label.inner_text() == (
        "Die Datenschutzhinweise nach Art. 13 DSGVO wurden zur Kenntnis genommen "
        "(Rechtsgrundlage der Verarbeitung: Art. 6 Abs. 1 Buchst. e DSGVO)."
    )
    link = page.locator("#privacy_consent-hint a")
    assert link.get_attribute("href") == f"/p/{SLUG}/datenschutz"
    described = page.locator("#privacy_consent").get_attribute("aria-describedby") or ""
    assert "privacy_consent-hint" in described
    check_page(page, "public-erklaerungen-kenntnisnahme")
