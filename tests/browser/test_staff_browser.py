"""The back office in a real browser: keyboard-only sign-in and zero axe-core violations
(WCAG 2.1 A/AA) on every staff page state of the demo. Read-only, so the shared live
server's demo stays as the applicant tests expect it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from service import db
from service.domain.states import JobState
from service.models import BatchJob, Partnership
from service.operations.regeneration import JOB_KIND
from service.operations.staff import DEMO_PASSWORD

from .conftest import check_page

SLUG = "boizenburg-luebtheen"


def _job(app: Any, state: JobState) -> int:
    """A regeneration job to look at – a row only, the demo's records stay untouched."""
    with app.app_context():
        session = db.session()
        partnership = session.query(Partnership).filter_by(slug=SLUG).one()
        job = BatchJob(
            kind=JOB_KIND,
            scope={"partnership": partnership.id, "fund": None, "session": None, "all": True},
            actor="lead@demo.example",
            state=state,
            owner="elsewhere:1",  # a driver that is gone: the page offers to resume
        )
        session.add(job)
        session.commit()
        return job.id


def _sign_in_with_the_keyboard(
    page: Any, base: str, email: str, password: str = DEMO_PASSWORD
) -> None:
    page.goto(f"{base}/anmelden")
    check_page(page, "staff-anmeldung")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    page.focus("#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_coordination_offices_pages_have_no_accessibility_violations(live_server, page):
    base = live_server.url
    _sign_in_with_the_keyboard(page, base, "kuf@demo.example")
    staff = f"{base}/p/{SLUG}/staff"
    assert page.url.endswith("/staff/antraege")
    check_page(page, "staff-eingang")

    page.click("text=Kommunalpolitik zum Anfassen")
    check_page(page, "staff-antrag")
    assert page.locator("label[for=chk-complete]").count() == 1

    page.goto(f"{staff}/sitzungen")
    check_page(page, "staff-sitzungen")
    page.locator("table a").last.click()
    check_page(page, "staff-sitzung")
    page.goto(page.url + "/einladung")
    check_page(page, "staff-einladung")

    for path, name in (("statistik", "staff-statistik"), ("protokoll", "staff-aenderungen")):
        page.goto(f"{staff}/{path}")
        check_page(page, name)


def test_the_lead_offices_and_the_admins_pages_have_no_accessibility_violations(live_server, page):
    base = live_server.url
    _sign_in_with_the_keyboard(page, base, "lead@demo.example")
    page.goto(f"{base}/p/{SLUG}/staff/bescheide")
    check_page(page, "staff-bescheide")
    page.click("text=Bescheide im Stapel neu erzeugen")
    check_page(page, "staff-neu-erzeugen")
    page.check("#scope-all")
    with page.expect_navigation():
        page.click("text=Anzeigen, was sich ändern würde")
    check_page(page, "staff-neu-erzeugen-probelauf")
    assert page.get_by_role("cell", name="neuer Entwurf").count() >= 1
    for state, name in ((JobState.done, "fertig"), (JobState.running, "haengt")):
        job_id = _job(live_server.app, state)
        page.goto(f"{base}/p/{SLUG}/staff/auftraege/{job_id}")
        check_page(page, f"staff-auftrag-{name}")

    page.context.clear_cookies()
    _sign_in_with_the_keyboard(page, base, "admin@demo.example")
    page.goto(f"{base}/p/{SLUG}/staff/verwaltung/konten")
    check_page(page, "staff-konten")
    assert page.get_by_role("cell", name="kuf@demo.example", exact=True).count() == 1


def test_a_wrong_password_page_has_no_accessibility_violations(live_server, page):
    page.goto(f"{live_server.url}/anmelden")
    page.fill("#email", "niemand@demo.example")
    page.fill("#password", "falsch-falsch")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    check_page(page, "staff-anmeldung-fehler")
    assert page.locator("[role=alert]").count() == 1


def test_the_password_pages_have_no_accessibility_violations(live_server, page):
    # read-only as well: the refused new password changes nothing, the unknown address gets
    # no link, the invalid link opens nothing
    base = live_server.url
    _sign_in_with_the_keyboard(page, base, "ausschuss@demo.example")
    page.click("text=Passwort ändern")
    check_page(page, "staff-passwort-aendern")
    page.fill("#current", "demo-passwort-2026")
    page.fill("#new", "aaaaaaaaaaaa")
    page.fill("#repeat", "aaaaaaaaaaaa")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    check_page(page, "staff-passwort-aendern-fehler")
    assert page.locator("[role=alert]").count() == 1
    assert page.locator("#new[aria-invalid=true]").count() == 1

    page.context.clear_cookies()
    page.goto(f"{base}/anmelden")
    page.click("text=Passwort vergessen?")
    check_page(page, "staff-passwort-vergessen")
    page.fill("#email", "niemand@demo.example")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    check_page(page, "staff-passwort-vergessen-gesendet")
    page.goto(f"{base}/anmelden/passwort-neu/kein-gueltiger-link")
    check_page(page, "staff-passwort-link-ungueltig")
    assert page.locator("text=Dieser Link funktioniert nicht (mehr)").count() == 1


def test_the_templates_pages_have_no_accessibility_violations_and_work_by_keyboard(
    live_server, page, tmp_path
):
    # read-only too: the upload is refused (unknown placeholder), the preview stores nothing
    from tests.documents.template_edits import approval_saying

    base = live_server.url
    _sign_in_with_the_keyboard(page, base, "admin@demo.example")
    page.get_by_role("link", name="Vorlagen", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/staff/verwaltung/vorlagen")
    check_page(page, "staff-vorlagen")

    broken = tmp_path / "bescheid.docx"
    broken.write_bytes(approval_saying("Für {{ recipient.nmae }}."))
    page.focus("#template-kind")
    page.keyboard.press("ArrowDown")  # the first kind: Zuwendungsbescheid
    page.set_input_files("#template-file", str(broken))
    page.focus("main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, "staff-vorlagen-fehler")
    assert page.locator("[role=alert]").count() == 1
    assert page.locator("text=recipient.nmae").count() >= 1

    page.goto(f"{base}/p/{SLUG}/staff/verwaltung/vorlagen/approval/0")
    check_page(page, "staff-vorlage-vorschau")
    assert page.get_by_role("button", name="Für neue Dokumente verwenden").count() == 0


def _upcoming_session(app: Any) -> int:
    """The demo's session with its agenda set and nothing decided yet."""
    from sqlalchemy import select

    from service.models import Meeting

    with app.app_context():
        meetings = db.session().scalars(select(Meeting).order_by(Meeting.held_on)).all()
        return next(m.id for m in meetings if m.items and not any(i.decision for i in m.items))


def test_the_session_pages_of_issue_20_6_have_no_accessibility_violations(live_server, page):
    # read-only as well: the changed times are refused (end before start), the confirmation
    # pages are only looked at; the clock is pinned around the session's day and restored
    app = live_server.app
    base = live_server.url
    meeting_id = _upcoming_session(app)
    with app.app_context():
        from service.models import Meeting

        held_on = db.session().get(Meeting, meeting_id).held_on
    before = app.config.get("TODAY")
    _sign_in_with_the_keyboard(page, base, "kuf@demo.example")
    url = f"{base}/p/{SLUG}/staff/sitzungen/{meeting_id}"
    try:
        # the day before: no quorum verdict, the members expected
        app.config["TODAY"] = (held_on - timedelta(days=1)).isoformat()
        page.goto(url)
        check_page(page, "sitzung-bevorstehend")
        assert page.locator("text=Die Sitzung hat noch nicht stattgefunden.").count() == 1
        assert page.locator("text=Nicht beschlussfähig").count() == 0

        page.get_by_role("link", name="Datum, Uhrzeit oder Ort ändern").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        check_page(page, "sitzung-aendern")
        page.fill("#f-start_time", "18:00")
        page.fill("#f-end_time", "17:00")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        check_page(page, "sitzung-aendern-fehler")
        assert page.locator("#f-end_time[aria-invalid=true]").count() == 1
        assert page.locator("[role=alert]").count() == 1

        page.goto(f"{url}/absagen")
        check_page(page, "sitzung-absagen")
        page.goto(f"{url}/loeschen")
        check_page(page, "sitzung-loeschen")

        # on the day: the summary to confirm before the decisions are recorded
        app.config["TODAY"] = held_on.isoformat()
        page.goto(f"{url}/beschliessen")
        check_page(page, "sitzung-beschluesse-bestaetigen")
        assert page.get_by_role("button", name="Bestätigen: Beschlüsse festhalten").count() == 1
    finally:
        if before is None:
            app.config.pop("TODAY", None)
        else:
            app.config["TODAY"] = before
