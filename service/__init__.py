"""Förderwerk: forms and documents for the Partnerschaften für Demokratie."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, request
from flask.typing import ResponseReturnValue
from flask_babel import Babel

from . import db
from .config import build_config
from .i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES
from .paths import locale_dir


def _select_locale() -> str:
    # German is the service's language; English only on explicit request (?lang=en, kept
    # in a cookie) – a German authority's page does not switch language behind the user's back.
    wanted = request.args.get("lang") or request.cookies.get("lang")
    return wanted if wanted in SUPPORTED_LOCALES else DEFAULT_LOCALE


class _Foerderwerk(Flask):
    def dispatch_request(self) -> ResponseReturnValue:
        # One commit per request, when the view returned (Indico's RH does the same): a view
        # that raised never commits – the error handler rolls back, teardown closes.
        response = super().dispatch_request()
        from .web.uow import commit_request

        commit_request()
        return response


def create_app(config: dict[str, Any] | None = None, *, web: bool = True) -> Flask:
    """The application. ``web=False`` leaves out the pages and the JSON API – for batch
    workers, which need the database, the settings and the translations but no routes:
    registering the blueprints is 1.5 s of a worker's 2 s start (imports of views, forms,
    route compilation), paid once per worker process."""
    app = _Foerderwerk(
        __name__,
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
    from .logs import init_app as init_logs

    init_logs(app)
    if not web:
        return app

    from .api import init_app as init_api
    from .web import init_app as init_web

    init_web(app)
    init_api(app)
    return app
