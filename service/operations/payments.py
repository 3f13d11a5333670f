"""The office's side of the payment requests (issue 19, item 1): the queue per fund with the
rules engine's findings, the review with four eyes and the payouts.

* :func:`sign_factual` – "sachlich richtig": the request is justified; the office approves the
  amount requested or a lower one (a lower one only with a reason). Coordination or lead office.
* :func:`sign_arithmetic` – "rechnerisch richtig": a second, different account confirms the
  figures; the request is approved, gets its Kassenzeichen and its payment order
  (Auszahlungsanordnung), and the applicant an e-mail. Lead office only.
* :func:`refuse_request` – refused with a reason, the applicant gets an e-mail.
* :func:`record_payout` – what the treasury paid; P is the sum of these.

Each takes the unit of work first, locks the request row it changes (two tabs, two workers:
one wins, the other is told what happened) and writes the audit log. Flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from .. import mail_texts
from ..adapters.mail.transport import Mail
from ..domain.findings import Finding
from ..domain.messages import N_, Message
from ..domain.money import to_json_money
from ..domain.payments import PaymentRequest as PaymentRule
from ..domain.payments import payment_findings
from ..errors import NotFound, Refused
from ..models import (
    Application,
    Document,
    Fund,
    PaymentRequest,
    PaymentStatus,
    Payout,
    PayoutSource,
    StaffUser,
)
from ..rendering.context import build_payment_order_context
from ..rendering.docx import Metadata, load_manifest
from ..uow import UnitOfWork
from . import audit
from .applications import NoGrant, grant_notice, paid_total
from .partnerships import letterhead_of
from .publish import AuditEntry, Filing, Publication, publish

ORDER_KINDS = ("payment_order", "payment_order-docx")

REASON_MAX = 2000
CENT = Decimal("0.01")


# -- read models ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    """One request in the office's queue: the findings are the rules engine's on the amount
    that would be paid (the approved one once signed) with a payout today."""

    request: PaymentRequest
    findings: tuple[Finding, ...]
    grant: Decimal
    claimed_before: Decimal
    paid: Decimal

    @property
    def left(self) -> Decimal:
        return max(Decimal(0), self.grant - self.claimed_before)


def _claimed_before(uow: UnitOfWork, request: PaymentRequest) -> Decimal:
    """What the other, earlier requests of the grant claim (refused ones nothing)."""
    others = uow.session.scalars(
        select(PaymentRequest).where(
            PaymentRequest.application_id == request.application_id,
            PaymentRequest.id < request.id,
            PaymentRequest.status != PaymentStatus.refused,
        )
    ).all()
    return sum((r.effective_amount for r in others), Decimal(0)).quantize(CENT)


def request_findings(
    uow: UnitOfWork, request: PaymentRequest, amount: Decimal | None = None
) -> tuple[list[Finding], Decimal, Decimal]:
    """The findings of Nr. 1.4 ANBest-P on ``amount`` (default: the request's effective
    amount), paid out today; with the grant and what the earlier requests claim."""
    notice = grant_notice(request.application)
    grant = notice.amount or Decimal(0)
    before = _claimed_before(uow, request)
    findings = payment_findings(
        PaymentRule(
            amount=amount if amount is not None else request.effective_amount,
            needed_on=request.needed_on,
            payout_on=uow.today(),
            grant=grant,
            requested_before=before,
            period_start=notice.period_start or date.min,
            period_end=notice.period_end or date.max,
        )
    )
    return findings, grant, before


def payment_queue(
    uow: UnitOfWork, partnership_id: int, fund_id: int | None = None
) -> list[QueueRow]:
    """The payment requests of the partnership's funds (or of one fund), open ones first."""
    query = (
        select(PaymentRequest)
        .join(Application, Application.id == PaymentRequest.application_id)
        .join(Fund, Fund.id == Application.fund_id)
        .where(Fund.partnership_id == partnership_id)
    )
    if fund_id is not None:
        query = query.where(Fund.id == fund_id)
    order = {
        PaymentStatus.pending: 0,
        PaymentStatus.checked: 1,
        PaymentStatus.approved: 2,
        PaymentStatus.refused: 3,
    }
    requests = sorted(
        uow.session.scalars(query).all(),
        key=lambda r: (order[r.status], r.requested_on, r.id),
    )
    rows = []
    for request in requests:
        try:
            findings, grant, before = request_findings(uow, request)
        except NoGrant:
            findings, grant, before = [], Decimal(0), Decimal(0)
        rows.append(
            QueueRow(
                request,
                tuple(findings),
                grant,
                before,
                paid_total(uow.session, request.application_id),
            )
        )
    return rows


