"""``foerderwerk serve``: the service under gunicorn, for production.

gunicorn is driven through its :class:`~gunicorn.app.base.BaseApplication`, not a shell: the
app comes from ``create_app()`` like every other command's (so the production check of
``check_production_config`` runs before anything listens), and the defaults suit a modest
municipal server behind a reverse proxy on the same machine (docs/operations.md).

The app is built once in the master process and inherited by the workers; each worker drops
the database connections it inherited right after the fork, so no connection is ever shared
between processes.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo, pass_script_info
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornLogger

from .. import db
from ..i18n import BabelLocalizer
from ..logs import configure_logging, json_handler
from ..models import migrate
from ..operations.staff import active_demo_accounts
from ..web.auth import InsecureConfiguration
from ..web.proxy import trusted_proxies
from . import cli

_ = BabelLocalizer().gettext

log = logging.getLogger("foerderwerk.serve")

DEFAULT_BIND = "127.0.0.1:8000"
MAX_DEFAULT_WORKERS = 8


def default_workers() -> int:
    """Two per core, at least 2, at most 8: the requests mostly wait for the database and
    LibreOffice, but each worker holds a rendered document in memory at times."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(2, min(2 * cores, MAX_DEFAULT_WORKERS))


class JsonLogger(GunicornLogger):
    """gunicorn's own messages (start, worker boot, timeouts) as JSON lines as well, through
    the redacting handler; its access log stays off – the app logs every request itself."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.addHandler(json_handler())
            logger.propagate = False


class FoerderwerkServer(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _post_fork(app: Flask) -> Any:
    def post_fork(_server: Any, _worker: Any) -> None:
        # connections opened by the master (the migration check) belong to it; the worker
        # opens its own (SQLAlchemy's advice for forked processes)
        with app.app_context():
            db.engine().dispose(close=False)

    return post_fork


def _warn_if_not_migrated(app: Flask) -> None:
    url = str(app.config["DATABASE_URL"])
    try:
        revision, head = migrate.current(url), migrate.head()
    except Exception as exc:  # the database may still be starting; /healthz will tell
        log.warning("database not reachable at start (%s)", type(exc).__name__)
        return
    if revision != head:
        click.echo(
            _(
                "Warning: the database is at revision %(revision)s, the newest is %(head)s. "
                "Please run “foerderwerk db upgrade”."
            )
            % {"revision": revision or _("none yet"), "head": head},
            err=True,
        )


def _refuse_active_demo_accounts(app: Flask) -> None:
    """In production: no start while a demo account can sign in – its password is in the
    README (issue 14). The check needs the database, so it is made here and not in
    check_production_config, which judges the settings alone."""
    if str(app.config.get("ENV", "")).lower() != "production":
        return
    try:
        with app.app_context():
            found = active_demo_accounts(db.session())
            db.session().rollback()
    except Exception as exc:  # not reachable or not migrated yet: /healthz and the warning tell
        log.warning("demo accounts not checked: database not ready (%s)", type(exc).__name__)
        return
    if not found:
        return
    click.echo(_("Förderwerk does not start in production with this configuration:"), err=True)
    for email in found:
        click.echo(
            "  – "
            + _(
                "The demo account %(email)s can sign in with the password published in the "
                "README. Lock it with: foerderwerk staff deactivate %(email)s"
            )
            % {"email": email},
            err=True,
        )
    raise SystemExit(1)


def _is_local(bind: str) -> bool:
    if bind.startswith(("unix:", "fd://")):
        return True
    host = bind.rsplit(":", 1)[0] if not bind.startswith("[") else bind[1:].split("]", 1)[0]
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")


def _warn_about_proxies(app: Flask, binds: tuple[str, ...]) -> None:
    count = trusted_proxies(app.config)
    production = str(app.config.get("ENV", "")).lower() == "production"
    if count == 0 and production:
        click.echo(
            _(
                "Warning: FOERDERWERK_TRUSTED_PROXIES is 0. Behind a reverse proxy every "
                "client then has the proxy's address: the login limits per address apply to "
                "everybody together and the audit log records the proxy. Behind one proxy "
                "(nginx) set FOERDERWERK_TRUSTED_PROXIES=1."
            ),
            err=True,
        )
    open_binds = [bind for bind in binds if not _is_local(bind)]
    if count and open_binds:
        click.echo(
            _(
                "Warning: FOERDERWERK_TRUSTED_PROXIES is %(count)s and Förderwerk listens on "
                "%(binds)s. Whoever reaches that port directly can claim any client address in "
                "X-Forwarded-For; let only the reverse proxy reach it (firewall)."
            )
            % {"count": count, "binds": ", ".join(open_binds)},
            err=True,
        )


@cli.command(
    "serve",
    with_appcontext=False,
    help=_("Run the service under gunicorn (production web server)."),
)
@click.option(
    "--bind",
    "-b",
    multiple=True,
    default=[DEFAULT_BIND],
    show_default=True,
    help=_("Address and port to listen on, or unix:PATH; may be given more than once."),
)
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(1, 64),
    default=None,
    help=_("Worker processes (default: two per processor core, at most 8)."),
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help=_("Threads per worker process."),
)
@click.option(
    "--timeout",
    type=click.IntRange(5, 3600),
    default=60,
    show_default=True,
    help=_("Seconds after which a hanging request is stopped and its worker replaced."),
)
@click.option(
    "--graceful-timeout",
    type=click.IntRange(1, 3600),
    default=30,
    show_default=True,
    help=_("Seconds running requests get to finish when the server stops."),
)
@click.option(
    "--max-requests",
    type=click.IntRange(0),
    default=1000,
    show_default=True,
    help=_("Replace a worker after this many requests, against growing memory (0: never)."),
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1,::1",
    show_default=True,
    help=_(
        "Addresses whose X-Forwarded-Proto gunicorn itself trusts; the client address comes "
        "from FOERDERWERK_TRUSTED_PROXIES."
    ),
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
    help=_("Least important log messages written."),
)
@pass_script_info
def serve_command(
    info: ScriptInfo,
    bind: tuple[str, ...],
    workers: int | None,
    threads: int,
    timeout: int,
    graceful_timeout: int,
    max_requests: int,
    forwarded_allow_ips: str,
    log_level: str,
) -> None:
    configure_logging(getattr(logging, log_level.upper()))
    try:
        app = info.load_app()
    except InsecureConfiguration as exc:
        localizer = BabelLocalizer()
        click.echo(_("Förderwerk does not start in production with this configuration:"), err=True)
        for problem in exc.problems:
            click.echo("  – " + problem.render(localizer), err=True)
        click.echo(
            _(
                "Please correct the settings (FOERDERWERK_* in the environment, see "
                "docs/operations.md) and start again."
            ),
            err=True,
        )
        raise SystemExit(1) from None
    _warn_if_not_migrated(app)
    _refuse_active_demo_accounts(app)
    _warn_about_proxies(app, bind)
    options: dict[str, Any] = {
        "bind": list(bind),
        "workers": workers or default_workers(),
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,
        "graceful_timeout": graceful_timeout,
        "max_requests": max_requests,
        # stagger the restarts so the workers are not all replaced at once
        "max_requests_jitter": max_requests // 10,
        "keepalive": 5,
        "forwarded_allow_ips": forwarded_allow_ips,
        "loglevel": log_level,
        "logger_class": JsonLogger,
        "accesslog": None,
        "proc_name": "foerderwerk",
        "post_fork": _post_fork(app),
        # gunicorn ≥ 25 opens a control socket under the home directory by default; several
        # instances (or a read-only home under systemd) must not trip over it
        "control_socket_disable": True,
    }
    log.info("starting on %s with %s worker(s)", ", ".join(options["bind"]), options["workers"])
    FoerderwerkServer(app, options).run()
