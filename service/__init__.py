"""Förderwerk: forms and documents for the Partnerschaften für Demokratie."""

from __future__ import annotations

from typing import Any

from .app_factory import Foerderwerk, create_core_app


def create_app(config: dict[str, Any] | None = None, *, web: bool = True) -> Foerderwerk:
    """The application: the core (service/app_factory.py) with the pages and the JSON API.
    ``web=False`` leaves those out – the app of a batch worker (:func:`create_core_app`)."""
    app = create_core_app(config)
    if not web:
        return app

    from .api import init_app as init_api
    from .web import init_app as init_web

    init_web(app)
    init_api(app)
    return app
