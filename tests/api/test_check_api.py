"""POST /api/v1/check/<kind>: the same rules and JSON as the `check` command, over HTTP."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from service.operations.funds import committed_amount
from tests.conftest import FIXTURES

# any date: every fixture states its date of receipt
TODAY = date(2026, 3, 1)


def _post(client, path: str, body: bytes | str):
    return client.post(path, data=body, content_type="application/json")


def test_a_valid_application_answers_200_with_the_deciding_session(demo_app):
    body = (FIXTURES / "application-aif.json").read_text(encoding="utf-8")
    response = _post(demo_app.test_client(), "/api/v1/check/application?fund=AIF-2026", body)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["ok"] is True
    assert answer["session"] == "2026-03-10"
    assert answer["totals"] == {"costs": "850.00", "income": "850.00", "requested": "600.00"}


def test_error_findings_answer_422_with_german_messages(demo_app):
    data = json.loads((FIXTURES / "application-aif.json").read_text(encoding="utf-8"))
    data["financing"]["requested"] = "700.00"
    response = _post(
        demo_app.test_client(),
        "/p/boizenburg-luebtheen/api/v1/check/application?fund=AIF-2026",
        json.dumps(data),
    )
    assert response.status_code == 422
    codes = {f["code"] for f in response.get_json()["findings"]}
    assert "plan.unbalanced" in codes
    messages = " ".join(f["message"] for f in response.get_json()["findings"])
    assert "Bitte" in messages


def test_unreadable_input_answers_400_with_input_invalid_only(demo_app):
    response = _post(demo_app.test_client(), "/api/v1/check/application?fund=AIF-2026", "{nope")
    assert response.status_code == 400
    assert {f["code"] for f in response.get_json()["findings"]} == {"input.invalid"}


def test_a_meeting_needs_no_fund_and_approves_both_example_items(demo_app):
    body = (FIXTURES / "meeting-bga.json").read_text(encoding="utf-8")
    response = _post(demo_app.test_client(), "/api/v1/check/meeting", body)
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["outcome"] for item in items] == ["approved", "approved"]


def test_the_report_example_gives_the_contract_figures(demo_app):
    body = (FIXTURES / "report-aif.json").read_text(encoding="utf-8")
    response = _post(demo_app.test_client(), "/api/v1/check/report?fund=AIF-2026", body)
    result = response.get_json()["result"]
    assert (result["final_grant"], result["refund"]) == ("576.40", "23.60")


def test_the_closing_example_answers_200_with_the_same_json_as_the_command(demo_app):
    from click.testing import CliRunner

    from service.cli import cli

    body = (FIXTURES / "closing-aif.json").read_text(encoding="utf-8")
    command = CliRunner().invoke(cli, ["check", "closing", str(FIXTURES / "closing-aif.json")])
    assert command.exit_code == 0
    client = demo_app.test_client()
    for path in (
        "/api/v1/check/closing",
        "/p/boizenburg-luebtheen/api/v1/check/closing",
        "/api/v1/check/closing?fund=AIF-2026",  # a closing needs no fund; the key is ignored
    ):
        response = _post(client, path, body)
        assert response.status_code == 200, path
        assert response.get_json() == json.loads(command.stdout)
    assert response.get_json()["result"] == {
        "refund": "120.00",
        "interest_refund": "1.93",
        "interest_late_use": "3.45",
        "interest_total": "5.38",
    }
    assert [f["field"] for f in response.get_json()["findings"]] == ["payouts[0]", "payouts[1]"]


def test_a_closing_with_an_error_answers_422_and_unreadable_input_400(demo_app):
    client = demo_app.test_client()
    data = json.loads((FIXTURES / "closing-aif.json").read_text(encoding="utf-8"))
    data["refund_on"] = "2026-05-31"
    response = _post(client, "/api/v1/check/closing", json.dumps(data))
    assert response.status_code == 422
    (dates,) = [f for f in response.get_json()["findings"] if f["code"] == "closing.dates"]
    assert "Bitte prüfen Sie beide Daten" in dates["message"]

    data["grant_share"] = "1.5"
    response = _post(client, "/p/boizenburg-luebtheen/api/v1/check/closing", json.dumps(data))
    assert response.status_code == 400
    assert response.get_json()["findings"][0]["field"] == "grant_share"
    assert response.get_json()["result"] is None
    assert _post(client, "/api/v1/check/closing", "[1,").status_code == 400


def test_an_unknown_fund_answers_404_and_a_missing_fund_400(demo_app):
    client = demo_app.test_client()
    body = (FIXTURES / "application-aif.json").read_text(encoding="utf-8")
    assert _post(client, "/api/v1/check/application?fund=XYZ-2026", body).status_code == 404
    missing = _post(client, "/api/v1/check/application", body)
    assert missing.status_code == 400
    assert missing.get_json()["findings"][0]["field"] == "fund"
    assert _post(client, "/api/v1/check/nonsense", "{}").status_code == 404


@pytest.mark.db_semantics
def test_the_fund_s_committed_money_counts_against_its_budget(db_session, fund):
    """The API passes the money already approved in the fund to the rules: with 39,500 €
    of the 40,000 € budget committed, a request of 600 € exceeds it."""
    from datetime import date

    from service.domain.states import ApplicationState, DecisionOutcome
    from service.models import Application, Decision
    from service.operations.checks import check_against_fund

    data = json.loads((FIXTURES / "application-aif.json").read_text(encoding="utf-8"))
    before = check_against_fund(db_session, "application", data, "AIF-2026", today=TODAY)
    assert "grant.exceeds-budget" not in {f.code for f in before.findings}

    for amount, state in (
        ("5000.00", ApplicationState.approved),
        ("4500.00", ApplicationState.notice_issued),
        ("9999.00", ApplicationState.rejected),  # a later rejection releases the money
    ):
        application = Application(fund=fund, title="Vorhaben", state=state)
        application.decisions.append(
            Decision(
                outcome=DecisionOutcome.approved,
                amount=Decimal(amount),
                decided_on=date(2026, 3, 10),
            )
        )
        db_session.add(application)
    db_session.flush()
    assert committed_amount(db_session, fund) == Decimal("9500.00")

    fund.add_guideline(
        fund.current_guideline.toml_text.replace('budget = "40000.00"', 'budget = "10000.00"')
    )
    db_session.flush()
    after = check_against_fund(db_session, "application", data, "AIF-2026", today=TODAY)
    assert "grant.exceeds-budget" in {f.code for f in after.findings}


def test_300000_cost_lines_answer_400_with_input_invalid_naming_the_list(demo_app):
    """Issue 14: the contract's exit-2 input answers 400; the list is refused unread."""
    data = json.loads((FIXTURES / "application-aif.json").read_text(encoding="utf-8"))
    data["costs"] = [{"category": "honorare", "amount": "1.00"}] * 300_000
    demo_app.config["CHECK_MAX_BYTES"] = 20 * 1024 * 1024  # the list's bound is what answers
    response = _post(
        demo_app.test_client(), "/api/v1/check/application?fund=AIF-2026", json.dumps(data)
    )
    assert response.status_code == 400
    findings = response.get_json()["findings"]
    assert [(f["code"], f["field"]) for f in findings] == [("input.invalid", "costs")]
    assert "höchstens 200" in findings[0]["message"]


def test_a_body_over_the_check_limit_answers_400_unread_with_a_german_finding(demo_app):
    demo_app.config["CHECK_MAX_BYTES"] = 64 * 1024
    body = (FIXTURES / "application-aif.json").read_text(encoding="utf-8")
    client = demo_app.test_client()
    assert _post(client, "/api/v1/check/application?fund=AIF-2026", body).status_code == 200
    padded = body.rstrip()[:-1] + ', "x": "' + "y" * 70_000 + '"}'
    response = _post(client, "/api/v1/check/application?fund=AIF-2026", padded)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["ok"] is False
    assert [(f["code"], f["field"]) for f in answer["findings"]] == [("input.invalid", "")]
    assert "größer als 0,1 MB" in answer["findings"][0]["message"]
    assert answer["totals"] is None  # the contract's shape all the same