def get_request(uow: UnitOfWork, partnership_id: int, request_id: int) -> PaymentRequest:
    """The request inside the partnership, else NotFound (another partnership's looks the same)."""
    found = uow.session.get(PaymentRequest, request_id)
    if found is None or found.application.fund.partnership_id != partnership_id:
        raise NotFound(Message(N_("This payment request does not exist.")))
    return found


def payouts_of(uow: UnitOfWork, request: PaymentRequest) -> list[Payout]:
    return list(
        uow.session.scalars(
            select(Payout).where(Payout.payment_request_id == request.id).order_by(Payout.id)
        )
    )


# -- the review ----------------------------------------------------------------------------------

_ALREADY = N_("This payment request is already “%(state)s”. Please reload the page to see it.")


def _locked(uow: UnitOfWork, request: PaymentRequest) -> PaymentRequest:
    """The request's row, locked until the commit: the second of two simultaneous clicks
    waits and then sees what the first one did."""
    uow.session.refresh(request, with_for_update=True)
    return request


def _require_status(request: PaymentRequest, *allowed: PaymentStatus) -> None:
    if request.status not in allowed:
        raise Refused(Message(_ALREADY, {"state": Message(request.status.label)}), status=409)


def _reason(reason: str) -> str:
    return " ".join(reason.split())[:REASON_MAX]


def sign_factual(
    uow: UnitOfWork,
    request: PaymentRequest,
    staff: StaffUser,
    *,
    amount: Decimal | None = None,
    reason: str = "",
) -> PaymentRequest:
    """ "Sachlich richtig": approve ``amount`` (default: the amount requested). A lower amount
    needs ``reason``; the rules of Nr. 1.4 ANBest-P must hold for the approved amount."""
    _locked(uow, request)
    _require_status(request, PaymentStatus.pending)
    approved = (amount if amount is not None else request.amount).quantize(CENT)
    reason = _reason(reason)
    if approved <= 0:
        raise Refused(Message(N_("Please enter an amount greater than 0 €.")))
    if approved > request.amount:
        raise Refused(
            Message(
                N_("You can approve at most the amount requested (%(amount)s)."),
                {"amount": request.amount},
            )
        )
    if approved < request.amount and not reason:
        raise Refused(
            Message(
                N_(
                    "You approve less than was requested. Please give the reason for the "
                    "lower amount; the applicant is told it."
                )
            )
        )
    findings, _grant, _before = request_findings(uow, request, approved)
    errors = [f for f in findings if f.is_error]
    if errors:
        raise Refused(
            Message(N_("The payment cannot be approved as it breaks the payment rules:")),
            findings=errors,
        )
    request.approved_amount = approved
    request.reason = reason
    request.factual_by_id = staff.id
    request.factual_name = staff.name or staff.email
    request.factual_on = uow.today()
    request.status = PaymentStatus.checked
    uow.session.flush()
    _audit(
        uow,
        "payment.sign_factual",
        request,
        amount=str(approved),
        requested=str(request.amount),
        reason=reason,
    )
    return request


def sign_arithmetic(
    uow: UnitOfWork,
    request: PaymentRequest,
    staff: StaffUser,
    *,
    body: Callable[[PaymentRequest], str],
    order: Callable[[UnitOfWork, PaymentRequest], object] | None = None,
) -> PaymentRequest:
    """ "Rechnerisch richtig" by a second account: the request is approved, gets its
    Kassenzeichen, its payment order (``order``) and the applicant the e-mail ``body``."""
    _locked(uow, request)
    _require_status(request, PaymentStatus.checked)
    if request.factual_by_id == staff.id:
        raise Refused(
            Message(
                N_(
                    "You signed this request as factually correct yourself. The arithmetic "
                    "check must be signed by a different account (four-eyes principle)."
                )
            ),
            status=403,
        )
    application = request.application
    fund = application.fund
    if not (fund.partnership.budget_lines or {}).get(fund.key, "").strip():
        raise Refused(
            Message(
                N_(
                    "No budget line (Haushaltsstelle) is set for the fund %(fund)s. Please "
                    "ask an administrator to enter it in the partnership settings."
                ),
                {"fund": fund.key},
            )
        )
    if not application.applicant_iban.strip():
        raise Refused(
            Message(N_("The application has no IBAN; a payment order cannot be made without one."))
        )
    request.arithmetic_by_id = staff.id
    request.arithmetic_name = staff.name or staff.email
    request.arithmetic_on = uow.today()
    request.status = PaymentStatus.approved
    request.cash_reference = cash_reference(uow, request)
    uow.session.flush()
    _audit(
        uow,
        "payment.sign_arithmetic",
        request,
        amount=str(request.effective_amount),
        cash_reference=request.cash_reference,
    )
    if order is not None:
        order(uow, request)
    _mail(uow, request, mail_texts.payment_decided_subject(application), body(request))
    return request


