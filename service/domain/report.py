"""The usage-of-funds report (Verwendungsnachweis): typed input, rules and the final grant.

Formulas and codes: spec/rules.md ("Report codes and the final grant").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Any

from . import sources
from .application import percent_text
from .catalogues import COST_CATEGORIES, FINANCING_TYPES
from .findings import Finding, RuleKind, define
from .guideline import Guideline
from .labels import FIELD_REQUIRED, field_label, required
from .messages import N_, Message
from .money import ZERO, quantize_cents
from .reader import InputReader, at, join

RECEIPT_KINDS = ("expense", "income")

REPORT_KEYS = ("notice", "submitted_on", "narrative", "receipts", "income")
NOTICE_KEYS = (
    "number",
    "financing_type",
    "start",
    "end",
    "grant",
    "paid",
    "plan",
    "own_funds",
    "third_party",
    "revenue",
)
REQUIRED_NOTICE = tuple(key for key in NOTICE_KEYS if key != "financing_type")
NARRATIVE_KEYS = ("activities", "goals_reached", "deviations", "participants_actual")
REQUIRED_NARRATIVE = ("activities", "goals_reached", "participants_actual")
RECEIPT_KEYS = ("number", "date", "payee", "purpose", "category", "amount", "kind")
INCOME_KEYS = ("own_funds", "third_party", "revenue")
# The form offers 100 receipts; more is refused as input.invalid (issue 14).
MAX_RECEIPTS = 500

# -- the rules (listed by `foerderwerk rules`; spec/rules.md, "Report codes") ---------------

REPORT = RuleKind("report", N_("Usage-of-funds report"), 20)

NARRATIVE_MISSING = define(
    REPORT,
    "report.narrative-missing",
    "error",
    {
        "part": N_("Please describe in the narrative report: %(label)s."),
        "deviations": N_(
            "The expenses of at least one cost category differ from the plan "
            "by more than %(tolerance)s. Please explain the deviations and "
            "their reasons in the narrative report."
        ),
    },
    source=sources.ANBEST_NARRATIVE,
)
RECEIPT_OUTSIDE_PERIOD = define(
    REPORT,
    "receipt.outside-period",
    "warning",
    N_(
        "This receipt is dated %(date)s, outside the approved period "
        "(%(start)s to %(end)s), so it cannot be counted. If the date is "
        "wrong, please correct it."
    ),
)
RECEIPT_CATEGORY_NOT_IN_PLAN = define(
    REPORT,
    "receipt.category-not-in-plan",
    "warning",
    N_(
        "The approved cost plan has no amount for “%(category)s”, so this "
        "receipt cannot be counted. Please check the cost category."
    ),
)
RECEIPT_IN_FUTURE = define(
    REPORT,
    "receipt.in-future",
    "warning",
    N_(
        "This receipt is dated %(date)s, after the day of the report (%(today)s). A "
        "receipt can only show a payment already made. Please check the date."
    ),
)
RECEIPT_DUPLICATE = define(
    REPORT,
    "receipt.duplicate",
    "warning",
    N_(
        "The receipt number %(number)s appears more than once. Please "
        "give every receipt its own number or remove the duplicate."
    ),
)
REPORT_LINE_OVERRUN = define(
    REPORT,
    "report.line-overrun",
    "warning",
    N_(
        "The expenses for “%(category)s” (%(actual)s) exceed the "
        "planned %(planned)s by more than %(tolerance)s. Only "
        "%(limit)s can be counted; a larger overrun needed the lead "
        "office's approval in advance."
    ),
    source=sources.ANBEST_PLAN_BINDING,
)
REPORT_TOTAL_OVERRUN = define(
    REPORT,
    "report.total-overrun",
    "warning",
    N_(
        "The expenses (%(actual)s) exceed the approved total costs "
        "(%(planned)s). The grant does not grow: you bear the excess "
        "of %(excess)s yourself."
    ),
    source=sources.ANBEST_PLAN_BINDING,
)
REPORT_OWN_FUNDS_REDUCED = define(
    REPORT,
    "report.own-funds-reduced",
    "warning",
    N_(
        "You used %(actual)s of own funds instead of the planned %(planned)s. "
        "With deficit financing the planned own funds still count in full, so "
        "the grant is reduced accordingly."
    ),
    source=sources.ANBEST_PLAN_BINDING,
)
REPORT_OVERDUE = define(
    REPORT,
    "report.overdue",
    "warning",
    N_(
        "The report was due on %(due)s (%(days)s days after the end of the "
        "project). Please submit it as soon as possible and tell the "
        "coordination office why it is late."
    ),
    source=sources.FUND_GUIDELINE,
)


# What the report document states for a finding (issue 19.5, 18.6): a statement of fact in
# the third person, without the form's help ("Please check the date") that the same finding
# shows on the page. Every warning of a report has one (tests/domain/test_report.py).
DOCUMENT_NOTES: Mapping[str, str] = {
    "receipt.outside-period": N_(
        "Dated %(date)s, outside the approved period (%(start)s to %(end)s); not eligible."
    ),
    "receipt.category-not-in-plan": N_(
        "The approved cost plan has no amount for “%(category)s”; not eligible."
    ),
    "receipt.duplicate": N_("The receipt number %(number)s appears more than once."),
    "receipt.in-future": N_(
        "The receipt is dated %(date)s, after the day of the report (%(today)s)."
    ),
    "report.line-overrun": N_(
        "The expenses for “%(category)s” (%(actual)s) exceed the planned %(planned)s by more "
        "than %(tolerance)s; at most %(limit)s are counted."
    ),
    "report.total-overrun": N_(
        "The expenses (%(actual)s) exceed the approved total costs (%(planned)s); the "
        "recipient bears the excess of %(excess)s."
    ),
    "report.own-funds-reduced": N_(
        "Own funds used: %(actual)s instead of the planned %(planned)s; with deficit "
        "financing the planned own funds count in full."
    ),
    "report.overdue": N_(
        "The report was due on %(due)s (%(days)s days after the end of the project)."
    ),
}


# the errors of an incomplete report (`foerderwerk render report`; the web submits none), by
# the message the finding carries
_ERROR_NOTES: Mapping[str, str] = {
    dict(NARRATIVE_MISSING.messages)["part"]: N_(
        "The narrative report lacks the part “%(label)s”."
    ),
    dict(NARRATIVE_MISSING.messages)["deviations"]: N_(
        "The narrative report does not explain the deviations of more than %(tolerance)s "
        "from the plan."
    ),
    dict(FIELD_REQUIRED.messages)["labelled"]: N_("The entry “%(label)s” is missing."),
    dict(FIELD_REQUIRED.messages)["unlabelled"]: N_("A required entry is missing."),
}
# anything else (a message that is not a rule's own) is not worded for a document
_NOTE_OTHER = N_("An entry is incomplete or cannot be read.")


def document_note(finding: Finding) -> Message:
    """The report document's statement for ``finding``: a fact, never the form's help."""
    msgid = DOCUMENT_NOTES.get(finding.code) or _ERROR_NOTES.get(finding.message.msgid)
    if msgid is None:
        return Message(_NOTE_OTHER)
    return Message(msgid, finding.message.params)


@dataclass(frozen=True)
class Cover:
    """Money covering the costs besides the grant: own funds, third-party funds, revenue."""

    own_funds: Decimal
    third_party: Decimal
    revenue: Decimal

    @property
    def total(self) -> Decimal:
        return self.own_funds + self.third_party + self.revenue


@dataclass(frozen=True)
class Notice:
    number: str | None
    financing_type: str | None
    start: date | None
    end: date | None
    grant: Decimal | None
    paid: Decimal | None
    plan: Mapping[str, Decimal] | None
    own_funds: Decimal | None
    third_party: Decimal | None
    revenue: Decimal | None
    # planned categories given without an amount (reported as required)
    plan_blank: tuple[str, ...] = ()


@dataclass(frozen=True)
class Narrative:
    activities: str | None
    goals_reached: str | None
    deviations: str | None
    participants_actual: int | None


@dataclass(frozen=True)
class Receipt:
    number: str | None
    date: date | None
    payee: str | None
    purpose: str | None
    category: str | None
    amount: Decimal | None
    kind: str | None


@dataclass(frozen=True)
class ReportIncome:
    own_funds: Decimal | None
    third_party: Decimal | None
    revenue: Decimal | None


@dataclass(frozen=True)
class Report:
    notice: Notice
    submitted_on: date
    narrative: Narrative
    receipts: tuple[Receipt, ...] | None
    income: ReportIncome


@dataclass(frozen=True)
class FinalGrant:
    """The result of a report. ``eligible``/``eligible_total`` are exact (not rounded);
    ``final_grant``, ``refund`` and ``outstanding`` are in cents."""

    eligible: Mapping[str, Decimal]
    eligible_total: Decimal
    final_grant: Decimal
    refund: Decimal
    outstanding: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "eligible": dict(self.eligible),
            "eligible_total": self.eligible_total,
            "final_grant": self.final_grant,
            "refund": self.refund,
            "outstanding": self.outstanding,
        }


# -- parsing --------------------------------------------------------------------------------


def parse_report(data: Any, *, today: date) -> tuple[Report | None, list[Finding]]:
    """Typed report and its ``input.invalid`` findings (the report is None then)."""
    r = InputReader()
    root = r.mapping(data, "", REPORT_KEYS)
    if root is None and data is None:
        r.wrong_type("", "object")

    notice_obj = r.mapping(_child(root, "notice"), "notice", NOTICE_KEYS)
    plan_obj = r.mapping(_child(notice_obj, "plan"), "notice.plan", COST_CATEGORIES)
    plan: dict[str, Decimal] | None = None
    plan_blank: list[str] = []
    if plan_obj is not None:
        plan = {}
        for category in plan_obj:
            amount = r.number(plan_obj, category, "notice.plan")
            if amount is not None and category in COST_CATEGORIES:
                plan[category] = amount
            elif plan_obj[category] in (None, ""):
                plan_blank.append(category)
    notice = Notice(
        number=r.text(notice_obj, "number", "notice"),
        financing_type=r.choice(notice_obj, "financing_type", "notice", FINANCING_TYPES),
        start=r.day(notice_obj, "start", "notice"),
        end=r.day(notice_obj, "end", "notice"),
        grant=r.number(notice_obj, "grant", "notice"),
        paid=r.number(notice_obj, "paid", "notice"),
        plan=plan,
        own_funds=r.number(notice_obj, "own_funds", "notice"),
        third_party=r.number(notice_obj, "third_party", "notice"),
        revenue=r.number(notice_obj, "revenue", "notice"),
        plan_blank=tuple(plan_blank),
    )
    submitted_on = r.day(root, "submitted_on", "")

    narrative_obj = r.mapping(_child(root, "narrative"), "narrative", NARRATIVE_KEYS)
    narrative = Narrative(
        activities=r.text(narrative_obj, "activities", "narrative"),
        goals_reached=r.text(narrative_obj, "goals_reached", "narrative"),
        deviations=r.text(narrative_obj, "deviations", "narrative"),
        participants_actual=r.integer(narrative_obj, "participants_actual", "narrative"),
    )

    items = r.sequence(root, "receipts", "", limit=MAX_RECEIPTS)
    receipts: list[Receipt] = []
    for index, item in enumerate(items or ()):
        path = at("receipts", index)
        obj = r.mapping(item, path, RECEIPT_KEYS)
        if obj is None and item is None:
            r.wrong_type(path, "object")
        receipts.append(
            Receipt(
                number=r.text(obj, "number", path),
                date=r.day(obj, "date", path),
                payee=r.text(obj, "payee", path),
                purpose=r.text(obj, "purpose", path),
                category=r.choice(obj, "category", path, COST_CATEGORIES),
                amount=r.number(obj, "amount", path, minimum="positive"),
                kind=r.choice(obj, "kind", path, RECEIPT_KINDS),
            )
        )

    income_obj = r.mapping(_child(root, "income"), "income", INCOME_KEYS)
    income = ReportIncome(
        own_funds=r.number(income_obj, "own_funds", "income"),
        third_party=r.number(income_obj, "third_party", "income"),
        revenue=r.number(income_obj, "revenue", "income"),
    )
    if r.findings:
        return None, r.findings
    return (
        Report(
            notice=notice,
            submitted_on=submitted_on or today,
            narrative=narrative,
            receipts=None if items is None else tuple(receipts),
            income=income,
        ),
        [],
    )


def _child(obj: Mapping[str, Any] | None, key: str) -> Any:
    return None if obj is None else obj.get(key)


# -- calculations ---------------------------------------------------------------------------


def in_period(day: date, start: date, end: date) -> bool:
    return start <= day <= end


def actual_by_category(
    receipts: Iterable[Receipt], plan: Mapping[str, Decimal], start: date, end: date
) -> dict[str, Decimal]:
    """``a_i``: expenses per planned category dated inside the approved period.

    Receipts of another category, outside the period or incomplete count nowhere.
    """
    actual = dict.fromkeys(plan, Decimal(0))
    for receipt in receipts:
        if (
            receipt.kind == "expense"
            and receipt.amount is not None
            and receipt.date is not None
            and receipt.category in actual
            and in_period(receipt.date, start, end)
        ):
            actual[receipt.category] += receipt.amount
    return actual


def eligible_by_category(
    plan: Mapping[str, Decimal], actual: Mapping[str, Decimal], tolerance: Decimal
) -> dict[str, Decimal]:
    """``e_i = min(a_i, p_i × (1 + t))`` for the categories of the plan, not rounded."""
    return {
        category: min(actual.get(category, Decimal(0)), planned * (1 + tolerance))
        for category, planned in plan.items()
    }


def compute_final_grant(
    *,
    financing_type: str,
    plan: Mapping[str, Decimal],
    actual: Mapping[str, Decimal],
    tolerance: Decimal,
    grant: Decimal,
    paid: Decimal,
    planned_cover: Cover,
    actual_cover: Cover,
    refund_waiver_below: Decimal = Decimal(0),
) -> FinalGrant:
    """The final grant after the report (spec/rules.md). Only ``final`` is rounded (half up).

    ``actual`` holds the eligible-period expenses per category (:func:`actual_by_category`).
    """
    return final_grant_from_eligible(
        financing_type=financing_type,
        plan=plan,
        eligible=eligible_by_category(plan, actual, tolerance),
        grant=grant,
        paid=paid,
        planned_cover=planned_cover,
        actual_cover=actual_cover,
        refund_waiver_below=refund_waiver_below,
    )


def final_grant_from_eligible(
    *,
    financing_type: str,
    plan: Mapping[str, Decimal],
    eligible: Mapping[str, Decimal],
    grant: Decimal,
    paid: Decimal,
    planned_cover: Cover,
    actual_cover: Cover,
    refund_waiver_below: Decimal = Decimal(0),
) -> FinalGrant:
    """The final grant from the eligible amount per category (``e_i``, exact): what the rules
    give (:func:`compute_final_grant`) or what the coordination office recognised in its
    review (service/domain/review.py). From here on the formulas are the contract's."""
    if financing_type not in FINANCING_TYPES:
        raise ValueError(f"unknown financing type {financing_type!r}")
    zero = Decimal(0)
    planned_total = sum(plan.values(), zero)
    eligible_total = min(sum(eligible.values(), zero), planned_total)
    # Enough digits that the single division below is exact or correctly rounded to cents.
    with localcontext() as ctx:
        ctx.prec = 80
        if financing_type == "fehlbedarf":
            # planned own funds count even when less was spent of them
            other = (
                max(actual_cover.own_funds, planned_cover.own_funds)
                + actual_cover.third_party
                + actual_cover.revenue
            )
            final = min(grant, max(zero, eligible_total - other))
        elif financing_type == "anteil":
            extra_cover = max(zero, actual_cover.total - planned_cover.total)
            # q × A − q × extra with q = Z / Σp, written as one division so nothing is
            # rounded before the end
            share = (
                grant * (eligible_total - extra_cover) / planned_total if planned_total else zero
            )
            final = max(zero, min(grant, share))
        elif financing_type == "festbetrag":
            final = min(grant, eligible_total)
        else:  # voll
            final = min(grant, max(zero, eligible_total - actual_cover.total))
        final = quantize_cents(final)
    difference = paid - final
    refund = difference if difference > 0 and difference >= refund_waiver_below else ZERO
    outstanding = max(ZERO, final - paid)
    return FinalGrant(
        eligible=eligible,
        eligible_total=eligible_total,
        final_grant=final,
        refund=quantize_cents(refund),
        outstanding=quantize_cents(outstanding),
    )


