"""Operations of the applicant: drafts, resume links, submission.

Each takes plain data and an explicit actor, flushes and never commits: the entry point
commits once, and only then do queued e-mails go out (service.adapters.mail.outbox).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.check import CheckResult, check_application, check_report
from ..domain.findings import Finding
from ..domain.messages import N_, Message
from ..domain.money import to_json_money
from ..domain.payments import PaymentRequest as PaymentRequestRule
from ..domain.payments import payment_findings
from ..domain.states import ApplicationState, NoticeKind, NoticeState, require_transition
from ..errors import NotFound, Refused, TransitionRefused
from ..models import (
    Application,
    AuditLog,
    Fund,
    Notice,
    Partnership,
    PaymentRequest,
    UsageReport,
    allocate_reference,
)
from ..uow import Actor
from .funds import committed_amount, rules_for
from .interchange import (
    application_to_interchange,
    canonical_json,
    fill_from_interchange,
    freeze_submission,
)
from .receipts import ReceiptMail, queue_receipt

# Resume links are short-lived (R15): long enough to read the mail the same day.
RESUME_LINK_LIFETIME = timedelta(hours=24)
# 32 random bytes = 256 bits, well above the 128 bits R15 asks for
RESUME_TOKEN_BYTES = 32


_CORRECT = Message(N_("Please correct your entry"))


class NotEditable(TransitionRefused):
    """The application is no longer a draft the applicant may change."""

    def __init__(self, state: str) -> None:
        super().__init__(
            Message(N_("This application has been submitted and can no longer be changed."))
        )
        self.state = state


class SubmissionRefused(Refused):
    """The rules engine found errors; ``result`` holds the findings to show."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__(_CORRECT, findings=[f for f in result.findings if f.is_error])
        self.result = result


def _audit(
    session: Session, actor: Actor, action: str, application: Application, **details: Any
) -> None:
    session.add(
        AuditLog(
            partnership_id=application.fund.partnership_id,
            actor=str(actor)[:200],
            action=action,
            object_type="application",
            object_id=str(application.id),
            details=details,
        )
    )


FUND_CLOSED = Message(
    N_(
        "The fund %(fund)s takes no applications at the moment. Please ask the coordination "
        "office when it opens again."
    )
)


def require_open(fund: Fund) -> None:
    """A closed fund (or a draft for next year) takes no application (issue 16.2)."""
    if not fund.is_open:
        raise TransitionRefused(Message(FUND_CLOSED.msgid, {"fund": fund.guideline.fund_name}))


def start_application(session: Session, fund: Fund, actor: Actor) -> Application:
    """A new, empty draft of ``fund``; refused while the fund is closed."""
    require_open(fund)
    application = Application(fund=fund, state=ApplicationState.draft)
    session.add(application)
    session.flush()
    _audit(session, actor, "application.start", application)
    return application


def application_data(application: Application) -> dict[str, Any]:
    """The application in the interchange shape (what the forms edit and the rules check)."""
    return application_to_interchange(application)


def check_stored(
    session: Session, application: Application, today: date, data: Mapping[str, Any] | None = None
) -> CheckResult:
    """The rules engine's verdict on the application (or on ``data`` meant for it)."""
    fund = application.fund
    payload = dict(data if data is not None else application_to_interchange(application))
    payload.setdefault("submitted_on", today.isoformat())
    return check_application(payload, fund.guideline, committed_amount(session, fund), today=today)


def save_draft(
    session: Session,
    application: Application,
    data: Mapping[str, Any],
    actor: Actor,
    *,
    version: int | None = None,
) -> Application:
    """Replace the draft's content with ``data`` (interchange shape).

    ``version`` is the version the form showed; an older one raises ``StaleDataError``
    (R19). Raises :class:`~service.operations.interchange.InterchangeError` for unreadable
    values and :class:`NotEditable` once the application is submitted.
    """
    if not application.state.applicant_may_edit:
        raise NotEditable(application.state.value)
    if version is not None:
        application.check_version(version)
    fill_from_interchange(application, {k: v for k, v in data.items() if k != "submitted_on"})
    session.flush()
    return application


