"""German error pages: never a traceback, always what the person can do next."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


def _page(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    titles = {
        400: _("The request could not be processed"),
        403: _("Access denied"),
        404: _("Page not found"),
        405: _("This action is not possible here"),
        413: _("The data sent is too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
        503: _("The service is briefly unavailable"),
    }
    hints = {
        400: _("Please go back and try again."),
        403: _("Please sign in with an account that may see this page."),
        404: _("Please check the address or start again from the start page."),
        405: _("Please go back and use the buttons on the page."),
        413: _(
            "Please make your text shorter or upload smaller files (at most %(limit)s MB).",
            limit=_megabytes(),
        ),
        429: _("Please wait a few minutes and try again."),
        500: _("Your entries have not been lost. Please try again in a few minutes."),
        503: _("Your entries have not been lost. Please try again in a few minutes."),
    }
    title = titles.get(code, titles[500])
    hint = hints.get(code, hints[500])
    if request.path.startswith("/api/"):
        return {"error": title, "hint": hint, "status": code}, code  # type: ignore[return-value]
    return render_template("error.html", title=title, hint=hint, code=code), code


def _megabytes() -> int:
    from flask import current_app

    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return int(limit) // (1024 * 1024)


def _unexpected(_error: Exception) -> tuple[str, int]:
    from werkzeug.exceptions import InternalServerError

    return _page(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _page)
    if not app.testing:
        app.register_error_handler(Exception, _unexpected)
