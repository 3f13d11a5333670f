"""The staff back office under /p/<slug>/staff/: inbox, formal check, sessions, notices,
statistics. Who may use which route is decided by service.web.policy alone."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import (  # noqa: F401 – register routes
        admin_templates,
        administration,
        applications,
        base_rates,
        committees,
        funds,
        members,
        notices,
        payments,
        regeneration,
        reminders,
        reviews,
        sessions,
        statistics,
    )
    from .applicant_notices import bp as applicant_notices_bp
    from .common import assets, bp

    app.register_blueprint(bp)
    app.register_blueprint(assets)
    app.register_blueprint(applicant_notices_bp)
