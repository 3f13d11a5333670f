"""The receipt e-mail of a submission and the application PDF that goes with it.

The submit operation queues the receipt (:func:`queue_receipt`) in its own transaction; the
PDF is rendered from the frozen copy (``submission_snapshot``) when the receipt is sent – by
the background sender of the web process or by `mail send` – not inside the submit request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..adapters.mail import outbox
from ..adapters.mail.transport import DeferredAttachment, Mail
from ..domain.messages import N_, Localizer, Message
from ..models import Application

APPLICATION_PDF = "application-pdf"  # the deferred attachment's kind (operations/outgoing.py)


@dataclass(frozen=True)
class ReceiptMail:
    """What the submit operation needs for the receipt: ``body`` renders the text (the entry
    point's template), ``localizer`` the subject and the digest line; ``with_pdf`` attaches
    the application PDF."""

    body: Callable[[Application], str]
    localizer: Localizer
    with_pdf: bool = True


def queue_receipt(session: Session, application: Application, receipt: ReceiptMail) -> None:
    """Queue the receipt of the just submitted ``application`` (none without an address)."""
    if not application.applicant_email:
        return
    gettext = receipt.localizer.gettext
    # The PDF is rendered when the mail is sent, by the background sender (a LibreOffice
    # conversion does not belong in the submit request).
    deferred: tuple[DeferredAttachment, ...] = ()
    if receipt.with_pdf:
        deferred = (
            DeferredAttachment(
                filename=f"Antrag-{application.reference}.pdf",
                kind=APPLICATION_PDF,
                ref=application.id,
                digest_line=gettext(N_("SHA-256 of the attached PDF: %(digest)s")),
            ),
        )
    subject = Message(
        N_("Your application %(reference)s has been received"),
        {"reference": str(application.reference)},
    )
    outbox.queue_mail(
        session,
        Mail(
            to=application.applicant_email,
            subject=subject.render(receipt.localizer),
            body=receipt.body(application),
            deferred=deferred,
        ),
    )


class NothingToRender(LookupError):
    """The application is gone (purged) or its frozen copy yields no document."""


def application_pdf(session: Session, application_id: int) -> bytes:
    """The PDF/A of the application's frozen copy, on this process's warm LibreOffice."""
    from .documents import render_document, render_pdf
    from .partnerships import letterhead_of
    from .publish import template_for

    application = session.get(Application, application_id)
    if application is None or application.submission_snapshot is None:
        raise NothingToRender(application_id)
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
        raise NothingToRender(application_id)
    return render_pdf(outcome.document)
