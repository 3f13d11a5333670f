"""``foerderwerk demo``: load the fictional demo partnership (idempotent; ``make run`` calls it)."""

from __future__ import annotations

import click
from flask import current_app

from .. import db
from ..i18n import BabelLocalizer
from ..models import migrate
from ..operations.demo import load_demo
from . import cli

_ = BabelLocalizer().gettext


@cli.command(
    "demo",
    help=_(
        "Load the fictional demo partnership Boizenburg/Elbe – Lübtheen with its funds, "
        "committees and applications. Running it again changes nothing."
    ),
)
def demo_command() -> None:
    url = str(current_app.config["DATABASE_URL"])
    if migrate.current(url) != migrate.head():
        click.echo(
            _("The database is not up to date. Please run “foerderwerk db upgrade” first."),
            err=True,
        )
        raise SystemExit(1)
    session = db.session()
    created = load_demo(session)
    session.commit()
    if created:
        click.echo(
            _("Demo partnership loaded: %(count)s records created.")
            % {"count": sum(created.values())}
        )
    else:
        click.echo(_("The demo partnership is already complete; nothing was changed."))
