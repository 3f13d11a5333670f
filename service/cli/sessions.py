"""``foerderwerk sessions close-due``: the cron job of the written vote online (issue 20.4).

For every written vote started online and not closed: after its deadline (or once every
voting member has answered) it is closed and its decisions recorded; before, from two days
before the deadline, the members who have not answered get their one reminder. Closed
written votes without minutes get them (a draft until the chair approves). Each written vote
is its own unit of work: one that fails is reported and the others go on. Running it again
changes nothing that is done (idempotent).
"""

from __future__ import annotations

import click
from flask import current_app

from ..errors import Refused
from ..i18n import BabelLocalizer
from ..models import Meeting
from ..operations import sessions as session_ops
from ..operations import written_votes as ops
from . import cli
from .uow import command_uow, say_refusal

_ = BabelLocalizer().gettext


@cli.group("sessions", help=_("Sessions and written votes of the committees."))
def sessions_group() -> None:
    pass


@sessions_group.command(
    "close-due",
    help=_(
        "Close the written votes whose deadline has passed or which every voting member has "
        "answered, record their decisions and produce their minutes; remind the members who "
        "have not voted, once, from two days before the deadline. Safe to run again (cron)."
    ),
)
def close_due_command() -> None:
    with command_uow() as uow:
        open_ids = ops.open_written_votes(uow)
    failed = 0
    for meeting_id in open_ids:
        try:
            with command_uow() as uow:
                meeting = uow.session.get(Meeting, meeting_id)
                if meeting is None:
                    continue
                result = ops.settle(uow, meeting)
                if result.closed:
                    click.echo(_("Written vote %(id)s closed.") % {"id": meeting_id})
                if result.reminded:
                    click.echo(
                        _("Written vote %(id)s: %(count)s reminders sent.")
                        % {"id": meeting_id, "count": result.reminded}
                    )
        except Refused as refusal:
            failed += 1
            say_refusal(refusal)
    with command_uow() as uow:
        unminuted = ops.unminuted_written_votes(uow)
    for meeting_id in unminuted:
        try:
            with command_uow() as uow:
                meeting = uow.session.get(Meeting, meeting_id)
                if meeting is not None:
                    session_ops.generate_minutes(uow, meeting)
                    click.echo(_("Written vote %(id)s: minutes produced.") % {"id": meeting_id})
        except Refused as refusal:
            failed += 1
            say_refusal(refusal)
        except Exception:  # LibreOffice or the store: logged, the next run tries again
            failed += 1
            current_app.logger.exception("minutes of written vote %s failed", meeting_id)
            click.echo(
                _(
                    "Written vote %(id)s: the minutes could not be produced; the next run "
                    "tries again."
                )
                % {"id": meeting_id},
                err=True,
            )
    if failed:
        raise SystemExit(1)