def report_financing_type(report: Report, guideline: Guideline) -> str:
    """The notice's financing type, else the guideline's."""
    return report.notice.financing_type or guideline.financing_type


def report_result(report: Report, guideline: Guideline) -> FinalGrant | None:
    """The final grant, or None while a value it needs is missing (reported as required)."""
    n, income = report.notice, report.income
    if (
        n.start is None
        or n.end is None
        or n.grant is None
        or n.paid is None
        or not n.plan
        or n.plan_blank
        or n.own_funds is None
        or n.third_party is None
        or n.revenue is None
        or income.own_funds is None
        or income.third_party is None
        or income.revenue is None
    ):
        return None
    return compute_final_grant(
        financing_type=report_financing_type(report, guideline),
        plan=n.plan,
        actual=actual_by_category(report.receipts or (), n.plan, n.start, n.end),
        tolerance=guideline.overrun_tolerance,
        grant=n.grant,
        paid=n.paid,
        planned_cover=Cover(n.own_funds, n.third_party, n.revenue),
        actual_cover=Cover(income.own_funds, income.third_party, income.revenue),
        refund_waiver_below=guideline.refund_waiver_below,
    )


# -- rules ----------------------------------------------------------------------------------


def report_findings(report: Report, guideline: Guideline) -> list[Finding]:
    """Every rule finding for a parsed report (unsorted)."""
    n = report.notice
    findings: list[Finding] = []
    for key in REQUIRED_NOTICE:
        value = getattr(n, key)
        if value is None or (key == "plan" and not value and not n.plan_blank):
            findings.append(required(join("notice", key)))
    findings += [required(f"notice.plan.{category}") for category in n.plan_blank]
    for key in INCOME_KEYS:
        if getattr(report.income, key) is None:
            findings.append(required(join("income", key)))
    findings += _narrative_findings(report, guideline)
    findings += _receipt_findings(report)
    findings += _plan_findings(report, guideline)
    if n.end is not None:
        due = n.end + timedelta(days=guideline.report_due_days)
        if report.submitted_on > due:
            findings.append(
                REPORT_OVERDUE.finding(
                    "submitted_on",
                    {"due": due, "days": guideline.report_due_days},
                    guideline=guideline,
                )
            )
    return findings


