"""Reviewing the usage-of-funds report (Prüfung des Verwendungsnachweises, VV Nr. 11 zu § 44
BHO) and what follows from it – issue 19, item 2, the domain part.

The coordination office sees the report, its findings and receipts, marks the receipts it
compared with the originals (the sample), recognises an amount per cost category and writes
the review note (Prüfvermerk). The recognised amount of a category is what the rules make
eligible (``e_i`` of spec/rules.md) unless the office overrides it – an override needs a reason.
From the recognised amounts the contract's formulas give the final grant F; the paid amount P
is the sum of the payouts (never of the requests). The outcome:

* F = P (or the difference is below the fund's refund threshold): a closing letter
  (Abschlussmitteilung);
* P > F: a partial revocation and refund notice (Teilwiderrufs- und Erstattungsbescheid) whose
  refund and interest come from :mod:`.closing` – the same code as ``check closing``;
* F > P: an outstanding payment.

Waiving the interest (§ 49a Abs. 3 Satz 2 VwVfG) is the office's decision and needs a reason.
Pure Python: the staff pages and the documents call these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import sources
from .application import percent_text
from .base_rates import BaseRateTable
from .catalogues import COST_CATEGORIES
from .closing import (
    SHARE_PLACES,
    Closing,
    ClosingResult,
    Movement,
    closing_findings,
)
from .findings import Finding, RuleKind, define, sort_findings
from .guideline import Guideline
from .labelled import LabelledEnum
from .messages import N_, Message
from .money import ZERO, quantize_cents, to_json_money
from .reader import INVALID
from .report import (
    Cover,
    FinalGrant,
    Report,
    actual_by_category,
    eligible_by_category,
    final_grant_from_eligible,
    report_financing_type,
)

REVIEW_SOURCE = "VV Nr. 11 zu § 44 BHO"
# § 49a Abs. 3 Satz 1 VwVfG: "mit fünf Prozentpunkten über dem Basiszinssatz jährlich"
STATUTORY_MARGIN = Decimal(5)
# Nr. 1.4 ANBest-P: money may be requested only as far as it is needed within six weeks
USE_WITHIN_DAYS = 42

REVIEW = RuleKind("review", N_("Review of the usage-of-funds report"), 55)

REVIEW_OVERRIDE_REASON = define(
    REVIEW,
    "review.override-reason",
    "error",
    N_(
        "You recognise %(recognised)s for “%(category)s” instead of the %(eligible)s that the "
        "rules give. Please give the reason for the difference."
    ),
    source=REVIEW_SOURCE,
)
REVIEW_CATEGORY_NOT_IN_PLAN = define(
    REVIEW,
    "review.category-not-in-plan",
    "error",
    N_(
        "The approved cost plan has no amount for “%(category)s”. Only planned cost "
        "categories can be recognised; please record the amount in a planned category."
    ),
    source=sources.ANBEST_PLAN_BINDING,
)
REVIEW_NOTE_MISSING = define(
    REVIEW,
    "review.note-missing",
    "error",
    N_("Please write the review note (Prüfvermerk): what you checked and with which result."),
    source=REVIEW_SOURCE,
)
REVIEW_NO_SAMPLE = define(
    REVIEW,
    "review.no-sample",
    "warning",
    N_(
        "No receipt is marked as checked. Please compare a sample of the receipts with the "
        "originals and mark them."
    ),
    source=REVIEW_SOURCE,
)
INTEREST_WAIVER_REASON = define(
    REVIEW,
    "interest.waiver-reason",
    "error",
    N_("Please give the reason why the interest is not claimed."),
    source=sources.INTEREST_WAIVER,
)
INTEREST_RATE_UNPUBLISHED = define(
    REVIEW,
    "interest.base-rate-unpublished",
    "warning",
    N_(
        "The table of base rates ends with the rate of %(rate)s from %(last)s. The interest "
        "for the days from %(day)s uses that rate, although the Deutsche Bundesbank publishes "
        "a new base rate every 1 January and 1 July. Please ask an administrator to add the "
        "current base rate."
    ),
    source=sources.REFUND_INTEREST,
)


class Outcome(LabelledEnum):
    """What the review leads to (issue 19, item 2)."""

    closing_letter = "closing_letter", N_("Closing letter")
    refund_notice = "refund_notice", N_("Partial revocation and refund notice")
    outstanding_payment = "outstanding_payment", N_("Outstanding payment")


@dataclass(frozen=True)
class Recognition:
    """The office's amount for one cost category; ``reason`` is required when it differs
    from what the rules make eligible."""

    amount: Decimal
    reason: str = ""


@dataclass(frozen=True)
class Review:
    """What the office has entered. ``report`` as the recipient submitted it; ``guideline``
    the fund's (tolerance, financing type, refund threshold); ``payouts`` every payout of the
    grant; ``recognised`` by cost category (a category without an entry counts as the rules
    make it eligible); ``sampled`` the numbers of the receipts compared with the originals."""

    report: Report
    guideline: Guideline
    payouts: tuple[Movement, ...]
    recognised: Mapping[str, Recognition] = field(default_factory=dict)
    sampled: frozenset[str] = frozenset()
    note: str = ""


@dataclass(frozen=True)
class CategoryLine:
    """One planned cost category: ``reported`` the expenses of the receipts in the approved
    period (``a_i``), ``eligible`` what the rules count (``e_i``, exact), ``recognised`` what
    the office counts (``eligible`` unless overridden), with the override's ``reason``."""

    category: str
    planned: Decimal
    reported: Decimal
    eligible: Decimal
    recognised: Decimal
    reason: str

    @property
    def overridden(self) -> bool:
        return self.recognised != self.eligible


