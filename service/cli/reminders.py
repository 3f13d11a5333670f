"""``foerderwerk reminders send`` (issue 19.4), for cron (docs/operations.md): the German
e-mails 14 days before a usage-of-funds report or a refund is due and once it is overdue (a
refund: not yet received in full), each reminder once – also when two runs overlap
(service/operations/reminders.py). ``--dry-run`` only counts what would be sent."""

from __future__ import annotations

import click

from ..i18n import BabelLocalizer
from ..operations import reminders as ops
from . import cli
from .uow import current_command_uow, in_command_uow

_localizer = BabelLocalizer()
_ = _localizer.gettext


@cli.group("reminders", help=_("Reminders of reports and refunds that are due or overdue."))
def reminders_group() -> None:
    pass


@reminders_group.command(
    "send", help=_("Send today's reminders (each one once; safe to run from cron at any time).")
)
@click.option("--dry-run", is_flag=True, help=_("Only count the reminders; send nothing."))
@in_command_uow
def send_command(dry_run: bool) -> None:
    uow = current_command_uow()
    result = ops.send_reminders(uow, dry_run=dry_run)
    if dry_run:
        click.echo(
            _localizer.ngettext(
                "%(count)s reminder is due today; nothing has been sent (dry run).",
                "%(count)s reminders are due today; nothing has been sent (dry run).",
                result.planned,
            )
            % {"count": result.planned}
        )
        return
    click.echo(
        _localizer.ngettext("%(count)s reminder sent.", "%(count)s reminders sent.", result.sent)
        % {"count": result.sent}
    )
    if result.taken:
        click.echo(
            _localizer.ngettext(
                "%(count)s reminder had just been sent by another run.",
                "%(count)s reminders had just been sent by another run.",
                result.taken,
            )
            % {"count": result.taken}
        )
    if result.no_address:
        click.echo(
            _localizer.ngettext(
                "%(count)s reminder could not be sent: the application has no e-mail address.",
                "%(count)s reminders could not be sent: the applications have no e-mail address.",
                result.no_address,
            )
            % {"count": result.no_address}
        )
