"""Issue 16's acceptance in a real browser: from an empty PostgreSQL database to an issued
approval of a partnership set up without code.

The documented commands of docs/operations.md ("Vom leeren System zum ersten Antrag", with the
guide's own files) create the tables, the "Partnerschaft für Demokratie Musterstadt" with its
letterhead and logo, its first admin and its Begleitausschuss of 7 voting members and 2
deputies. Everything else is done on the admin pages, by keyboard where a person would:
the settings page refuses an SVG logo; the accounts page invites the coordination and the lead
office (who set their passwords through the invitation); the funds page refuses a guideline
with a missing key and creates AIF-2027 with its two sessions from the guide's file; the
templates page refuses a DOCX with an unknown placeholder and takes the approval with one
changed sentence, which is then activated. Every admin page state has no axe violation
(screenshots with FOERDERWERK_SCREENSHOTS=docs/samples/admin).

An applicant applies in the browser. The coordination office runs the session and the lead
office issues the approval as the staff tests do (tests/web/test_staff_sessions.py: forms
posted by a test client of the same app). The issued approval's PDF, read by pdftotext, has
the Musterstadt letterhead and the changed sentence, not the shipped one.

The server runs on 15 January 2027 (FOERDERWERK_TODAY): after the committee's terms begin and
before the first deadline, whatever the real date."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service import create_app, db
from service.cli import cli
from service.domain.states import ApplicationState
from service.models import (
    Application,
    CommitteeMember,
    Decision,
    Document,
    Fund,
    Meeting,
    Notice,
    OutboxMail,
    Partnership,
    PartnershipTemplate,
)
from tests.conftest import require_tools
from tests.databases import PostgresDatabases, pg_url
from tests.documents.template_edits import APPROVAL_SENTENCE, approval_saying
from tests.poppler import pdftotext
from tests.setup_guide import NEW_SENTENCE, SLUG, anbest_p_pdf, guide, logo_png
from tests.web.staff_support import csrf, log_in, record_decisions

from .conftest import SCREENSHOTS, LiveServer, axe_violations, check_page
from .test_apply_browser import NEXT, _fill
from .test_staff_browser import _sign_in_with_the_keyboard

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.libreoffice]

TODAY = "2027-01-15"
ADMIN = "admin@musterstadt.example"
KUF = "kuf@musterstadt.example"
LEAD = "lead@musterstadt.example"
PASSWORDS = {
    ADMIN: "Lindenblatt Fahrrad Kompass 27",
    KUF: "Wolkenbruch Teekanne Leuchtturm 5",
    LEAD: "Kastanie Segelboot Rathausuhr 8",
}
STAFF = f"/p/{SLUG}/staff"
ADMIN_PAGES = f"{STAFF}/verwaltung"
VOTING = (
    "Anna Beispiel",
    "Ben Muster",
    "Clara Platzhalter",
    "David Exempel",
    "Erika Mustermann",
    "Felix Vorlage",
    "Greta Probe",
)
DEPUTIES = ("Hanna Ersatz", "Ilja Vertreter")


def _command(app: Any, *args: str, answers: str = "") -> str:
    result = app.test_cli_runner().invoke(cli, args=list(args), input=answers)
    assert result.exit_code == 0, result.output
    return str(result.output)


@pytest.fixture
def musterstadt(
    _postgres_databases: PostgresDatabases, tmp_path: Path
) -> Iterator[tuple[LiveServer, Path]]:
    """The app on a new, empty PostgreSQL database, set up with the guide's commands and files
    up to the committee, served on a free port; the guide's files lie in the folder."""
    name = _postgres_databases.create()
    work = tmp_path / "einrichtung"
    work.mkdir()
    written = guide()
    for file_name in ("musterstadt.toml", "gremien.toml", "aif-2027.toml"):
        (work / file_name).write_text(written.files[file_name], encoding="utf-8")
    (work / "logo.png").write_bytes(logo_png())
    (work / "anbest-p.pdf").write_bytes(anbest_p_pdf())
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": pg_url(name),
            "UPLOAD_PATH": str(tmp_path / "uploads"),
            "MAIL_FOLDER": str(tmp_path / "mail"),
            "TODAY": TODAY,
            # the receipt's PDF would start LibreOffice in the background; the approval needs it
            "APPLICATION_PDF_IN_MAIL": False,
        }
    )
    server = LiveServer(app, tmp_path / "mail")
    app.config["BASE_URL"] = server.url
    # the guide's commands, in its order (docs/operations.md, steps 3 to 5)
    for command in written.commands:
        if command.startswith("foerderwerk funds"):
            break  # from here on: the admin pages
        args = re.findall(r'"[^"]*"|\S+', command)[1:]
        args = [a.strip('"') for a in args]
        args = [str(work / a) if (work / a).is_file() else a for a in args]
        answers = f"{PASSWORDS[ADMIN]}\n{PASSWORDS[ADMIN]}\n" if "staff" in args else ""
        _command(app, *args, answers=answers)
    server.thread.start()
    yield server, work
    server.server.shutdown()
    with app.app_context():
        db.engine().dispose()
    _postgres_databases.drop_later(name)