def _narrative_findings(report: Report, g: Guideline) -> list[Finding]:
    findings: list[Finding] = []
    for key in REQUIRED_NARRATIVE:
        if getattr(report.narrative, key) is None:
            path = join("narrative", key)
            label = field_label(path) or Message(key)
            findings.append(NARRATIVE_MISSING.finding(path, {"label": label}, variant="part"))
    n = report.notice
    if report.narrative.deviations is None and n.plan and n.start and n.end:
        actual = actual_by_category(report.receipts or (), n.plan, n.start, n.end)
        t = g.overrun_tolerance
        if any(abs(actual[c] - p) > t * p for c, p in n.plan.items()):
            findings.append(
                NARRATIVE_MISSING.finding(
                    "narrative.deviations", {"tolerance": percent_text(t)}, variant="deviations"
                )
            )
    return findings


def _receipt_findings(report: Report) -> list[Finding]:
    receipts = report.receipts
    if not receipts:
        return [required("receipts")]
    n = report.notice
    findings: list[Finding] = []
    seen: set[str] = set()
    for index, receipt in enumerate(receipts):
        path = at("receipts", index)
        for key in RECEIPT_KEYS:
            # an income receipt (a participant fee, a donation) belongs to no cost category
            if key == "category" and receipt.kind == "income":
                continue
            if getattr(receipt, key) is None:
                findings.append(required(join(path, key)))
        if receipt.number is not None:
            number = receipt.number.strip()
            if number in seen:
                findings.append(RECEIPT_DUPLICATE.finding(join(path, "number"), {"number": number}))
            seen.add(number)
        if receipt.date is not None and receipt.date > report.submitted_on:
            findings.append(
                RECEIPT_IN_FUTURE.finding(
                    join(path, "date"), {"date": receipt.date, "today": report.submitted_on}
                )
            )
        if receipt.kind != "expense":
            continue
        if (
            receipt.date is not None
            and n.start is not None
            and n.end is not None
            and not in_period(receipt.date, n.start, n.end)
        ):
            findings.append(
                RECEIPT_OUTSIDE_PERIOD.finding(
                    join(path, "date"), {"date": receipt.date, "start": n.start, "end": n.end}
                )
            )
        if receipt.category is not None and n.plan is not None and receipt.category not in n.plan:
            findings.append(
                RECEIPT_CATEGORY_NOT_IN_PLAN.finding(
                    join(path, "category"), {"category": Message(COST_CATEGORIES[receipt.category])}
                )
            )
    return findings