def submit_application(
    session: Session,
    application: Application,
    actor: Actor,
    *,
    idempotency_key: str,
    today: date,
    now: datetime | None = None,
    receipt: ReceiptMail | None = None,
) -> tuple[Application, bool]:
    """Submit the draft: file number, date of receipt, frozen copy and its SHA-256; with
    ``receipt``, the receipt e-mail is queued in the same transaction.

    Idempotent (R18): the same ``idempotency_key`` again returns the application submitted
    with it and ``False`` (nothing happens twice, no second receipt). Raises
    :class:`SubmissionRefused` when the rules engine finds errors.
    """
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValueError("an idempotency key of 1 to 64 characters is needed")
    earlier = session.scalars(
        select(Application).where(Application.idempotency_key == idempotency_key)
    ).one_or_none()
    if earlier is not None:
        return earlier, False
    if application.state is ApplicationState.submitted and application.idempotency_key:
        # the same application submitted from another tab: still one submission
        return application, False
    if not application.state.applicant_may_edit:
        raise NotEditable(application.state.value)
    # a draft begun before the fund closed is kept, but not received while it is closed
    require_open(application.fund)
    result = check_stored(session, application, today)
    if not result.ok:
        raise SubmissionRefused(result)
    application.state = require_transition(application.state, ApplicationState.submitted)
    application.idempotency_key = idempotency_key
    application.submitted_on = today
    application.submitted_at = now or datetime.now(UTC)
    if application.reference is None:
        application.reference = allocate_reference(session, application.fund)
    application.resume_token_hash = None
    application.resume_token_expires_at = None
    digest = freeze_submission(application)
    session.flush()
    _audit(
        session,
        actor,
        "application.submit",
        application,
        reference=application.reference,
        sha256=digest,
    )
    if receipt is not None:
        queue_receipt(session, application, receipt)
    return application, True


# -- resume links (R15) -----------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def issue_resume_token(
    session: Session, application: Application, actor: Actor, now: datetime | None = None
) -> str:
    """A new link token for the applicant's access to the application (a draft to continue,
    a grant to request money for or report on); only its hash is stored, an older one dies."""
    if application.state.is_final:
        raise NotEditable(application.state.value)
    token = secrets.token_urlsafe(RESUME_TOKEN_BYTES)
    application.resume_token_hash = token_hash(token)
    application.resume_token_expires_at = (now or datetime.now(UTC)) + RESUME_LINK_LIFETIME
    session.flush()
    _audit(session, actor, "application.resume-link", application)
    return token


def redeem_resume_token(
    session: Session, partnership: Partnership, token: str, now: datetime | None = None
) -> Application | None:
    """The draft the token opens, or None; a token works once and only until it expires."""
    if not token or len(token) > 200:
        return None
    application = session.scalars(
        select(Application).where(Application.resume_token_hash == token_hash(token))
    ).one_or_none()
    if application is None or application.fund.partnership_id != partnership.id:
        return None
    expires = application.resume_token_expires_at
    current = now or datetime.now(UTC)
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    application.resume_token_hash = None
    application.resume_token_expires_at = None
    session.flush()
    if expires is None or expires < current:
        return None
    return application


# placeholders of a resume request's mail, filled when it is sent (fill_resume_links)
RESUME_TOKEN_SLOT = "__resume_token__"  # noqa: S105 – a placeholder, no secret
RESUME_LINKS_SLOT = "[[resume-links]]"


def queue_resume_request(
    session: Session,
    partnership: Partnership,
    mail: Any,
    actor: Actor,
    *,
    link: str,
    untitled: str,
) -> None:
    """A resume request for ``mail.to``: the same work for every address (issue 14).

    Whether the address has drafts is looked up only when the mail is sent, by the
    background sender after the answer (:func:`fill_resume_links`): the request writes one
    outbox row either way, so neither its time nor its database work tells who applied.
    ``link`` holds :data:`RESUME_TOKEN_SLOT`, ``mail.body`` :data:`RESUME_LINKS_SLOT`."""
    from dataclasses import replace

    from ..adapters.mail import outbox

    spec = {
        "partnership_id": partnership.id,
        "link": link,
        "untitled": untitled,
        "actor": actor.ident[:100],
    }
    outbox.queue_mail(session, replace(mail, resume=spec), background=True)


