"""The public start page."""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date

from service import create_app, db
from service.demo import STORY_DAY
from service.operations.demo import load_demo
from service.operations.funds import list_partnerships


def test_the_start_page_speaks_german(app):
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert 'lang="de"' in response.get_data(as_text=True)


def test_the_start_page_shows_the_demo_partnership_and_its_two_funds(demo_app):
    # the day the test database's demo is loaded for (a later year hides its past funds)
    demo_app.config["TODAY"] = STORY_DAY.isoformat()
    page = demo_app.test_client().get("/").get_data(as_text=True)
    assert "Partnerschaft für Demokratie Boizenburg/Elbe – Lübtheen" in page
    assert "Aktions- und Initiativfonds 2026" in page
    assert "Jugendfonds 2026" in page
    assert "Stadt Boizenburg/Elbe" in page
    # money in German notation
    assert "5.000,00\xa0€" in page


def test_the_start_page_answers_with_security_headers(app):
    response = app.test_client().get("/")
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_page_answers_a_german_404(app):
    response = app.test_client().get("/gibt-es-nicht")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)


def _pinned_start_page(demo_app, monkeypatch, day: str) -> str:
    """The start page of an app started with FOERDERWERK_TODAY=day on the demo database."""
    monkeypatch.setenv("FOERDERWERK_TODAY", day)
    keep = ("TESTING", "SECRET_KEY", "DATABASE_URL", "STORAGE_PATH")
    pinned = create_app({key: demo_app.config[key] for key in keep})
    try:
        return pinned.test_client().get("/").get_data(as_text=True)
    finally:
        with pinned.app_context():
            db.engine().dispose()


def test_the_start_page_shows_the_next_session_as_on_the_pinned_date(demo_app, monkeypatch):
    # the fund's sessions: 10 March, 12 May, 8 September 2026 (14 days' lead)
    february = _pinned_start_page(demo_app, monkeypatch, "2026-02-20")
    assert "10. März 2026" in february
    assert "24. Februar 2026" in february  # apply by

    december = _pinned_start_page(demo_app, monkeypatch, "2026-12-01")
    assert "10. März 2026" not in december
    assert "In diesem Jahr ist keine weitere Sitzung geplant." in december


# a day of each stretch of the year: before the first session, between the spring and the
# autumn sessions, the gap before the November sessions, after the last, and a leap day
ANY_DAY = ["2026-01-02", "2026-06-30", "2026-10-31", "2026-12-04", "2027-03-01", "2028-02-29"]


@pytest.mark.parametrize("day", ANY_DAY)
def test_on_any_day_the_demo_start_page_offers_a_fund_with_a_session_ahead(app, day):
    today = date.fromisoformat(day)
    app.config["TODAY"] = day  # what FOERDERWERK_TODAY becomes
    with app.app_context():
        load_demo(db.session(), today)
        db.session().commit()
        offered = [
            overview
            for partnership in list_partnerships(db.session(), today)
            for overview in partnership.funds
        ]

    page = app.test_client().get("/").get_data(as_text=True)

    ahead = [fund for fund in offered if fund.next_session is not None]
    assert ahead, day
    for fund in ahead:
        assert fund.submission_deadline >= today
        deadline = format_date(fund.submission_deadline, format="long", locale="de")
        assert f"Antrag bis {deadline} einreichen" in page
    assert f"Aktions- und Initiativfonds {today.year}" in page
    # no fund of a past year that offers nothing any more
    assert f"Aktions- und Initiativfonds {today.year - 1}" not in page
    if today.month >= 11:
        assert f"Aktions- und Initiativfonds {today.year + 1}" in page
