"""``foerderwerk base-rates list|add`` (issue 19.3): the migrated table holds the shipped rows
with their source and unsure marks; a new half-year is added with its source and audited, a
wrong one refused in German with every reason (exit 1, nothing saved)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from service import db
from service.cli import cli
from service.domain.base_rates import shipped_base_rates
from service.models import AuditLog, BaseRateRow
from service.operations.base_rates import kept_base_rates
from tests.conftest import uow_on


def _invoke(app, *args: str):
    return app.test_cli_runner().invoke(cli, args=["base-rates", *args])


def test_the_migration_filled_the_table_with_the_shipped_rows(app):
    with app.app_context():
        kept = kept_base_rates(uow_on(db.session()))
    shipped = shipped_base_rates()
    assert [(r.start, r.rate, r.unsure) for r in kept.rates] == [
        (r.start, r.rate, r.unsure) for r in shipped.rates
    ]
    assert all(r.source == shipped.source for r in kept.rates)


def test_list_shows_every_row_in_german(app):
    app.config["TODAY"] = "2026-03-01"
    result = _invoke(app, "list")
    assert result.exit_code == 0, result.output
    assert "01.01.2026  1,27" in result.output
    assert "-0,88" in result.output
    assert "(unsicher)" in result.output
    assert "Deutsche Bundesbank" in result.output
    assert "fehlt" not in result.output


def test_list_says_when_the_current_half_year_is_missing(app):
    app.config["TODAY"] = "2026-07-02"
    result = _invoke(app, "list")
    assert result.exit_code == 0
    assert "Der Basiszinssatz ab 01.07.2026 fehlt" in result.output


def test_add_saves_the_new_half_year_with_its_source(app):
    app.config["TODAY"] = "2026-06-29"
    result = _invoke(
        app, "add", "--from", "01.07.2026", "--rate", "1,20", "--source", "Bundesanzeiger"
    )
    assert result.exit_code == 0, result.output
    assert "Basiszinssatz ab 01.07.2026: 1,20 Prozent" in result.output
    with app.app_context():
        session = db.session()
        row = session.scalars(
            select(BaseRateRow).where(BaseRateRow.starts_on == date(2026, 7, 1))
        ).one()
        assert (row.rate, row.source, row.unsure) == (Decimal("1.20"), "Bundesanzeiger", False)
        actions = session.scalars(select(AuditLog.action)).all()
    assert "base_rate.add" in actions


def test_a_wrong_entry_is_refused_with_every_reason_and_nothing_saved(app):
    app.config["TODAY"] = "2026-06-29"
    with app.app_context():
        before = db.session().scalar(select(func.count()).select_from(BaseRateRow))
    result = _invoke(app, "add", "--from", "2026-08-01", "--rate", "12,7", "--source", " ")
    assert result.exit_code == 1
    assert "nur zum 1. Januar und 1. Juli" in result.output
    assert "nicht plausibel" in result.output
    assert "Bitte nennen Sie die Quelle" in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(BaseRateRow)) == before
