"""The base rate page /p/<slug>/staff/verwaltung/basiszinssatz (issue 19.3): the administrator
sees the table with sources and unsure marks and adds a new half-year; wrong entries are named
at their fields in German and nothing is saved; the table the refund interest uses is the kept
one; other roles do not get in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from service import db
from service.models import AuditLog, BaseRateRow
from service.operations.base_rates import kept_base_rates
from tests.conftest import uow_on

from .staff_support import ADMIN, COMMITTEE, KUF, LEAD, STAFF, csrf, log_in, text

PAGE = f"{STAFF}/verwaltung/basiszinssatz"


@pytest.fixture
def app(demo_app):
    demo_app.config["TODAY"] = "2026-06-28"
    return demo_app


def add(client, **fields: str):
    return client.post(PAGE, data={"csrf_token": csrf(client, PAGE), **fields})


def test_the_administrator_sees_the_table_with_sources_and_unsure_marks(app):
    client = app.test_client()
    log_in(client, ADMIN)
    page = text(client.get(PAGE))
    assert "Basiszinssatz" in page
    assert "01.01.2026" in page
    assert "1,27 %" in page
    assert "6,27 %" in page  # five points above: the interest rate of a refund
    assert "Deutsche Bundesbank" in page
    assert "unsicher – ohne zweite Quelle ausgeliefert" in page
    assert "2026-01-01" not in page.replace('value="2026-07-01"', "")


def test_a_new_half_year_is_saved_audited_and_used_for_interest(app):
    client = app.test_client()
    log_in(client, ADMIN)
    answer = add(
        client, **{"from": "2026-07-01", "rate": "1,20", "source": "Bundesbank, 27.06.2026"}
    )
    assert answer.status_code == 302
    page = text(client.get(PAGE))
    assert "Der Basiszinssatz ab 01.07.2026 (1,20 Prozent) ist gespeichert." in page
    assert "Bundesbank, 27.06.2026" in page
    with app.app_context():
        session = db.session()
        row = session.scalars(
            select(BaseRateRow).where(BaseRateRow.starts_on == date(2026, 7, 1))
        ).one()
        assert row.rate == Decimal("1.20")
        assert row.entered_by
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "base_rate.add")).one()
        assert entry.details["rate"] == "1.20"
        table = kept_base_rates(uow_on(session))
    assert table.rate_on(date(2026, 7, 2)) == Decimal("1.20")
    assert table.rate_on(date(2026, 6, 30)) == Decimal("1.27")


def test_wrong_entries_are_named_at_their_fields_and_nothing_is_saved(app):
    client = app.test_client()
    log_in(client, ADMIN)
    with app.app_context():
        before = len(db.session().scalars(select(BaseRateRow)).all())

    answer = add(client, **{"from": "2026-08-01", "rate": "127", "source": ""})
    assert answer.status_code == 422
    page = text(answer)
    assert "Bitte korrigieren Sie Ihre Eingabe" in page
    assert "nur zum 1. Januar und 1. Juli" in page
    assert "nicht plausibel" in page
    assert "Bitte nennen Sie die Quelle" in page
    assert 'aria-invalid="true"' in answer.get_data(as_text=True)

    again = add(client, **{"from": "2026-01-01", "rate": "1,27", "source": "x"})
    assert "enthält bereits einen Basiszinssatz ab 01.01.2026" in text(again)
    later = add(client, **{"from": "2027-01-01", "rate": "1,27", "source": "x"})
    assert "noch nicht veröffentlicht" in text(later)
    places = add(client, **{"from": "2026-07-01", "rate": "1,275", "source": "x"})
    assert "zwei Nachkommastellen" in text(places)
    with app.app_context():
        assert len(db.session().scalars(select(BaseRateRow)).all()) == before


@pytest.mark.parametrize(("email", "status"), [(KUF, 403), (LEAD, 403), (COMMITTEE, 404)])
def test_only_the_administrator_gets_in(app, email, status):
    client = app.test_client()
    log_in(client, email)
    assert client.get(PAGE).status_code == status
