"""HTML blueprints: thin views over the operations."""

from __future__ import annotations

from ..app_factory import Foerderwerk


def init_app(app: Foerderwerk) -> None:
    from . import csrf, errors, filters, proxy, ratelimit, refusals, security
    from .public import bp as public_bp
    from .uow import commit_request

    # the request's unit of work commits when its view returned (never after it raised)
    app.view_returned.append(commit_request)

    # first: every later hook (limits, audit, logs) must see the client's real address
    proxy.init_app(app)
    ratelimit.init_app(app)
    security.init_app(app)
    # before Flask-WTF's token check (applicant.init_app): a foreign site is told so plainly
    csrf.init_app(app)
    filters.init_app(app)
    errors.init_app(app)
    refusals.init_app(app)
    app.register_blueprint(public_bp)

    # Impressum, Datenschutz, Barrierefreiheit, Förderbedingungen (issue 17): every footer
    from .public_pages import bp as legal_bp

    app.register_blueprint(legal_bp)

    from .health import bp as health_bp

    app.register_blueprint(health_bp)

    from . import applicant

    applicant.init_app(app)

    # the staff back office: one policy table for every route, login, /p/<slug>/staff/
    from . import auth, policy, staff

    policy.init_app(app)
    auth.init_app(app)
    staff.init_app(app)
