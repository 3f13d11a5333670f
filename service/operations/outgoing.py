"""What the use cases do to a queued e-mail before it goes out: render the application PDF
of a receipt, write a resume request's links. Handed to the outbox by every entry point that
binds a transport (web request, CLI command, ``mail send``), so that the web process, `mail
send` and the background sender all know every kind – the outbox itself imports no use case.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import mail_texts
from ..adapters.mail.outbox import Preparers
from ..models import OutboxMail, Partnership
from . import applications, receipts


def render_attachment(kind: str, session: Session, ref: int) -> bytes:
    # looked up at call time, so that a test can put a stand-in for LibreOffice in receipts
    if kind == receipts.APPLICATION_PDF:
        return receipts.application_pdf(session, ref)
    if kind == receipts.REPORT_PDF:
        return receipts.report_pdf(session, ref)
    if kind == receipts.PAYMENT_REQUEST_PDF:
        return receipts.payment_request_pdf(session, ref)
    raise LookupError(f"no renderer for deferred attachment {kind!r}")


def fill_resume_links(session: Session, row: OutboxMail) -> bool:
    # The request wrote the mail in "Sie" without looking up the drafts (issue 14); now that
    # they are known, the applicants of a youth fund get it in "du" (issue 17.2).
    spec = (row.attachments or {}).get("resume") or {}
    partnership = session.get(Partnership, int(spec.get("partnership_id") or 0))
    if partnership is not None:
        drafts = applications.drafts_for_email(session, partnership, row.recipient)
        addressee = mail_texts.addressee_of(drafts)
        if drafts and addressee.informal:
            row.body = mail_texts.resume_body(
                partnership, addressee, links_block=applications.RESUME_LINKS_SLOT
            )
            row.subject = mail_texts.resume_subject(addressee)
    return applications.fill_resume_links(session, row)


PREPARERS = Preparers(render=render_attachment, fill_resume_links=fill_resume_links)
