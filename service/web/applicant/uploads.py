"""Uploads on the declarations step: add, remove and download the draft's PDFs.

A refused file is named at the upload field (flash category ``upload-error``, shown there
rather than at the top of the page); a request over the size limit gets the 413 page, which
names the upload limit (service/web/errors.py).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask import abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...archive.storage import FolderStorage
from ...models import Upload
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


def _back(slug: str, app_id: int) -> Response:
    return redirect(
        url_for(".step", slug=slug, app_id=app_id, step_slug="erklaerungen") + "#uploads"
    )


@bp.post("/antrag/<int:app_id>/anlagen")
def upload_add(slug: str, app_id: int) -> ResponseReturnValue:
    application = own_or_404(partnership_or_404(slug), app_id)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash(_("Please choose a PDF file first."), FIELD_ERROR)
        return _back(slug, app_id)
    config = current_app.config
    limit = int(config["UPLOAD_MAX_BYTES"])
    data = sent.stream.read(limit + 1)
    if len(data) > limit:
        abort(413)
    uow = current_uow()
    try:
        upload = ops.add_upload(
            uow,
            upload_storage(),
            application,
            filename=sent.filename,
            data=data,
            kind=request.form.get("kind", "attachment"),
            max_bytes=limit,
            max_files=int(config["UPLOAD_MAX_FILES"]),
            max_total_bytes=int(config["UPLOAD_MAX_TOTAL_BYTES"]),
        )
    except ops.UploadRefused as refused:
        # caught here, not by the one handler: the message belongs at the upload field (its
        # own flash category); rolled back because the view returns normally and the
        # request would commit. NotEditable (submitted meanwhile) goes to the one handler.
        uow.rollback()
        flash(refused.render(uow.localizer), FIELD_ERROR)
        return _back(slug, app_id)
    flash(_("“%(name)s” has been added.", name=upload.display_name), "success")
    return _back(slug, app_id)


def own_upload(slug: str, app_id: int, upload_id: int) -> Upload:
    """The upload of this browser session's application, else the 404 page."""
    application = own_or_404(partnership_or_404(slug), app_id)
    upload = ops.find_upload(reading(), application, upload_id)
    if upload is None:
        abort(404)
    return upload


@bp.post("/antrag/<int:app_id>/anlagen/<int:upload_id>/loeschen")
def upload_remove(slug: str, app_id: int, upload_id: int) -> ResponseReturnValue:
    upload = own_upload(slug, app_id, upload_id)
    name = upload.display_name
    # NotEditable (submitted meanwhile) goes to the one handler: message, back to the page
    ops.remove_upload(current_uow(), upload)
    flash(_("“%(name)s” has been removed.", name=name), "success")
    return _back(slug, app_id)


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
