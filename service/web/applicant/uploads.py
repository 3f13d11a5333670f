"""Uploads on the declarations step: add, remove and download the draft's PDFs.

Adding and removing are buttons of the step's form (wizard.py, actions ``upload`` and
``remove-file:N``): the declarations ticked on the page are saved with them. A refused file –
also one over the upload limit – is named at the upload field (flash category
``upload-error``, shown there rather than at the top of the page); a request over the whole
request's size limit gets the 413 page, which names the upload limit on this step
(service/web/errors.py).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask import abort, current_app, flash, request
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from ...archive.storage import FolderStorage
from ...models import Application, Upload
from ...operations import uploads as ops
from ..uow import current_uow
from .common import bp, own_or_404, partnership_or_404, reading

# the flash category of a message shown at the upload field (step_declarations.html)
FIELD_ERROR = "upload-error"


def upload_storage() -> FolderStorage:
    """The uploads' store. Uploads live apart from the document register's store: its orphan
    sweep must not see them."""
    path = current_app.config.get("UPLOAD_PATH") or str(Path(current_app.instance_path) / "uploads")
    return FolderStorage(path)


def chosen_file() -> FileStorage | None:
    """The file chosen in the upload field of the declarations step, if one was."""
    sent = request.files.get("file")
    return sent if sent is not None and sent.filename else None


def take_file(application: Application, sent: FileStorage) -> bool:
    """Add the PDF ``sent`` with the declarations step (its form sends the chosen file with
    whatever button was pressed, after the step's inputs are saved); False when it was
    refused. What is said about it is flashed: at the upload field (:data:`FIELD_ERROR`) when
    it was refused, at the top when it was added. A refused file changes nothing: the
    operation refuses before it writes, so the step's saved inputs stay saved."""
    config = current_app.config
    limit = int(config["UPLOAD_MAX_BYTES"])
    # read with a cap: one byte more than allowed is enough to refuse it (at the field)
    data = sent.stream.read(limit + 1)
    uow = current_uow()
    try:
        upload = ops.add_upload(
            uow,
            upload_storage(),
            application,
            filename=sent.filename or "",
            data=data,
            kind=request.form.get("kind", "attachment"),
            max_bytes=limit,
            max_files=int(config["UPLOAD_MAX_FILES"]),
            max_total_bytes=int(config["UPLOAD_MAX_TOTAL_BYTES"]),
        )
    except ops.UploadRefused as refused:
        # caught here, not by the one handler: the message belongs at the upload field (its
        # own flash category). NotEditable (submitted meanwhile) goes to the one handler.
        flash(refused.render(uow.localizer), FIELD_ERROR)
        return False
    flash(_("“%(name)s” has been added.", name=upload.display_name), "success")
    return True


def ask_for_file() -> None:
    """ "Upload file" was pressed without a file."""
    flash(_("Please choose a PDF file first."), FIELD_ERROR)


def drop_file(application: Application, upload_id: int | None) -> None:
    """Remove the application's upload ``upload_id`` (a button of the declarations step)."""
    upload = ops.find_upload(reading(), application, upload_id) if upload_id else None
    if upload is None:
        abort(404)
    name = upload.display_name
    # NotEditable (submitted meanwhile) goes to the one handler: message, back to the page
    ops.remove_upload(current_uow(), upload)
    flash(_("“%(name)s” has been removed.", name=name), "success")


def own_upload(slug: str, app_id: int, upload_id: int) -> Upload:
    """The upload of this browser session's application, else the 404 page."""
    application = own_or_404(partnership_or_404(slug), app_id)
    upload = ops.find_upload(reading(), application, upload_id)
    if upload is None:
        abort(404)
    return upload


@bp.get("/antrag/<int:app_id>/anlagen/<int:upload_id>")
def upload_download(slug: str, app_id: int, upload_id: int) -> Response:
    upload = own_upload(slug, app_id, upload_id)
    data = upload_storage().get(upload.sha256)  # hash-checked: a changed file is never served
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
