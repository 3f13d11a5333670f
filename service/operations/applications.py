"""Operations of the applicant: drafts, resume links, submission, payment requests and the
usage-of-funds report – and the read models of the applicant's pages.

Each takes the unit of work first (``verb_noun(uow, …)``: session, actor, clock), flushes and
never commits: the entry point commits once, and only then do queued e-mails go out
(service.adapters.mail.outbox). The pages read what they show through the functions under
"read models" below; they query no model themselves.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import mail_texts
from ..clock import Clock
from ..domain.check import CheckResult, check_application, check_report
from ..domain.findings import Finding
from ..domain.guideline import Guideline
from ..domain.messages import N_, Message
from ..domain.money import to_json_money
from ..domain.notice import approved_own_funds
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
    PaymentStatus,
    Payout,
    ReportDraft,
    UsageReport,
    allocate_reference,
)
from ..models.backoffice import ApplicationComment
from ..uow import Actor, UnitOfWork
from .funds import FundOverview, committed_amount, overview_fund, rules_for
from .interchange import (
    application_to_interchange,
    canonical_json,
    fill_from_interchange,
    freeze_submission,
)
from .receipts import (
    PAYMENT_REQUEST_PDF,
    REPORT_PDF,
    AfterGrantMail,
    ReceiptMail,
    queue_after_grant_mail,
    queue_receipt,
)

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


# -- read models of the applicant's pages ------------------------------------------------------


class FundOffer(NamedTuple):
    """A fund as the partnership page offers it: its rules, the money still available and
    the coming sessions with their submission deadlines (``(session, apply by)``)."""

    fund: Fund
    rules: Guideline
    overview: FundOverview
    sessions: list[tuple[date, date]]


def partnership_by_slug(uow: UnitOfWork, slug: str) -> Partnership | None:
    return uow.session.scalars(select(Partnership).where(Partnership.slug == slug)).one_or_none()


def open_funds(uow: UnitOfWork, partnership: Partnership) -> list[FundOffer]:
    """The partnership's funds that have a guideline in force, with the sessions still open
    for applications today."""
    today = uow.today()
    offers = []
    for fund in partnership.funds:
        if fund.current_guideline is None or fund.draft:
            continue
        rules = fund.guideline
        # each session with its deadline: the one the partnership published, else the lead days
        sessions = list(rules.open_sessions(today))
        offers.append(FundOffer(fund, rules, overview_fund(uow.session, fund, today), sessions))
    return offers


def find_application(uow: UnitOfWork, partnership: Partnership, app_id: int) -> Application | None:
    """The application ``app_id`` if it belongs to ``partnership`` (whether the person may
    see it is the entry point's question: the browser session owns it)."""
    application = uow.session.get(Application, app_id)
    if application is None or application.fund.partnership_id != partnership.id:
        return None
    return application


def applications_by_id(
    uow: UnitOfWork, partnership: Partnership, ids: Sequence[int]
) -> list[Application]:
    """The applications of ``partnership`` among ``ids``, the newest first."""
    if not ids:
        return []
    query = select(Application).where(Application.id.in_(ids)).order_by(Application.id.desc())
    return [a for a in uow.session.scalars(query) if a.fund.partnership_id == partnership.id]


def comments_for_applicant(
    uow: UnitOfWork, applications: Sequence[Application]
) -> dict[int, list[ApplicationComment]]:
    """The staff's comments marked visible to the applicant, by application, oldest first."""
    comments: dict[int, list[ApplicationComment]] = {}
    if not applications:
        return comments
    visible = select(ApplicationComment).where(
        ApplicationComment.application_id.in_([a.id for a in applications]),
        ApplicationComment.visible_to_applicant.is_(True),
    )
    for comment in uow.session.scalars(visible.order_by(ApplicationComment.created_at)):
        comments.setdefault(comment.application_id, []).append(comment)
    return comments


def usage_report(uow: UnitOfWork, application: Application) -> UsageReport | None:
    """The submitted usage-of-funds report of the application, if there is one."""
    return uow.session.scalars(
        select(UsageReport).where(UsageReport.application_id == application.id)
    ).one_or_none()


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


# -- drafts and submission ------------------------------------------------------------------------


def start_application(uow: UnitOfWork, fund: Fund) -> Application:
    """A new, empty draft of ``fund``; refused while the fund is closed."""
    require_open(fund)
    application = Application(fund=fund, state=ApplicationState.draft)
    uow.session.add(application)
    uow.session.flush()
    _audit(uow.session, uow.actor, "application.start", application)
    return application


def application_data(application: Application) -> dict[str, Any]:
    """The application in the interchange shape (what the forms edit and the rules check)."""
    return application_to_interchange(application)


def check_stored(
    uow: UnitOfWork, application: Application, data: Mapping[str, Any] | None = None
) -> CheckResult:
    """The rules engine's verdict on the application (or on ``data`` meant for it), today."""
    fund = application.fund
    today = uow.today()
    payload = dict(data if data is not None else application_to_interchange(application))
    payload.setdefault("submitted_on", today.isoformat())
    return check_application(
        payload, fund.guideline, committed_amount(uow.session, fund), today=today
    )


def save_draft(
    uow: UnitOfWork,
    application: Application,
    data: Mapping[str, Any],
    *,
    version: int | None = None,
    last_step: str | None = None,
) -> Application:
    """Replace the draft's content with ``data`` (interchange shape).

    ``version`` is the version the form showed; an older one raises ``StaleDataError``
    (R19). ``last_step`` names the wizard page the applicant goes on with, which a resume link
    opens. Raises :class:`~service.operations.interchange.InterchangeError` for unreadable
    values and :class:`NotEditable` once the application is submitted.
    """
    if not application.state.applicant_may_edit:
        raise NotEditable(application.state.value)
    if version is not None:
        application.check_version(version)
    fill_from_interchange(application, {k: v for k, v in data.items() if k != "submitted_on"})
    if last_step is not None:
        application.last_step = last_step[:32]
    uow.session.flush()
    return application


def submit_application(
    uow: UnitOfWork,
    application: Application,
    *,
    idempotency_key: str,
    now: datetime | None = None,
    receipt: ReceiptMail | None = None,
) -> tuple[Application, bool]:
    """Submit the draft: file number, date of receipt, frozen copy and its SHA-256; with
    ``receipt``, the receipt e-mail is queued in the same transaction.

    Idempotent (R18): the same ``idempotency_key`` again returns the application submitted
    with it and ``False`` (nothing happens twice, no second receipt). Raises
    :class:`SubmissionRefused` when the rules engine finds errors. The date of receipt is the
    unit of work's today.
    """
    session, today = uow.session, uow.today()
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
    result = check_stored(uow, application)
    if not result.ok:
        raise SubmissionRefused(result)
    application.state = require_transition(application.state, ApplicationState.submitted)
    application.idempotency_key = idempotency_key
    application.submitted_on = today
    application.submitted_at = now or uow.clock.now()
    if application.reference is None:
        application.reference = allocate_reference(session, application.fund)
    application.resume_token_hash = None
    application.resume_token_expires_at = None
    digest = freeze_submission(application)
    session.flush()
    _audit(
        session,
        uow.actor,
        "application.submit",
        application,
        reference=application.reference,
        sha256=digest,
    )
    if receipt is not None:
        queue_receipt(uow, application, receipt)
    return application, True


# -- resume links (R15) -----------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def issue_resume_token(
    uow: UnitOfWork, application: Application, *, now: datetime | None = None
) -> str:
    """A new link token for the applicant's access to the application (a draft to continue,
    a grant to request money for or report on); only its hash is stored, an older one dies."""
    return _new_resume_token(uow.session, application, uow.actor, now or uow.clock.now())


