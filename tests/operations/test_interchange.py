"""Stored applications speak the interchange shape: what goes in comes out unchanged."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from service.domain.check import check_application
from service.domain.messages import PlainLocalizer
from service.models import Application, CostLine, Fund, Partnership
from service.operations.interchange import (
    InterchangeError,
    application_from_interchange,
    application_to_interchange,
    canonical_json,
    fill_from_interchange,
    freeze_submission,
)
from tests.conftest import FIXTURES, make_fund

# on PostgreSQL too (tests/conftest.py): money, quantities and dates round-trip the columns
pytestmark = pytest.mark.db_semantics
# any date: every fixture states its date of receipt
TODAY = date(2026, 3, 1)

EXAMPLE: dict[str, Any] = json.loads(
    (FIXTURES / "application-aif.json").read_text(encoding="utf-8")
)


def _with_default_offers(data: dict[str, Any]) -> dict[str, Any]:
    expected = copy.deepcopy(data)
    for line in expected["costs"]:
        line.setdefault("offers", 0)
    return expected


def test_the_example_application_comes_back_unchanged_after_storing(
    db_engine: Engine, db_session: Session, fund: Fund
):
    application = application_from_interchange(db_session, fund.partnership, fund, EXAMPLE)
    db_session.commit()

    with Session(db_engine) as session:
        stored = session.get_one(Application, application.id)
        assert application_to_interchange(stored) == _with_default_offers(EXAMPLE)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: None,
        lambda d: d["financing"].update(requested="700.00"),  # unbalanced
        lambda d: d["applicant"].update(iban="DE02120300000000202052", email="kein-at"),
        lambda d: d["declarations"].update(publicity=False),
    ],
)
def test_a_stored_application_gets_the_same_check_result_as_its_json(
    db_session: Session, fund: Fund, change
):
    data = copy.deepcopy(EXAMPLE)
    change(data)
    application = application_from_interchange(db_session, fund.partnership, fund, data)
    db_session.commit()
    db_session.expire_all()

    stored = check_application(application_to_interchange(application), fund.guideline, today=TODAY)
    original = check_application(data, fund.guideline, today=TODAY)

    assert stored.to_json(PlainLocalizer()) == original.to_json(PlainLocalizer())


def test_quantities_and_unit_prices_keep_the_places_people_wrote(db_session: Session, fund: Fund):
    data = copy.deepcopy(EXAMPLE)
    data["costs"] = [
        {"category": "reisekosten", "description": "Fahrt zum Workshop", "quantity": "123.5",
         "unit": "km", "unit_price": "0.1975", "amount": "24.39", "offers": 0},
        {"category": "honorare", "description": "Moderation", "quantity": "2",
         "unit": "Tag", "unit_price": "250", "amount": "500.00", "offers": 0},
    ]  # fmt: skip
    application = application_from_interchange(db_session, fund.partnership, fund, data)
    db_session.commit()
    db_session.expire_all()

    costs = application_to_interchange(application)["costs"]
    assert [(c["quantity"], c["unit_price"], c["amount"]) for c in costs] == [
        ("123.5", "0.1975", "24.39"),
        ("2", "250.00", "500.00"),
    ]


def test_an_empty_draft_gives_nulls_and_no_date_of_receipt(db_session: Session, fund: Fund):
    draft = Application(fund=fund)
    draft.cost_lines.append(CostLine(category="miete"))
    db_session.add(draft)
    db_session.flush()

    data = application_to_interchange(draft)

    assert "submitted_on" not in data
    assert data["applicant"]["birth_date"] is None
    assert data["applicant"]["adult_contact"] is None
    assert data["project"]["start"] is None
    assert data["costs"] == [{"category": "miete", "description": "", "amount": None, "offers": 0}]
    assert data["financing"] == {
        "own_funds": None,
        "third_party": [],
        "revenue": None,
        "requested": None,
    }
    assert set(data["declarations"].values()) == {False}


def test_a_draft_stored_without_a_date_of_receipt_reads_back_without_one(
    db_session: Session, fund: Fund
):
    data = copy.deepcopy(EXAMPLE)
    del data["submitted_on"]

    application = application_from_interchange(db_session, fund.partnership, fund, data)

    assert application.submitted_on is None
    assert "submitted_on" not in application_to_interchange(application)


def test_a_youth_applicant_keeps_birth_date_and_adult_contact(db_session: Session, fund: Fund):
    data = copy.deepcopy(EXAMPLE)
    data["applicant"]["birth_date"] = "2010-05-02"
    data["applicant"]["adult_contact"] = {
        "name": "Petra Muster",
        "email": "petra@muster.example",
        "phone": None,
    }

    application = application_from_interchange(db_session, fund.partnership, fund, data)

    applicant = application_to_interchange(application)["applicant"]
    assert applicant["birth_date"] == "2010-05-02"
    assert applicant["adult_contact"] == data["applicant"]["adult_contact"]


def test_new_content_replaces_cost_lines_and_third_party_rows_completely(
    db_session: Session, fund: Fund
):
    application = application_from_interchange(db_session, fund.partnership, fund, EXAMPLE)
    db_session.commit()
    smaller = copy.deepcopy(EXAMPLE)
    smaller["costs"] = smaller["costs"][:1]
    smaller["financing"]["third_party"] = []

    fill_from_interchange(application, smaller)
    db_session.commit()

    assert len(application.cost_lines) == 1
    assert db_session.scalar(select(func.count()).select_from(CostLine)) == 1
    assert application_to_interchange(application)["financing"]["third_party"] == []


def test_new_content_keeps_the_date_of_receipt_of_the_process(db_session: Session, fund: Fund):
    application = application_from_interchange(db_session, fund.partnership, fund, EXAMPLE)
    answer = copy.deepcopy(EXAMPLE)
    answer["submitted_on"] = "2026-03-01"

    fill_from_interchange(application, answer)

    assert application.submitted_on is not None
    assert application.submitted_on.isoformat() == EXAMPLE["submitted_on"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["project"].update(motto="Mitmachen!"), "project"),
        (lambda d: d["costs"][0].update(amount="480.001"), "costs[0].amount"),
        (lambda d: d["project"].update(fields_of_action=["sport"]), "project.fields_of_action"),
        (lambda d: d.update(fund="JF-2026"), "fund"),
    ],
)
def test_unreadable_input_is_refused_naming_the_field(
    db_session: Session, fund: Fund, change, field
):
    data = copy.deepcopy(EXAMPLE)
    change(data)

    with pytest.raises(InterchangeError) as raised:
        application_from_interchange(db_session, fund.partnership, fund, data)

    assert {f.code for f in raised.value.findings} == {"input.invalid"}
    assert any(f.field.startswith(field) for f in raised.value.findings)
    assert db_session.scalar(select(func.count()).select_from(Application)) == 0


def test_a_fund_of_another_partnership_is_refused(db_session: Session, fund: Fund):
    other = Partnership(slug="anderswo", name="Partnerschaft für Demokratie Anderswo")

    with pytest.raises(ValueError, match="does not belong"):
        application_from_interchange(db_session, other, fund, EXAMPLE)


def test_the_frozen_submission_keeps_its_content_and_hash_when_the_application_changes(
    db_session: Session, fund: Fund
):
    application = application_from_interchange(db_session, fund.partnership, fund, EXAMPLE)
    digest = freeze_submission(application)
    db_session.commit()

    application.title = "Ganz anderes Projekt"
    db_session.commit()

    snapshot = application.submission_snapshot
    assert snapshot is not None
    assert snapshot["project"]["title"] == "Demokratiefest am Elbufer"
    assert digest == application.submission_sha256
    assert digest == hashlib.sha256(canonical_json(snapshot)).hexdigest()


def test_equal_content_gives_an_equal_submission_hash(db_session: Session):
    first_fund = make_fund(db_session, "erste")
    second_fund = make_fund(db_session, "zweite")
    first = application_from_interchange(db_session, first_fund.partnership, first_fund, EXAMPLE)
    second = application_from_interchange(db_session, second_fund.partnership, second_fund, EXAMPLE)

    assert freeze_submission(first) == freeze_submission(second)
