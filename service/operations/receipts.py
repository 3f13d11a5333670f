"""The receipt e-mail of a submission and the application PDF that goes with it.

The submit operation queues the receipt (:func:`queue_receipt`) in its own transaction; the
PDF is rendered from the frozen copy (``submission_snapshot``) when the receipt is sent – by
the background sender of the web process or by `mail send` – not inside the submit request.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import mail_texts
from ..adapters.mail.transport import DeferredAttachment, Mail
from ..domain.states import NoticeKind, NoticeState
from ..models import Application, Notice, OutboxMail, PaymentRequest, Payout, UsageReport
from ..uow import UnitOfWork

APPLICATION_PDF = "application-pdf"  # the deferred attachment's kind (operations/outgoing.py)


@dataclass(frozen=True)
class ReceiptMail:
    """What the submit operation needs for the receipt: ``body`` writes the text (the entry
    point knows the link to the applicant's overview; :func:`service.mail_texts.receipt_body`);
    ``with_pdf`` attaches the application PDF. Subject and digest line are German, in the
    applicant's form of address (service/mail_texts), whatever language the pages had."""

    body: Callable[[Application], str]
    with_pdf: bool = True


def queue_receipt(uow: UnitOfWork, application: Application, receipt: ReceiptMail) -> None:
    """Queue the receipt of the just submitted ``application`` (none without an address).
    A step of ``submit_application``: the mail leaves after its commit."""
    if not application.applicant_email:
        return
    # The PDF is rendered when the mail is sent, by the background sender (a LibreOffice
    # conversion does not belong in the submit request).
    deferred: tuple[DeferredAttachment, ...] = ()
    if receipt.with_pdf:
        deferred = (
            DeferredAttachment(
                filename=f"Antrag-{application.reference}.pdf",
                kind=APPLICATION_PDF,
                ref=application.id,
                digest_line=mail_texts.receipt_digest_line(application),
            ),
        )
    mail = Mail(
        to=application.applicant_email,
        subject=mail_texts.receipt_subject(application),
        body=receipt.body(application),
        deferred=deferred,
    )
    uow.mail(mail_texts.from_partnership(mail, application.fund.partnership))


class NothingToRender(LookupError):
    """The application is gone (purged) or its frozen copy yields no document."""


def application_pdf(session: Session, application_id: int) -> bytes:
    """The PDF/A of the application's frozen copy, on this process's warm LibreOffice. Called
    by the outbox (``outgoing.PREPARERS``) in the sending transaction, where no unit of work
    exists; it only reads."""
    from .documents import render_pdf

    application = session.get(Application, application_id)
    if application is None:
        raise NothingToRender(application_id)
    return render_pdf(application_docx(session, application))


def received_application_pdf(session: Session, application: Application) -> bytes | None:
    """The application PDF the receipt e-mail carried, once it was rendered for sending –
    so that the office files the very bytes (and SHA-256) the applicant received; None
    before that (or without an e-mail address)."""
    if not application.applicant_email:
        return None
    rows = session.scalars(
        select(OutboxMail)
        .where(OutboxMail.recipient == application.applicant_email)
        .order_by(OutboxMail.id)
    )
    for row in rows:
        for item in (row.attachments or {}).get("items", []):
            if item.get("kind") == APPLICATION_PDF and item.get("ref") == application.id:
                return base64.b64decode(item["content"])
    return None


def application_docx(session: Session, application: Application) -> bytes:
    """The DOCX of the application's frozen copy with the partnership's active template –
    for the receipt and for the offices' copy (operations/submitted.py)."""
    from .documents import render_document
    from .partnerships import letterhead_of
    from .publish import template_for

    if application.submission_snapshot is None:
        raise NothingToRender(application.id)
    fund = application.fund
    letterhead = letterhead_of(fund.partnership)
    # the frozen copy states its date of receipt; the fallback keeps the render repeatable
    day = application.submitted_on or application.created_at.date()
    outcome = render_document(
        "application",
        application.submission_snapshot,
        fund.guideline,
        letterhead,
        today=day,
        templates=lambda kind: template_for(session, fund.partnership_id, kind),
    )
    if outcome.document is None:
        raise NothingToRender(application.id)
    return outcome.document


# -- after the grant: the report and the payment request (issue 19.5) ----------------------------

REPORT_PDF = "report-pdf"  # deferred attachment: the usage-of-funds report (ref: report id)
PAYMENT_REQUEST_PDF = "payment-request-pdf"  # deferred attachment: a payment request (its id)


@dataclass(frozen=True)
class AfterGrantMail:
    """The confirmation of a payment request or report: ``link`` leads to the applicant's
    overview (the entry point knows the site); ``with_pdf`` attaches what was submitted."""

    link: str
    with_pdf: bool = True


def queue_after_grant_mail(
    uow: UnitOfWork,
    application: Application,
    *,
    subject: str,
    body: str,
    attachment: tuple[str, str, int] | None,
) -> None:
    """Queue the confirmation of a report or payment request; ``attachment`` (file name,
    kind, ref) is rendered by the sender after the commit, like the application's PDF."""
    if not application.applicant_email:
        return
    deferred: tuple[DeferredAttachment, ...] = ()
    if attachment is not None:
        filename, kind, ref = attachment
        deferred = (
            DeferredAttachment(
                filename=filename,
                kind=kind,
                ref=ref,
                digest_line=mail_texts.receipt_digest_line(application),
            ),
        )
    mail = Mail(to=application.applicant_email, subject=subject, body=body, deferred=deferred)
    uow.mail(mail_texts.from_partnership(mail, application.fund.partnership))


def report_about(report: UsageReport) -> dict[str, Any]:
    """What the report document says beyond the report itself: the recipient (the
    application's frozen copy), file number, title and the payouts frozen with the report."""
    application = report.application
    return {
        "application": application.submission_snapshot or {},
        "reference": application.reference or "",
        "title": application.title or "",
        "payouts": list((report.result or {}).get("payouts") or []),
    }


def report_docx(session: Session, report: UsageReport) -> bytes:
    """The DOCX of the submitted report with the partnership's active template."""
    from .documents import render_document
    from .funds import rules_for
    from .partnerships import letterhead_of
    from .publish import template_for

    application = report.application
    partnership_id = application.fund.partnership_id
    outcome = render_document(
        "report",
        report.data,
        rules_for(application),
        letterhead_of(application.fund.partnership),
        today=report.submitted_on,
        templates=lambda kind: template_for(session, partnership_id, kind),
        about=report_about(report),
    )
    if outcome.document is None:
        raise NothingToRender(application.id)
    return outcome.document


def report_pdf(session: Session, report_id: int) -> bytes:
    """The PDF/A of a submitted report (the outbox's preparer, like :func:`application_pdf`)."""
    from .documents import render_pdf

    report = session.get(UsageReport, report_id)
    if report is None:
        raise NothingToRender(report_id)
    return render_pdf(report_docx(session, report))


def grant_notice_any(application: Application) -> Notice | None:
    """The latest issued Zuwendungs-/Änderungsbescheid whatever the application's state (a
    document of an earlier step is rendered after the report too); None without one."""
    issued = [
        n
        for n in application.notices
        if n.state is NoticeState.issued and n.kind in (NoticeKind.zuwendung, NoticeKind.aenderung)
    ]
    return max(issued, key=lambda n: (n.issued_on or date.min, n.id)) if issued else None


def payment_request_data(session: Session, request: PaymentRequest) -> dict[str, Any]:
    """What the payment request document states, as plain JSON: the request as filed, the
    grant, what earlier requests claimed at that time and what was paid by then (payouts)."""
    from sqlalchemy import select

    from ..domain.money import to_json_money

    application = request.application
    fund = application.fund
    notice = grant_notice_any(application)
    earlier = session.scalars(
        select(PaymentRequest)
        .where(PaymentRequest.application_id == application.id)
        .where(PaymentRequest.id < request.id)
        .order_by(PaymentRequest.id)
    ).all()
    before = sum((r.amount for r in earlier), Decimal(0))
    paid = sum(
        (
            p.amount
            for p in session.scalars(
                select(Payout).where(
                    Payout.application_id == application.id,
                    Payout.created_at <= request.created_at,
                )
            )
        ),
        Decimal(0),
    )
    return {
        "file_number": application.reference or "",
        "place": str(len(earlier) + 1),
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
        "amount": to_json_money(request.amount),
        "needed_on": request.needed_on.isoformat(),
        "requested_on": request.requested_on.isoformat(),
        "grant": to_json_money(notice.amount or Decimal(0) if notice else Decimal(0)),
        "requested_before": to_json_money(before),
        "requested_total": to_json_money(before + request.amount),
        "paid": to_json_money(paid),
        "period": {
            "start": notice.period_start.isoformat() if notice and notice.period_start else "",
            "end": notice.period_end.isoformat() if notice and notice.period_end else "",
        },
        "fund": {"name": fund.guideline.fund_name},
        "project": {"title": application.title},
        "notice": {
            "number": notice.number if notice else "",
            "date": notice.issued_on.isoformat() if notice and notice.issued_on else "",
        },
    }


def payment_request_docx(session: Session, request: PaymentRequest) -> bytes:
    """The DOCX of the payment request as filed, with the partnership's active template."""
    from ..rendering.context import build_payment_request_context
    from ..rendering.docx import Metadata, load_manifest
    from .partnerships import letterhead_of
    from .publish import Publication, render_docx, template_for

    application = request.application
    partnership = application.fund.partnership
    letterhead = letterhead_of(partnership)
    title = load_manifest().kinds["payment_request"].title
    meta = Metadata(
        title=f"{title} {application.reference} vom {request.requested_on:%d.%m.%Y}",
        subject=f"{application.reference} – {application.title}",
        author=application.applicant_name,
    )
    context = build_payment_request_context(payment_request_data(session, request), letterhead)
    source = template_for(session, partnership.id, "payment_request")
    return render_docx(Publication("payment_request", context, meta, source=source))


def payment_request_pdf(session: Session, request_id: int) -> bytes:
    """The PDF/A of a payment request (the outbox's preparer)."""
    from .documents import render_pdf

    request = session.get(PaymentRequest, request_id)
    if request is None:
        raise NothingToRender(request_id)
    return render_pdf(payment_request_docx(session, request))
