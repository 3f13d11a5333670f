"""The core of the application: configuration, database, translations and logs – no pages.

Batch workers build their app here (service/batch): they need the database, the settings and
the translations but no routes, and importing the pages would make the batch package import
the web package that starts its runs (a cycle). :func:`service.create_app` adds the pages and
the JSON API on top (registering them is 1.5 s of a worker's 2 s start: imports of views,
forms, route compilation).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from flask import Flask, request
from flask.typing import ResponseReturnValue
from flask_babel import Babel

from . import db
from .config import build_config
from .i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES
from .logs import init_app as init_logs
from .paths import locale_dir


def _select_locale() -> str:
    # German is the service's language; English only on explicit request (?lang=en, kept
    # in a cookie) – a German authority's page does not switch language behind the user's back.
    wanted = request.args.get("lang") or request.cookies.get("lang")
    return wanted if wanted in SUPPORTED_LOCALES else DEFAULT_LOCALE


class Foerderwerk(Flask):
    """Flask with one hook more: ``view_returned`` runs when a view returned, before its
    response is finalized – never after a view that raised. The pages register the request's
    commit there (service/web/uow.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.view_returned: list[Callable[[], None]] = []

    def dispatch_request(self) -> ResponseReturnValue:
        # One commit per request, when the view returned (Indico's RH does the same): a view
        # that raised never commits – the error handler rolls back, teardown closes.
        response = super().dispatch_request()
        for hook in self.view_returned:
            hook()
        return response


def create_core_app(config: dict[str, Any] | None = None) -> Foerderwerk:
    """The application without pages and JSON API (what a batch worker needs)."""
    app = Foerderwerk(
        "service",
        instance_relative_config=True,
        static_folder="web/static",
        template_folder="web/templates",
    )
    app.config.update(build_config(app.instance_path, config))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(locale_dir())
    os.makedirs(app.instance_path, exist_ok=True)

    Babel(app, locale_selector=_select_locale)
    db.init_app(app)
    # first, so every request gets its id and its log line, even one a later hook refuses
    init_logs(app)
    return app
