"""The office's review of the usage-of-funds report and what follows (issue 19, item 2).

* :func:`report_list` – the granted applications of the partnership (or of one fund) with the
  report's due day, whether it came, came late or is overdue, and the review's state.
* :func:`save_review` – what the coordination office enters: recognised amounts (an amount
  other than the rules' needs a reason), the sampled receipts (Stichprobe), the review note
  (Prüfvermerk), an interest waiver with its reason (§ 49a Abs. 3 Satz 2 VwVfG) and the dates
  of a refund notice. Refused once the review is finished.
* :func:`finish_review` – the domain's findings must have no error; who finished it when and
  the money of the review are recorded. :func:`reopen_review` undoes that until a document
  is issued.
* :func:`issue_outcome` – the closing letter (Abschlussmitteilung) or the partial revocation
  and refund notice (Teilwiderrufs- und Erstattungsbescheid) through the one publish pipeline,
  registered, e-mailed to the applicant with the PDF. Only after a finished review; twice
  (double click, two tabs) gives one document.

The funding rules are the domain's (service/domain/review.py, closing.py): this module reads
and stores. Each operation takes the unit of work first, locks the review row it changes,
writes the audit log and flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from .. import mail_texts
from ..adapters.mail.transport import Attachment, Mail
from ..archive.register import context_hash, latest_version, read_document
from ..domain.base_rates import BaseRateTable
from ..domain.catalogues import COST_CATEGORIES
from ..domain.check import CheckResult, check_report
from ..domain.closing import Movement
from ..domain.findings import Finding
from ..domain.messages import N_, Message
from ..domain.money import to_json_money
from ..domain.notice import report_due_on
from ..domain.report import Report, parse_report
from ..domain.review import (
    InterestWaiver,
    Outcome,
    Recognition,
    RefundClaim,
    Review,
    ReviewResult,
    refund_claim,
    refund_closing,
    review_findings,
    review_result,
)
from ..domain.states import ApplicationState, NoticeKind, NoticeState, require_transition
from ..errors import NotFound, Refused
from ..models import (
    Application,
    Document,
    Fund,
    Notice,
    Partnership,
    Payout,
    ReportReview,
    StaffUser,
    UsageReport,
    utcnow,
)
from ..rendering.context import build_closing_letter_context, build_refund_notice_context
from ..rendering.docx import Metadata, load_manifest
from ..uow import UnitOfWork
from . import audit
from .applications import application_data, usage_report
from .base_rates import kept_base_rates
from .funds import rules_for
from .partnerships import letterhead_of
from .publish import AuditEntry, Filing, Publication, publish, template_for
from .regeneration import Scope

# the register's kinds of each outcome document: PDF/A and the DOCX it was rendered from
OUTCOME_KINDS: Mapping[str, tuple[str, str]] = {
    Outcome.closing_letter.value: ("closing_letter", "closing_letter-docx"),
    Outcome.refund_notice.value: ("refund_notice", "refund_notice-docx"),
}
# the document's number: the file number after a prefix (Abschlussmitteilung, Teilwiderruf)
NUMBER_PREFIX: Mapping[str, str] = {
    Outcome.closing_letter.value: "AM",
    Outcome.refund_notice.value: "TW",
}
# the refund's payment reference (Kassenzeichen) is the file number and this suffix
REFUND_CASH_SUFFIX = "E"
# the refund falls due one month after the notice: 30 days is the default the office can change
REFUND_DUE_DAYS = 30
# states of a granted application whose report the office may see
GRANTED_STATES = (
    ApplicationState.notice_issued,
    ApplicationState.in_payment,
    ApplicationState.report_submitted,
    ApplicationState.revoked,
    ApplicationState.closed,
)
REASON_MAX = 2000
NOTE_MAX = 10000

NO_REVIEW = N_(
    "A closing letter or refund notice can only be issued once the review of the report is "
    "finished. Please finish the review first."
)
OUTSTANDING = N_(
    "The final grant is %(outstanding)s more than was paid out. That amount has to be paid "
    "first: it is paid through a payment request (queue of payment requests, both sign-offs, "
    "payment order). Once the payouts equal the final grant, open the review again, finish "
    "it and issue the closing letter."
)


class ReportDue:
    """Where a report stands against its deadline (the list's column)."""

    submitted = N_("Submitted")
    submitted_late = N_("Submitted late")
    open = N_("Due")
    overdue = N_("Overdue")


# -- read models ---------------------------------------------------------------------------------


def grant_notice_of(application: Application) -> Notice | None:
    """The issued grant notice in force (Zuwendungs- or Änderungsbescheid), in any state of
    the application after it."""
    issued = [
        n
        for n in application.notices
        if n.state is NoticeState.issued and n.kind in (NoticeKind.zuwendung, NoticeKind.aenderung)
    ]
    return max(issued, key=lambda n: (n.issued_on or date.min, n.id)) if issued else None


@dataclass(frozen=True)
class ReportRow:
    """One granted application in the office's list of reports."""

    application: Application
    report: UsageReport | None
    due_on: date | None
    due_state: str
    review: ReportReview | None


def _due(report: UsageReport | None, due_on: date | None, today: date) -> str:
    if report is not None:
        late = due_on is not None and report.submitted_on > due_on
        return ReportDue.submitted_late if late else ReportDue.submitted
    return ReportDue.overdue if due_on is not None and today > due_on else ReportDue.open


def report_list(
    uow: UnitOfWork, partnership_id: int, fund_id: int | None = None
) -> list[ReportRow]:
    """The granted applications with their report (or its due day): submitted and not yet
    reviewed first, then overdue, due and the rest, by due day."""
    query = (
        select(Application)
        .join(Fund, Fund.id == Application.fund_id)
        .where(Fund.partnership_id == partnership_id, Application.state.in_(GRANTED_STATES))
    )
    if fund_id is not None:
        query = query.where(Fund.id == fund_id)
    applications = list(uow.session.scalars(query))
    ids = [a.id for a in applications]
    reports = {
        r.application_id: r
        for r in uow.session.scalars(select(UsageReport).where(UsageReport.application_id.in_(ids)))
    }
    reviews = {
        r.application_id: r
        for r in uow.session.scalars(
            select(ReportReview).where(ReportReview.application_id.in_(ids))
        )
    }
    today = uow.today()
    rows = []
    for application in applications:
        notice = grant_notice_of(application)
        if notice is None:
            continue
        end = notice.period_end or application.project_end
        due_on = report_due_on(end, rules_for(application).report_due_days) if end else None
        report = reports.get(application.id)
        rows.append(
            ReportRow(
                application,
                report,
                due_on,
                _due(report, due_on, today),
                reviews.get(application.id),
            )
        )

    def order(row: ReportRow) -> tuple[int, date, int]:
        if row.report is not None and (row.review is None or not row.review.issued_on):
            rank = 0
        elif row.due_state == ReportDue.overdue:
            rank = 1
        elif row.report is None:
            rank = 2
        else:
            rank = 3
        return rank, row.due_on or date.max, row.application.id

    return sorted(rows, key=order)


def get_application(uow: UnitOfWork, partnership_id: int, app_id: int) -> Application:
    """The granted application inside the partnership that has a report, else NotFound."""
    found = uow.session.get(Application, app_id)
    if (
        found is None
        or found.fund.partnership_id != partnership_id
        or usage_report(uow, found) is None
    ):
        raise NotFound(Message(N_("This usage-of-funds report does not exist.")))
    return found


def review_of(uow: UnitOfWork, application: Application) -> ReportReview | None:
    return uow.session.scalars(
        select(ReportReview).where(ReportReview.application_id == application.id)
    ).one_or_none()


def payouts_of(uow: UnitOfWork, application: Application) -> list[Payout]:
    return list(
        uow.session.scalars(
            select(Payout)
            .where(Payout.application_id == application.id)
            .order_by(Payout.paid_on, Payout.id)
        )
    )


def base_rates(uow: UnitOfWork) -> BaseRateTable:
    """The base rate table the interest is computed with: the dated table the administrator
    keeps (issue 19.3; it starts with the shipped rows)."""
    return kept_base_rates(uow)


def parsed_report(report: UsageReport) -> Report:
    parsed, _problems = parse_report(report.data, today=report.submitted_on)
    if parsed is None:
        raise Refused(
            Message(N_("The stored report cannot be read; please tell an administrator."))
        )
    return parsed


@dataclass(frozen=True)
class ReviewState:
    """Everything the review page and the documents need: the domain's review of what is
    stored, its findings, its result and – for a refund – the claim with its interest."""

    application: Application
    report: UsageReport
    parsed: Report
    row: ReportReview | None
    review: Review
    findings: tuple[Finding, ...]
    result: ReviewResult | None
    claim: RefundClaim | None
    payouts: tuple[Payout, ...]
    effective_on: date | None
    refund_on: date | None


def review_state(uow: UnitOfWork, application: Application) -> ReviewState:
    report = usage_report(uow, application)
    if report is None:
        raise NotFound(Message(N_("This usage-of-funds report does not exist.")))
    parsed = parsed_report(report)
    row = review_of(uow, application)
    payouts = tuple(payouts_of(uow, application))
    movements = tuple(Movement(p.paid_on, p.amount) for p in payouts)
    recognised: dict[str, Recognition] = {}
    if row is not None:
        for category, amount in (row.recognised or {}).items():
            recognised[category] = Recognition(
                Decimal(str(amount)), str((row.reasons or {}).get(category, ""))
            )
    review = Review(
        report=parsed,
        guideline=rules_for(application),
        payouts=movements,
        recognised=recognised,
        sampled=frozenset(row.sampled or ()) if row is not None else frozenset(),
        note=row.note if row is not None else "",
    )
    findings = list(review_findings(review))
    result = review_result(review)
    effective_on = row.effective_on if row is not None else None
    refund_on = row.refund_on if row is not None else None
    if effective_on is None and payouts:
        effective_on = max(p.paid_on for p in payouts)
    if refund_on is None:
        refund_on = uow.today() + timedelta(days=REFUND_DUE_DAYS)
    claim = None
    if result is not None and result.outcome is Outcome.refund_notice and effective_on:
        waiver = None
        if row is not None and row.waive_interest:
            waiver = InterestWaiver(row.waiver_reason)
        closing = refund_closing(
            review,
            result,
            effective=effective_on,
            refund_on=refund_on,
            base_rates=base_rates(uow),
        )
        claim = refund_claim(closing, waiver)
        findings += claim.findings
    return ReviewState(
        application,
        report,
        parsed,
        row,
        review,
        tuple(findings),
        result,
        claim,
        payouts,
        effective_on,
        refund_on,
    )


def report_check(state: ReviewState) -> CheckResult:
    """The rules engine's findings on the report as submitted (on its day of submission)."""
    return check_report(
        state.report.data, rules_for(state.application), today=state.report.submitted_on
    )


# -- entering and finishing the review ------------------------------------------------------


@dataclass(frozen=True)
class ReviewInput:
    """What the review form posts: an amount per planned category (the rules' amount
    unless changed), the reasons, the sampled receipts' numbers, the note, the waiver and
    the refund notice's dates."""

    recognised: Mapping[str, Decimal]
    reasons: Mapping[str, str]
    sampled: Sequence[str]
    note: str
    waive_interest: bool = False
    waiver_reason: str = ""
    effective_on: date | None = None
    refund_on: date | None = None


def _clean(value: str, limit: int) -> str:
    return value.strip()[:limit]


def _locked_row(uow: UnitOfWork, application: Application) -> ReportReview:
    """The review row, created on first use and locked until the commit: of two tabs the
    second waits and then sees what the first did."""
    row = review_of(uow, application)
    if row is None:
        report = usage_report(uow, application)
        if report is None:  # get_application checked it
            raise NotFound(Message(N_("This usage-of-funds report does not exist.")))
        row = ReportReview(application_id=application.id, usage_report_id=report.id)
        uow.session.add(row)
        uow.session.flush()
    uow.session.refresh(row, with_for_update=True)
    return row


def _require_open(row: ReportReview) -> None:
    if row.finished_at is not None:
        raise Refused(
            Message(
                N_(
                    "The review was finished by %(name)s and can no longer be changed. "
                    "Please reload the page."
                ),
                {"name": row.finished_name},
            ),
            status=409,
        )


def save_review(uow: UnitOfWork, application: Application, entered: ReviewInput) -> ReportReview:
    """Store what the office entered; findings do not stop saving (the page shows them)."""
    row = _locked_row(uow, application)
    _require_open(row)
    plan = set(parsed_report(row.report).notice.plan or {})
    row.recognised = {
        category: to_json_money(amount)
        for category, amount in entered.recognised.items()
        if category in plan
    }
    row.reasons = {
        category: _clean(reason, REASON_MAX)
        for category, reason in entered.reasons.items()
        if category in plan and reason.strip()
    }
    row.sampled = sorted({_clean(n, 64) for n in entered.sampled if n.strip()})
    row.note = _clean(entered.note, NOTE_MAX)
    row.waive_interest = entered.waive_interest
    row.waiver_reason = _clean(entered.waiver_reason, REASON_MAX) if entered.waive_interest else ""
    row.effective_on = entered.effective_on
    row.refund_on = entered.refund_on
    uow.session.flush()
    _audit(
        uow,
        "report_review.save",
        row,
        overrides=sorted(row.reasons),
        sampled=len(row.sampled),
        waive_interest=row.waive_interest,
    )
    return row


def finish_review(uow: UnitOfWork, application: Application, staff: StaffUser) -> ReportReview:
    """Finish the review: no error may remain; records who and when, the result and the
    outcome. A refund needs the day the partial revocation takes effect and the due day."""
    row = _locked_row(uow, application)
    _require_open(row)
    state = review_state(uow, application)
    errors = [f for f in state.findings if f.is_error]
    if errors:
        raise Refused(
            Message(N_("The review cannot be finished yet:")),
            findings=errors,
        )
    if state.result is None:
        raise Refused(
            Message(N_("The report lacks figures the final grant needs; it cannot be reviewed."))
        )
    result = dict(state.result.as_dict())
    if state.result.outcome is Outcome.refund_notice:
        if state.claim is None or not state.claim.ok or state.effective_on is None:
            raise Refused(
                Message(
                    N_(
                        "Please enter the day the partial revocation takes effect and the day "
                        "the refund is due."
                    )
                )
            )
        row.effective_on, row.refund_on = state.effective_on, state.refund_on
        result.update(_claim_json(state.claim))
    row.finished_by_id = staff.id
    row.finished_name = staff.name or staff.email
    row.finished_at = utcnow()
    row.outcome = state.result.outcome.value
    row.result = result
    uow.session.flush()
    _audit(
        uow,
        "report_review.finish",
        row,
        outcome=row.outcome,
        final_grant=result["final_grant"],
        paid=result["paid"],
        refund=result["refund"],
        outstanding=result["outstanding"],
        interest=result.get("interest_total", "0.00"),
        waive_interest=row.waive_interest,
    )
    return row


def reopen_review(uow: UnitOfWork, application: Application) -> ReportReview:
    """Open a finished review again (payouts came in, a figure was wrong) – only while no
    closing letter or refund notice has been issued."""
    row = _locked_row(uow, application)
    if row.issued_on is not None:
        raise Refused(
            Message(
                N_("The %(kind)s has been issued; the review can no longer be opened again."),
                {"kind": Message(Outcome(row.issued_kind).label)},
            ),
            status=409,
        )
    if row.finished_at is None:
        return row
    row.finished_at = None
    row.finished_by_id = None
    row.finished_name = ""
    row.outcome = ""
    row.result = {}
    uow.session.flush()
    _audit(uow, "report_review.reopen", row)
    return row


def _claim_json(claim: RefundClaim) -> dict[str, Any]:
    computed = claim.computed
    if computed is None:
        raise Refused(Message(NO_REVIEW))
    return {
        "interest_refund": to_json_money(claim.interest_refund),
        "interest_late_use": to_json_money(claim.interest_late_use),
        "interest_total": to_json_money(claim.interest_total),
        "interest_computed": to_json_money(computed.computed_total),
        "total_due": to_json_money(claim.total_due),
    }


# -- the outcome documents ----------------------------------------------------------------------


def outcome_number(application: Application, outcome: str) -> str:
    return f"{NUMBER_PREFIX[outcome]}-{application.reference}"


def refund_cash_reference(application: Application) -> str:
    return f"{application.reference}-{REFUND_CASH_SUFFIX}"


def _lines_json(state: ReviewState) -> list[dict[str, Any]]:
    if state.result is None:
        raise Refused(Message(NO_REVIEW))
    return [
        {
            "category": COST_CATEGORIES.get(line.category, line.category),
            "planned": to_json_money(line.planned),
            "reported": to_json_money(line.reported),
            "recognised": to_json_money(line.recognised),
            "reason": line.reason,
        }
        for line in state.result.lines
    ]


def outcome_data(
    uow: UnitOfWork, state: ReviewState, outcome: str, issued_on: date
) -> dict[str, Any]:
    """What the closing letter or refund notice states, as plain JSON (stored next to the
    document, rendered again from it)."""
    application = state.application
    notice = grant_notice_of(application)
    result = state.result
    if result is None or notice is None:
        raise Refused(Message(NO_REVIEW))
    data: dict[str, Any] = {
        "number": outcome_number(application, outcome),
        "date": issued_on.isoformat(),
        "file_number": application.reference or "",
        "application": application_data(application),
        "fund": {"name": rules_for(application).fund_name},
        "project": {"title": application.title},
        "notice": {
            "number": notice.number,
            "date": notice.issued_on.isoformat() if notice.issued_on else "",
            "amount": to_json_money(notice.amount or Decimal(0)),
            "start": notice.period_start.isoformat() if notice.period_start else "",
            "end": notice.period_end.isoformat() if notice.period_end else "",
        },
        "report": {"submitted_on": state.report.submitted_on.isoformat()},
        "lines": _lines_json(state),
        "recognised_total": to_json_money(result.final.eligible_total),
        "final_grant": to_json_money(result.final_grant),
        "paid": to_json_money(result.paid),
        "payouts": [
            {"date": p.paid_on.isoformat(), "amount": to_json_money(p.amount)}
            for p in state.payouts
        ],
        "not_claimed": to_json_money(result.not_claimed),
    }
    if outcome == Outcome.refund_notice.value:
        claim = state.claim
        if claim is None or claim.computed is None:
            raise Refused(Message(NO_REVIEW))
        computed = claim.computed
        row = state.row
        data["refund"] = {
            "amount": to_json_money(claim.refund),
            "effective": (state.effective_on or issued_on).isoformat(),
            "due": (state.refund_on or issued_on).isoformat(),
            # the computed interest (before a waiver by the office) and what is claimed
            "interest_refund": to_json_money(computed.interest_refund),
            "interest_late_use": to_json_money(computed.interest_late_use),
            "interest_total": to_json_money(claim.interest_total),
            "interest_computed": to_json_money(computed.computed_total),
            "total_due": to_json_money(claim.total_due),
            "waived": claim.waiver is not None,
            "waiver_reason": row.waiver_reason if row is not None else "",
            "below_threshold": computed.waived,
            "periods": [
                {
                    "start": p.start.isoformat(),
                    "end": p.last_day.isoformat(),
                    "days": p.days,
                    "base_rate": str(p.base_rate),
                    "percent": str(p.percent),
                }
                for p in computed.refund_periods
            ],
            "late_use": [
                {
                    "amount": to_json_money(portion.amount),
                    "paid_on": portion.paid_on.isoformat(),
                    "used_on": portion.used_on.isoformat(),
                    "days": (portion.used_on - portion.paid_on).days,
                }
                for portion in computed.late_use
            ],
            "cash_reference": refund_cash_reference(application),
        }
    return data


def _context(
    outcome: str, data: Mapping[str, Any], partnership: Partnership, uow: UnitOfWork
) -> dict[str, Any]:
    letterhead = letterhead_of(partnership)
    if outcome == Outcome.refund_notice.value:
        return build_refund_notice_context(data, letterhead, uow.localizer)
    return build_closing_letter_context(data, letterhead, uow.localizer)


def outcome_documents(uow: UnitOfWork, application: Application) -> list[Document]:
    """The latest PDF of the issued closing letter or refund notice, if any."""
    row = review_of(uow, application)
    if row is None or not row.issued_number:
        return []
    found = latest_version(
        uow.session,
        application.fund.partnership_id,
        OUTCOME_KINDS[row.issued_kind][0],
        row.issued_number,
    )
    return [found] if found is not None else []


def _publish_outcome(
    uow: UnitOfWork,
    row: ReportReview,
    kind: str,
    data: Mapping[str, Any],
    *,
    action: str,
    details: Mapping[str, Any],
    replacement_reason: str = "",
) -> list[Document]:
    """Render the closing document ``kind`` from ``data`` with the partnership's current
    template and settings, register it (a new version of its number) and audit ``action``."""
    application = row.application
    partnership = application.fund.partnership
    number = str(data["number"])
    title = load_manifest().kinds[kind].title
    meta = Metadata(
        title=f"{title} {number}",
        subject=f"{application.reference} – {application.title}",
        author=partnership.lead_office_name,
    )
    return publish(
        uow,
        Publication(kind, _context(kind, data, partnership, uow), meta),
        Filing(
            partnership_id=partnership.id,
            number=number,
            stem=f"{title.split()[0]}-{number}",
            kinds=(OUTCOME_KINDS[kind][0], OUTCOME_KINDS[kind][1]),
            issued=True,
            application_id=application.id,
            replacement_reason=replacement_reason,
            source_sha256=source_fingerprint(data, partnership),
            context=dict(data),
        ),
        AuditEntry(
            action,
            "report_review",
            row.id,
            partnership.id,
            details={"number": number, "application": application.reference, **details},
            list_documents=True,
        ),
    )


def issue_outcome(
    uow: UnitOfWork, application: Application, *, body: Callable[[Application, str, bool], str]
) -> list[Document]:
    """Issue the closing letter or the refund notice of the finished review: render
    (DOCX → PDF/A), register, move the application on and e-mail the applicant the PDF
    (``body(application, kind title, attached)``). A second call returns the documents of
    the first. Returns [pdf, docx] (or [pdf] when issued before)."""
    row = _locked_row(uow, application)
    if row.issued_on is not None:
        return outcome_documents(uow, application)
    if row.finished_at is None:
        raise Refused(Message(NO_REVIEW))
    state = review_state(uow, application)
    result = state.result
    if result is None:
        raise Refused(Message(NO_REVIEW))
    stored = row.result or {}
    if (
        result.outcome.value != row.outcome
        or to_json_money(result.paid) != stored.get("paid")
        or to_json_money(result.final_grant) != stored.get("final_grant")
    ):
        raise Refused(
            Message(
                N_(
                    "The payouts changed after the review was finished (paid then %(then)s, "
                    "now %(now)s). Please open the review again, check it and finish it."
                ),
                {"then": Decimal(str(stored.get("paid", "0"))), "now": result.paid},
            ),
            status=409,
        )
    if result.outcome is Outcome.outstanding_payment:
        raise Refused(Message(OUTSTANDING, {"outstanding": result.outstanding}))
    outcome = result.outcome.value
    if outcome == Outcome.refund_notice.value and (state.claim is None or not state.claim.ok):
        raise Refused(Message(NO_REVIEW))
    today = uow.today()
    data = outcome_data(uow, state, outcome, today)
    documents = _publish_outcome(
        uow,
        row,
        outcome,
        data,
        action=f"{outcome}.issue",
        details={
            "final_grant": data["final_grant"],
            "paid": data["paid"],
            "refund": (data.get("refund") or {}).get("amount", "0.00"),
            "interest": (data.get("refund") or {}).get("interest_total", "0.00"),
        },
    )
    number = str(data["number"])
    title = load_manifest().kinds[outcome].title
    row.issued_kind = outcome
    row.issued_number = number
    row.issued_on = today
    if outcome == Outcome.refund_notice.value:
        # what the notice claims, as it states it: receipts are counted against it (19.4)
        row.refund_total = Decimal(str(data["refund"]["total_due"]))
    target = (
        ApplicationState.revoked
        if outcome == Outcome.refund_notice.value
        else ApplicationState.closed
    )
    if application.state is not target:
        application.state = require_transition(application.state, target)
    uow.session.flush()
    _mail(uow, application, documents[0], title, body)
    return documents


# an e-mail carries the PDF up to this size; a larger one is sent by post only
MAIL_ATTACHMENT_LIMIT = 10 * 1024 * 1024


def _mail(
    uow: UnitOfWork,
    application: Application,
    document: Document,
    title: str,
    body: Callable[[Application, str, bool], str],
) -> None:
    address = (application.applicant_email or "").strip()
    if not address:
        return
    pdf = read_document(uow.storage, document)
    attached = len(pdf) <= MAIL_ATTACHMENT_LIMIT
    text = body(application, title, attached)
    if attached:
        digest = mail_texts.outcome_digest_line(application) % {"digest": document.file_sha256}
        text = f"{text}\n{digest}\n"
    mail = Mail(
        to=address,
        subject=mail_texts.outcome_subject(application, title, document.number),
        body=text,
        attachments=(Attachment(document.file_name, pdf),) if attached else (),
    )
    uow.mail(mail_texts.from_partnership(mail, application.fund.partnership))
    audit.record(
        uow.session,
        uow.actor,
        "outcome.mail",
        "application",
        application.id,
        partnership_id=application.fund.partnership_id,
        number=document.number,
        document=document.id,
        sha256=document.file_sha256,
        attached=attached,
    )


def _audit(uow: UnitOfWork, action: str, row: ReportReview, **details: object) -> None:
    application = row.application
    audit.record(
        uow.session,
        uow.actor,
        action,
        "report_review",
        row.id,
        partnership_id=application.fund.partnership_id,
        application=application.reference,
        **details,
    )


def outcome_documents_for(
    uow: UnitOfWork, applications: Sequence[Application]
) -> dict[int, list[Document]]:
    """The latest PDF of each application's issued closing letter or refund notice, for the
    applicant's list of applications."""
    ids = [a.id for a in applications]
    if not ids:
        return {}
    kinds = [pdf for pdf, _docx in OUTCOME_KINDS.values()]
    latest: dict[tuple[int, str], Document] = {}
    for document in uow.session.scalars(
        select(Document)
        .where(
            Document.application_id.in_(ids),
            Document.kind.in_(kinds),
            Document.issued.is_(True),
        )
        .order_by(Document.version)
    ):
        if document.application_id is not None:
            latest[(document.application_id, document.number)] = document
    found: dict[int, list[Document]] = {}
    for (app_id, _number), document in sorted(latest.items()):
        found.setdefault(app_id, []).append(document)
    return found


# -- regenerating the closing documents -------------------------------------------------------
# The notices' batch regeneration (regeneration.py) renders its items by notice; the closing
# letters and refund notices are few (one per grant) and are rendered in the same command
# run, with the same rules: a document whose template or partnership settings changed is
# issued, so it is rendered again only with a reason, as a new version pointing to the old
# one; unchanged ones are left alone. Rendered from the data stored with the document.

UNCHANGED, NEEDS_REASON, REISSUE = "unchanged", "needs_reason", "reissue"


@dataclass(frozen=True)
class OutcomeRecord:
    """One issued closing document in a regeneration's scope and what would happen to it."""

    review_id: int
    kind: str
    number: str
    fund: str
    action: str
    template_changed: bool
    settings_changed: bool


def source_fingerprint(data: Mapping[str, Any], partnership: Partnership) -> str:
    """SHA-256 of what a closing document is rendered from besides its template: its stored
    data and the partnership's settings (letterhead, bank details, [legal])."""
    return context_hash({"input": dict(data), "settings": partnership.settings()})


def _reviews_in_scope(uow: UnitOfWork, scope: Scope) -> list[ReportReview]:
    query = (
        select(ReportReview)
        .join(Application, Application.id == ReportReview.application_id)
        .join(Fund, Fund.id == Application.fund_id)
        .where(ReportReview.issued_number != "")
        .order_by(ReportReview.id)
    )
    if scope.partnership_id is not None:
        query = query.where(Fund.partnership_id == scope.partnership_id)
    if scope.fund:
        query = query.where(Fund.key == scope.fund)
    elif not scope.everything:
        return []  # a committee session has no closing documents
    return list(uow.session.scalars(query))


def plan_outcome_regeneration(
    uow: UnitOfWork, scope: Scope, *, reason: str = ""
) -> list[OutcomeRecord]:
    records = []
    for row in _reviews_in_scope(uow, scope):
        application = row.application
        partnership = application.fund.partnership
        pdf_kind = OUTCOME_KINDS[row.issued_kind][0]
        document = latest_version(uow.session, partnership.id, pdf_kind, row.issued_number)
        if document is None:
            continue
        template = template_for(uow.session, partnership.id, row.issued_kind).sha256
        template_changed = document.template_sha256 != template
        settings_changed = document.source_sha256 != source_fingerprint(
            document.context or {}, partnership
        )
        if not (template_changed or settings_changed):
            action = UNCHANGED
        else:
            action = REISSUE if reason.strip() else NEEDS_REASON
        records.append(
            OutcomeRecord(
                row.id,
                row.issued_kind,
                row.issued_number,
                application.fund.key,
                action,
                template_changed,
                settings_changed,
            )
        )
    return records


def regenerate_outcomes(
    uow: UnitOfWork, records: Sequence[OutcomeRecord], *, reason: str
) -> list[Document]:
    """Render the records planned as :data:`REISSUE` again as new versions (the PDFs)."""
    done = []
    for record in records:
        if record.action != REISSUE:
            continue
        row = uow.session.get(ReportReview, record.review_id)
        if row is None:
            continue
        application = row.application
        partnership = application.fund.partnership
        previous = latest_version(
            uow.session, partnership.id, OUTCOME_KINDS[record.kind][0], record.number
        )
        if previous is None:
            continue
        data = dict(previous.context or {})
        documents = _publish_outcome(
            uow,
            row,
            record.kind,
            data,
            replacement_reason=reason.strip(),
            action=f"{record.kind}.regenerate",
            details={"reason": reason.strip(), "version": previous.version + 1},
        )
        done.append(documents[0])
    return done
