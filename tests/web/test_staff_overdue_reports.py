"""The staff list of overdue usage-of-funds reports and open refunds (issue 19.4): the
coordination and lead office see each overdue report with its due day, days overdue and
whether the reminder went out, and each refund not yet received in full with its due day, the
amount open, days overdue and the reminders sent; a report not yet due or already submitted
and a settled refund are not listed; an administrator or a committee member does not get
in."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from service import db
from service.cli import cli
from service.models import RefundReceipt, ReportReview
from tests.refund_support import refund_due
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
        # refunds: 33,45 € of 83,45 € open since 01.08.; due in ten days; received in full
        late = refund_due(
            session, "AIF-2026-911", due_on=date(2026, 8, 1), issued_on=date(2026, 7, 1)
        )
        refund_due(session, "AIF-2026-912", due_on=date(2026, 8, 30), issued_on=date(2026, 7, 30))
        paid = refund_due(
            session, "AIF-2026-913", due_on=date(2026, 8, 1), issued_on=date(2026, 7, 1)
        )
        rows = {
            row.application_id: row
            for row in session.scalars(
                select(ReportReview).where(ReportReview.application_id.in_([late.id, paid.id]))
            )
        }
        session.add(
            RefundReceipt(
                application_id=late.id,
                report_review_id=rows[late.id].id,
                amount=Decimal("50.00"),
                received_on=date(2026, 8, 5),
                idempotency_key="late-50",
            )
        )
        rows[paid.id].settled_on = date(2026, 7, 20)
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


@pytest.mark.parametrize("email", [KUF, LEAD])
def test_the_offices_see_the_open_refunds(app, email):
    client = app.test_client()
    log_in(client, email)
    page = text(client.get(PAGE))
    refunds = page[page.index("Offene Rückforderungen") :]
    assert refunds.index("AIF-2026-911") < refunds.index("AIF-2026-912")
    assert "AIF-2026-913" not in page
    assert "01.08.2026 33,45 € (von 83,45 €) 19 " in refunds  # due, open of total, days
    assert "noch nicht fällig" in refunds
    html = client.get(PAGE).get_data(as_text=True)
    assert "/verwendungsnachweise/" in html
    assert "#zahlungseingang" in html


def test_the_list_shows_when_the_reminder_went_out(app):
    assert app.test_cli_runner().invoke(cli, ["reminders", "send"]).exit_code == 0
    client = app.test_client()
    log_in(client, KUF)
    page = text(client.get(PAGE))
    # the moment it was sent (the real clock; "today" is pinned for the deadlines only)
    assert re.search(r"versandt am \d\d\.\d\d\.\d{4}, \d\d:\d\d", page)
    assert "noch nicht versandt" not in page
    refunds = page[page.index("Offene Rückforderungen") :]
    assert re.search(r"AIF-2026-911 .* Erinnerung nach Fälligkeit versandt am \d\d\.", refunds)
    assert re.search(r"AIF-2026-912 .* Erinnerung vor Fälligkeit versandt am \d\d\.", refunds)


@pytest.mark.parametrize(("email", "status"), [(ADMIN, 403), (COMMITTEE, 404)])
def test_others_do_not_get_in(app, email, status):
    client = app.test_client()
    log_in(client, email)
    assert client.get(PAGE).status_code == status
