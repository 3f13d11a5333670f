"""Issue 20's acceptance in a real browser (items 3–5): the coordination office starts two
written votes online; two members sign in – one declares a conflict of interest, both vote by
keyboard; in the first written vote one of seven objects → nothing decided; in the second five
vote yes → approved; the minutes are produced and the chair approves them. Zero axe-core
violations on every member page. Screenshots: FOERDERWERK_SCREENSHOTS=docs/samples/committee.

The other members' votes go through the same operation the member page calls
(service/operations/written_votes.cast), so the browser part stays at two members."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from service import db
from service.cli.uow import command_uow
from service.models import AgendaItem, CommitteeMember, Document, Meeting, VoteChoice
from service.operations import written_votes
from tests.written_vote_support import WrittenVote, written_vote

from .conftest import SCREENSHOTS, check_page
from .test_staff_browser import _sign_in_with_the_keyboard

SLUG = "boizenburg-luebtheen"
DAY = date(2026, 2, 20)  # the live server's "today"
DEADLINE = "2026-03-06"


def _new_page(chromium: Any) -> Any:
    context = chromium.new_context(locale="de-DE", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    return page


def _by_operation(app: Any, wv: WrittenVote, name: str, choice: str | None) -> None:
    """A member's vote (``choice``) or objection (None), as the member page records it."""
    with app.app_context(), command_uow() as uow:
        meeting = uow.session.get(Meeting, wv.meeting)
        member = uow.session.get(CommitteeMember, wv.members[name][0])
        written_votes.cast(
            uow,
            meeting,
            member,
            choices={} if choice is None else {wv.items[0]: VoteChoice(choice)},
            objected=choice is None,
        )


def _start_by_keyboard(page: Any, base: str, wv: WrittenVote, shot: str) -> None:
    page.goto(f"{base}/p/{SLUG}/staff/sitzungen/{wv.meeting}")
    page.get_by_label("Frist (Stimmen werden bis einschließlich zu diesem Tag angenommen)").fill(
        DEADLINE
    )
    page.get_by_role("button", name="Umlaufverfahren starten").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, shot)
    assert page.locator("text=Das Umlaufverfahren ist gestartet").count() == 1


def _member(page: Any, base: str, wv: WrittenVote) -> None:
    page.goto(f"{base}/p/{SLUG}/staff/gremium/sitzungen/{wv.meeting}")


def _decision(app: Any, wv: WrittenVote) -> str:
    with app.app_context():
        item = db.session().get(AgendaItem, wv.items[0])
        return item.decision.outcome.value if item.decision else ""


def _minutes_text(page: Any, base: str, app: Any, wv: WrittenVote, name: str) -> str:
    """The text of the newest minutes PDF (kept as ``name``.pdf beside the screenshots)."""
    with app.app_context():
        document = (
            db.session()
            .scalars(
                select(Document)
                .where(Document.meeting_id == wv.meeting, Document.kind == "minutes")
                .order_by(Document.version.desc())
            )
            .first()
        )
        document_id = document.id
    response = page.request.get(f"{base}/p/{SLUG}/staff/dokumente/{document_id}")
    assert response.status == 200
    if SCREENSHOTS:
        Path(SCREENSHOTS, f"{name}.pdf").write_bytes(response.body())
    reader = PdfReader(io.BytesIO(response.body()))
    return "".join(p.extract_text() for p in reader.pages)


