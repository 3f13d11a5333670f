"""The staff list of overdue usage-of-funds reports (issue 19.4): the coordination and lead
office see each overdue report with its due day, days overdue and whether the reminder went
out; a report not yet due or already submitted is not listed; an administrator or a committee
member does not get in."""

from __future__ import annotations

import re
from datetime import date

import pytest

from service import db
from service.cli import cli
from tests.reminder_support import granted

from .staff_support import ADMIN, COMMITTEE, KUF, LEAD, STAFF, log_in, text

PAGE = f"{STAFF}/nachweise-ueberfaellig"


@pytest.fixture
def app(demo_app, tmp_path):
    demo_app.config.update(TODAY="2026-08-20", MAIL_FOLDER=str(tmp_path / "mail"))
    with demo_app.app_context():
        session = db.session()
        # AIF: due 42 days after the period → 11.08.2026 and 01.08.2026; 12.09.2026 not yet
        granted(session, "AIF-2026-901", period_end=date(2026, 6, 30), title="Elbfest")
        granted(session, "AIF-2026-902", period_end=date(2026, 6, 20), email="")
        granted(session, "AIF-2026-903", period_end=date(2026, 8, 1), title="Spätsommer")
        session.commit()
    return demo_app


@pytest.mark.parametrize("email", [KUF, LEAD])
def test_the_offices_see_the_overdue_reports_longest_first(app, email):
    client = app.test_client()
    log_in(client, email)
    page = text(client.get(PAGE))
    assert "Überfällige Verwendungsnachweise" in page
    assert page.index("AIF-2026-902") < page.index("AIF-2026-901")
    assert "Elbfest" in page
    assert "11.08.2026" in page
    assert "Spätsommer" not in page
    assert "keine E-Mail-Adresse – bitte per Post schreiben" in page
    assert "noch nicht versandt" in page


def test_the_list_shows_when_the_reminder_went_out(app):
    assert app.test_cli_runner().invoke(cli, ["reminders", "send"]).exit_code == 0
    client = app.test_client()
    log_in(client, KUF)
    page = text(client.get(PAGE))
    # the moment it was sent (the real clock; "today" is pinned for the deadlines only)
    assert re.search(r"versandt am \d\d\.\d\d\.\d{4}, \d\d:\d\d", page)
    assert "noch nicht versandt" not in page


@pytest.mark.parametrize(("email", "status"), [(ADMIN, 403), (COMMITTEE, 404)])
def test_others_do_not_get_in(app, email, status):
    client = app.test_client()
    log_in(client, email)
    assert client.get(PAGE).status_code == status
