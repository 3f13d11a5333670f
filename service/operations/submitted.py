"""The submitted application as the offices see it (issue 17, item 4): its uploads and the
PDF of its frozen copy.

The PDF is the one the receipt e-mail carried to the applicant – or, before that mail was
rendered (no address, mail server down), made from the frozen copy (``submission_snapshot``)
with the partnership's application template, the same rendering – the first time an office
opens it, and filed in the document register (kind ``application``, the file number
as its number, issued: it never changes). From then on every download is the same bytes
with the same SHA-256, checked against the store (R23); the register row keeps the
submission's own SHA-256 as its source.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..archive.register import latest_version, register_document
from ..domain.messages import N_, Message
from ..errors import Refused
from ..models import Application, Document, Upload
from ..uow import UnitOfWork
from . import audit, receipts
from .documents import docx_metadata
from .publish import DOCX_TYPE, PDF_TYPE, convert, template_for
from .uploads import find_receipt_file, find_upload, list_uploads, media_of, receipt_files

PDF_KIND = "application"
DOCX_KIND = "application-docx"

# what an upload is, for people (operations/uploads.py UPLOAD_KINDS)
UPLOAD_KINDS: dict[str, str] = {
    "offer": N_("Offer"),
    "attachment": N_("Other attachment"),
}


class NoSubmittedCopy(Refused):
    """The application has no frozen copy to print (received on paper, or a draft)."""

    def __init__(self) -> None:
        super().__init__(
            Message(N_("This application was not submitted online; there is no PDF of it."))
        )


def document_number(application: Application) -> str:
    return application.reference or f"ID-{application.id}"


def submitted_pdf(session: Session, application: Application) -> Document | None:
    """The filed PDF of the frozen copy, None until an office first opened it."""
    return latest_version(
        session, application.fund.partnership_id, PDF_KIND, document_number(application)
    )


def file_submitted_pdf(uow: UnitOfWork, application: Application) -> Document:
    """The filed PDF of the frozen copy; rendered and filed (PDF and DOCX) the first time.
    Raises :class:`NoSubmittedCopy` without a frozen copy. Flushes."""
    found = submitted_pdf(uow.session, application)
    if found is not None:
        return found
    if application.submission_snapshot is None:
        raise NoSubmittedCopy()
    partnership_id = application.fund.partnership_id
    source = template_for(uow.session, partnership_id, "application")
    try:
        docx = receipts.application_docx(uow.session, application)
    except receipts.NothingToRender:
        raise NoSubmittedCopy() from None
    # the applicant's receipt carried this PDF already: the office files the same bytes, so
    # the SHA-256 on the staff page is the one in the receipt e-mail
    pdf = receipts.received_application_pdf(uow.session, application) or convert(
        uow.pdf, docx, docx_metadata(docx)
    )
    number = document_number(application)
    filed = []
    for kind, content, suffix, media in (
        (PDF_KIND, pdf, "pdf", PDF_TYPE),
        (DOCX_KIND, docx, "docx", DOCX_TYPE),
    ):
        filed.append(
            register_document(
                uow.session,
                uow.storage,
                partnership_id=partnership_id,
                kind=kind,
                number=number,
                template_key="application",
                template_hash=source.sha256,
                # what it was made from: the frozen copy itself (JSON, as submitted)
                context=application.submission_snapshot,
                file_bytes=content,
                file_name=f"Antrag-{number}.{suffix}",
                media_type=media,
                issued=True,
                application_id=application.id,
                source_sha256=application.submission_sha256,
            )
        )
    audit.record(
        uow.session,
        uow.actor,
        "application.pdf_filed",
        "application",
        application.id,
        partnership_id=partnership_id,
        sha256=filed[0].file_sha256,
        submission_sha256=application.submission_sha256,
    )
    return filed[0]


def uploads(uow: UnitOfWork, application: Application) -> list[Upload]:
    return list_uploads(uow, application)


def upload(uow: UnitOfWork, application: Application, upload_id: int) -> Upload | None:
    return find_upload(uow, application, upload_id)


def receipt_uploads(uow: UnitOfWork, application: Application) -> list[Upload]:
    """The receipt files the applicant uploaded with the report (issue 19.5), for the review."""
    return receipt_files(uow, application)


def receipt_upload(uow: UnitOfWork, application: Application, upload_id: int) -> Upload | None:
    return find_receipt_file(uow, application, upload_id)


def media_type(upload: Upload) -> str:
    """What the file is: a PDF, or a receipt's PNG or JPEG image."""
    return media_of(upload)
