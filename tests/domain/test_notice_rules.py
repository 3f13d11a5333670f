"""The notice's rules and the headings of every document kind, decided once in the domain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from service.domain.headings import (
    application_heading,
    invitation_heading,
    minutes_heading,
    report_heading,
)
from service.domain.labels import required
from service.domain.notice import (
    Heading,
    amount_above_request,
    decision_findings,
    notice_heading,
    notice_template,
    notice_verdict,
)

from .helpers import application

APPROVAL = {
    "number": "AIF-2026-007",
    "date": "2026-03-16",
    "outcome": "approved",
    "amount": "600.00",
    "start": "2026-04-01",
    "end": "2026-06-30",
    "financing_type": "fehlbedarf",
    "committee_date": "2026-03-10",
}
REJECTION = {
    "number": "AIF-2026-008",
    "date": "2026-03-16",
    "outcome": "rejected",
    "reasons": "Das Vorhaben liegt außerhalb des Fördergebiets.",
}


def notice(decision: dict[str, Any]) -> dict[str, Any]:
    data = application()
    data["decision"] = dict(decision)
    return data


def codes(findings: Any) -> list[str]:
    return [f.code for f in findings]


def test_a_complete_approval_may_be_rendered_from_the_approval_template() -> None:
    data = notice(APPROVAL)
    verdict = notice_verdict(data, [], decision_findings(data), Decimal("600.00"))
    assert (verdict.refused, verdict.template, verdict.findings) == (False, "approval", ())


def test_an_approval_above_the_request_is_refused_and_says_so() -> None:
    data = notice({**APPROVAL, "amount": "600.01"})
    verdict = notice_verdict(data, [], decision_findings(data), Decimal("600.00"))
    assert verdict.refused
    assert codes(verdict.errors) == ["decision.amount-above-requested"]


def test_an_approval_of_an_application_with_errors_is_refused() -> None:
    data = notice(APPROVAL)
    verdict = notice_verdict(data, [required("applicant.name")], [], Decimal("600.00"))
    assert verdict.refused


def test_a_rejection_renders_with_the_applications_errors() -> None:
    data = notice(REJECTION)
    verdict = notice_verdict(data, [required("applicant.name")], decision_findings(data), None)
    assert (verdict.refused, verdict.template) == (False, "rejection")
    assert codes(verdict.findings) == [required("applicant.name").code]


def test_a_decision_lacking_what_the_notice_cites_is_refused_whatever_the_outcome() -> None:
    for decision, key in ((APPROVAL, "committee_date"), (REJECTION, "reasons")):
        data = notice({k: v for k, v in decision.items() if k != key})
        found = decision_findings(data)
        assert [f.field for f in found] == [f"decision.{key}"]
        assert notice_verdict(data, [], found, Decimal("600.00")).refused


def test_an_approved_period_ending_before_it_starts_is_an_error() -> None:
    data = notice({**APPROVAL, "end": "2026-03-31"})
    assert codes(decision_findings(data)) == ["period.end-before-start"]


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2))
def test_only_an_amount_above_the_request_is_too_much(amount: Decimal) -> None:
    data = notice({**APPROVAL, "amount": f"{amount:.2f}"})
    above = amount_above_request(data, Decimal("600.00"))
    assert (above is not None) == (amount > Decimal("600.00"))


def test_the_template_follows_the_outcome() -> None:
    assert [notice_template(o) for o in ("approved", "rejected", None)] == [
        "approval",
        "rejection",
        "rejection",
    ]


def test_a_notice_is_called_by_its_kind_and_number() -> None:
    assert notice_heading("Zuwendungsbescheid", "AIF-2026-007") == Heading(
        "Zuwendungsbescheid AIF-2026-007", "AIF-2026-007"
    )


def test_minutes_are_titled_by_mode_wherever_they_are_made() -> None:
    day = date(2026, 3, 10)
    assert minutes_heading("session", day, "Begleitausschuss") == Heading(
        "Protokoll der Sitzung vom 10.03.2026", "Begleitausschuss"
    )
    assert minutes_heading("written", day, "Begleitausschuss").title == (
        "Protokoll des Umlaufverfahrens vom 10.03.2026"
    )
    # without a committee (the render command reads only the interchange): what met when
    assert minutes_heading("session", day).subject == "Sitzung vom 10.03.2026"
    assert minutes_heading("written", day).subject == "Umlaufverfahren vom 10.03.2026"


def test_invitation_application_and_report_headings() -> None:
    assert invitation_heading(date(2026, 9, 22), "BgA") == Heading(
        "Einladung zur Sitzung vom 22.09.2026", "BgA"
    )
    assert application_heading("Fest") == Heading("Antrag „Fest“", "Fest")
    assert report_heading("AIF-2026-007") == Heading(
        "Verwendungsnachweis AIF-2026-007", "AIF-2026-007"
    )
