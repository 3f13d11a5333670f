"""Inputs that between them make the domain emit every rule of the catalogue.

Each case is a small change to one of the contract's examples (tests/fixtures) that triggers
one rule (often with others). tests/domain/test_rule_registry.py runs them all: every finding
must be an instance of a defined rule of its kind, and every defined rule of the domain's kinds
must be emitted by some case – so the catalogue (docs/rules.md) lists neither less nor more than
the engine can say.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from service.domain.check import (
    check_application,
    check_closing,
    check_meeting,
    check_report,
    guideline_invalid_result,
    guideline_missing_result,
    invalid_option_result,
    unreadable_input_result,
)
from service.domain.findings import Finding
from service.domain.guideline import GuidelineError
from service.domain.jsonio import JsonInputError
from service.domain.messages import Message
from service.domain.payments import PaymentRequest, payment_findings
from service.domain.review import review_findings

from .helpers import (
    TODAY,
    aif,
    aif_with_sessions,
    application,
    jf,
    meeting,
    report,
    reviewed,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

Change = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # the rule kind its findings belong to (besides the common rules)
    run: Callable[[], Sequence[Finding]]


def _application(
    change: Change,
    *,
    youth: bool = False,
    committed: str = "0",
    sessions: str | None = None,
) -> Any:
    """``sessions``: another ``fund.sessions`` line for the AIF guideline (TOML)."""

    def run() -> Sequence[Finding]:
        data = application()
        if youth:
            data["fund"] = "JF-2026"
        change(data)
        guideline = jf() if youth else aif()
        if sessions is not None:
            guideline = aif_with_sessions(sessions)
        return check_application(data, guideline, Decimal(committed), today=TODAY).findings

    return run


def _report(change: Change) -> Any:
    def run() -> Sequence[Finding]:
        data = report()
        change(data)
        return check_report(data, aif(), today=TODAY).findings

    return run


def _meeting(change: Change) -> Any:
    def run() -> Sequence[Finding]:
        data = meeting()
        change(data)
        return check_meeting(data).findings

    return run


def _closing(change: Change) -> Any:
    def run() -> Sequence[Finding]:
        data = json.loads((FIXTURES / "closing-aif.json").read_text(encoding="utf-8"))
        change(data)
        return check_closing(data).findings

    return run


def _set(path: str, value: Any) -> Change:
    """A change that sets the value at a dotted path (list indices as numbers)."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _delete(path: str) -> Change:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        del target[last]

    return change


def _all(*changes: Change) -> Change:
    def change(data: dict[str, Any]) -> None:
        for one in changes:
            one(data)

    return change


def _receipt(number: str, category: str, amount: str, day: str = "2026-06-01") -> dict[str, Any]:
    return {
        "number": number,
        "date": day,
        "payee": "Laden",
        "purpose": "Material",
        "category": category,
        "amount": amount,
        "kind": "expense",
    }


def _payment(**changes: Any) -> Any:
    def run() -> Sequence[Finding]:
        values: dict[str, Any] = {
            "amount": Decimal("200.00"),
            "needed_on": date(2026, 5, 20),
            "payout_on": date(2026, 5, 10),
            "grant": Decimal("600.00"),
            "requested_before": Decimal("0"),
            "period_start": date(2026, 5, 1),
            "period_end": date(2026, 6, 30),
        }
        values.update(changes)
        return payment_findings(PaymentRequest(**values))

    return run


