"""``foerderwerk db upgrade`` and ``foerderwerk db current``: the Alembic migrations."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

from ..i18n import BabelLocalizer
from ..models import migrate
from . import cli

_ = BabelLocalizer().gettext

db = AppGroup("db", help=_("Database: bring the schema up to date and show its revision."))


def _url() -> str:
    return str(current_app.config["DATABASE_URL"])


def _shown(url: str) -> str:
    # the URL may carry a password; it never goes to the terminal or a log
    return make_url(url).render_as_string(hide_password=True)


@db.command("upgrade", help=_("Apply all missing migrations to the configured database."))
@click.option("--revision", default="head", show_default=True, help=_("Target revision."))
def upgrade_command(revision: str) -> None:
    url = _url()
    migrate.upgrade(url, revision)
    click.echo(
        _("Database %(url)s is at revision %(revision)s.")
        % {"url": _shown(url), "revision": migrate.current(url)}
    )


@db.command("current", help=_("Show the revision of the database; exit 1 when it is behind."))
def current_command() -> None:
    url = _url()
    revision, head = migrate.current(url), migrate.head()
    if revision == head:
        click.echo(
            _("Database %(url)s is at revision %(revision)s, the newest.")
            % {"url": _shown(url), "revision": revision}
        )
        return
    click.echo(
        _(
            "Database %(url)s is at revision %(revision)s, the newest is %(head)s. "
            "Please run “foerderwerk db upgrade”."
        )
        % {"url": _shown(url), "revision": revision or _("none yet"), "head": head},
        err=True,
    )
    raise SystemExit(1)


cli.add_command(db)
