"""``foerderwerk mail send``: deliver what is still waiting in the e-mail outbox.

Mails are queued with the data they belong to and sent after the commit; one whose delivery
failed (SMTP down) stays in the outbox. A cron job or an administrator runs this to retry.
"""

from __future__ import annotations

import click
from flask import current_app

from .. import db
from ..i18n import BabelLocalizer
from ..operations.mail import pending_mails, send_pending, sender, transport_from_config
from . import cli

_ = BabelLocalizer().gettext


@cli.group("mail", help=_("The e-mail outbox."))
def mail_group() -> None:
    pass


@mail_group.command("send", help=_("Send every e-mail still waiting in the outbox."))
@click.option("--quiet", is_flag=True, help=_("Say nothing when every e-mail went out (cron)."))
def send_command(quiet: bool) -> None:
    config = current_app.config
    session = db.session()
    # mails a web process's background sender is rendering right now are its business
    ids = [row.id for row in pending_mails(session)]
    waiting = len(ids)
    sent = send_pending(
        session, transport_from_config(config, current_app.instance_path), sender(config), ids
    )
    if not quiet or sent < waiting:
        click.echo(
            _("%(sent)s of %(waiting)s waiting e-mail(s) sent.")
            % {"sent": sent, "waiting": waiting}
        )
    if sent < waiting:
        click.echo(
            _("The others stay in the outbox. Please check the mail server and try again."),
            err=True,
        )
        raise SystemExit(1)
