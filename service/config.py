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
    "BABEL_DEFAULT_LOCALE": "de",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
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