def refuse_request(
    uow: UnitOfWork,
    request: PaymentRequest,
    staff: StaffUser,
    *,
    reason: str,
    body: Callable[[PaymentRequest], str],
) -> PaymentRequest:
    """Refuse the request with ``reason``; the applicant gets the e-mail ``body``."""
    _locked(uow, request)
    _require_status(request, PaymentStatus.pending, PaymentStatus.checked)
    reason = _reason(reason)
    if not reason:
        raise Refused(
            Message(N_("Please give the reason for the refusal; the applicant is told it."))
        )
    request.status = PaymentStatus.refused
    request.reason = reason
    request.approved_amount = None
    uow.session.flush()
    _audit(uow, "payment.refuse", request, reason=reason, by=staff.id)
    application = request.application
    _mail(uow, request, mail_texts.payment_decided_subject(application), body(request))
    return request


def cash_reference(uow: UnitOfWork, request: PaymentRequest) -> str:
    """The Kassenzeichen: the file number and the request's place among the application's
    requests ("AIF-2026-007-2"), unique because file numbers are."""
    ids = uow.session.scalars(
        select(PaymentRequest.id)
        .where(PaymentRequest.application_id == request.application_id)
        .order_by(PaymentRequest.id)
    ).all()
    place = list(ids).index(request.id) + 1
    return f"{request.application.reference}-{place}"[:64]


def _mail(uow: UnitOfWork, request: PaymentRequest, subject: str, body: str) -> None:
    application = request.application
    if not application.applicant_email:
        return
    mail = Mail(to=application.applicant_email, subject=subject, body=body)
    uow.mail(mail_texts.from_partnership(mail, application.fund.partnership))


def _audit(uow: UnitOfWork, action: str, request: PaymentRequest, **details: object) -> None:
    audit.record(
        uow.session,
        uow.actor,
        action,
        "payment_request",
        request.id,
        partnership_id=request.application.fund.partnership_id,
        application=request.application.reference,
        **details,
    )


# -- payouts -------------------------------------------------------------------------------------


def record_payout(
    uow: UnitOfWork,
    request: PaymentRequest,
    *,
    amount: Decimal,
    paid_on: date,
    source: PayoutSource,
    idempotency_key: str,
    cash_ref: str = "",
) -> Payout:
    """Record what the treasury paid on the approved ``request``; the same key again
    returns the payout already recorded."""
    earlier = uow.session.scalars(
        select(Payout).where(Payout.idempotency_key == idempotency_key)
    ).one_or_none()
    if earlier is not None:
        return earlier
    _locked(uow, request)
    # a second worker with the same key waited for the lock: it finds the first one's payout
    earlier = uow.session.scalars(
        select(Payout).where(Payout.idempotency_key == idempotency_key)
    ).one_or_none()
    if earlier is not None:
        return earlier
    if request.status is not PaymentStatus.approved:
        raise Refused(
            Message(
                N_("Only an approved payment request can be paid out. Please approve it first.")
            )
        )
    amount = amount.quantize(CENT)
    if amount <= 0:
        raise Refused(Message(N_("Please enter an amount greater than 0 €.")))
    if paid_on > uow.today():
        raise Refused(Message(N_("The payout date lies in the future. Please check the date.")))
    already = sum((p.amount for p in payouts_of(uow, request)), Decimal(0))
    if already + amount > request.effective_amount:
        raise Refused(
            Message(
                N_(
                    "Together with the payouts already recorded (%(before)s) this exceeds the "
                    "approved amount of %(approved)s."
                ),
                {"before": already, "approved": request.effective_amount},
            )
        )
    payout = Payout(
        application_id=request.application_id,
        payment_request_id=request.id,
        amount=amount,
        paid_on=paid_on,
        cash_reference=cash_ref or request.cash_reference,
        source=source,
        created_by=str(uow.actor),
        idempotency_key=idempotency_key[:64],
    )
    uow.session.add(payout)
    uow.session.flush()
    _audit(
        uow,
        "payout.record",
        request,
        payout=payout.id,
        amount=str(amount),
        paid_on=paid_on.isoformat(),
        source=source.value,
    )
    return payout