def _stored(app: Any, query: Any) -> Any:
    with app.app_context():
        return db.session().scalars(query).all()


def _submit(page: Any, button: str = "main form button[type=submit]") -> None:
    page.focus(button)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _settings_refuse_an_svg_logo(page: Any, server: LiveServer, work: Path) -> None:
    page.goto(f"{server.url}{ADMIN_PAGES}/einstellungen")
    check_page(page, "musterstadt-einstellungen")
    assert page.locator("#f-partnership-name").input_value() == (
        "Partnerschaft für Demokratie Musterstadt"
    )
    svg = work / "logo.svg"
    svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>')
    page.set_input_files("#f-branding-logo", str(svg))
    _submit(page)
    check_page(page, "musterstadt-einstellungen-fehler")
    assert "[branding] logo: Eine SVG-Datei kann nicht als Logo" in page.inner_text("main")
    with server.app.app_context():
        partnership = db.session().scalars(select(Partnership)).one()
        logo = partnership.file("branding", "logo")
        assert logo is not None
        assert logo.data == logo_png()  # the PNG of the settings file stays


def _invite(page: Any, server: LiveServer, email: str, role: str) -> None:
    page.goto(f"{server.url}{ADMIN_PAGES}/konten")
    page.fill("#new-email", email)
    page.check(f"#new-role-{role}")
    _submit(page, "form[aria-labelledby=new-account] button")


def _accounts_invite_the_offices(page: Any, server: LiveServer) -> None:
    # refused first: no role chosen – nothing is created, no mail goes out
    page.goto(f"{server.url}{ADMIN_PAGES}/konten")
    page.fill("#new-email", KUF)
    _submit(page, "form[aria-labelledby=new-account] button")
    check_page(page, "musterstadt-konten-fehler")
    assert "mindestens eine Rolle" in page.inner_text("main")
    assert _stored(server.app, select(OutboxMail)) == []

    _invite(page, server, KUF, "coordination")
    _invite(page, server, LEAD, "lead")
    check_page(page, "musterstadt-konten")
    for email in (KUF, LEAD):
        assert page.get_by_role("cell", name=email, exact=True).count() == 1


def _accept_invitation(chromium: Any, server: LiveServer, email: str) -> None:
    """The invited person follows the link of the mail and sets a password."""
    (mail,) = _stored(server.app, select(OutboxMail).where(OutboxMail.recipient == email))
    link = re.search(r"https?://\S+/anmelden/passwort-neu/\S+", mail.body)
    assert link, mail.body
    context = chromium.new_context(locale="de-DE")
    try:
        page = context.new_page()
        page.goto(link.group(0))
        page.fill("#new", PASSWORDS[email])
        page.fill("#repeat", PASSWORDS[email])
        _submit(page, "main button[type=submit]")
        assert page.url.endswith("/anmelden")
    finally:
        context.close()


