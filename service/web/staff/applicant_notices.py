"""Issued notices for the applicant: /p/<slug>/bescheid/<id> serves the PDF/A to the browser
session that owns the application (the applicant pages keep the owned ids in the session);
anyone else gets 404."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, session
from flask.typing import ResponseReturnValue

from ... import db
from ...archive.backends import storage_from_config
from ...archive.register import open_download
from ...archive.storage import StorageError
from ...domain.states import NoticeState
from ...models import Document, Notice
from ...operations.notices import notice_pdf
from .notices import attachment

bp = Blueprint("applicant_notices", __name__, url_prefix="/p/<slug>")

# the applicant pages remember the applications of this browser under this key
OWNED_KEY = "applications"


@bp.get("/bescheid/<int:notice_id>")
def download(slug: str, notice_id: int) -> ResponseReturnValue:
    notice = db.session().get(Notice, notice_id)
    if (
        notice is None
        or notice.state is not NoticeState.issued
        or notice.fund.partnership.slug != slug
        or notice.application_id not in session.get(OWNED_KEY, [])
    ):
        abort(404)
    document = notice_pdf(db.session(), notice)
    if document is None:
        abort(404)
    try:
        stream = open_download(storage_from_config(current_app.config, db.session()), document)
    except StorageError:
        abort(503)
    return attachment(stream, document.file_name, document.media_type)


# the closing letter and the refund notice (issue 19.2) in the register
OUTCOME_PDF_KINDS = ("closing_letter", "refund_notice")


@bp.get("/abschluss/<int:document_id>")
def outcome_download(slug: str, document_id: int) -> ResponseReturnValue:
    """The issued closing letter or refund notice of an application this browser owns."""
    document = db.session().get(Document, document_id)
    if (
        document is None
        or document.kind not in OUTCOME_PDF_KINDS
        or not document.issued
        or document.application_id not in session.get(OWNED_KEY, [])
        or document.partnership.slug != slug
    ):
        abort(404)
    try:
        stream = open_download(storage_from_config(current_app.config, db.session()), document)
    except StorageError:
        abort(503)
    return attachment(stream, document.file_name, document.media_type)
