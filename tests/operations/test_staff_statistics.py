"""Monitoring statistics and their exports (formula injection neutralised)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from service import db
from service.models import Partnership
from service.operations.statistics import (
    FundFigures,
    neutralise,
    partnership_figures,
    to_csv,
    to_xlsx,
)


def test_cells_that_would_run_as_formulas_become_text():
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise("+1") == "'+1"
    assert neutralise("-2") == "'-2"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("Demokratiefest") == "Demokratiefest"
    assert neutralise(5) == 5


def _evil() -> FundFigures:
    figures = FundFigures("=cmd|' /C calc'!A0", "Fonds", 2026, Decimal("1000.00"))
    figures.fields_of_action["=1+1"] = 2
    return figures


def test_the_csv_export_neutralises_formulas_and_uses_german_numbers():
    data = to_csv([_evil()]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))

    assert rows[0] == ["Fonds", "Jahr", "Kennzahl", "Schlüssel", "Wert"]
    assert all(row[0] == "'=cmd|' /C calc'!A0" for row in rows[1:])
    assert ["'=cmd|' /C calc'!A0", "2026", "Budget", "", "1000,00"] in rows
    assert any(row[3] == "'=1+1" for row in rows)


def test_the_xlsx_export_holds_no_formula():
    workbook = load_workbook(io.BytesIO(to_xlsx([_evil()])))
    sheet = workbook["Monitoring"]

    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "'=cmd|' /C calc'!A0" in values
    assert Decimal("1000.00") in [
        Decimal(str(v)) for v in values if isinstance(v, (int, float, Decimal))
    ]


def test_the_demo_figures_count_applications_fields_and_target_groups(demo_app):
    with demo_app.app_context():
        session = db.session()
        partnership = session.scalars(select(Partnership)).one()
        figures = {f.fund_key: f for f in partnership_figures(session, partnership, 2026)}

    aif = figures["AIF-2026"]
    assert aif.applications == 10  # eleven demo applications, one is a draft
    assert aif.by_state["approved"] == 3
    assert aif.approved_count == 3
    assert aif.approved_amount > 0
    assert sum(aif.fields_of_action.values()) >= aif.applications
    assert aif.participants_planned > 0


def test_payment_requests_and_reported_participants_are_counted(demo_app):
    from datetime import date

    from service.models import Application
    from service.models.reporting import PaymentRequest, UsageReport

    with demo_app.app_context():
        session = db.session()
        fest = session.scalars(
            select(Application).where(Application.title == "Demokratiefest am Elbufer")
        ).one()
        session.add(
            PaymentRequest(
                application=fest,
                amount=Decimal("250.00"),
                needed_on=date(2026, 5, 10),
                requested_on=date(2026, 5, 1),
                idempotency_key="stat-test-1",
            )
        )
        session.add(
            UsageReport(
                application=fest,
                submitted_on=date(2026, 8, 1),
                data={"narrative": {"participants_actual": 95}},
                result={},
                sha256="0" * 64,
                idempotency_key="stat-test-2",
            )
        )
        session.flush()
        partnership = session.scalars(select(Partnership)).one()
        figures = {f.fund_key: f for f in partnership_figures(session, partnership, 2026)}

    assert figures["AIF-2026"].paid_amount == Decimal("250.00")
    assert figures["AIF-2026"].participants_actual == 95
    assert figures["JF-2026"].participants_actual is None