def _plan_findings(report: Report, g: Guideline) -> list[Finding]:
    n = report.notice
    findings: list[Finding] = []
    if n.plan and n.start is not None and n.end is not None:
        t = g.overrun_tolerance
        actual = actual_by_category(report.receipts or (), n.plan, n.start, n.end)
        for category, planned in n.plan.items():
            limit = planned * (1 + t)
            if actual[category] > limit:
                findings.append(
                    REPORT_LINE_OVERRUN.finding(
                        f"notice.plan.{category}",
                        {
                            "category": Message(COST_CATEGORIES[category]),
                            "actual": actual[category],
                            "planned": planned,
                            "tolerance": percent_text(t),
                            "limit": limit,
                        },
                    )
                )
        actual_total = sum(actual.values(), Decimal(0))
        planned_total = sum(n.plan.values(), Decimal(0))
        if actual_total > planned_total:
            findings.append(
                REPORT_TOTAL_OVERRUN.finding(
                    "receipts",
                    {
                        "actual": actual_total,
                        "planned": planned_total,
                        "excess": actual_total - planned_total,
                    },
                )
            )
    own_actual = report.income.own_funds
    if (
        report_financing_type(report, g) == "fehlbedarf"
        and own_actual is not None
        and n.own_funds is not None
        and own_actual < n.own_funds
    ):
        findings.append(
            REPORT_OWN_FUNDS_REDUCED.finding(
                "income.own_funds", {"actual": own_actual, "planned": n.own_funds}
            )
        )
    return findings