@dataclass(frozen=True)
class ReviewResult:
    """The money of the review. ``final`` is the contract's result on the recognised amounts
    (``final.refund``/``final.outstanding`` against P); ``not_claimed`` is a difference P − F
    below the fund's refund threshold (then no refund and a closing letter)."""

    lines: tuple[CategoryLine, ...]
    final: FinalGrant
    paid: Decimal
    not_claimed: Decimal
    outcome: Outcome

    @property
    def final_grant(self) -> Decimal:
        return self.final.final_grant

    @property
    def refund(self) -> Decimal:
        return self.final.refund

    @property
    def outstanding(self) -> Decimal:
        return self.final.outstanding

    def as_dict(self) -> dict[str, Any]:
        """JSON for storing with the review: money as "0.00" strings (the interchange form)."""
        return {
            "recognised": {line.category: to_json_money(line.recognised) for line in self.lines},
            "overrides": {line.category: line.reason for line in self.lines if line.overridden},
            "recognised_total": to_json_money(self.final.eligible_total),
            "final_grant": to_json_money(self.final_grant),
            "paid": to_json_money(self.paid),
            "refund": to_json_money(self.refund),
            "outstanding": to_json_money(self.outstanding),
            "not_claimed": to_json_money(self.not_claimed),
            "outcome": self.outcome.value,
        }


# -- the review -----------------------------------------------------------------------------


def paid_total(payouts: Iterable[Movement]) -> Decimal:
    """P: the sum of the payouts actually made."""
    return quantize_cents(sum((p.amount for p in payouts), Decimal(0)))


def _same_cents(a: Decimal, b: Decimal) -> bool:
    return quantize_cents(a) == quantize_cents(b)


def category_lines(review: Review) -> list[CategoryLine] | None:
    """The planned categories with reported, eligible and recognised amounts, in plan order;
    None while the report lacks the approved period or plan."""
    n = review.report.notice
    if n.start is None or n.end is None or not n.plan:
        return None
    actual = actual_by_category(review.report.receipts or (), n.plan, n.start, n.end)
    eligible = eligible_by_category(n.plan, actual, review.guideline.overrun_tolerance)
    lines: list[CategoryLine] = []
    for category, planned in n.plan.items():
        given = review.recognised.get(category)
        # an entry equal to the rules' amount in cents is no override (a form shows cents)
        if given is None or _same_cents(given.amount, eligible[category]):
            recognised, reason = eligible[category], ""
        else:
            recognised, reason = given.amount, given.reason.strip()
        lines.append(
            CategoryLine(
                category, planned, actual[category], eligible[category], recognised, reason
            )
        )
    return lines