def fill_resume_links(session: Session, row: Any) -> bool:
    """Issue the tokens of a queued resume request and write its links into the mail; False
    when the address has no draft (nothing to send). Called by the outbox sender."""
    attachments = dict(row.attachments or {})
    spec = attachments.pop("resume")
    partnership = session.get(Partnership, int(spec["partnership_id"]))
    drafts = drafts_for_email(session, partnership, row.recipient) if partnership else []
    if not drafts:
        return False
    actor = Actor("applicant", str(spec.get("actor") or "resume-request"))
    lines = []
    for draft in drafts:
        token = issue_resume_token(session, draft, actor)
        link = str(spec["link"]).replace(RESUME_TOKEN_SLOT, token)
        lines.append(f"{draft.title or spec['untitled']}: {link}")
    row.body = row.body.replace(RESUME_LINKS_SLOT, "\n".join(lines), 1)
    row.attachments = attachments  # a new dict: the JSON column sees the change
    return True


def drafts_for_email(session: Session, partnership: Partnership, email: str) -> list[Application]:
    """The drafts of the partnership whose applicant e-mail is ``email`` (case-insensitive)."""
    wanted = email.strip().lower()
    if not wanted:
        return []
    query = (
        select(Application)
        .join(Fund)
        .where(Fund.partnership_id == partnership.id)
        .where(Application.state.in_([s for s in ApplicationState if not s.is_final]))
    )
    return [a for a in session.scalars(query) if a.applicant_email.strip().lower() == wanted]


def remaining_gap(totals: Mapping[str, Any] | None) -> Decimal | None:
    """Costs not yet covered by the financing plan (negative: more income than costs)."""
    if not totals:
        return None
    return Decimal(str(totals["costs"])) - Decimal(str(totals["income"]))


# -- after the grant: payment requests and the usage-of-funds report ------------------------------

REPORTING_STATES = (ApplicationState.notice_issued, ApplicationState.in_payment)


class NoGrant(NotFound):
    """The application has no issued grant notice to request money for or report on: its
    payment and report pages do not exist (404)."""

    def __init__(self, state: str) -> None:
        super().__init__(Message(N_("This application has no grant notice.")))
        self.state = state


