"""Uploads of applicants (offers, other attachments): checked, named and stored safely.

R6: a file is accepted only when a complete parse in a separate process with CPU, memory and
time limits accepts it as an unencrypted PDF; the service process never parses it. R7: the
stored file is named by its SHA-256 only; the display name keeps umlauts but loses paths,
control characters and excess length. R5: the size limit is checked before anything else.

A file that is not accepted raises :class:`UploadRefused` – a :class:`~service.errors.Refused`
whose message says what to do, with this instance's limits (and a plural where a count is
named); the upload page shows it at the upload field.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from ..adapters import uploads as sandbox
from ..adapters.uploads import WALL_SECONDS, PdfVerdict
from ..archive.storage import DEFAULT_SWEEP_GRACE, Storage, SweepReport, sweep_orphans
from ..domain.messages import N_, Message, plural_message
from ..domain.sizes import megabytes
from ..errors import Refused
from ..models import Application, AuditLog, Upload
from ..uow import UnitOfWork
from .applications import NotEditable

log = logging.getLogger(__name__)

MAX_NAME = 120
UPLOAD_KINDS = ("offer", "attachment")
PDF = "application/pdf"
# receipts of the usage-of-funds report (issue 19.5): a scan as PDF or a photo
RECEIPT = "receipt"
RECEIPT_MEDIA = {PDF: "pdf", "image/png": "png", "image/jpeg": "jpg"}


# What a person is told about a file the sandbox refused (the limits' messages are made with
# the limits, in add_upload); an unknown problem is told as a damaged file.
PDF_PROBLEMS: dict[str, Message] = {
    "empty": Message(N_("The file is empty. Please choose the PDF file again.")),
    "not-pdf": Message(
        N_("This file is not a PDF. Please save the document as PDF and upload that.")
    ),
    "encrypted": Message(
        N_("This PDF is protected by a password. Please upload a copy without password protection.")
    ),
    "damaged": Message(N_("This PDF cannot be read; it may be damaged. Please create it again.")),
    "active-content": Message(
        N_(
            "This PDF contains active content (JavaScript or actions that run when it is "
            "opened), which we do not accept for security reasons. Please create the PDF again "
            "without it – for example open it and choose “Print” and then “Save as PDF” – and "
            "upload that copy."
        )
    ),
    "timeout": Message(
        N_("Checking this PDF took too long. Please create it again or make it simpler.")
    ),
}


class UploadRefused(Refused):
    """The file is not taken. ``problem``: empty, too-large, too-many-files,
    too-much-in-total, not-pdf, encrypted, damaged, active-content (scripts or actions,
    docs/decisions.md "Uploads"), timeout; ``message`` says what to do instead."""

    def __init__(self, problem: str, message: Message | None = None) -> None:
        super().__init__(message or PDF_PROBLEMS.get(problem, PDF_PROBLEMS["damaged"]))
        self.problem = problem


def too_large(max_bytes: int) -> UploadRefused:
    return UploadRefused(
        "too-large",
        Message(
            N_(
                "The file is larger than %(limit)s. Please make it smaller (for example scan "
                "with a lower resolution) and upload it again."
            ),
            {"limit": megabytes(max_bytes)},
        ),
    )


def too_many_files(max_files: int) -> UploadRefused:
    return UploadRefused(
        "too-many-files",
        plural_message(
            "This application already has %(num)s file, as many as possible. Please remove a "
            "file you no longer need before you add another.",
            "This application already has %(num)s files, as many as possible. Please remove a "
            "file you no longer need before you add another.",
            max_files,
        ),
    )


def too_much_in_total(max_total_bytes: int) -> UploadRefused:
    return UploadRefused(
        "too-much-in-total",
        Message(
            N_(
                "With this file the attachments of this application would be larger than "
                "%(limit)s together. Please make the file smaller or remove a file you no "
                "longer need."
            ),
            {"limit": megabytes(max_total_bytes)},
        ),
    )


def check_pdf(
    data: bytes, command: Sequence[str] | None = None, wall_seconds: float = WALL_SECONDS
) -> PdfVerdict:
    """The upload sandbox's verdict on ``data``; a rejected file as :class:`UploadRefused`."""
    try:
        return sandbox.check_pdf(data, command, wall_seconds)
    except sandbox.PdfRejected as rejected:
        raise UploadRefused(rejected.problem) from None


