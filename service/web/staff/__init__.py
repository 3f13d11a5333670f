"""The staff back office under /p/<slug>/staff/: inbox, formal check, sessions, notices,
statistics. Who may use which route is decided by service.web.policy alone."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import applications, notices, sessions, statistics  # noqa: F401 – register routes
    from .common import bp

    app.register_blueprint(bp)
