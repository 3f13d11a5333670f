"""The base rate page and the overdue reports in a real browser (issue 19.3, 19.4): zero
axe-core violations for the table, for a refused entry – whose error summary takes the focus
and links to the field – and for the offices' list of overdue reports and open refunds; all
by keyboard. A refused entry saves nothing, and the open refund the list shows is removed
again, so the shared demo stays as it was."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete

from service import db
from service.models import Application, Notice, ReportReview, UsageReport
from tests.refund_support import refund_due

from .conftest import check_page
from .test_staff_browser import SLUG, _sign_in_with_the_keyboard


def test_the_base_rate_page_and_a_refused_entry_are_accessible(live_server, page: Any):
    base = live_server.url
    _sign_in_with_the_keyboard(page, base, "admin@demo.example")
    page.goto(f"{base}/p/{SLUG}/staff/verwaltung/basiszinssatz")
    check_page(page, "staff-basiszinssatz")
    assert page.get_by_role("heading", name="Basiszinssatz (§ 247 BGB)").count() == 1
    assert page.get_by_role("table").inner_text().count("Deutsche Bundesbank") > 40

    page.fill("#f-from", "2026-08-01")
    page.fill("#f-rate", "127")
    page.focus("#f-source")
    page.keyboard.press("Tab")  # the save button
    with page.expect_navigation():
        page.keyboard.press("Enter")

    check_page(page, "staff-basiszinssatz-fehler")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "1. Januar und 1. Juli" in summary.inner_text()
    assert "nicht plausibel" in summary.inner_text()
    summary.locator("a").nth(1).click()
    assert page.evaluate("document.activeElement.id") == "f-rate"


def test_the_list_of_overdue_reports_is_accessible(live_server, page: Any):
    base = live_server.url
    _sign_in_with_the_keyboard(page, base, "kuf@demo.example")
    app = live_server.app
    with app.app_context():
        # an open refund, overdue, so the second table has a row (removed below)
        app_id = refund_due(
            db.session(), "AIF-2026-990", due_on=date(2026, 1, 15), issued_on=date(2025, 12, 15)
        ).id
        db.session().commit()
    try:
        page.goto(f"{base}/p/{SLUG}/staff/nachweise-ueberfaellig")
        check_page(page, "staff-nachweise-ueberfaellig")
        assert page.get_by_role("heading", name="Überfällige Verwendungsnachweise").count() == 1
        assert page.get_by_role("heading", name="Offene Rückforderungen").count() == 1
        tables = page.get_by_role("table")
        assert "AIF-2026-990" in tables.last.inner_text()
        assert "83,45\xa0€" in tables.last.inner_text()
        link = page.get_by_role("link", name="AIF-2026-990")
        link.focus()
        assert page.evaluate("document.activeElement.textContent") == "AIF-2026-990"
    finally:
        with app.app_context():
            session = db.session()
            session.execute(delete(ReportReview).where(ReportReview.application_id == app_id))
            session.execute(delete(UsageReport).where(UsageReport.application_id == app_id))
            session.execute(delete(Notice).where(Notice.application_id == app_id))
            session.execute(delete(Application).where(Application.id == app_id))
            session.commit()