def review_result(review: Review) -> ReviewResult | None:
    """F, P and the outcome; None while the report lacks a value the final grant needs.
    Meaningful once :func:`review_findings` has no error (a negative or unreasoned figure is
    used as entered)."""
    lines = category_lines(review)
    n, income = review.report.notice, review.report.income
    if (
        lines is None
        or n.grant is None
        or n.own_funds is None
        or n.third_party is None
        or n.revenue is None
        or income.own_funds is None
        or income.third_party is None
        or income.revenue is None
    ):
        return None
    paid = paid_total(review.payouts)
    final = final_grant_from_eligible(
        financing_type=report_financing_type(review.report, review.guideline),
        plan=n.plan or {},
        eligible={line.category: line.recognised for line in lines},
        grant=n.grant,
        paid=paid,
        planned_cover=Cover(n.own_funds, n.third_party, n.revenue),
        actual_cover=Cover(income.own_funds, income.third_party, income.revenue),
        refund_waiver_below=review.guideline.refund_waiver_below,
    )
    if final.refund > 0:
        outcome = Outcome.refund_notice
    elif final.outstanding > 0:
        outcome = Outcome.outstanding_payment
    else:
        outcome = Outcome.closing_letter
    not_claimed = max(ZERO, paid - final.final_grant) if final.refund == 0 else ZERO
    return ReviewResult(tuple(lines), final, paid, quantize_cents(not_claimed), outcome)


def review_findings(review: Review) -> list[Finding]:
    """What stops (errors) or questions (warnings) the review, sorted as the contract sorts."""
    findings: list[Finding] = []
    plan = review.report.notice.plan or {}
    lines = {line.category: line for line in category_lines(review) or ()}
    for category, given in review.recognised.items():
        path = f"recognised.{category}"
        label = Message(COST_CATEGORIES.get(category, category))
        if given.amount < 0:
            findings.append(
                INVALID.finding_about(path, Message(N_("Please enter an amount of 0 € or more.")))
            )
        elif category not in plan:
            findings.append(REVIEW_CATEGORY_NOT_IN_PLAN.finding(path, {"category": label}))
        elif category in lines and lines[category].overridden and not lines[category].reason:
            findings.append(
                REVIEW_OVERRIDE_REASON.finding(
                    path,
                    {
                        "category": label,
                        "recognised": given.amount,
                        "eligible": quantize_cents(lines[category].eligible),
                    },
                )
            )
    numbers = {r.number for r in review.report.receipts or () if r.number}
    for number in sorted(review.sampled - numbers):
        findings.append(
            INVALID.finding_about(
                "sampled",
                Message(
                    N_("The report has no receipt with the number %(number)s."),
                    {"number": number},
                ),
            )
        )
    if numbers and not review.sampled & numbers:
        findings.append(REVIEW_NO_SAMPLE.finding("sampled"))
    if not review.note.strip():
        findings.append(REVIEW_NOTE_MISSING.finding("note"))
    return sort_findings(findings)


# -- the refund notice: refund and interest ---------------------------------------------------


def used_expenses(report: Report) -> tuple[Movement, ...]:
    """The expenses that count (``a_i``): receipts of kind expense in a planned category,
    dated inside the approved period – what the grant was used for."""
    n = report.notice
    if n.start is None or n.end is None or not n.plan:
        return ()
    return tuple(
        Movement(r.date, r.amount)
        for r in report.receipts or ()
        if r.kind == "expense"
        and r.date is not None
        and r.amount is not None
        and r.category in n.plan
        and n.start <= r.date <= n.end
    )


def grant_share(final_grant: Decimal, expenses: Sequence[Movement]) -> Decimal:
    """The part of each expense paid from the grant: F / Σ expenses, at most 1, rounded half
    up to the places ``check closing`` reads – so Σ grant use is F (up to that rounding)."""
    spent = sum((e.amount for e in expenses), Decimal(0))
    if spent <= 0:
        return Decimal(0).scaleb(-SHARE_PLACES)
    share = min(Decimal(1), final_grant / spent)
    return share.quantize(Decimal(1).scaleb(-SHARE_PLACES), rounding=ROUND_HALF_UP)


