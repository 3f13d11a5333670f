"""Issuing and notifying in a real browser (issue 17, item 9): the warning of past dates with
its checkbox, the issued notice with its notification day, and the waiver form with its German
error summary – zero axe-core violations, reached with the keyboard. A server of its own (the
shared one's demo stays untouched) on 5 December 2026, a fixed PDF for LibreOffice."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfWriter

from service import db
from tests.web.apply_helpers import make_app

from .conftest import LiveServer, check_page
from .test_staff_browser import SLUG, _sign_in_with_the_keyboard


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def notice_server(
    tmp_path: Path, _sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LiveServer]:
    pdf = _pdf()
    monkeypatch.setattr("service.web.uow.office_pdf", lambda *_args, **_kw: pdf)
    shutil.copyfile(_sqlite_template, tmp_path / "db.sqlite3")
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, TODAY="2026-12-05")
    server = LiveServer(app, tmp_path / "mail")
    app.config["BASE_URL"] = server.url
    server.thread.start()
    yield server
    server.server.shutdown()
    with app.app_context():
        db.engine().dispose()


def test_issuing_with_past_dates_and_recording_a_waiver_have_no_violations(
    notice_server: LiveServer, page: Any
) -> None:
    base = notice_server.url
    _sign_in_with_the_keyboard(page, base, "lead@demo.example")
    page.goto(f"{base}/p/{SLUG}/staff/bescheide")
    check_page(page, "staff-bescheide-warnung")
    row = page.locator("tr", has_text="Demokratiefest am Elbufer")
    assert "Der Bewilligungszeitraum endete am 30.06.2026" in row.inner_text()

    row.get_by_label("Ich habe die Daten geprüft").focus()
    page.keyboard.press("Space")
    row.get_by_role("button", name="Erlassen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    check_page(page, "staff-bescheide-erlassen")
    assert page.get_by_text("Bekanntgabe am 9. Dezember 2026").count() == 1
    link = page.get_by_role("link", name="Rechtsbehelfsverzicht erfassen")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, "staff-rechtsbehelfsverzicht")

    page.focus("#f-waived_on")
    page.fill("#f-waived_on", "2026-12-04")
    page.focus("#f-declared_by")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, "staff-rechtsbehelfsverzicht-fehler")
    summary = page.locator("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "Bitte wählen Sie, in welcher Form der Verzicht erklärt wurde." in summary.inner_text()

    page.fill("#f-waived_on", "2026-12-05")
    page.check("#f-form-written")
    page.fill("#f-declared_by", "Eva Elbe")
    with page.expect_navigation():
        page.locator("#waiver-form button[type=submit]").click()
    check_page(page, "staff-bescheide-verzicht")
    assert (
        page.get_by_text(
            "Rechtsbehelfsverzicht erklärt am 05.12.2026 (schriftlich, von Eva Elbe)"
        ).count()
        == 1
    )
