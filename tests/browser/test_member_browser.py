"""A committee member's pages in a real browser (issue 20.2/20.3): zero axe-core violations
on the agenda and on an application, and a conflict of interest declared by keyboard only.
Works on a session of its own (far from the demo's), so the shared demo stays as it is."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from service import db
from service.models import (
    AgendaItem,
    Application,
    Committee,
    CommitteeBody,
    Meeting,
    MeetingMode,
    StaffUser,
)

from .conftest import check_page
from .test_staff_browser import _sign_in_with_the_keyboard

MEMBER = "ausschuss@demo.example"


def _session_for_the_member(app: Any) -> tuple[int, int]:
    with app.app_context():
        session = db.session()
        committee = session.scalars(
            select(Committee).where(Committee.body == CommitteeBody.begleitausschuss)
        ).first()
        application = session.scalars(
            select(Application).where(Application.title.startswith("Kommunalpolitik"))
        ).one()
        meeting = Meeting(
            committee=committee,
            held_on=date(2026, 12, 8),
            mode=MeetingMode.session,
            place="Rathaus Lübtheen",
        )
        session.add(meeting)
        session.add(AgendaItem(meeting=meeting, application=application, position=0))
        account = session.scalars(select(StaffUser).where(StaffUser.email == MEMBER)).one()
        committee.members_on(meeting.held_on)[0].member.staff_user_id = account.id
        session.commit()
        return meeting.id, application.id


def test_the_member_agenda_is_accessible_and_a_conflict_is_declared_by_keyboard(live_server, page):
    meeting_id, application_id = _session_for_the_member(live_server.app)
    base = live_server.url
    _sign_in_with_the_keyboard(page, base, MEMBER)
    assert page.url.endswith("/staff/gremium/")
    check_page(page, "gremium-sitzungen")

    page.get_by_role("link", name="08.12.2026").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, "gremium-sitzung")

    page.get_by_label("Befangenheit: Grund").focus()
    page.keyboard.type("Ich bin im Vorstand des Trägers.")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, "gremium-sitzung-befangen")
    assert page.locator("text=Ihre Befangenheit ist festgehalten.").count() == 1
    assert page.get_by_role("button", name="Befangenheit zurücknehmen").count() == 1

    page.get_by_role("link", name="Kommunalpolitik zum Anfassen").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/gremium/sitzungen/{meeting_id}/antraege/{application_id}")
    check_page(page, "gremium-antrag")
