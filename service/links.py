"""Links to this service that leave it – in e-mails and documents.

Every such link is built from the configured site address (``BASE_URL``, environment
``FOERDERWERK_BASE_URL``), never from the request: the ``Host`` header is whatever the client
sent, and a resume link built from it mails the victim's access token to an attacker's host
(issue 14). The same function works outside a request (mail sender thread, cron, Celery),
where there is no request to take a host from anyway.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app

# Without a configured site address outside production (development, tests): the address
# `make run` serves. Production refuses to start without one (web/auth.py).
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


class InvalidBaseUrl(ValueError):
    """BASE_URL is not an absolute http(s) address without query or fragment."""


def parse_base_url(value: str) -> tuple[str, str, str]:
    """(scheme, host[:port], path prefix without trailing slash) of a site address."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidBaseUrl(value)
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise InvalidBaseUrl(value)
    return parts.scheme, parts.netloc.lower(), parts.path.rstrip("/")


def base_url(config: dict[str, Any] | None = None) -> str:
    """The configured site address, without trailing slash."""
    config = current_app.config if config is None else config
    value = config.get("BASE_URL") or DEVELOPMENT_BASE_URL
    scheme, netloc, prefix = parse_base_url(str(value))
    return f"{scheme}://{netloc}{prefix}"


def site_url(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint`` on the configured site.

    Built with the app's URL map bound to the site address – not ``url_for(_external=True)``,
    which takes scheme, host and script root from the current request."""
    scheme, netloc, prefix = parse_base_url(base_url())
    adapter = current_app.url_map.bind(netloc, script_name=prefix or "/", url_scheme=scheme)
    return adapter.build(endpoint, values, force_external=True)


def trusted_hosts(config: dict[str, Any]) -> list[str] | None:
    """The host names requests may name: the site's, the loopback names (monitoring on the
    machine itself: docs/operations.md) and ``TRUSTED_HOSTS`` extras. None – every host –
    only without a configured site address (development, tests); production requires one."""
    value = config.get("BASE_URL")
    if not value:
        return None
    hosts = [urlsplit(base_url(config)).hostname or "", *LOOPBACK_HOSTS]
    extra = config.get("TRUSTED_HOSTS_EXTRA") or ()
    if isinstance(extra, str):
        extra = [part for part in (p.strip() for p in extra.split(",")) if part]
    hosts.extend(str(host).lower() for host in extra)
    return list(dict.fromkeys(hosts))


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
