"""The public check API: result object, output shape and finding order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from service.domain.check import (
    check,
    check_application,
    check_meeting,
    check_report,
    guideline_findings,
)
from service.domain.guideline import GuidelineError
from service.domain.messages import PlainLocalizer

from .helpers import TODAY, aif, application, meeting, report


def test_to_json_gives_the_contract_object_with_money_strings_and_iso_dates() -> None:
    output = check_application(application(), aif(), today=TODAY).to_json(PlainLocalizer())
    assert list(output) == ["ok", "findings", "totals", "session"]
    assert output["totals"] == {"costs": "850.00", "income": "850.00", "requested": "600.00"}
    assert output["session"] == "2026-03-10"


def test_extra_keeps_plain_python_values() -> None:
    result = check_report(report(), aif(), today=TODAY)
    assert result.extra["result"]["final_grant"] == Decimal("576.40")
    assert check_application(application(), aif(), today=TODAY).extra["session"] == date(
        2026, 3, 10
    )


def test_findings_are_sorted_by_field_then_code() -> None:
    data = application()
    data["project"]["start"] = "2026-02-01"  # already started
    data["project"]["end"] = "2026-01-31"  # before start
    data["applicant"]["email"] = "x@"
    data["financing"]["requested"] = "50.00"  # below min, unbalanced
    result = check_application(data, aif(), today=TODAY)
    keys = [(f.field, f.code) for f in result.findings]
    assert keys == sorted(keys)
    assert keys == [
        ("applicant.email", "applicant.email-invalid"),
        ("financing", "plan.unbalanced"),
        ("financing.requested", "grant.below-min"),
        ("project.end", "period.end-before-start"),
        ("project.start", "period.already-started"),
    ]


def test_ok_and_input_invalid_follow_the_findings() -> None:
    good = check_meeting(meeting())
    assert (good.ok, good.input_invalid, good.exit_code) == (True, False, 0)
    data = meeting()
    data["present"] = []
    bad = check_meeting(data)
    assert (bad.ok, bad.input_invalid, bad.exit_code) == (False, False, 1)
    data["surprise"] = True
    unreadable = check_meeting(data)
    assert (unreadable.ok, unreadable.input_invalid, unreadable.exit_code) == (False, True, 2)
    assert unreadable.parsed is None
    assert unreadable.to_json(PlainLocalizer())["items"] == []


def test_every_finding_renders_a_message_and_sources_are_strings_or_null() -> None:
    data = application()
    data["project"]["start"] = "2026-02-01"
    output = check("application", data, aif(), today=TODAY).to_json(PlainLocalizer())
    finding = output["findings"][0]
    assert finding["code"] == "period.already-started"
    assert finding["source"] == "VV Nr. 1.3 zu § 44 BHO"
    assert "2026-02-01" in finding["message"]


def test_guideline_problems_become_findings_naming_the_key() -> None:
    findings = guideline_findings(GuidelineError([("fund.budget", "missing"), ("", "not TOML")]))
    assert [(f.code, f.field) for f in findings] == [
        ("guideline.invalid", "fund.budget"),
        ("guideline.invalid", ""),
    ]