def _new_resume_token(
    session: Session, application: Application, actor: Actor, now: datetime
) -> str:
    if application.state.is_final:
        raise NotEditable(application.state.value)
    token = secrets.token_urlsafe(RESUME_TOKEN_BYTES)
    application.resume_token_hash = token_hash(token)
    application.resume_token_expires_at = now + RESUME_LINK_LIFETIME
    session.flush()
    _audit(session, actor, "application.resume-link", application)
    return token


def redeem_resume_token(
    uow: UnitOfWork, partnership: Partnership, token: str, *, now: datetime | None = None
) -> Application | None:
    """The draft the token opens, or None; a token works once and only until it expires."""
    if not token or len(token) > 200:
        return None
    session = uow.session
    application = session.scalars(
        select(Application).where(Application.resume_token_hash == token_hash(token))
    ).one_or_none()
    if application is None or application.fund.partnership_id != partnership.id:
        return None
    expires = application.resume_token_expires_at
    current = now or uow.clock.now()
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
    uow: UnitOfWork,
    partnership: Partnership,
    mail: Any,
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
        "actor": uow.actor.ident[:100],
    }
    outbox.queue_mail(uow.session, replace(mail, resume=spec), background=True)


def fill_resume_links(session: Session, row: Any) -> bool:
    """Issue the tokens of a queued resume request and write its links into the mail; False
    when the address has no draft (nothing to send). Called by the outbox sender, on the
    session of its batch (outside any use case's unit of work)."""
    attachments = dict(row.attachments or {})
    spec = attachments.pop("resume")
    partnership = session.get(Partnership, int(spec["partnership_id"]))
    drafts = drafts_for_email(session, partnership, row.recipient) if partnership else []
    if not drafts:
        return False
    actor = Actor("applicant", str(spec.get("actor") or "resume-request"))
    now = Clock().now()
    lines = []
    for draft in drafts:
        token = _new_resume_token(session, draft, actor, now)
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