APPLICATION_CASES = [
    Case("a required field", "application", _application(_delete("project.title"))),
    Case("no object at all", "application", _application(lambda d: d.clear())),
    Case("an unreadable amount", "application", _application(_set("costs.0.amount", "4.801"))),
    Case(
        "a wrong IBAN", "application", _application(_set("applicant.iban", "DE0212030000000020205"))
    ),
    Case("a wrong e-mail", "application", _application(_set("applicant.email", "kein-at.example"))),
    Case(
        "an ineligible legal form",
        "application",
        _application(_set("applicant.legal_form", "einzelperson")),
    ),
    Case(
        "too old for the youth fund",
        "application",
        _application(
            _all(
                _set("applicant.legal_form", "einzelperson"),
                _set("applicant.birth_date", "1990-01-01"),
            ),
            youth=True,
        ),
    ),
    Case(
        "young without an adult contact",
        "application",
        _application(
            _all(
                _set("applicant.legal_form", "einzelperson"),
                _set("applicant.birth_date", "2012-01-01"),
            ),
            youth=True,
        ),
    ),
    Case(
        "end before start",
        "application",
        _application(_all(_set("project.start", "2026-06-30"), _set("project.end", "2026-05-01"))),
    ),
    Case("outside the year", "application", _application(_set("project.end", "2027-01-10"))),
    Case("too late", "application", _application(_set("project.end", "2026-12-20"))),
    Case("already started", "application", _application(_set("project.start", "2026-02-01"))),
    Case(
        "early start requested",
        "application",
        _application(
            _all(_set("project.start", "2026-02-01"), _set("project.early_start_requested", True))
        ),
    ),
    Case("no cost line", "application", _application(_set("costs", []))),
    Case(
        "a category the fund does not pay",
        "application",
        _application(_set("costs.1.category", "sonstiges"), youth=True),
    ),
    Case(
        "amount is not quantity × price",
        "application",
        _application(_set("costs.0.amount", "490.00")),
    ),
    Case(
        "offers missing, inventory, km rate",
        "application",
        _application(
            _set(
                "costs",
                [
                    {"category": "honorare", "description": "Band", "amount": "1200.00"},
                    {"category": "sachausgaben", "description": "Beamer", "amount": "900.00"},
                    {
                        "category": "reisekosten",
                        "description": "Fahrt",
                        "quantity": "100",
                        "unit": "km",
                        "unit_price": "0.30",
                        "amount": "30.00",
                    },
                ],
            )
        ),
    ),
    Case("an unbalanced plan", "application", _application(_set("financing.requested", "700.00"))),
    Case("below the minimum", "application", _application(_set("financing.requested", "50.00"))),
    Case("above the maximum", "application", _application(_set("financing.requested", "6000.00"))),
    Case(
        "above the rate",
        "application",
        _application(
            _all(
                _set("financing.own_funds", "0.00"),
                _set("financing.third_party", []),
                _set("financing.requested", "850.00"),
            )
        ),
    ),
    Case(
        "beyond the budget",
        "application",
        _application(lambda d: None, committed="39800.00"),
    ),
    Case(
        "a declaration missing", "application", _application(_set("declarations.publicity", False))
    ),
    Case("no session left", "application", _application(_set("submitted_on", "2026-09-01"))),
    Case(
        "no session left after the last published deadline",
        "application",
        _application(
            _set("submitted_on", "2026-09-01"),
            sessions='[{ date = "2026-09-07", deadline = "2026-08-28" }]',
        ),
    ),
    Case(
        "no session planned at all",
        "application",
        _application(lambda d: None, sessions="[]"),
    ),
]

REPORT_CASES = [
    Case("a required receipt field", "report", _report(_delete("receipts.0.payee"))),
    Case("a narrative part missing", "report", _report(_delete("narrative.activities"))),
    Case(
        "outside the period, not in the plan, a duplicate",
        "report",
        _report(
            lambda d: d["receipts"].extend(
                [
                    _receipt("4", "sachausgaben", "10.00", "2026-04-01"),
                    _receipt("5", "miete", "10.00"),
                    _receipt("1", "sachausgaben", "1.00"),
                ]
            )
        ),
    ),
    Case(
        "overruns without explaining the deviation",
        "report",
        _report(lambda d: d["receipts"].append(_receipt("4", "sachausgaben", "100.00"))),
    ),
    Case("own funds reduced", "report", _report(_set("income.own_funds", "50.00"))),
    Case(
        "a receipt dated after the day of the report",
        "report",
        _report(_set("submitted_on", "2026-06-10")),
    ),
    Case("overdue", "report", _report(_set("submitted_on", "2026-09-01"))),
]

