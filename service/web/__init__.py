"""HTML blueprints: thin views over the operations."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import errors, filters, ratelimit, security
    from .public import bp as public_bp

    ratelimit.init_app(app)
    security.init_app(app)
    filters.init_app(app)
    errors.init_app(app)
    app.register_blueprint(public_bp)

    from .health import bp as health_bp

    app.register_blueprint(health_bp)

    from . import applicant

    applicant.init_app(app)

    # the staff back office: one policy table for every route, login, /p/<slug>/staff/
    from . import auth, policy, staff

    policy.init_app(app)
    auth.init_app(app)
    staff.init_app(app)
