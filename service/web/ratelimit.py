"""Rate limits of the anonymous side (issue 14): resume mails per e-mail address and per
client, drafts per client, check API requests per client.

Built on ``limits`` (the counting library under Flask-Limiter; docs/decisions.md says why not
the extension): a view calls :func:`hit` at the point where it knows what it counts – the
stored address of a draft only after it has loaded the draft – and a refusal is a
:class:`LimitReached`, which the error handler renders as the German 429 page or JSON with
``Retry-After`` (service/web/errors.py).

A client is ``request.remote_addr`` – behind the reverse proxy the real address, once ProxyFix
has set it (``FOERDERWERK_TRUSTED_PROXIES``) – and for IPv6 its /64 network, which one
connection usually has whole. Keys reach the store only as keyed hashes (HMAC with
SECRET_KEY): no e-mail address or IP address is written to Redis.

Counted with a moving window in ``RATELIMIT_STORAGE``: ``memory://`` counts in each server
process for itself (with N gunicorn workers a client gets up to N times a limit), a Redis URL
counts for all processes and machines together. When Redis does not answer, counting goes on
in the process's memory for 30 s and Redis is tried again; a request is never refused or
failed because the store is away.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_babel import ngettext
from limits import RateLimitItem
from limits.errors import ConfigurationError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from ..process_local import PerProcess
from . import parse

log = logging.getLogger("foerderwerk.ratelimit")

EXTENSION = "foerderwerk.ratelimit"
# what is counted → its setting
SETTINGS: dict[str, str] = {
    "resume-address": "RATELIMIT_RESUME_PER_ADDRESS",
    "resume-client": "RATELIMIT_RESUME_PER_CLIENT",
    "drafts": "RATELIMIT_DRAFTS_PER_CLIENT",
    "check-api": "RATELIMIT_CHECK_API_PER_CLIENT",
}
# a check API request counts once more for every this many bytes of its body
COST_UNIT = 100 * 1024
# a store that did not answer is left alone this long (seconds) before it is tried again
RETRY_STORE_AFTER = 30.0
# Redis must answer quickly: a limit check is on the path of every counted request
REDIS_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


class LimitReached(TooManyRequests):
    """A limit of ``kind`` is reached; ``seconds`` until one more is allowed."""

    def __init__(self, kind: str, seconds: int) -> None:
        super().__init__(description=kind, retry_after=seconds)
        self.kind = kind
        self.seconds = seconds

    def hint(self) -> str:
        """What the person reads on the 429 page: what happened and when to try again."""
        return str(self._hint(_waiting_time(self.seconds)))

    def _hint(self, wait: str) -> Any:
        if self.kind == "resume-address":
            return _(
                "Several links have already been sent to this e-mail address. Please look in "
                "your inbox (and in the spam folder) or try again in %(wait)s.",
                wait=wait,
            )
        if self.kind == "resume-client":
            return _(
                "Many links have been requested from your connection recently. Please try "
                "again in %(wait)s.",
                wait=wait,
            )
        if self.kind == "drafts":
            return _(
                "Many applications have been started from your connection recently. Please "
                "continue an application you have started (under “My applications”) or try "
                "again in %(wait)s.",
                wait=wait,
            )
        return _(
            "Many checks have been requested from your address recently. Please wait "
            "%(wait)s before the next check.",
            wait=wait,
        )


def _waiting_time(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 90:
        return str(ngettext("%(num)s minute", "%(num)s minutes", minutes))
    hours = math.ceil(minutes / 60)
    return str(ngettext("%(num)s hour", "%(num)s hours", hours))


def parse_limits(name: str, text: str) -> tuple[RateLimitItem, ...]:
    """The limits of a setting ("3 per hour; 10 per day"); "" is none. A setting that cannot
    be read stops the start with a message naming it."""
    if not str(text or "").strip():
        return ()
    limits = parse.rate_limits(str(text))
    if limits is None:
        raise ValueError(
            f"FOERDERWERK_{name}: cannot read {text!r} as rate limits "
            '(expected for example "30 per hour; 200 per day")'
        )
    return limits


def _check_storage(uri: str) -> None:
    """Refuse an unknown store at the start. Only checked, not kept: each process makes its
    own (a Redis client connects on first use, so this opens no connection)."""
    if uri.startswith("memory://"):
        return
    try:
        storage_from_string(uri)
    except ConfigurationError:
        raise ValueError(
            f"FOERDERWERK_RATELIMIT_STORAGE: {uri.split('://')[0]!r} is no storage "
            '(use "memory://" or a Redis URL such as redis://127.0.0.1:6379/2)'
        ) from None


@dataclass
class _Limiters:
    storage_uri: str
    down_until: float = 0.0

    def __post_init__(self) -> None:
        # made in each process on first use: a gunicorn worker must not use the master's
        # counting thread (memory) or connections (Redis)
        self.primary: PerProcess[MovingWindowRateLimiter] = PerProcess(self._make_primary)
        self.fallback: PerProcess[MovingWindowRateLimiter] = PerProcess(
            lambda: MovingWindowRateLimiter(MemoryStorage())
        )

    def _make_primary(self) -> MovingWindowRateLimiter:
        options: dict[str, Any] = {}
        if urlsplit(self.storage_uri).scheme.startswith(("redis", "rediss")):
            options = dict(REDIS_OPTIONS)
        return MovingWindowRateLimiter(storage_from_string(self.storage_uri, **options))

    def current(self) -> MovingWindowRateLimiter:
        if time.monotonic() < self.down_until:
            return self.fallback.get()
        return self.primary.get()


class RateLimits:
    """The limits of one application, from its settings."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        uri = str(config.get("RATELIMIT_STORAGE") or "memory://")
        _check_storage(uri)
        self.limits = {kind: parse_limits(name, config[name]) for kind, name in SETTINGS.items()}
        self._secret = str(config["SECRET_KEY"]).encode()
        self._limiters = _Limiters(uri)

    def hit(self, kind: str, key: str, cost: int = 1) -> None:
        """Count one request of ``kind`` for ``key`` – ``cost`` times, for a request that is
        worth several; raises :class:`LimitReached` (and counts nothing) when one of the
        kind's limits is reached."""
        items = self.limits[kind]
        if not items:
            return
        # a request worth more than a whole limit would never pass: it costs the whole limit
        cost = max(1, min(cost, *(item.amount for item in items)))
        identifiers = ("foerderwerk", kind, self._digest(kind, key))
        limiter = self._limiters.current()
        try:
            self._count(limiter, items, kind, identifiers, cost)
        except LimitReached:
            raise
        except Exception as exc:  # the store is away: count in this process meanwhile
            if limiter is self._limiters.fallback.current():
                raise
            log.warning(
                "rate limit store not reachable (%s); counting in this process for %.0f s",
                type(exc).__name__,
                RETRY_STORE_AFTER,
            )
            self._limiters.down_until = time.monotonic() + RETRY_STORE_AFTER
            self._count(self._limiters.fallback.get(), items, kind, identifiers, cost)

    @staticmethod
    def _count(
        limiter: MovingWindowRateLimiter,
        items: tuple[RateLimitItem, ...],
        kind: str,
        identifiers: tuple[str, ...],
        cost: int,
    ) -> None:
        for item in items:
            if not limiter.test(item, *identifiers, cost=cost):
                log.info("rate limit %s reached (%s)", kind, item)
                raise LimitReached(kind, _seconds_until(limiter, item, identifiers, cost))
        for item in items:
            limiter.hit(item, *identifiers, cost=cost)

    def _digest(self, kind: str, key: str) -> str:
        return hmac.new(self._secret, f"{kind}\0{key}".encode(), hashlib.sha256).hexdigest()[:32]


