"""The rules of a notice (Bescheid), beyond those of the application it decides.

Everything that decides about a notice lives here, pure: what is wrong with its decision
(:func:`decision_findings`), whether it may be rendered at all (:func:`notice_verdict` – an
approval that would state something false is refused; a rejection renders with its findings),
which template it gets and what it is called (:func:`notice_heading`). The one gate that asks
this is ``operations/publish.py``; the ``render`` command, the staff pages and the
regeneration jobs all pass through it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .catalogues import FINANCING_TYPES
from .findings import Finding, RuleKind, define, has_errors, sort_findings
from .labels import required
from .messages import N_
from .reader import InputReader

NOTICE = RuleKind("notice", N_("Notice"), 50)

DECISION_END_BEFORE_START = define(
    NOTICE,
    "period.end-before-start",
    "error",
    N_(
        "The approved period ends (%(end)s) before it begins (%(start)s). "
        "Please check both dates of the decision."
    ),
)
# interchange.md: an approval may grant less than was applied for, never more
DECISION_AMOUNT_ABOVE_REQUESTED = define(
    NOTICE,
    "decision.amount-above-requested",
    "error",
    N_(
        "The approved amount of %(amount)s is higher than the requested grant of "
        "%(requested)s. A notice may not grant more than was applied for; please "
        "correct the amount of the decision."
    ),
)


DECISION_KEYS = (
    "number",
    "date",
    "outcome",
    "amount",
    "start",
    "end",
    "financing_type",
    "committee_date",
    "conditions",
    "reasons",
    "signatory",
)
OUTCOMES = ("approved", "rejected")


def decision_findings(data: Any) -> list[Finding]:
    """What is wrong with the ``decision`` part of a notice (interchange.md, "Notice").

    ``input.invalid`` for wrong types and unknown keys (exit 2, as for the application), rule
    findings for what a notice cannot do without: its number and date; for an approval the
    amount, the approved period and the committee decision's date (the notice cites them as
    its legal basis); for a rejection the reasons (§ 39 VwVfG).
    """
    root = data if isinstance(data, Mapping) else {}
    r = InputReader()
    decision = r.mapping(root.get("decision"), "decision", DECISION_KEYS)
    if decision is None:
        return [*r.findings, required("decision")] if isinstance(data, Mapping) else r.findings
    values: dict[str, Any] = {
        "number": r.text(decision, "number", "decision"),
        "date": r.day(decision, "date", "decision"),
        "outcome": r.choice(decision, "outcome", "decision", OUTCOMES),
        "amount": r.number(decision, "amount", "decision", minimum="positive"),
        "start": r.day(decision, "start", "decision"),
        "end": r.day(decision, "end", "decision"),
        "financing_type": r.choice(decision, "financing_type", "decision", FINANCING_TYPES),
        "committee_date": r.day(decision, "committee_date", "decision"),
        "reasons": r.text(decision, "reasons", "decision"),
        "signatory": r.text(decision, "signatory", "decision"),
    }
    conditions = r.sequence(decision, "conditions", "decision")
    for index, condition in enumerate(conditions or []):
        r.text_value(condition, f"decision.conditions[{index}]")
    findings = list(r.findings)
    needed = ["number", "date", "outcome"]
    if values["outcome"] == "approved":
        needed += ["amount", "start", "end", "committee_date"]
    elif values["outcome"] == "rejected":
        needed += ["reasons"]
    invalid = {f.field for f in findings}
    for key in needed:
        path = f"decision.{key}"
        if values[key] is None and path not in invalid:
            findings.append(required(path))
    if values["start"] and values["end"] and values["end"] < values["start"]:
        findings.append(
            DECISION_END_BEFORE_START.finding(
                "decision.end", {"start": values["start"], "end": values["end"]}
            )
        )
    return findings


def amount_above_request(data: Mapping[str, Any], requested: Decimal | None) -> Finding | None:
    """An approval may not grant more than was applied for (interchange.md)."""
    amount = _decision_amount(data)
    if amount is None or requested is None or amount <= requested:
        return None
    return DECISION_AMOUNT_ABOVE_REQUESTED.finding(
        "decision.amount", {"amount": amount, "requested": requested}
    )


def _decision_amount(data: Mapping[str, Any]) -> Decimal | None:
    decision = data.get("decision")
    value = decision.get("amount") if isinstance(decision, Mapping) else None
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def decision_outcome(data: Any) -> str | None:
    """``decision.outcome`` of a notice interchange object, None where it is missing."""
    decision = data.get("decision") if isinstance(data, Mapping) else None
    outcome = decision.get("outcome") if isinstance(decision, Mapping) else None
    return outcome if isinstance(outcome, str) else None


def notice_template(outcome: str | None) -> str:
    """The template of a notice: the approval for an approval, the rejection otherwise."""
    return "approval" if outcome == "approved" else "rejection"


@dataclass(frozen=True)
class NoticeVerdict:
    """Whether a notice may be rendered, from which template, and every finding about it
    (the application's, the decision's, and an amount above the request)."""

    template: str
    findings: tuple[Finding, ...]
    refused: bool

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_error]


def notice_verdict(
    data: Mapping[str, Any],
    application_findings: Sequence[Finding],
    decision: Sequence[Finding],
    requested: Decimal | None,
) -> NoticeVerdict:
    """May this notice be rendered? ``decision`` are :func:`decision_findings` of ``data``;
    ``requested`` is the grant the rules engine computed for the application.

    A notice whose decision lacks what it must cite is refused. An approval is refused, too,
    where anything about it is an error (it would grant what the rules do not allow, or more
    than was applied for); a rejection renders and states the application's findings.
    """
    outcome = decision_outcome(data)
    findings = [*application_findings, *decision]
    if outcome == "approved":
        above = amount_above_request(data, requested)
        if above is not None:
            findings.append(above)
    ordered = tuple(sort_findings(findings))
    refused = has_errors(decision) or (outcome == "approved" and has_errors(ordered))
    return NoticeVerdict(notice_template(outcome), ordered, refused)


@dataclass(frozen=True)
class Heading:
    """What a document says about itself: its title and subject (PDF/DOCX metadata)."""

    title: str
    subject: str


def notice_heading(kind_title: str, number: str) -> Heading:
    """A notice is called by its kind (the template's title, e.g. "Zuwendungsbescheid") and
    number; the number is its subject."""
    return Heading(f"{kind_title} {number}", number)
