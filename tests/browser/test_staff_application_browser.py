"""The staff view of an application in a real browser (issue 17, item 4): zero axe-core
violations (WCAG 2.1 A/AA) for the offices and for a committee member, also at 360 px
without sideways scrolling; a finding's link leads to its field; the PDF of the frozen copy
is filed on first opening and its SHA-256 shown.

A server of its own: the test adds an upload and gives one frozen copy a wrong IBAN, which
the shared live server's other tests must not see."""

from __future__ import annotations

import copy
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service import db
from service.archive.storage import FolderStorage
from service.models import Application, Upload
from tests.conftest import require_tools
from tests.web.apply_helpers import make_app
from tests.web.test_policy import _pdf

from .conftest import LiveServer, check_page

pytestmark = pytest.mark.browser

SLUG = "boizenburg-luebtheen"


def _by_title(session, start: str) -> Application:
    return session.scalars(select(Application).where(Application.title.startswith(start))).one()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("staffview")
    shutil.copyfile(_sqlite_template, folder / "db.sqlite3")
    app = make_app(f"sqlite:///{folder / 'db.sqlite3'}", folder, UPLOAD_PATH=str(folder / "up"))
    with app.app_context():
        session = db.session()
        fest = _by_title(session, "Demokratiefest")
        data = _pdf()
        session.add(
            Upload(
                application_id=fest.id,
                kind="offer",
                display_name="Angebot Workshopleitung – Mira Muster.pdf",
                sha256=FolderStorage(str(folder / "up")).put(data),
                size=len(data),
                pages=1,
            )
        )
        forum = _by_title(session, "Forumtheater")
        wrong = copy.deepcopy(forum.submission_snapshot)
        wrong["applicant"]["iban"] = "DE02 1203 0000 0000 2020 52"  # one digit mistyped
        forum.submission_snapshot = wrong
        session.commit()
        ids = {"fest": fest.id, "forum": forum.id, "graffiti": _by_title(session, "Graffiti").id}
    live = LiveServer(app, folder / "mail")
    app.config["BASE_URL"] = live.url
    live.thread.start()
    yield live, ids
    live.server.shutdown()
    with app.app_context():
        db.engine().dispose()


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/anmelden")
    page.fill("#email", email)
    page.fill("#password", "demo-passwort-2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _scroll_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_offices_see_the_whole_application_without_accessibility_violations(server, page):
    live, ids = server
    _sign_in(page, live.url, "kuf@demo.example")
    url = f"{live.url}/p/{SLUG}/staff/antraege"

    page.goto(f"{url}/{ids['fest']}")
    check_page(page, "staff-antrag-vollstaendig")
    main = page.inner_text("main").replace("\u00a0", " ")
    for shown in (
        "Eingetragener Verein",
        "DE02 1203 0000 0000 2020 51",
        "Kontoinhaber/in",
        "480,00 €",
        "1. Mai bis 30. Juni 2026",
        "Angebot Workshopleitung – Mira Muster.pdf",
    ):
        assert shown in main, shown
    assert page.get_by_role("link", name="Antrag-AIF-2026-002.pdf").count() == 1

    page.goto(f"{url}/{ids['forum']}")
    check_page(page, "staff-antrag-befund")
    finding = page.locator("li.finding-error a[href='#feld-applicant-iban']")
    finding.focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#feld-applicant-iban")

    page.goto(f"{url}/{ids['graffiti']}")
    check_page(page, "staff-antrag-jugendfonds")
    assert "Geburtsdatum" in page.inner_text("main")

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{url}/{ids['fest']}")
    check_page(page, "staff-antrag-360px")
    # what sticks out, for the message (a table scrolls inside its own box)
    wide = page.evaluate(
        "() => [...document.querySelectorAll('body *')]"
        ".filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > 362)"
        ".slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id)"
    )
    assert _scroll_width(page) <= 360, wide


def test_a_committee_member_is_not_shown_the_staff_view_of_an_application(server, page):
    # need to know (issue 20.1): a member reads applications only on their own agenda under
    # /staff/gremium/ (tests/web/test_member_pages.py); the offices' page, with the
    # applicant's personal data and the internal comments, is a German 404 for them
    live, ids = server
    _sign_in(page, live.url, "ausschuss@demo.example")

    response = page.goto(f"{live.url}/p/{SLUG}/staff/antraege/{ids['graffiti']}")

    assert response is not None
    assert response.status == 404
    check_page(page, "staff-antrag-gremium-404")
    main = page.inner_text("main")
    assert "Seite nicht gefunden" in main
    assert "Graffiti-Künstlerin" not in main
    assert "02.05.2010" not in main


@pytest.mark.libreoffice
def test_the_pdf_of_the_frozen_copy_is_filed_and_its_hash_shown(server, page):
    require_tools("soffice")
    live, ids = server
    _sign_in(page, live.url, "lead@demo.example")
    page.goto(f"{live.url}/p/{SLUG}/staff/antraege/{ids['fest']}")

    with page.expect_download(timeout=120000) as download:
        page.get_by_role("link", name="Antrag-AIF-2026-002.pdf").click()
    pdf = Path(download.value.path()).read_bytes()
    page.reload()

    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() in page.inner_text("main")
    check_page(page, "staff-antrag-pdf-hash")
