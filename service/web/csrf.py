"""Cross-site request protection besides the form token (R14).

Flask-WTF's ``WTF_CSRF_SSL_STRICT`` refuses every HTTPS POST without a ``Referer`` of this site
(issue 14: a browser or privacy add-on that sends no Referer could submit no form at all). It
is switched off; instead the browser's own statements about where a request comes from are
checked, and only when it makes them:

* ``Sec-Fetch-Site: cross-site`` or ``same-site`` (another site, or a sibling sub-domain) –
  refused;
* an ``Origin`` that is neither the configured site (``BASE_URL``, service/links.py) nor the
  address the request was sent to (a host the trusted-host check let through) – refused.

A POST with neither header – old browsers, privacy settings – is accepted when its form token
is valid: the token (Flask-WTF, bound to the session) is what proves the form came from our
page; the headers only refuse earlier and more plainly what a browser says is foreign.
``Origin: null`` (sandboxed frames, some privacy settings, Chrome under a no-referrer policy)
decides nothing by itself.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..links import base_url, parse_base_url

_STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FOREIGN_FETCH_SITES = frozenset({"cross-site", "same-site"})


def _exempt() -> bool:
    # the check API is a public JSON interface without cookies or form tokens (csrf.exempt)
    return request.path.startswith("/api/") or request.blueprint == "api_check"


def _allowed_origins() -> set[str]:
    origins = {f"{request.scheme}://{request.host}".lower()}
    if current_app.config.get("BASE_URL"):
        scheme, netloc, _prefix = parse_base_url(base_url())
        origins.add(f"{scheme}://{netloc}")
    return origins


def is_cross_site() -> bool:
    """Whether the browser says this request was sent from another site."""
    if request.headers.get("Sec-Fetch-Site", "").strip().lower() in _FOREIGN_FETCH_SITES:
        return True
    origin = request.headers.get("Origin", "").strip().lower().rstrip("/")
    return bool(origin) and origin != "null" and origin not in _allowed_origins()


def check_origin() -> ResponseReturnValue | None:
    if request.method not in _STATE_CHANGING or _exempt() or not is_cross_site():
        return None
    current_app.logger.warning(
        "cross-site %s %s refused (Origin %r, Sec-Fetch-Site %r)",
        request.method,
        request.path,
        request.headers.get("Origin", "")[:100],
        request.headers.get("Sec-Fetch-Site", "")[:30],
    )
    return (
        render_template(
            "error.html",
            title=_("This form was sent from another website"),
            hint=_(
                "For your security we only accept forms sent from the pages of this service. "
                "Please open the service at its usual address, fill in the form there and "
                "send it again."
            ),
            code=403,
        ),
        403,
        {"Cache-Control": "no-store"},
    )


def init_app(app: Flask) -> None:
    # replaced by check_origin: the form token stays required (Flask-WTF, CSRFProtect)
    app.config["WTF_CSRF_SSL_STRICT"] = False
    app.before_request(check_origin)