def _seconds_until(
    limiter: MovingWindowRateLimiter,
    item: RateLimitItem,
    identifiers: tuple[str, ...],
    cost: int,
) -> int:
    """Seconds until the window has room for ``cost`` again: the oldest hit leaves it at the
    window's reset time; a request worth several may need a little longer, which the client
    learns when it asks again."""
    reset = limiter.get_window_stats(item, *identifiers).reset_time
    return max(1, math.ceil(reset - time.time()))


def hit(kind: str, key: str, cost: int = 1) -> None:
    """Count one request of ``kind`` for ``key`` in the current application."""
    limits: RateLimits = current_app.extensions[EXTENSION]
    limits.hit(kind, key, cost)


def check_api_cost() -> int:
    """What a check API request counts: once, and once more for every 100 KB of its body –
    parsing costs about 0.2 s of CPU per MB, so a flood of large bodies reaches the limit
    sooner than a client that checks real applications (10 KB each). A body without a
    length counts as one of the largest allowed."""
    length = request.content_length
    if length is None:
        length = int(current_app.config["CHECK_MAX_BYTES"])
    return 1 + length // COST_UNIT


def client() -> str:
    """The client a per-client limit counts: its address, an IPv6 address's /64 network."""
    address = request.remote_addr or "unknown"
    parsed = parse.ip_address(address)
    if parsed is None:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def mail_address(address: str) -> str:
    """The key of a per-address limit: an address as written, in any capitalisation."""
    return address.strip().lower()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = RateLimits(app.config)