MEETING_CASES = [
    Case("a required field", "meeting", _meeting(_delete("place"))),
    Case(
        "votes on a postponed item",
        "meeting",
        _meeting(_set("items.0.status", "postponed")),
    ),
    Case(
        "votes on a withdrawn item",
        "meeting",
        _meeting(_set("items.0.status", "withdrawn")),
    ),
    Case("an unknown member", "meeting", _meeting(lambda d: d["present"].append("m9"))),
    Case("not quorate", "meeting", _meeting(_set("present", ["m1", "m2"]))),
    Case("not all invited", "meeting", _meeting(_set("invited", ["m1", "m2", "m4", "m5", "d5"]))),
    Case("an item not quorate", "meeting", _meeting(_set("items.0.conflicts", ["m1", "m2"]))),
    Case(
        "absent, conflicted and unknown voters",
        "meeting",
        _meeting(
            _all(
                _set("items.0.conflicts", ["m4"]),
                lambda d: d["items"][0]["votes"].update(m3="yes", x9="no"),
            )
        ),
    ),
    Case(
        "a deputy beside its present member",
        "meeting",
        _meeting(lambda d: d["present"].append("m5")),
    ),
    Case(
        "a second deputy",
        "meeting",
        _meeting(
            _all(
                lambda d: d["members"].append(
                    {
                        "id": "e5",
                        "name": "Gert",
                        "sector": "admin",
                        "voting": False,
                        "deputy_for": "m5",
                    }
                ),
                lambda d: d["present"].append("e5"),
                lambda d: d["items"][0]["votes"].update(e5="yes"),
            )
        ),
    ),
    Case(
        "a written vote with an objection and a double vote",
        "meeting",
        _meeting(
            _all(
                _set("mode", "written"),
                _set("objections", ["m1"]),
                lambda d: d["items"][0]["votes"].update(m5="yes"),
            )
        ),
    ),
    Case("no civil majority", "meeting", _meeting(_set("members.2.sector", "admin"))),
]

PAYMENT_CASES = [
    Case("no amount, no date", "payment", _payment(amount=None, needed_on=None)),
    Case("a zero amount", "payment", _payment(amount=Decimal(0))),
    Case("more than the grant", "payment", _payment(amount=Decimal("700.00"))),
    Case("outside the period and too early", "payment", _payment(needed_on=date(2026, 7, 10))),
]

CLOSING_CASES = [
    # the contract's example: late use of both payouts
    Case("late use", "closing", _closing(lambda data: None)),
    Case("refund before the revocation", "closing", _closing(_set("refund_on", "2026-05-01"))),
    Case("interest below the threshold", "closing", _closing(_set("waiver_below", "100.00"))),
    Case(
        "a day before the first base rate",
        "closing",
        _closing(_set("base_rates.0.from", "2026-07-01")),
    ),
]


def _refund_claim(waiver: str | None = None, until: date = date(2026, 10, 15)) -> Any:
    """The refund notice's claim for the reviewed report example (base rates to 1 Jan 2026)."""

    def run() -> Sequence[Finding]:
        from service.domain.base_rates import BaseRate, BaseRateTable
        from service.domain.review import (
            InterestWaiver,
            refund_claim,
            refund_closing,
            review_result,
        )

        review = reviewed()
        result = review_result(review)
        assert result is not None
        table = BaseRateTable.of([BaseRate(date(2026, 1, 1), Decimal("1.27"))])
        closing = refund_closing(
            review, result, effective=date(2026, 6, 1), refund_on=until, base_rates=table
        )
        return refund_claim(closing, None if waiver is None else InterestWaiver(waiver)).findings

    return run


REVIEW_CASES = [
    Case(
        "an override without a reason",
        "review",
        lambda: review_findings(reviewed(recognised={"sachausgaben": ("80.00", "")})),
    ),
    Case(
        "an unplanned category",
        "review",
        lambda: review_findings(reviewed(recognised={"miete": ("50.00", "Miete")})),
    ),
    Case("no note, no sample", "review", lambda: review_findings(reviewed(note="", sampled=()))),
    Case("a waiver without a reason", "review", _refund_claim(waiver="", until=date(2026, 6, 30))),
    Case("interest beyond the published base rate", "review", _refund_claim()),
]

# The results the check returns for input it cannot check at all.
UNCHECKABLE_CASES = [
    Case(
        "no JSON",
        "common",
        lambda: (
            unreadable_input_result("report", JsonInputError("syntax", line=1, column=2)).findings
        ),
    ),
    Case(
        "a file that cannot be read",
        "common",
        lambda: unreadable_input_result("application", "x.json: not UTF-8 text").findings,
    ),
    Case(
        "an unusable guideline",
        "common",
        lambda: (
            guideline_invalid_result(
                "application",
                GuidelineError(
                    [("", "not TOML"), ("grant.min", "missing"), ("grant.max", "no amount")]
                ),
                application(),
                today=TODAY,
            ).findings
        ),
    ),
    Case("no guideline named", "common", lambda: guideline_missing_result("report").findings),
    Case(
        "an unusable option",
        "common",
        lambda: (
            invalid_option_result(
                "application", "committed", Message("--committed must be an amount")
            ).findings
        ),
    ),
]

DOMAIN_CASES = [
    *APPLICATION_CASES,
    *REPORT_CASES,
    *MEETING_CASES,
    *PAYMENT_CASES,
    *CLOSING_CASES,
    *REVIEW_CASES,
    *UNCHECKABLE_CASES,
]