def refund_closing(
    review: Review,
    result: ReviewResult,
    *,
    effective: date,
    refund_on: date,
    base_rates: BaseRateTable,
    waiver_below: Decimal = Decimal(0),
    margin: Decimal = STATUTORY_MARGIN,
    use_within_days: int = USE_WITHIN_DAYS,
) -> Closing:
    """The closing (spec/rules.md, "Closing a grant") of a reviewed grant: the figures of the
    refund notice. ``effective`` is the day the partial revocation takes effect (from then
    the refund bears interest), ``refund_on`` the due date; ``base_rates`` the table an
    administrator keeps (``kept_base_rates`` in service/operations/base_rates.py)."""
    expenses = used_expenses(review.report)
    return Closing(
        final_grant=result.final_grant,
        payouts=review.payouts,
        expenses=expenses,
        grant_share=grant_share(result.final_grant, expenses),
        effective=effective,
        refund_on=refund_on,
        base_rates=base_rates,
        margin=margin,
        use_within_days=use_within_days,
        waiver_below=waiver_below,
    )


@dataclass(frozen=True)
class InterestWaiver:
    """The office does not claim the interest (§ 49a Abs. 3 Satz 2 VwVfG), for a reason."""

    reason: str


@dataclass(frozen=True)
class RefundClaim:
    """What the refund notice claims. ``computed`` is the contract's result (also what
    ``check closing`` prints for :func:`closing_input`); a waiver by the office sets the
    claimed interest to 0 and keeps the computed figures and the reason on record."""

    closing: Closing
    computed: ClosingResult | None
    waiver: InterestWaiver | None
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return self.computed is not None and not any(f.is_error for f in self.findings)

    @property
    def refund(self) -> Decimal:
        return self.computed.refund if self.computed else ZERO

    def _interest(self, value: Decimal) -> Decimal:
        return ZERO if self.computed is None or self.waiver else value

    @property
    def interest_refund(self) -> Decimal:
        return self._interest(self.computed.interest_refund if self.computed else ZERO)

    @property
    def interest_late_use(self) -> Decimal:
        return self._interest(self.computed.interest_late_use if self.computed else ZERO)

    @property
    def interest_total(self) -> Decimal:
        return self.interest_refund + self.interest_late_use

    @property
    def total_due(self) -> Decimal:
        return self.refund + self.interest_total


def refund_claim(closing: Closing, waiver: InterestWaiver | None = None) -> RefundClaim:
    """Refund and interest for the notice, with the findings of ``check closing`` plus the
    waiver's reason and a base rate table that lags behind the interest period."""
    findings, computed = closing_findings(closing)
    if waiver is not None and not waiver.reason.strip():
        findings.append(INTEREST_WAIVER_REASON.finding("interest_waiver.reason"))
    if computed is not None:
        findings += _unpublished_rate(closing, computed)
    return RefundClaim(closing, computed, waiver, tuple(sort_findings(findings)))


def _next_publication(day: date) -> date:
    """The first 1 January or 1 July after ``day``."""
    return date(day.year, 7, 1) if day.month < 7 else date(day.year + 1, 1, 1)


def _unpublished_rate(closing: Closing, computed: ClosingResult) -> list[Finding]:
    rows = closing.base_rates.rates
    if not rows:
        return []
    last = rows[-1]
    ends = [p.end for p in computed.refund_periods if computed.refund > 0]
    ends += [p.used_on for p in computed.late_use if p.used_on > p.paid_on]
    unpublished = _next_publication(last.start)
    if not ends or max(ends) <= unpublished:  # the end is excluded: no day from it on
        return []
    return [
        INTEREST_RATE_UNPUBLISHED.finding(
            "base_rates",
            {"rate": percent_text(last.rate / 100), "last": last.start, "day": unpublished},
        )
    ]


def closing_input(closing: Closing) -> dict[str, Any]:
    """The closing as the interchange JSON of ``check closing`` (spec/rules.md): the refund
    notice's figures can be checked with the command or the API."""
    return {
        "final_grant": str(closing.final_grant),
        "payouts": [{"date": p.day.isoformat(), "amount": str(p.amount)} for p in closing.payouts],
        "expenses": [
            {"date": e.day.isoformat(), "amount": str(e.amount)} for e in closing.expenses
        ],
        "grant_share": f"{closing.grant_share:f}",
        "effective": closing.effective.isoformat(),
        "refund_on": closing.refund_on.isoformat(),
        "base_rates": [
            {"from": row.start.isoformat(), "rate": str(row.rate)}
            for row in closing.base_rates.rates
        ],
        "margin": str(closing.margin),
        "use_within_days": closing.use_within_days,
        "waiver_below": str(closing.waiver_below),
    }
