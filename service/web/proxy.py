"""The client's real address behind reverse proxies (issue 14).

Behind nginx every connection comes from 127.0.0.1. Taken as the client's address, that made
the login limit per address one limit for everybody (twenty wrong passwords by anyone locked
every staff account out) and put 127.0.0.1 into the audit log for everyone.

``TRUSTED_PROXIES`` (environment ``FOERDERWERK_TRUSTED_PROXIES``) is the number of proxies in
front of the app. Werkzeug's ProxyFix then takes the client address from that many entries
from the right of ``X-Forwarded-For`` – each proxy appends the address it saw; entries further
left are whatever the client claimed and are ignored – and the scheme from
``X-Forwarded-Proto``. With 0 (the default) both headers are ignored: without a proxy in front,
anybody could send them.

Never trusted: ``X-Forwarded-Host`` (links come from BASE_URL, service/links.py, and the host
check must see the ``Host`` the proxy passed on), ``X-Forwarded-Port`` and
``X-Forwarded-Prefix``.
"""

from __future__ import annotations

import logging

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from . import parse

log = logging.getLogger("foerderwerk.proxy")


class InvalidProxyCount(ValueError):
    """TRUSTED_PROXIES is not a whole number of 0 or more."""


def trusted_proxies(config: dict[str, object]) -> int:
    raw = config.get("TRUSTED_PROXIES") or 0
    count = parse.integer(str(raw).strip())
    if count is None or count < 0:
        raise InvalidProxyCount(str(raw))
    return count


def client_address() -> str:
    """The address of the client of the current request: the socket peer, or behind
    ``TRUSTED_PROXIES`` proxies the address the outermost trusted proxy saw."""
    return request.remote_addr or "unknown"


def init_app(app: Flask) -> None:
    count = trusted_proxies(app.config)
    if count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0, x_prefix=0
        )
        return
    warned = False

    @app.before_request
    def _warn_once_about_forwarded_headers() -> None:
        # A proxy in front but TRUSTED_PROXIES=0: every client has the proxy's address. Said
        # once per process, for the operator to find in the journal; a client that sends the
        # header itself (no proxy) causes the same single line and nothing else.
        nonlocal warned
        if warned or "X-Forwarded-For" not in request.headers:
            return
        warned = True
        log.warning(
            "requests carry X-Forwarded-For, but FOERDERWERK_TRUSTED_PROXIES is 0: the "
            "header is ignored and every client has the address of the proxy; behind one "
            "reverse proxy set FOERDERWERK_TRUSTED_PROXIES=1 (docs/operations.md)"
        )
