"""``foerderwerk worker``: a Celery worker for distributed regeneration.

Start it on any machine that reaches the database and the broker, with the same
FOERDERWERK_* settings as the web server (DATABASE_URL, STORAGE, CELERY_BROKER). Each worker
process keeps one warm LibreOffice.
"""

from __future__ import annotations

import logging

import click
from flask import current_app

from ..batch import tasks
from ..i18n import BabelLocalizer
from ..logs import configure_logging
from ..process_local import lower_priority
from . import cli

_ = BabelLocalizer().gettext


@cli.command("worker", help=_("Run a Celery worker that renders the notices of batch jobs."))
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help=_("Worker processes (one LibreOffice each)."),
)
@click.option(
    "--loglevel",
    default="INFO",
    show_default=True,
    help=_(
        "The least important level of log messages still written (DEBUG, INFO, WARNING, ERROR)."
    ),
)
def worker_command(concurrency: int, loglevel: str) -> None:
    if not current_app.config.get("CELERY_BROKER"):
        raise click.UsageError(
            _("Please set FOERDERWERK_CELERY_BROKER (e.g. redis://127.0.0.1:6379/0) first.")
        )
    # one JSON line per message, redacted, as `foerderwerk serve` writes them
    configure_logging(getattr(logging, loglevel.upper(), logging.INFO))
    # the forked worker processes and their LibreOffice inherit it
    lower_priority(current_app.config["BACKGROUND_NICENESS"])
    tasks.configure_from(current_app.config)
    tasks.celery_app.worker_main(tasks.worker_argv(concurrency, loglevel))
