"""German error pages: never a traceback, always what the person can do next."""

from __future__ import annotations

import contextlib
import errno

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.wrappers import Response

from ..archive.storage import StorageWriteError
from ..domain.messages import N_
from ..domain.sizes import megabytes
from .ratelimit import LimitReached

# How long a browser or client is asked to wait after a 503 (R22): a database restart or a
# freed disk takes about that long.
RETRY_AFTER_SECONDS = 120


# Title and hint of each error page, translated only for the page that is shown: a flood of
# refused requests (429) should cost as little as possible (bench/flood.py).
_TITLES = {
    400: N_("The request could not be processed"),
    403: N_("Access denied"),
    404: N_("Page not found"),
    405: N_("This action is not possible here"),
    413: N_("The data sent is too large"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("The service is briefly unavailable"),
}
_HINTS = {
    400: N_("Please go back and try again."),
    403: N_("Please sign in with an account that may see this page."),
    404: N_("Please check the address or start again from the start page."),
    405: N_("Please go back and use the buttons on the page."),
    429: N_("Please wait a few minutes and try again."),
    500: N_("Your entries have not been lost. Please try again in a few minutes."),
    503: N_("Your entries have not been lost. Please try again in a few minutes."),
}


def error_page(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    title = str(_(_TITLES.get(code, _TITLES[500])))
    if isinstance(error, LimitReached):
        hint = error.hint()
    elif code == 413:
        hint = _too_large_hint()
    else:
        hint = str(_(_HINTS.get(code, _HINTS[500])))
    headers: dict[str, str] = {}
    if isinstance(error, LimitReached):
        headers = {"Retry-After": str(error.seconds), "Cache-Control": "no-store"}
    if _is_api():
        body: dict[str, object] = {"error": title, "hint": hint, "status": code}
        if isinstance(error, LimitReached):
            body["retry_after"] = error.seconds
        return body, code, headers
    return render_template("error.html", title=title, hint=hint, code=code), code, headers


def _untrusted_host(error: SecurityError) -> Response:
    """A request naming a host that is not this site's (links are built from BASE_URL; the
    host check refuses the rest). Plain text: without a trusted host there is no URL adapter,
    so the page layout – which links the style sheet – cannot be rendered."""
    text = (
        _("The request could not be processed")
        + "\n"
        + _("Please open the service at its official address.")
    )
    response = current_app.make_response((text + "\n", 400))
    response.mimetype = "text/plain"
    return response


def _is_api() -> bool:
    # also the partnership's copy of the check API, /p/<slug>/api/v1/check/…
    return request.path.startswith("/api/") or request.blueprint == "api_check"


def _too_large_hint() -> str:
    """The 413 page names the limit that was exceeded: an upload's own limit on the step
    that takes the uploads (a file can be refused by it or by the whole request's), else the
    request's."""
    config = current_app.config
    request_limit = int(config.get("MAX_CONTENT_LENGTH") or 0)
    # the declarations step sends the chosen file with its form (service/web/applicant)
    uploads_step = (request.view_args or {}).get("step_slug") == "erklaerungen"
    if request.endpoint == "apply.step" and uploads_step:
        file_limit = int(config.get("UPLOAD_MAX_BYTES") or request_limit)
        limit = min(file_limit, request_limit) if request_limit else file_limit
        return str(
            _(
                "Please upload a smaller file: a file may have at most %(limit)s.",
                limit=megabytes(limit),
            )
        )
    return str(
        _(
            "Please make your text shorter or upload smaller files (at most %(limit)s).",
            limit=megabytes(request_limit),
        )
    )


def _unexpected(error: Exception) -> ResponseReturnValue:
    from werkzeug.exceptions import InternalServerError

    # the person sees the German page; the administrator needs the traceback (the log's
    # filter removes tokens and personal data from it, service/logs.py)
    current_app.logger.error(
        "unexpected error during %s %s", request.method, request.path, exc_info=error
    )
    return error_page(InternalServerError())


def _unavailable(title: str) -> Response:
    """The German 503 page (R22): what was just sent is not stored – the request's
    transaction is rolled back – and everything saved before is kept."""
    hint = _(
        "What you have just sent has not been saved; everything you saved before is kept. "
        "Please go back and send the page again in a few minutes."
    )
    wants_json = request.accept_mimetypes.best == "application/json"
    if request.path.startswith("/api/") or wants_json:
        # the autosave script reads ``saved`` and shows ``message``, then tries again later
        body = {"error": title, "hint": hint, "status": 503, "saved": False, "message": hint}
        response = current_app.make_response((body, 503))
    else:
        page = render_template("error.html", title=title, hint=hint, code=503)
        response = current_app.make_response((page, 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _roll_back() -> None:
    # The request's transaction is lost anyway; roll it back now so nothing of it can be
    # committed later, and so the error page never touches a broken connection.
    from .. import db

    with contextlib.suppress(Exception):
        db.session().rollback()


def _database_unavailable(error: Exception) -> Response:
    """The database went away (restart, network) or refused the work (a lock not granted in
    time, a full disk on the server): 503 instead of a 500 with a traceback."""
    if (
        isinstance(error, DBAPIError)
        and not isinstance(error, OperationalError)
        and not error.connection_invalidated
    ):
        raise error  # a programming error, not an outage: the ordinary 500
    current_app.logger.error(
        "database unavailable during %s %s", request.method, request.path, exc_info=error
    )
    _roll_back()
    return _unavailable(_("The service is briefly unavailable"))


def _storage_full(error: Exception) -> Response:
    """Writing a file failed (disk full, R22): 503; the failed write removed its partial file."""
    if isinstance(error, OSError) and error.errno not in (errno.ENOSPC, errno.EDQUOT):
        raise error
    current_app.logger.error(
        "storage write failed during %s %s", request.method, request.path, exc_info=error
    )
    _roll_back()
    return _unavailable(_("The file cannot be stored at the moment"))


def init_app(app: Flask) -> None:
    app.register_error_handler(SecurityError, _untrusted_host)
    app.register_error_handler(HTTPException, error_page)
    # Registered in tests too: an outage must give the German 503, never a traceback (R22).
    app.register_error_handler(DBAPIError, _database_unavailable)
    app.register_error_handler(DisconnectionError, _database_unavailable)
    app.register_error_handler(PoolTimeoutError, _database_unavailable)
    app.register_error_handler(StorageWriteError, _storage_full)
    app.register_error_handler(OSError, _storage_full)
    if not app.testing:
        app.register_error_handler(Exception, _unexpected)
