"""``foerderwerk demo``: load the fictional demo partnership (idempotent; ``make run`` calls it)."""

from __future__ import annotations

import click
from flask import current_app

from ..i18n import BabelLocalizer
from ..models import migrate
from ..operations.demo import load_demo
from . import cli
from .uow import current_command_uow, in_command_uow

_ = BabelLocalizer().gettext
ngettext = BabelLocalizer().ngettext


@cli.command(
    "demo",
    help=_(
        "Load the fictional demo partnership Boizenburg/Elbe – Lübtheen with its funds, "
        "committees and applications. Running it again changes nothing."
    ),
)
@click.option(
    "--notices",
    type=click.IntRange(1, 100_000),
    default=None,
    help=_(
        "Also create this many approved applications with draft notices (in a fund of their "
        "own, for measuring batch regeneration)."
    ),
)
@in_command_uow
def demo_command(notices: int | None) -> None:
    if str(current_app.config.get("ENV", "")).lower() == "production":
        # the demo's staff accounts have the password the README publishes (issue 14)
        click.echo(
            _(
                "The demo data (fictional applications and staff accounts whose password is "
                "published in the README) cannot be loaded in production "
                "(FOERDERWERK_ENV=production). Nothing was changed."
            ),
            err=True,
        )
        raise SystemExit(1)
    url = str(current_app.config["DATABASE_URL"])
    if migrate.current(url) != migrate.head():
        click.echo(
            _("The database is not up to date. Please run “foerderwerk db upgrade” first."),
            err=True,
        )
        raise SystemExit(1)
    uow = current_command_uow()
    # the funds of the clock's year (FOERDERWERK_TODAY where it is pinned)
    created = load_demo(uow.session, uow.today())
    if notices:
        from ..operations.seed import SEED_FUND, seed_notices

        seed_notices(uow, notices)
        click.echo(
            ngettext(
                "%(count)s approved application with a draft notice created in fund %(fund)s.",
                "%(count)s approved applications with draft notices created in fund %(fund)s.",
                notices,
            )
            % {"count": notices, "fund": SEED_FUND}
        )
        return
    if created:
        click.echo(
            ngettext(
                "Demo partnership loaded: %(count)s record created.",
                "Demo partnership loaded: %(count)s records created.",
                sum(created.values()),
            )
            % {"count": sum(created.values())}
        )
    else:
        click.echo(_("The demo partnership is already complete; nothing was changed."))