def _funds_from_the_guideline_file(page: Any, server: LiveServer, work: Path) -> None:
    page.goto(f"{server.url}{ADMIN_PAGES}/foerdertoepfe")
    guideline = (work / "aif-2027.toml").read_text(encoding="utf-8")
    broken = work / "aif-2027-ohne-budget.toml"
    broken.write_text(re.sub(r'budget = "[\d.]+"\n', "", guideline), encoding="utf-8")
    page.set_input_files("#guideline-file", str(broken))
    _submit(page, "form[aria-labelledby=upload] button[type=submit]")
    check_page(page, "musterstadt-foerdertoepfe-fehler")
    assert "„fund.budget“" in page.inner_text("#error-summary")
    assert _stored(server.app, select(Fund)) == []

    page.set_input_files("#guideline-file", str(work / "aif-2027.toml"))
    page.select_option("#committee", "Begleitausschuss Musterstadt")
    _submit(page, "form[aria-labelledby=upload] button[type=submit]")
    check_page(page, "musterstadt-foerdertoepfe")
    row = page.get_by_role("row").filter(has_text="AIF-2027")
    assert "Entscheidet: Begleitausschuss Musterstadt" in row.inner_text()
    assert "08.03.2027" in row.inner_text()
    assert "13.09.2027" in row.inner_text()


