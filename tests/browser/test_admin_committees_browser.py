"""The committee page (issue 16, item 3) in a real browser: zero axe-core violations on the
list, the new-member form with its German error summary and the change page, all reached
and filled with the keyboard. Nothing is saved (the form is refused), so the shared live
server's demo stays as the other browser tests expect it."""

from __future__ import annotations

from .conftest import check_page
from .test_staff_browser import SLUG, _sign_in_with_the_keyboard


def test_the_committee_pages_work_with_the_keyboard_and_have_no_violations(live_server, page):
    base = live_server.url
    _sign_in_with_the_keyboard(page, base, "admin@demo.example")
    page.goto(f"{base}/p/{SLUG}/staff/verwaltung/gremien")
    check_page(page, "staff-gremien")
    assert page.get_by_role("rowheader", name="Anna Beispiel").count() == 1

    link = page.get_by_role("link", name="Mitglied zu Begleitausschuss Boizenburg/Elbe – Lübtheen")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, "staff-gremium-neues-mitglied")

    page.focus("#f-name")
    page.keyboard.type("Zora Neu")
    page.keyboard.press("Tab")  # e-mail address
    page.keyboard.type("zora@stadtrat.example, noch@eine.example")
    page.focus("#f-term_from")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form

    check_page(page, "staff-gremium-fehler")
    summary = page.locator("#error-summary")
    assert summary.count() == 1
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "Gruppe: Diese Angabe fehlt; bitte ergänzen Sie sie." in summary.inner_text()
    summary.get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#f-email") or page.url.endswith("#f-group")

    page.goto(f"{base}/p/{SLUG}/staff/verwaltung/gremien")
    page.get_by_role("link", name="Ändern oder beenden – Felix Vorlage").click()
    check_page(page, "staff-gremium-mitglied")
    assert page.locator("label[for=f-term_from]").inner_text().startswith("Gültig ab")
