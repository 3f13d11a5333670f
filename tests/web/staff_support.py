"""Helpers for the back-office tests: sign in as a demo account, read CSRF tokens."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from service.operations.staff import DEMO_PASSWORD

SLUG = "boizenburg-luebtheen"
KUF = "kuf@demo.example"
LEAD = "lead@demo.example"
COMMITTEE = "ausschuss@demo.example"
ADMIN = "admin@demo.example"
STAFF = f"/p/{SLUG}/staff"

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: FlaskClient, url: str = "/anmelden") -> str:
    page = client.get(url)
    found = _TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {url} ({page.status_code})"
    return found.group(1)


def log_in(client: FlaskClient, email: str, password: str = DEMO_PASSWORD) -> None:
    response = client.post(
        "/anmelden",
        data={"email": email, "password": password, "csrf_token": csrf(client)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def post(client: FlaskClient, url: str, data: dict[str, object], page: str | None = None):
    """POST a form with the CSRF token of ``page`` (default: the staff start page)."""
    token = csrf(client, page or f"{STAFF}/sitzungen")
    return client.post(url, data={**data, "csrf_token": token})


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def seat_account(app, email: str, meeting_id: int, index: int = 0) -> int:
    """Link the staff account ``email`` to the ``index``-th member seated in the meeting's
    committee on its day (issue 20: a member account reaches only its own sessions).
    Returns the committee member's id."""
    from sqlalchemy import select

    from service import db
    from service.models import Meeting, StaffUser

    with app.app_context():
        session = db.session()
        meeting = session.get(Meeting, meeting_id)
        account = session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        member = meeting.committee.members_on(meeting.held_on)[index].member
        member.staff_user_id = account.id
        session.commit()
        return member.id


def add_draft_notice(app) -> None:
    """A draft approval for one of the demo's submitted applications – what a new approval
    template would change when the drafts are rendered again."""
    from decimal import Decimal

    from sqlalchemy import select

    from service import db
    from service.domain.states import ApplicationState, NoticeKind, NoticeState
    from service.models import Application, Notice

    with app.app_context():
        session = db.session()
        application = session.scalars(
            select(Application)
            .where(Application.state != ApplicationState.draft)
            .order_by(Application.id)
        ).first()
        assert application is not None
        session.add(
            Notice(
                fund_id=application.fund_id,
                application=application,
                number=f"{application.reference}-E",
                kind=NoticeKind.zuwendung,
                state=NoticeState.draft,
                amount=Decimal("500.00"),
            )
        )
        session.commit()


_VERSION = re.compile(r'name="version" value="([^"]+)"')


def record_decisions(client: FlaskClient, meeting_url: str):
    """ "Record the decisions" as a person does it (issue 20.6): the summary page first, then
    its confirmation with the fingerprint of the records it showed."""
    summary = client.get(f"{meeting_url}/beschliessen")
    assert summary.status_code == 200, summary.status_code
    body = summary.get_data(as_text=True)
    token = _TOKEN.search(body)
    version = _VERSION.search(body)
    assert token, "the summary page has no form"
    assert version, "the summary page has no confirmation with the records' fingerprint"
    return client.post(
        f"{meeting_url}/beschliessen",
        data={"confirmed": "1", "version": version.group(1), "csrf_token": token.group(1)},
    )
