"""Configuration: safe defaults, then the environment (FOERDERWERK_*), then explicit overrides."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

# Every setting the service reads from the environment, with its default.
# FOERDERWERK_<NAME> overrides <NAME>.
DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": "dev-only-insecure-key",
    "DATABASE_URL": None,  # None → SQLite under the instance folder
    # None: "database" with PostgreSQL, "folder" with SQLite (documents.storage.storage_kind)
    "STORAGE": None,
    "STORAGE_PATH": None,  # None → <instance>/documents
    # applicants' uploads, apart from the document store (web/applicant/uploads.py);
    # None → <instance>/uploads. A setting so a restore on another machine finds it (backup)
    "UPLOAD_PATH": None,
    "CELERY_BROKER": None,  # redis://… : regeneration runs on Celery workers
    # seconds until Redis hands a task whose worker died to another worker
    "CELERY_VISIBILITY_TIMEOUT": 3600,
    # seconds without progress after which the waiting command sends pending items again
    # (duplicates are no-ops), for tasks lost with a worker before the visibility timeout
    "CELERY_STALL_TIMEOUT": 120,
    # nice value of background work – batch workers, the mail sender, the LibreOffice they
    # start – so that applicants' pages get the CPU first (0: normal priority)
    "BACKGROUND_NICENESS": 10,
    "ENV": "development",
    # The site's public address, e.g. https://foerderwerk.kommune.example – every link in an
    # e-mail or document is built from it (service/links.py), never from the request's Host;
    # requests naming another host are refused. Required in production.
    "BASE_URL": None,
    # further host names requests may use besides BASE_URL's and the loopback names
    # (comma-separated), e.g. an old name during a move
    "TRUSTED_HOSTS_EXTRA": None,
    # How many reverse proxies stand in front of the app (nginx: 1). With 0 the client's
    # address is the socket peer – behind a proxy always the proxy itself – and
    # X-Forwarded-For/-Proto are ignored (service/web/proxy.py).
    "TRUSTED_PROXIES": 0,
    # minutes without a request after which an applicant's browser session forgets its
    # applications (issue 14: it lived 31 days); the cookie itself ends with the browser
    "APPLICANT_SESSION_IDLE_MINUTES": 120,
    "BABEL_DEFAULT_LOCALE": "de",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    # -- limits of the anonymous side (issue 14; docs/operations.md "Grenzen") ----------------
    # the largest input `foerderwerk check` reads and POST /api/v1/check accepts, in bytes:
    # a real application is about 10 KB, the longest lists the rules accept (service/domain,
    # MAX_*) stay well below 1 MB; parsing costs about 0.2 s of CPU per MB (bench/flood.py)
    "CHECK_MAX_BYTES": 1024 * 1024,
    # applicants' uploads: bytes per file, files and bytes per application
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    "UPLOAD_MAX_FILES": 20,
    "UPLOAD_MAX_TOTAL_BYTES": 25 * 1024 * 1024,
    # Rate limits, per client address (the real one behind the proxy) or per e-mail address,
    # in the notation "N per minute|hour|day", several separated by ";"; "" switches one off.
    # Counted in RATELIMIT_STORAGE: "memory://" (each server process counts for itself) or
    # a Redis URL such as "redis://127.0.0.1:6379/2" (all processes and machines together).
    "RATELIMIT_STORAGE": "memory://",
    "RATELIMIT_RESUME_PER_ADDRESS": "3 per hour; 10 per day",
    "RATELIMIT_RESUME_PER_CLIENT": "10 per hour; 50 per day",
    "RATELIMIT_DRAFTS_PER_CLIENT": "30 per hour; 200 per day",
    "RATELIMIT_CHECK_API_PER_CLIENT": "20 per minute; 200 per hour",
    # ISO date that pins "today" on the applicant pages, for demonstrations of the 2026 demo
    # funds and for tests; refused in production (web/auth.py check_production_config)
    "TODAY": None,
    # e-mail: SMTP when MAIL_SMTP_HOST is set, otherwise one .eml file per message in
    # MAIL_FOLDER (default <instance>/mail) – the development setting
    "MAIL_SMTP_HOST": None,
    "MAIL_SMTP_PORT": 587,
    "MAIL_SMTP_USER": None,
    "MAIL_SMTP_PASSWORD": None,
    "MAIL_FOLDER": None,
    "MAIL_FROM": None,
    # Retention (R26, docs/decisions.md "Aufbewahrung"): whole years, counted from the end of
    # the calendar year in which the file ended (granted: the usage-of-funds report check
    # closed; rejected or withdrawn: the rejection or withdrawal; drafts: the last change).
    # `foerderwerk purge` deletes a file's personal data and documents only after that.
    "RETENTION_GRANTED_YEARS": 10,
    "RETENTION_REJECTED_YEARS": 3,
    "RETENTION_DRAFT_YEARS": 1,
}


def _from_environment() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, default in DEFAULTS.items():
        raw = os.environ.get(f"FOERDERWERK_{name}")
        if raw is None:
            continue
        values[name] = int(raw) if isinstance(default, int) else raw
    return values


def setting(name: str) -> Any:
    """One setting for a command that runs without the application (``foerderwerk check``):
    FOERDERWERK_<NAME> from the environment, else the default."""
    return _from_environment().get(name, DEFAULTS[name])


def build_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = dict(DEFAULTS)
    config.update(_from_environment())
    config.update(overrides or {})
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = "sqlite:///" + str(Path(instance_path) / "foerderwerk.sqlite3")
    if config.get("TRUSTED_HOSTS") is None and config.get("BASE_URL"):
        from .links import InvalidBaseUrl, trusted_hosts

        try:
            config["TRUSTED_HOSTS"] = trusted_hosts(config)
        except InvalidBaseUrl:
            # no host is trusted; outside production the first link built says why, in
            # production the start-up check refuses (web/auth.py check_production_config)
            config["TRUSTED_HOSTS"] = ["invalid.base-url.invalid"]
    if not config["STORAGE_PATH"]:
        config["STORAGE_PATH"] = str(Path(instance_path) / "documents")
    return config