def _templates_take_the_changed_approval(page: Any, server: LiveServer, work: Path) -> None:
    page.get_by_role("link", name="Vorlagen", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    broken = work / "zuwendungsbescheid-tippfehler.docx"
    broken.write_bytes(approval_saying("Für {{ recipient.nmae }}."))
    page.select_option("#template-kind", "approval")
    page.set_input_files("#template-file", str(broken))
    _submit(page, "form[aria-labelledby=upload] button[type=submit]")
    check_page(page, "musterstadt-vorlagen-fehler")
    assert "recipient.nmae" in page.inner_text("main")
    assert _stored(server.app, select(PartnershipTemplate)) == []

    edited = work / "zuwendungsbescheid.docx"
    edited.write_bytes(approval_saying(NEW_SENTENCE))
    page.select_option("#template-kind", "approval")
    page.set_input_files("#template-file", str(edited))
    _submit(page, "form[aria-labelledby=upload] button[type=submit]")
    assert page.url.endswith("/vorlagen/approval/1")
    page.wait_for_load_state("networkidle")  # the preview of page 1 (LibreOffice)
    check_page(page, "musterstadt-vorlage-vorschau")
    _submit(page, "main form button[type=submit]")  # "Für neue Dokumente verwenden"
    check_page(page, "musterstadt-vorlagen")
    row = page.get_by_role("row").filter(has_text="Zuwendungsbescheid")
    assert "Version 1" in row.inner_text()


def _committee_page_shows_the_imported_members(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}{ADMIN_PAGES}/gremien")
    check_page(page, "musterstadt-gremien")
    for member in (*VOTING, *DEPUTIES):
        assert page.get_by_role("rowheader", name=member).count() == 1


def _apply(chromium: Any, server: LiveServer) -> str:
    """A new visitor applies for AIF-2027 in the browser; the reference of the receipt."""
    context = chromium.new_context(locale="de-DE", viewport={"width": 1000, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(20000)
        page.goto(f"{server.url}/")
        page.click(f'a[href="/p/{SLUG}/"]')
        assert axe_violations(page) == []
        assert "8. März 2027" in page.inner_text("main")
        page.locator('form[action$="/AIF-2027/antrag"] button').click()
        page.wait_for_url(re.compile(r".*/antragsteller$"))
        _fill(
            page,
            {
                "#name": "Bürgerverein Altstadt e.V.",
                "#legal_form": "verein",
                "#street": "Kirchgasse 3",
                "#postal_code": "12345",
                "#city": "Musterstadt",
                "#representative": "Jonas Beispiel",
                "#contact_name": "Jonas Beispiel",
                "#email": "kontakt@altstadt.example",
                "#phone": "01234 9999",
                "#iban": "DE02 1203 0000 0000 2020 51",
                "#account_holder": "Bürgerverein Altstadt e.V.",
            },
        )
        page.click(NEXT)
        page.wait_for_url(re.compile(r".*/projekt$"))
        _fill(
            page,
            {
                "#title": "Stadtgespräch Demokratie",
                "#summary": "Drei Abende mit Gesprächen über das Zusammenleben in der Altstadt.",
                "#goals": "Nachbarinnen und Nachbarn kommen miteinander ins Gespräch.",
                "#location": "Musterstadt",
                "#start": "01.05.2027",
                "#end": "30.06.2027",
                "#participants_planned": "90",
            },
        )
        page.check("#fields_of_action-0")
        page.check("#target_groups-1")
        page.click(NEXT)
        page.wait_for_url(re.compile(r".*/kosten$"))
        _fill(
            page,
            {
                "#costs-0-category": "honorare",
                "#costs-0-description": "Moderation",
                "#costs-0-quantity": "6",
                "#costs-0-unit": "h",
                "#costs-0-unit_price": "70,00",
                "#costs-0-amount": "420,00",
            },
        )
        page.click(NEXT)
        page.wait_for_url(re.compile(r".*/finanzierung$"))
        _fill(page, {"#own_funds": "20,00", "#revenue": "0", "#requested": "400,00"})
        page.click(NEXT)
        page.wait_for_url(re.compile(r".*/erklaerungen$"))
        for name in (
            "not_started",
            "no_double_funding",
            "anbest_acknowledged",
            "data_correct",
            "publicity",
            "privacy_consent",
        ):
            page.check(f"#{name}")
        page.click(NEXT)
        page.wait_for_url(re.compile(r".*/pruefen$"))
        assert page.locator("#error-summary").count() == 0
        page.click("#submit-form button")
        page.wait_for_url(re.compile(r".*/eingang$"))
        return str(page.locator("#reference").inner_text())
    finally:
        context.close()


def _post(client: Any, url: str, data: dict[str, Any], page: str) -> Any:
    response = client.post(url, data={**data, "csrf_token": csrf(client, page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def _session_decides(server: LiveServer, reference: str) -> int:
    """The coordination office checks the application, holds the session of 8 March with
    the 7 voting members, all vote yes; the decision's id."""
    app = server.app
    kuf = app.test_client()
    log_in(kuf, KUF, PASSWORDS[KUF])
    (application,) = _stored(app, select(Application).where(Application.reference == reference))
    url = f"{STAFF}/antraege/{application.id}"
    _post(kuf, f"{url}/status", {"version": application.version, "target": "in_check"}, url)
    members = {m.name: m for m in _stored(app, select(CommitteeMember))}
    committee_id = members["Anna Beispiel"].committee_id
    meetings = []
    for day, fill in (("2027-03-08", "1"), ("2027-09-13", "")):
        created = _post(
            kuf,
            f"{STAFF}/sitzungen",
            {
                "committee": committee_id,
                "held_on": day,
                "mode": "session",
                "place": "Rathaus Musterstadt, Marktplatz 1",
                "start_time": "17:00",
                **({"fill": fill} if fill else {}),
            },
            f"{STAFF}/sitzungen",
        )
        meetings.append(int(re.search(r"/sitzungen/(\d+)", created.location).group(1)))
    meeting_url = f"{STAFF}/sitzungen/{meetings[0]}"
    with app.app_context():
        meeting = db.session().get(Meeting, meetings[0])
        assert meeting is not None
        items = [(item.id, item.application_id) for item in meeting.items]
    assert [application_id for _, application_id in items] == [application.id]
    item_id = items[0][0]
    _post(
        kuf,
        f"{meeting_url}/anwesenheit",
        {
            "invited": [str(m.id) for m in members.values()],
            "present": [str(members[name].id) for name in VOTING],
            "minute_taker": "K. Koordination",
            "start_time": "17:00",
            "end_time": "18:30",
            "place": "Rathaus Musterstadt, Marktplatz 1",
        },
        meeting_url,
    )
    votes = {f"vote-{members[name].id}": "yes" for name in VOTING}
    _post(
        kuf,
        f"{meeting_url}/top/{item_id}",
        {"proposed_amount": "400,00", "conditions": "", **votes},
        meeting_url,
    )
    # decisions are recorded from the session's day on (issue 20.6): the clock moves to it,
    # and the summary is confirmed as a person does it
    app.config["TODAY"] = "2027-03-08"
    try:
        response = record_decisions(kuf, meeting_url)
    finally:
        app.config["TODAY"] = TODAY
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    (decision,) = _stored(app, select(Decision).where(Decision.application_id == application.id))
    assert decision.outcome.value == "approved"
    return int(decision.id)


def _issue(server: LiveServer, decision_id: int) -> bytes:
    """The lead office issues the approval; the issued PDF."""
    lead = server.app.test_client()
    log_in(lead, LEAD, PASSWORDS[LEAD])
    _post(lead, f"{STAFF}/beschluesse/{decision_id}/erlassen", {}, f"{STAFF}/bescheide")
    (notice,) = _stored(server.app, select(Notice))
    (document,) = _stored(
        server.app,
        select(Document).where(Document.notice_id == notice.id, Document.kind == "notice"),
    )
    assert document.issued
    response = lead.get(f"{STAFF}/dokumente/{document.id}")
    assert response.status_code == 200
    return bytes(response.data)


def _pdf_text(pdf: Path) -> str:
    return " ".join(pdftotext(pdf, "-layout").split())


@pytest.mark.timeout(900)
def test_a_partnership_set_up_without_code_issues_its_own_approval(
    musterstadt: tuple[LiveServer, Path], chromium: Any, page: Any, tmp_path: Path
) -> None:
    require_tools("pdftotext", "pdfimages", "soffice")
    server, work = musterstadt
    committee = _stored(server.app, select(CommitteeMember))
    assert sorted(m.name for m in committee) == sorted((*VOTING, *DEPUTIES))

    _sign_in_with_the_keyboard(page, server.url, ADMIN, PASSWORDS[ADMIN])
    _settings_refuse_an_svg_logo(page, server, work)
    _accounts_invite_the_offices(page, server)
    _funds_from_the_guideline_file(page, server, work)
    _templates_take_the_changed_approval(page, server, work)
    _committee_page_shows_the_imported_members(page, server)
    for email in (KUF, LEAD):
        _accept_invitation(chromium, server, email)

    reference = _apply(chromium, server)
    assert reference == "AIF-2027-001"
    (application,) = _stored(server.app, select(Application))
    assert application.state is ApplicationState.submitted

    pdf = tmp_path / "zuwendungsbescheid.pdf"
    pdf.write_bytes(_issue(server, _session_decides(server, reference)))

    printed = _pdf_text(pdf)
    # the Musterstadt letterhead: its authority, address, partnership, signatory, budget line
    for line in (
        "Stadt Musterstadt",
        "Fachdienst Jugend – Partnerschaft für Demokratie",
        "Marktplatz 1",
        "12345 Musterstadt",
        "Partnerschaft für Demokratie Musterstadt",
        "R. Beispiel",
        "Der Bürgermeister",
        "1.3.6.2.01 – 531800",
        reference,
    ):
        assert line in printed, line
    assert NEW_SENTENCE in printed
    assert APPROVAL_SENTENCE not in printed
    # Anlage 2 from the settings file: the ANBest-P the office laid beside it (issue 18.1)
    assert "(ANBest-P)" in printed
    assert "Boizenburg" not in printed
    images = subprocess.run(
        ["pdfimages", "-list", "-f", "1", "-l", "1", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(images.splitlines()) > 2, images  # the logo on page 1 (beyond the header)
    if SCREENSHOTS:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(Path(SCREENSHOTS) / "musterstadt-zuwendungsbescheid"),
            ],
            check=True,
        )
