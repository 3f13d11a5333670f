"""Uploads on the declarations step: add, remove and download the draft's PDFs.

A refused file is named at the upload field (flash category ``upload-error``, shown there
rather than at the top of the page); a request over the size limit gets the 413 page, which
names the upload limit (service/web/errors.py).
"""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from ... import db
from ...archive.storage import FolderStorage
from ...domain.sizes import megabytes
from ...models import Upload
from ...operations import uploads as ops
from ..uow import current_uow
from .views import _own, _partnership, bp

# the flash category of a message shown at the upload field (step_declarations.html)
FIELD_ERROR = "upload-error"


def _storage() -> FolderStorage:
    # Uploads live apart from the document register's store: its orphan sweep must not see them.
    path = current_app.config.get("UPLOAD_PATH") or str(Path(current_app.instance_path) / "uploads")
    return FolderStorage(path)


def _max_bytes() -> int:
    return int(current_app.config["UPLOAD_MAX_BYTES"])


def _messages() -> dict[str, str]:
    config = current_app.config
    most = int(config["UPLOAD_MAX_FILES"])
    return {
        "empty": _("The file is empty. Please choose the PDF file again."),
        "too-large": _(
            "The file is larger than %(limit)s. Please make it smaller (for example scan with "
            "a lower resolution) and upload it again.",
            limit=megabytes(_max_bytes()),
        ),
        "too-many-files": ngettext(
            "This application already has %(num)s file, as many as possible. Please remove a "
            "file you no longer need before you add another.",
            "This application already has %(num)s files, as many as possible. Please remove a "
            "file you no longer need before you add another.",
            most,
        ),
        "too-much-in-total": _(
            "With this file the attachments of this application would be larger than "
            "%(limit)s together. Please make the file smaller or remove a file you no longer "
            "need.",
            limit=megabytes(int(config["UPLOAD_MAX_TOTAL_BYTES"])),
        ),
        "not-pdf": _("This file is not a PDF. Please save the document as PDF and upload that."),
        "encrypted": _(
            "This PDF is protected by a password. Please upload a copy without password protection."
        ),
        "damaged": _("This PDF cannot be read; it may be damaged. Please create it again."),
        "active-content": _(
            "This PDF contains active content (JavaScript or actions that run when it is "
            "opened), which we do not accept for security reasons. Please create the PDF again "
            "without it – for example open it and choose “Print” and then “Save as PDF” – and "
            "upload that copy."
        ),
        "timeout": _("Checking this PDF took too long. Please create it again or make it simpler."),
    }


def _back(slug: str, app_id: int) -> Response:
    return redirect(
        url_for(".step", slug=slug, app_id=app_id, step_slug="erklaerungen") + "#uploads"
    )


@bp.post("/antrag/<int:app_id>/anlagen")
def upload_add(slug: str, app_id: int) -> ResponseReturnValue:
    partnership = _partnership(slug)
    application = _own(partnership, app_id)
    if application is None:
        abort(404)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash(_("Please choose a PDF file first."), FIELD_ERROR)
        return _back(slug, app_id)
    limit = _max_bytes()
    data = sent.stream.read(limit + 1)
    if len(data) > limit:
        abort(413)
    try:
        upload = ops.add_upload(
            current_uow(),
            _storage(),
            application,
            filename=sent.filename,
            data=data,
            kind=request.form.get("kind", "attachment"),
            max_bytes=limit,
            max_files=int(current_app.config["UPLOAD_MAX_FILES"]),
            max_total_bytes=int(current_app.config["UPLOAD_MAX_TOTAL_BYTES"]),
        )
    except ops.UploadRefused as refused:
        # caught here, not by the one handler: the message is shown at the upload field (its
        # own flash category) with this instance's limits and a plural; rolled back because
        # the view returns normally and the request would commit
        current_uow().rollback()
        flash(_messages().get(refused.problem, _messages()["damaged"]), FIELD_ERROR)
        return _back(slug, app_id)
    flash(_("“%(name)s” has been added.", name=upload.display_name), "success")
    return _back(slug, app_id)


def _own_upload(slug: str, app_id: int, upload_id: int) -> Upload:
    partnership = _partnership(slug)
    application = _own(partnership, app_id)
    if application is None:
        abort(404)
    upload = (
        db.session()
        .scalars(
            select(Upload).where(Upload.id == upload_id, Upload.application_id == application.id)
        )
        .one_or_none()
    )
    if upload is None:
        abort(404)
    return upload


@bp.post("/antrag/<int:app_id>/anlagen/<int:upload_id>/loeschen")
def upload_remove(slug: str, app_id: int, upload_id: int) -> ResponseReturnValue:
    upload = _own_upload(slug, app_id, upload_id)
    name = upload.display_name
    # NotEditable (submitted meanwhile) goes to the one handler: message, back to the page
    ops.remove_upload(current_uow(), upload)
    flash(_("“%(name)s” has been removed.", name=name), "success")
    return _back(slug, app_id)


@bp.get("/antrag/<int:app_id>/anlagen/<int:upload_id>")
def upload_download(slug: str, app_id: int, upload_id: int) -> Response:
    from urllib.parse import quote

    upload = _own_upload(slug, app_id, upload_id)
    data = _storage().get(upload.sha256)  # hash-checked: a changed file is never served
    ascii_name = upload.display_name.encode("ascii", "replace").decode().replace("?", "_")
    ascii_name = ascii_name.replace('"', "_")
    disposition = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(upload.display_name)}"
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