def open_orders(uow: UnitOfWork, partnership_id: int) -> Sequence[PaymentRequest]:
    """Approved requests of the partnership (the candidates of a treasury import)."""
    return uow.session.scalars(
        select(PaymentRequest)
        .join(Application, Application.id == PaymentRequest.application_id)
        .join(Fund, Fund.id == Application.fund_id)
        .where(
            Fund.partnership_id == partnership_id,
            PaymentRequest.status == PaymentStatus.approved,
        )
        .order_by(PaymentRequest.id)
    ).all()


# -- the payment order (Auszahlungsanordnung) ----------------------------------------------------


def order_number(request: PaymentRequest) -> str:
    """The order's number in the register: "AA-" and the Kassenzeichen."""
    return f"AA-{request.cash_reference}"


def payment_order_data(request: PaymentRequest) -> dict[str, object]:
    """What the order states, as plain JSON (stored next to the document, rendered again
    from it): both sign-offs must exist."""
    application = request.application
    fund = application.fund
    notice = grant_notice(application)
    return {
        "number": order_number(request),
        "date": (request.arithmetic_on or date.min).isoformat(),
        "file_number": application.reference or "",
        "recipient": {
            "name": application.applicant_name,
            "street": application.applicant_street,
            "postal_code": application.applicant_postal_code,
            "city": application.applicant_city,
        },
        "payment": {
            "account_holder": application.applicant_account_holder or application.applicant_name,
            "iban": application.applicant_iban,
        },
        "amount": to_json_money(request.effective_amount),
        "requested": to_json_money(request.amount),
        "reason": request.reason,
        "budget_line": (fund.partnership.budget_lines or {}).get(fund.key, ""),
        "cash_reference": request.cash_reference,
        "fund": {"name": fund.guideline.fund_name},
        "project": {"title": application.title},
        "notice": {
            "number": notice.number,
            "date": notice.issued_on.isoformat() if notice.issued_on else "",
        },
        "requested_on": request.requested_on.isoformat(),
        "needed_on": request.needed_on.isoformat(),
        "factual": {
            "name": request.factual_name,
            "date": request.factual_on.isoformat() if request.factual_on else "",
        },
        "arithmetic": {
            "name": request.arithmetic_name,
            "date": request.arithmetic_on.isoformat() if request.arithmetic_on else "",
        },
    }


def publish_payment_order(uow: UnitOfWork, request: PaymentRequest) -> list[Document]:
    """Render the payment order (DOCX → PDF/A) and register both like a notice; only once
    both sign-offs exist. Returns [pdf, docx]."""
    if request.status is not PaymentStatus.approved or not (
        request.factual_by_id and request.arithmetic_by_id
    ):
        raise Refused(
            Message(
                N_("A payment order needs both sign-offs (factually and arithmetically correct).")
            )
        )
    application = request.application
    partnership = application.fund.partnership
    letterhead = letterhead_of(partnership)
    data = payment_order_data(request)
    number = order_number(request)
    title = load_manifest().kinds["payment_order"].title
    meta = Metadata(
        title=f"{title} {number}",
        subject=f"{application.reference} – {application.title}",
        author=letterhead.lead_office.name,
    )
    return publish(
        uow,
        Publication("payment_order", build_payment_order_context(data, letterhead), meta),
        Filing(
            partnership_id=partnership.id,
            number=number,
            stem=f"Auszahlungsanordnung-{number}",
            kinds=ORDER_KINDS,
            issued=True,
            application_id=application.id,
            context=data,
        ),
        AuditEntry(
            "payment_order.issue",
            "payment_request",
            request.id,
            partnership.id,
            details={"number": number, "amount": data["amount"]},
            list_documents=True,
        ),
    )


def order_documents(uow: UnitOfWork, requests: Sequence[PaymentRequest]) -> dict[int, Document]:
    """The latest PDF of each approved request's payment order, by request id."""
    numbers = {order_number(r): r.id for r in requests if r.cash_reference}
    if not numbers:
        return {}
    found: dict[int, Document] = {}
    documents = uow.session.scalars(
        select(Document)
        .where(Document.kind == ORDER_KINDS[0], Document.number.in_(list(numbers)))
        .order_by(Document.version)
    ).all()
    for document in documents:
        found[numbers[document.number]] = document
    return found