def test_two_written_votes_the_minutes_and_their_approval(live_server, page, chromium):
    app, base = live_server.app, live_server.url
    objected = written_vote(app, DAY)
    approved = written_vote(app, DAY)
    anna_email = objected.members["Anna Beispiel"][1]  # chair
    clara_email = objected.members["Clara Platzhalter"][1]

    # the coordination office starts both written votes
    _sign_in_with_the_keyboard(page, base, "kuf@demo.example")
    _start_by_keyboard(page, base, objected, "umlauf-gestartet")
    _start_by_keyboard(page, base, approved, "umlauf-gestartet-2")

    # Clara: objects to the first; declares a conflict of interest in the second
    clara = _new_page(chromium)
    _sign_in_with_the_keyboard(clara, base, clara_email)
    assert clara.url.endswith("/staff/gremium/")
    check_page(clara, "gremium-meine-sitzungen")
    _member(clara, base, objected)
    check_page(clara, "umlauf-offen")
    clara.get_by_role("button", name="Dem Umlaufverfahren widersprechen").focus()
    with clara.expect_navigation():
        clara.keyboard.press("Enter")
    check_page(clara, "umlauf-widersprochen")
    assert clara.locator("text=Ihr Widerspruch ist festgehalten.").count() == 1
    _member(clara, base, approved)
    clara.get_by_label("Befangenheit: Grund").focus()
    clara.keyboard.type("Ich bin im Vorstand des Trägers.")
    clara.keyboard.press("Tab")
    with clara.expect_navigation():
        clara.keyboard.press("Enter")
    check_page(clara, "umlauf-befangen")
    assert clara.locator("text=Ihre Befangenheit ist festgehalten.").count() == 1
    assert clara.locator(
        "text=Sie haben Befangenheit erklärt und stimmen darüber nicht ab."
    ).count()
    assert clara.get_by_role("button", name="Stimme abgeben").count() == 0

    # Anna votes yes in both, by keyboard
    anna = _new_page(chromium)
    _sign_in_with_the_keyboard(anna, base, anna_email)
    for wv, shot in ((objected, "umlauf-abgestimmt"), (approved, "umlauf-abgestimmt-2")):
        _member(anna, base, wv)
        anna.get_by_role("radio", name="Ja").focus()
        anna.keyboard.press("Space")
        anna.keyboard.press("Tab")
        with anna.expect_navigation():
            anna.keyboard.press("Enter")
        check_page(anna, shot)
        assert anna.locator("text=Ihre Stimme ist festgehalten.").count() == 1
        assert anna.get_by_role("radio", name="Ja").is_checked()

    # the other members of the seven
    for name in ("Ben Muster", "David Exempel", "Erika Mustermann", "Felix Vorlage"):
        _by_operation(app, objected, name, "yes")
    assert _decision(app, objected) == ""
    _by_operation(app, objected, "Greta Probe", "yes")
    assert _decision(app, objected) == "not-decided"  # one objection of seven
    for name in ("Ben Muster", "David Exempel", "Felix Vorlage"):
        _by_operation(app, approved, name, "yes")
    _by_operation(app, approved, "Erika Mustermann", "no")
    assert _decision(app, approved) == ""
    _by_operation(app, approved, "Greta Probe", "yes")  # the fifth yes; Clara is conflicted
    assert _decision(app, approved) == "approved"

    _member(anna, base, objected)
    check_page(anna, "umlauf-abgeschlossen-nicht-beschlossen")
    assert anna.locator("#umlauf >> text=Nicht beschlossen").count() == 1
    _member(anna, base, approved)
    check_page(anna, "umlauf-abgeschlossen-bewilligt")

    # the coordination office produces the minutes: drafts
    for wv in (objected, approved):
        page.goto(f"{base}/p/{SLUG}/staff/sitzungen/{wv.meeting}")
        page.get_by_role("button", name="Protokoll erzeugen").focus()
        with page.expect_navigation(timeout=120000):
            page.keyboard.press("Enter")
    check_page(page, "umlauf-protokoll-erstellt")
    draft = _minutes_text(anna, base, app, objected, "protokoll-umlauf-widerspruch-entwurf")
    assert "ENTWURF" in draft
    assert "Dem Umlaufverfahren wurde widersprochen" in draft
    assert "Clara Platzhalter" in draft
    assert "Anna Beispiel: Ja" in draft

    # the chair approves the minutes of the second
    _member(anna, base, approved)
    check_page(anna, "protokoll-entwurf")
    assert anna.locator("text=Entwurf: Der Vorsitz hat das Protokoll noch nicht genehmigt.").count()
    anna.get_by_role("button", name="Protokoll genehmigen").focus()
    with anna.expect_navigation(timeout=120000):
        anna.keyboard.press("Enter")
    check_page(anna, "protokoll-genehmigt")
    assert anna.locator("text=Sie haben das Protokoll genehmigt.").count() == 1
    assert anna.locator("text=durch Anna Beispiel").count() == 1
    minutes = _minutes_text(anna, base, app, approved, "protokoll-umlauf-genehmigt")
    assert "ENTWURF" not in minutes
    assert "Genehmigt am" in minutes
    assert "Bewilligung beschlossen" in minutes
    # Clara is no chair: no button; the application page of her agenda has no violations
    _member(clara, base, approved)
    assert clara.get_by_role("button", name="Protokoll genehmigen").count() == 0
    with app.app_context():
        title = db.session().get(AgendaItem, approved.items[0]).application.title
    clara.get_by_role("link", name=title).first.focus()
    with clara.expect_navigation():
        clara.keyboard.press("Enter")
    check_page(clara, "gremium-antrag")
    for other in (clara, anna):
        other.context.close()