def check_offer(data: bytes, command: Sequence[str] | None = None) -> PdfVerdict:
    """The sandbox's verdict on an offer or attachment: PDF only (an image is "not-pdf")."""
    verdict = check_pdf(data, command)
    if verdict.media != PDF:
        raise UploadRefused("not-pdf")
    return verdict


_UNSAFE = {
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
}


def display_name(raw: str) -> str:
    """A name to show (R7): NFC, no folders, no control or direction characters, ≤ 120
    characters with the ".pdf" kept; umlauts and ß stay."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch for ch in name if ch not in _UNSAFE and unicodedata.category(ch)[0] != "C"
    ).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, "pdf"
    ext = ext.lower() if ext.lower() == "pdf" else "pdf"
    stem = stem[: MAX_NAME - 4].strip(" .") or "Anlage"
    return f"{stem}.{ext}"


def add_upload(
    uow: UnitOfWork,
    storage: Any,
    application: Application,
    *,
    filename: str,
    data: bytes,
    kind: str,
    max_bytes: int,
    max_files: int | None = None,
    max_total_bytes: int | None = None,
    command: Sequence[str] | None = None,
) -> Upload:
    """Check and store one PDF of the draft; flushed, the file written before the row.

    ``max_files`` and ``max_total_bytes`` bound what one application holds (issue 14: 65
    files, 53 MB in one draft); checked against the stored rows before the file is parsed.
    Two uploads to the same draft at the very same moment may both pass the check – the
    bound can be exceeded by one file per request in flight, not by a loop of requests.

    ``storage`` is the uploads' own store, apart from the unit of work's document store
    (whose orphan sweep must not see them)."""
    session, actor = uow.session, uow.actor
    if not application.state.applicant_may_edit:
        raise NotEditable(application.state.value)
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    files, stored = uploads_of(uow, application)
    if max_files is not None and files >= max_files:
        raise too_many_files(max_files)
    if max_total_bytes is not None and stored + len(data) > max_total_bytes:
        raise too_much_in_total(max_total_bytes)
    verdict = check_offer(data, command)
    address = storage.put(data)
    upload = Upload(
        application=application,
        kind=kind if kind in UPLOAD_KINDS else "attachment",
        display_name=display_name(filename),
        sha256=address,
        size=len(data),
        pages=verdict.pages,
        active_content=verdict.active_content,
    )
    session.add(upload)
    session.flush()
    session.add(
        AuditLog(
            partnership_id=application.fund.partnership_id,
            actor=str(actor)[:200],
            action="upload.add",
            object_type="upload",
            object_id=str(upload.id),
            details={"application": application.id, "size": len(data)},
        )
    )
    return upload


def uploads_of(uow: UnitOfWork, application: Application) -> tuple[int, int]:
    """How many files the application holds and their bytes together."""
    files, stored = uow.session.execute(
        select(func.count(Upload.id), func.coalesce(func.sum(Upload.size), 0)).where(
            Upload.application_id == application.id
        )
    ).one()
    return int(files), int(stored)


# -- receipts of the report (issue 19.5) ----------------------------------------------------------

RECEIPT_PROBLEMS: dict[str, Message] = {
    "not-pdf": Message(
        N_(
            "This file is neither a PDF nor a JPEG or PNG image. Please upload the receipt "
            "as one of these."
        )
    ),
    "damaged": Message(
        N_(
            "This file cannot be read; it may be damaged. Please scan or photograph the "
            "receipt again."
        )
    ),
}


def media_of(upload: Upload) -> str:
    """The media type of a stored upload (receipts keep theirs in the name's extension)."""
    extension = upload.display_name.rpartition(".")[2].lower()
    return {"png": "image/png", "jpg": "image/jpeg"}.get(extension, PDF)


def receipt_files(uow: UnitOfWork, application: Application) -> list[Upload]:
    """The receipts uploaded for the application's report, oldest first."""
    query = (
        select(Upload)
        .where(Upload.application_id == application.id, Upload.kind == RECEIPT)
        .order_by(Upload.id)
    )
    return list(uow.session.scalars(query))


def add_receipt_file(
    uow: UnitOfWork,
    storage: Any,
    application: Application,
    *,
    filename: str,
    data: bytes,
    max_bytes: int,
    max_files: int | None = None,
    max_total_bytes: int | None = None,
    command: Sequence[str] | None = None,
) -> Upload:
    """Check and store one receipt (PDF, PNG or JPEG) for the report, through the same
    sandbox and limits as the offers; only while the report can still be made."""
    from .applications import grant_notice, usage_report

    grant_notice(application)  # NoGrant (404): no report to add receipts to
    if usage_report(uow, application) is not None:
        raise NotEditable(application.state.value)
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    files, stored = uploads_of(uow, application)
    if max_files is not None and files >= max_files:
        raise too_many_files(max_files)
    if max_total_bytes is not None and stored + len(data) > max_total_bytes:
        raise too_much_in_total(max_total_bytes)
    try:
        verdict = check_pdf(data, command)
    except UploadRefused as refused:
        if refused.problem in RECEIPT_PROBLEMS:
            raise UploadRefused(refused.problem, RECEIPT_PROBLEMS[refused.problem]) from None
        raise
    extension = RECEIPT_MEDIA.get(verdict.media)
    if extension is None:
        raise UploadRefused("not-pdf", RECEIPT_PROBLEMS["not-pdf"])
    address = storage.put(data)
    stem = display_name(filename).rpartition(".")[0]
    upload = Upload(
        application=application,
        kind=RECEIPT,
        display_name=f"{stem}.{extension}",
        sha256=address,
        size=len(data),
        pages=verdict.pages,
        active_content=verdict.active_content,
    )
    uow.session.add(upload)
    uow.session.flush()
    uow.session.add(
        AuditLog(
            partnership_id=application.fund.partnership_id,
            actor=str(uow.actor)[:200],
            action="receipt_file.add",
            object_type="upload",
            object_id=str(upload.id),
            details={"application": application.id, "size": len(data), "media": verdict.media},
        )
    )
    return upload


def remove_receipt_file(uow: UnitOfWork, upload: Upload) -> None:
    """Remove a receipt before the report is submitted (the file goes with the next sweep)."""
    from .applications import usage_report

    application = upload.application
    if upload.kind != RECEIPT or usage_report(uow, application) is not None:
        raise NotEditable(application.state.value)
    uow.session.delete(upload)
    uow.session.add(
        AuditLog(
            partnership_id=application.fund.partnership_id,
            actor=str(uow.actor)[:200],
            action="receipt_file.remove",
            object_type="upload",
            object_id=str(upload.id),
            details={"application": application.id},
        )
    )
    uow.session.flush()


def list_uploads(uow: UnitOfWork, application: Application) -> list[Upload]:
    """The application's uploads in the order they were added (offers and attachments; the
    report's receipts are :func:`receipt_files`)."""
    query = (
        select(Upload)
        .where(Upload.application_id == application.id, Upload.kind != RECEIPT)
        .order_by(Upload.id)
    )
    return list(uow.session.scalars(query))


def find_upload(uow: UnitOfWork, application: Application, upload_id: int) -> Upload | None:
    """The upload ``upload_id`` if it belongs to ``application`` (not a receipt: those have
    their own pages, :func:`find_receipt_file`)."""
    return uow.session.scalars(
        select(Upload).where(
            Upload.id == upload_id,
            Upload.application_id == application.id,
            Upload.kind != RECEIPT,
        )
    ).one_or_none()


def find_receipt_file(uow: UnitOfWork, application: Application, upload_id: int) -> Upload | None:
    """The receipt ``upload_id`` if it belongs to ``application``."""
    return uow.session.scalars(
        select(Upload).where(
            Upload.id == upload_id,
            Upload.application_id == application.id,
            Upload.kind == RECEIPT,
        )
    ).one_or_none()


def remove_upload(uow: UnitOfWork, upload: Upload) -> None:
    """Drop the upload from the draft; the bytes stay until the orphan sweep (R20)."""
    if not upload.application.state.applicant_may_edit:
        raise NotEditable(upload.application.state.value)
    uow.session.delete(upload)
    uow.session.flush()


def sweep_orphan_uploads(
    uow: UnitOfWork,
    storage: Storage,
    *,
    grace: timedelta = DEFAULT_SWEEP_GRACE,
    now: datetime | None = None,
    dry_run: bool = False,
) -> SweepReport:
    """Remove files of the upload store that no upload row references (R20): left by a
    request that failed after :func:`add_upload` wrote the file, or by :func:`remove_upload`.
    Files put within ``grace`` are spared – their row may not be committed yet. Each removal
    is logged and listed in the report."""
    referenced = set(uow.session.scalars(select(Upload.sha256).distinct()))
    report = sweep_orphans(storage, referenced, grace=grace, now=now, dry_run=dry_run)
    if report.removed or report.temporary_files_removed:
        log.warning("upload store sweep: %s", report.summary())
    return report
