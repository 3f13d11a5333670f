"""``foerderwerk mail send``: deliver what is still waiting in the e-mail outbox.

Mails are queued with the data they belong to and sent after the commit; one whose delivery
failed (SMTP down) stays in the outbox. A cron job or an administrator runs this to retry.
"""

from __future__ import annotations

import click
from flask import current_app

from .. import db
from ..adapters.mail.outbox import deliver_outbox, pending_mails
from ..adapters.mail.transport import sender, transport_from_config
from ..i18n import BabelLocalizer
from ..operations.outgoing import PREPARERS
from . import cli

_ = BabelLocalizer().gettext
ngettext = BabelLocalizer().ngettext


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
    result = deliver_outbox(
        session,
        transport_from_config(config, current_app.instance_path),
        sender(config),
        ids,
        preparers=PREPARERS,
    )
    sent = result.sent
    if not quiet or sent < waiting:
        click.echo(
            ngettext(
                "%(sent)s of %(waiting)s waiting e-mail sent.",
                "%(sent)s of %(waiting)s waiting e-mails sent.",
                waiting,
            )
            % {"sent": sent, "waiting": waiting}
        )
    for mail in result.undeliverable:
        click.echo(
            _("E-mail %(id)s to %(recipient)s cannot be sent and was set aside: %(reason)s.")
            % {
                "id": mail.mail_id,
                # escaped: a line break in the address must not forge a line of this report
                "recipient": mail.recipient.encode("unicode_escape").decode("ascii")[:120],
                "reason": _(mail.reason),
            },
            err=True,
        )
    if result.undeliverable:
        click.echo(
            ngettext(
                "%(count)s e-mail set aside for good; please correct the address and "
                "write to the person another way.",
                "%(count)s e-mails set aside for good; please correct the addresses and "
                "write to the people another way.",
                len(result.undeliverable),
            )
            % {"count": len(result.undeliverable)},
            err=True,
        )
    if sent + len(result.undeliverable) + result.dropped < waiting:
        click.echo(
            _("The others stay in the outbox. Please check the mail server and try again."),
            err=True,
        )
    if sent + result.dropped < waiting:
        raise SystemExit(1)
