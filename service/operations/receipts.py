"""The receipt e-mail of a submission and the application PDF that goes with it.

The submit operation queues the receipt (:func:`queue_receipt`) in its own transaction; the
PDF is rendered from the frozen copy (``submission_snapshot``) when the receipt is sent – by
the background sender of the web process or by `mail send` – not inside the submit request.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import mail_texts
from ..adapters.mail.transport import DeferredAttachment, Mail
from ..models import Application, OutboxMail
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
