"""Monitoring figures per fund and year, as a page and as CSV/XLSX exports.

The programme's monitoring asks for applications, approved and paid amounts, fields of
action, target groups and participants. Every text cell of an export is neutralised against
formula injection: a cell starting with = + - @ or a tab/CR is prefixed with an apostrophe,
so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.states import ApplicationState, DecisionOutcome, NoticeState
from ..models import Application, Fund, Notice, Partnership
from ..models.reporting import PaymentRequest, UsageReport
from .funds import COMMITTING_STATES

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula becomes plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@dataclass
class FundFigures:
    fund_key: str
    fund_name: str
    year: int
    budget: Decimal
    applications: int = 0
    by_state: Counter[str] = field(default_factory=Counter)
    requested: Decimal = Decimal(0)
    approved_count: int = 0
    approved_amount: Decimal = Decimal(0)
    # grants in issued notices (latest version per number)
    granted_amount: Decimal = Decimal(0)
    # money called off by payment requests (Mittelabrufe); the lead office pays on request
    paid_amount: Decimal | None = None
    fields_of_action: Counter[str] = field(default_factory=Counter)
    target_groups: Counter[str] = field(default_factory=Counter)
    participants_planned: int = 0
    # from the submitted usage-of-funds reports (None until the first one comes in)
    participants_actual: int | None = None


def _latest_approved(application: Application) -> Decimal | None:
    approved = [d for d in application.decisions if d.outcome is DecisionOutcome.approved]
    return approved[-1].amount if approved else None


def fund_figures(session: Session, fund: Fund) -> FundFigures:
    rules = fund.guideline
    figures = FundFigures(fund.key, rules.fund_name, rules.year, rules.budget)
    applications = session.scalars(
        select(Application).where(
            Application.fund_id == fund.id, Application.state != ApplicationState.draft
        )
    )
    for application in applications:
        figures.applications += 1
        figures.by_state[application.state.value] += 1
        figures.requested += application.requested or Decimal(0)
        figures.fields_of_action.update(application.fields_of_action or [])
        figures.target_groups.update(application.target_groups or [])
        if application.state in COMMITTING_STATES:
            amount = _latest_approved(application)
            if amount is not None:
                figures.approved_count += 1
                figures.approved_amount += amount
                figures.participants_planned += application.participants_planned or 0
    latest: dict[str, Notice] = {}
    for notice in session.scalars(
        select(Notice).where(Notice.fund_id == fund.id, Notice.state == NoticeState.issued)
    ):
        if notice.number not in latest or notice.version > latest[notice.number].version:
            latest[notice.number] = notice
    called_off = session.scalars(
        select(PaymentRequest.amount)
        .join(Application, Application.id == PaymentRequest.application_id)
        .where(Application.fund_id == fund.id)
    ).all()
    figures.paid_amount = sum(called_off, Decimal(0))
    reports = session.scalars(
        select(UsageReport.data)
        .join(Application, Application.id == UsageReport.application_id)
        .where(Application.fund_id == fund.id)
    ).all()
    actual = [
        (data.get("narrative") or {}).get("participants_actual")
        for data in reports
        if isinstance(data, dict)
    ]
    counted = [value for value in actual if isinstance(value, int)]
    figures.participants_actual = sum(counted) if counted else None
    figures.granted_amount = sum(
        (n.amount or Decimal(0) for n in latest.values() if n.kind.value != "ablehnung"),
        Decimal(0),
    )
    return figures


def partnership_figures(
    session: Session, partnership: Partnership, year: int | None = None
) -> list[FundFigures]:
    result = []
    for fund in partnership.funds:
        if fund.current_guideline is None:
            continue
        if year is not None and fund.guideline.year != year:
            continue
        result.append(fund_figures(session, fund))
    return result


# German column heads of the exports: the monitoring's wording, fixed in every locale
HEADER = ("Fonds", "Jahr", "Kennzahl", "Schlüssel", "Wert")


def rows(figures: list[FundFigures]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for f in figures:
        base = (f.fund_key, f.year)
        out += [
            (*base, "Budget", "", f.budget),
            (*base, "Anträge (eingereicht)", "", f.applications),
            (*base, "Beantragte Zuwendungen", "", f.requested),
            (*base, "Bewilligte Anträge (Ausschuss)", "", f.approved_count),
            (*base, "Bewilligte Summe (Ausschuss)", "", f.approved_amount),
            (*base, "Zuwendungen laut Bescheid", "", f.granted_amount),
            (
                *base,
                "Abgerufen (Mittelabrufe)",
                "",
                f.paid_amount if f.paid_amount is not None else "",
            ),
            (*base, "Teilnehmende geplant (bewilligt)", "", f.participants_planned),
            (
                *base,
                "Teilnehmende tatsächlich",
                "",
                f.participants_actual if f.participants_actual is not None else "",
            ),
        ]
        out += [(*base, "Anträge nach Stand", k, v) for k, v in sorted(f.by_state.items())]
        out += [(*base, "Handlungsfeld", k, v) for k, v in sorted(f.fields_of_action.items())]
        out += [(*base, "Zielgruppe", k, v) for k, v in sorted(f.target_groups.items())]
    return out


def _cell_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    return str(neutralise(value) if isinstance(value, str) else value)


def to_csv(figures: list[FundFigures]) -> bytes:
    """Semicolon-separated, UTF-8 with BOM: what German spreadsheet programs open directly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(figures):
        writer.writerow([_cell_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(figures: list[FundFigures]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Monitoring"
    sheet.append(list(HEADER))
    for row in rows(figures):
        cells: list[Any] = []
        for value in row:
            if isinstance(value, Decimal):
                cells.append(value)
            elif isinstance(value, str):
                cells.append(neutralise(value))
            else:
                cells.append(value)
        sheet.append(cells)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, str):
                # never a formula, whatever the text looks like
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