def paid_so_far(uow: UnitOfWork, application: Application) -> Decimal:
    """The paid amount P: the sum of the payouts the treasury made – never of the requests."""
    return paid_total(uow.session, application.id)


def paid_total(session: Session, application_id: int) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(Payout.amount), 0)).where(
            Payout.application_id == application_id
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def payouts_json(session: Session, application_id: int) -> list[dict[str, str]]:
    """The application's payouts as plain JSON (day, amount, Kassenzeichen), oldest first."""
    rows = session.scalars(
        select(Payout)
        .where(Payout.application_id == application_id)
        .order_by(Payout.paid_on, Payout.id)
    )
    return [
        {
            "date": row.paid_on.isoformat(),
            "amount": to_json_money(row.amount),
            "cash_reference": row.cash_reference,
        }
        for row in rows
    ]


def requested_so_far(uow: UnitOfWork, application: Application) -> Decimal:
    """What the requests claim of the grant: refused ones nothing, approved ones the approved
    amount, the others the amount requested (the rule "the requests never exceed the grant")."""
    requests = uow.session.scalars(
        select(PaymentRequest).where(
            PaymentRequest.application_id == application.id,
            PaymentRequest.status != PaymentStatus.refused,
        )
    ).all()
    return sum((r.effective_amount for r in requests), Decimal(0)).quantize(Decimal("0.01"))


def payment_by_key(uow: UnitOfWork, idempotency_key: str) -> PaymentRequest | None:
    """The request a form with ``idempotency_key`` already recorded, if any."""
    if not idempotency_key:
        return None
    return uow.session.scalars(
        select(PaymentRequest).where(PaymentRequest.idempotency_key == idempotency_key)
    ).one_or_none()


def payment_requests_of(uow: UnitOfWork, application: Application) -> list[PaymentRequest]:
    """The application's payment requests, oldest first (the applicant's list)."""
    return list(
        uow.session.scalars(
            select(PaymentRequest)
            .where(PaymentRequest.application_id == application.id)
            .order_by(PaymentRequest.id)
        )
    )


def request_payment(
    uow: UnitOfWork,
    application: Application,
    *,
    amount: Decimal | None,
    needed_on: date | None,
    idempotency_key: str,
    confirmation: AfterGrantMail | None = None,
) -> PaymentRequest:
    """Record a payment request after the rules of Nr. 1.4 ANBest-P; idempotent by key.

    The payout is assumed on the day of the request (the lead office pays promptly); raises
    :class:`RulesRefused` with the findings, :class:`NoGrant` without an issued notice."""
    session, today = uow.session, uow.today()
    earlier = session.scalars(
        select(PaymentRequest).where(PaymentRequest.idempotency_key == idempotency_key)
    ).one_or_none()
    if earlier is not None:
        return earlier
    # two tabs or two workers at once: the application's row is locked until the commit, so
    # the second request sees the first one's amount (the requests never exceed the grant)
    # and a replay with the same key finds the request made meanwhile
    session.refresh(application, with_for_update=True)
    earlier = payment_by_key(uow, idempotency_key)
    if earlier is not None:
        return earlier
    notice = grant_notice(application)
    findings = payment_findings(
        PaymentRequestRule(
            amount=amount,
            needed_on=needed_on,
            payout_on=today,
            grant=notice.amount or Decimal(0),
            requested_before=requested_so_far(uow, application),
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
    _audit(session, uow.actor, "payment.request", application, amount=str(amount))
    if confirmation is not None:
        place = len(payment_requests_of(uow, application))
        queue_after_grant_mail(
            uow,
            application,
            subject=mail_texts.payment_request_received_subject(application),
            body=mail_texts.payment_request_received_body(
                application.fund.partnership,
                application,
                amount=amount,
                needed_on=needed_on,
                requested_on=today,
                attached=confirmation.with_pdf,
                link=confirmation.link,
            ),
            attachment=(
                f"Mittelabruf-{application.reference}-{place}.pdf",
                PAYMENT_REQUEST_PDF,
                request.id,
            )
            if confirmation.with_pdf
            else None,
        )
    return request


def report_notice_part(uow: UnitOfWork, application: Application) -> dict[str, Any]:
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
        "paid": to_json_money(paid_so_far(uow, application)),
        "plan": {category: to_json_money(amount) for category, amount in plan.items()},
        # the approved plan's own funds: with a reduced grant they include the difference
        # the recipient bears (issue 18; the notice's Anlage 1 shows the same)
        "own_funds": to_json_money(
            approved_own_funds(
                application.own_funds or Decimal(0),
                application.requested or Decimal(0),
                notice.amount if notice.amount is not None else application.requested or Decimal(0),
            )
        ),
        "third_party": to_json_money(third_party),
        "revenue": to_json_money(application.revenue or Decimal(0)),
    }


def check_report_data(
    uow: UnitOfWork, application: Application, data: Mapping[str, Any]
) -> CheckResult:
    """The rules engine's verdict on the report ``data`` of the application, today."""
    today = uow.today()
    payload = {"notice": report_notice_part(uow, application), **data}
    payload.setdefault("submitted_on", today.isoformat())
    return check_report(payload, rules_for(application), today=today)


def report_draft(uow: UnitOfWork, application: Application) -> ReportDraft | None:
    """The report form as the applicant last saved it (None: never saved, or submitted)."""
    return uow.session.scalars(
        select(ReportDraft).where(ReportDraft.application_id == application.id)
    ).one_or_none()


def save_report_draft(
    uow: UnitOfWork, application: Application, fields: Mapping[str, list[str]]
) -> ReportDraft:
    """Keep the report form's ``fields`` (name → values, as typed) until the report is
    submitted; a later save replaces the earlier one. Only while the report can be made."""
    grant_notice(application)  # NoGrant: no report to save
    draft = report_draft(uow, application)
    if draft is None:
        draft = ReportDraft(application=application, fields={})
        uow.session.add(draft)
    draft.fields = {name: [str(v)[:20000] for v in values] for name, values in fields.items()}
    draft.saved_at = uow.clock.now()
    uow.session.flush()
    _audit(uow.session, uow.actor, "report.save_draft", application, fields=len(draft.fields))
    return draft


def submit_report(
    uow: UnitOfWork,
    application: Application,
    *,
    data: Mapping[str, Any],
    idempotency_key: str,
    confirmation: AfterGrantMail | None = None,
) -> UsageReport:
    """Store the usage-of-funds report with its final grant and refund; idempotent by key."""
    session, today = uow.session, uow.today()
    earlier = session.scalars(
        select(UsageReport).where(UsageReport.idempotency_key == idempotency_key)
    ).one_or_none()
    if earlier is not None:
        return earlier
    # one report per application: the second of two simultaneous submissions waits for the
    # first and returns its report instead of failing on the unique constraint
    session.refresh(application, with_for_update=True)
    existing = usage_report(uow, application)
    if existing is not None:
        return existing
    payload = {
        "notice": report_notice_part(uow, application),
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
        result={
            "result": output.get("result"),
            "codes": [f.code for f in result.findings],
            # the payouts behind notice.paid, frozen with the report for its document
            "payouts": payouts_json(uow.session, application.id),
        },
        sha256=hashlib.sha256(canonical_json(payload)).hexdigest(),
        idempotency_key=idempotency_key,
    )
    session.add(report)
    draft = report_draft(uow, application)
    if draft is not None:
        session.delete(draft)
    application.state = require_transition(application.state, ApplicationState.report_submitted)
    session.flush()
    _audit(session, uow.actor, "report.submit", application, sha256=report.sha256)
    if confirmation is not None:
        queue_after_grant_mail(
            uow,
            application,
            subject=mail_texts.report_received_subject(application),
            body=mail_texts.report_received_body(
                application.fund.partnership,
                application,
                submitted_on=today,
                sha256=report.sha256,
                attached=confirmation.with_pdf,
                link=confirmation.link,
            ),
            attachment=(f"Verwendungsnachweis-{application.reference}.pdf", REPORT_PDF, report.id)
            if confirmation.with_pdf
            else None,
        )
    return report


class _PlainForStorage:
    """Stored results keep msgids and ISO values; people see them rendered in German."""

    def gettext(self, msgid: str) -> str:
        return msgid

    def ngettext(self, singular: str, plural: str, num: int) -> str:
        return singular if num == 1 else plural

    def format_money(self, amount: Decimal) -> str:
        return to_json_money(amount)

    def format_date(self, value: date) -> str:
        return value.isoformat()
