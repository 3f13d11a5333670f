"""The one answer to :class:`~service.errors.Refused`: roll back, then flash the German
message and go back to the page the person came from – or, for the JSON API and scripts, the
message as JSON with the refusal's status. A :class:`~service.errors.NotFound` is the ordinary
404 page (another person's object looks exactly like a missing one)."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

from flask import Flask, flash, g, jsonify, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import NotFound as HttpNotFound

from .. import db
from ..errors import NotFound, Refused
from .address import page_localizer
from .errors import error_page


def _roll_back() -> None:
    uow = g.get("uow")
    with contextlib.suppress(Exception):
        (uow.session if uow is not None else db.session()).rollback()


def refusal_goes_to(url: str) -> None:
    """Where a refusal during this request sends the person (instead of the page they came
    from): a view states it up front and catches nothing."""
    g.refusal_back = url


def _back(refusal: Refused) -> str:
    if refusal.back:
        return refusal.back
    if g.get("refusal_back"):
        return str(g.refusal_back)
    referrer = request.referrer
    if referrer:
        parts = urlsplit(referrer)
        if parts.netloc == request.host and parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path if request.method == "GET" else "/"


def answer_refusal(refusal: Refused) -> ResponseReturnValue:
    _roll_back()
    if isinstance(refusal, NotFound):
        return error_page(HttpNotFound())
    text = refusal.render(page_localizer())
    wants_json = request.accept_mimetypes.best == "application/json"
    if request.path.startswith("/api/") or request.is_json or wants_json:
        return jsonify({"error": text, "status": refusal.status}), refusal.status
    flash(text, "error")
    return redirect(_back(refusal))


def init_app(app: Flask) -> None:
    app.register_error_handler(Refused, answer_refusal)