class RulesRefused(Refused):
    """The rules engine found errors; ``findings`` are to be shown at the fields."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(_CORRECT, findings=findings)


def grant_notice(application: Application) -> Notice:
    """The issued grant notice in force (the latest issued Zuwendungs-/Änderungsbescheid)."""
    issued = [
        n
        for n in application.notices
        if n.state is NoticeState.issued and n.kind in (NoticeKind.zuwendung, NoticeKind.aenderung)
    ]
    if not issued or application.state not in REPORTING_STATES:
        raise NoGrant(application.state.value)
    return max(issued, key=lambda n: (n.issued_on or date.min, n.id))


def paid_so_far(session: Session, application: Application) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(PaymentRequest.amount), 0)).where(
            PaymentRequest.application_id == application.id
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def request_payment(
    session: Session,
    application: Application,
    actor: Actor,
    *,
    amount: Decimal | None,
    needed_on: date | None,
    idempotency_key: str,
    today: date,
) -> PaymentRequest:
    """Record a payment request after the rules of Nr. 1.4 ANBest-P; idempotent by key.

    The payout is assumed on the day of the request (the lead office pays promptly); raises
    :class:`RulesRefused` with the findings, :class:`NoGrant` without an issued notice."""
    earlier = session.scalars(
        select(PaymentRequest).where(PaymentRequest.idempotency_key == idempotency_key)
    ).one_or_none()
    if earlier is not None:
        return earlier
    notice = grant_notice(application)
    findings = payment_findings(
        PaymentRequestRule(
            amount=amount,
            needed_on=needed_on,
            payout_on=today,
            grant=notice.amount or Decimal(0),
            requested_before=paid_so_far(session, application),
            period_start=notice.period_start or date.min,
            period_end=notice.period_end or date.max,
        )
    )
    if any(f.is_error for f in findings) or amount is None or needed_on is None:
        raise RulesRefused([f for f in findings if f.is_error])
    request = PaymentRequest(
        application=application,
        amount=amount,
        needed_on=needed_on,
        requested_on=today,
        idempotency_key=idempotency_key,
    )
    session.add(request)
    if application.state is ApplicationState.notice_issued:
        application.state = require_transition(application.state, ApplicationState.in_payment)
    session.flush()
    _audit(session, actor, "payment.request", application, amount=str(amount))
    return request


def report_notice_part(session: Session, application: Application) -> dict[str, Any]:
    """The report interchange's ``notice`` object from the grant notice and the stored plan."""
    notice = grant_notice(application)
    plan: dict[str, Decimal] = {}
    for line in application.cost_lines:
        plan[line.category] = plan.get(line.category, Decimal(0)) + (line.amount or Decimal(0))
    third_party = sum((row.amount or Decimal(0) for row in application.third_party), Decimal(0))
    return {
        "number": notice.number,
        "financing_type": notice.financing_type or rules_for(application).financing_type,
        "start": (notice.period_start or application.project_start or date.min).isoformat(),
        "end": (notice.period_end or application.project_end or date.max).isoformat(),
        "grant": to_json_money(notice.amount or Decimal(0)),
        "paid": to_json_money(paid_so_far(session, application)),
        "plan": {category: to_json_money(amount) for category, amount in plan.items()},
        "own_funds": to_json_money(application.own_funds or Decimal(0)),
        "third_party": to_json_money(third_party),
        "revenue": to_json_money(application.revenue or Decimal(0)),
    }


def check_report_data(
    session: Session, application: Application, data: Mapping[str, Any], today: date
) -> CheckResult:
    payload = {"notice": report_notice_part(session, application), **data}
    payload.setdefault("submitted_on", today.isoformat())
    return check_report(payload, rules_for(application), today=today)


def submit_report(
    session: Session,
    application: Application,
    actor: Actor,
    *,
    data: Mapping[str, Any],
    idempotency_key: str,
    today: date,
) -> UsageReport:
    """Store the usage-of-funds report with its final grant and refund; idempotent by key."""
    earlier = session.scalars(
        select(UsageReport).where(UsageReport.idempotency_key == idempotency_key)
    ).one_or_none()
    if earlier is not None:
        return earlier
    existing = session.scalars(
        select(UsageReport).where(UsageReport.application_id == application.id)
    ).one_or_none()
    if existing is not None:
        return existing
    payload = {
        "notice": report_notice_part(session, application),
        **{k: v for k, v in data.items() if k not in ("notice", "submitted_on")},
        "submitted_on": today.isoformat(),
    }
    # the guideline version the grant was decided under (issue 16.2)
    result = check_report(payload, rules_for(application), today=today)
    if not result.ok:
        raise RulesRefused([f for f in result.findings if f.is_error])
    output = result.to_json(_PlainForStorage())
    report = UsageReport(
        application=application,
        submitted_on=today,
        data=payload,
        result={"result": output.get("result"), "codes": [f.code for f in result.findings]},
        sha256=hashlib.sha256(canonical_json(payload)).hexdigest(),
        idempotency_key=idempotency_key,
    )
    session.add(report)
    application.state = require_transition(application.state, ApplicationState.report_submitted)
    session.flush()
    _audit(session, actor, "report.submit", application, sha256=report.sha256)
    return report


class _PlainForStorage:
    """Stored results keep msgids and ISO values; people see them rendered in German."""

    def gettext(self, msgid: str) -> str:
        return msgid

    def format_money(self, amount: Decimal) -> str:
        return to_json_money(amount)

    def format_date(self, value: date) -> str:
        return value.isoformat()
