"""``foerderwerk purge`` and ``foerderwerk retention hold|release|show`` (R26).

The purge deletes the personal data and documents of every file past its retention period
(``FOERDERWERK_RETENTION_*_YEARS``) that is not under a legal hold, one file per commit, and
leaves a tombstone for each. Run again, it finds nothing more to do. Run it from cron, e.g.
once a month; ``--dry-run`` first shows what it would delete.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from sqlalchemy import select

from .. import db
from ..archive.storage import FolderStorage
from ..domain import formatting
from ..domain.retention import RetentionConfigError, RetentionPolicy
from ..i18n import BabelLocalizer
from ..models import Application
from ..operations import retention as ops
from . import cli
from .uow import current_command_uow, in_command_uow

_ = BabelLocalizer().gettext
ngettext = BabelLocalizer().ngettext
BERLIN = ZoneInfo("Europe/Berlin")


def _day(value: date) -> str:
    return formatting.short_date(value)


def _find(ident: str) -> Application:
    """An application by its id or its file number (AIF-2026-009)."""
    session = db.session()
    if ident.isdigit():
        application = session.get(Application, int(ident))
    else:
        found = list(session.scalars(select(Application).where(Application.reference == ident)))
        application = found[0] if len(found) == 1 else None
    if application is None:
        click.echo(
            _("There is no application “%(id)s”. Please give its number or file number.")
            % {"id": ident},
            err=True,
        )
        sys.exit(2)
    return application


def _name(application: Application) -> str:
    return application.reference or _("application %(id)s") % {"id": application.id}


@cli.group("retention", help=_("Retention of files: legal holds and their periods."))
def retention_group() -> None:
    pass


@retention_group.command(
    "hold", help=_("Put a file under a legal hold: it is never purged while the hold lasts.")
)
@click.argument("application_id")
@click.option(
    "--reason",
    required=True,
    help=_("Why the file must be kept, e.g. the court file number; no personal names."),
)
@in_command_uow
def hold_command(application_id: str, reason: str) -> None:
    application = _find(application_id)
    try:
        ops.place_legal_hold(current_command_uow(), application, reason)
    except ops.HoldReasonMissing as refused:
        # a usage error of the command (exit 2, like a missing option), not the handler's 1
        click.echo(refused.render(BabelLocalizer()), err=True)
        sys.exit(2)
    click.echo(
        _("%(file)s is under a legal hold and will not be purged.") % {"file": _name(application)}
    )


@retention_group.command(
    "release", help=_("Lift a legal hold; the file's retention period applies again.")
)
@click.argument("application_id")
@in_command_uow
def release_command(application_id: str) -> None:
    application = _find(application_id)
    if not ops.release_legal_hold(current_command_uow(), application):
        click.echo(_("%(file)s is not under a legal hold.") % {"file": _name(application)})
        return
    click.echo(
        _("The legal hold on %(file)s is lifted; its retention period applies again.")
        % {"file": _name(application)}
    )


@retention_group.command("show", help=_("Show a file's retention period and legal hold."))
@click.argument("application_id")
def show_command(application_id: str) -> None:
    session = db.session()
    application = _find(application_id)
    policy = _policy()
    retention = ops.retention_of(session, application, policy)
    if retention is None:
        click.echo(
            _("%(file)s is still open; its retention period has not started.")
            % {"file": _name(application)}
        )
    else:
        click.echo(
            ngettext(
                "%(file)s: %(rule)s, %(years)s year from the end of %(year)s, "
                "kept until %(until)s.",
                "%(file)s: %(rule)s, %(years)s years from the end of %(year)s, "
                "kept until %(until)s.",
                retention.years,
            )
            % {
                "file": _name(application),
                "rule": _(retention.rule.label),
                "years": retention.years,
                "year": retention.anchor_on.year,
                "until": _day(retention.kept_until),
            }
        )
    hold = ops.legal_hold(session, application)
    if hold is not None:
        click.echo(
            _("Legal hold since %(since)s by %(who)s: %(reason)s")
            % {
                "since": _day(hold.placed_at.astimezone(BERLIN).date()),
                "who": hold.placed_by,
                "reason": hold.reason,
            }
        )


def _policy() -> RetentionPolicy:
    try:
        return ops.policy_from_config(current_app.config)
    except (RetentionConfigError, ValueError) as exc:
        click.echo(
            _(
                "The retention periods are not usable (%(problem)s). Please correct "
                "FOERDERWERK_RETENTION_GRANTED_YEARS, _REJECTED_YEARS and _DRAFT_YEARS."
            )
            % {"problem": exc},
            err=True,
        )
        sys.exit(2)


@cli.command(
    "purge",
    help=_(
        "Delete the personal data and documents of every file past its retention period "
        "that is not under a legal hold; a tombstone without personal data remains."
    ),
)
@click.option("--dry-run", is_flag=True, help=_("Only show what would be deleted."))
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help=_("Count the periods as on this day (YYYY-MM-DD), for tests; default: today."),
)
@in_command_uow
def purge_command(dry_run: bool, today: datetime | None) -> None:
    uow = current_command_uow()
    policy = _policy()
    uploads = current_app.config.get("UPLOAD_PATH") or str(
        Path(current_app.instance_path) / "uploads"
    )
    report = ops.purge_files(
        uow,
        policy,
        today=today.date() if today else None,
        document_storage=uow.storage,
        upload_storage=FolderStorage(uploads),
        dry_run=dry_run,
        # each file on its own: a purged file's folder bytes go only after its commit
        commit=uow.commit,
    )
    line = _("%(file)s: would be purged (%(rule)s, kept until %(until)s)")
    if not dry_run:
        line = _("%(file)s: purged (%(rule)s, kept until %(until)s)")
    for purged in report.purged:
        click.echo(
            line
            % {
                "file": purged.reference or _("application %(id)s") % {"id": purged.application_id},
                "rule": _(purged.rule.label),
                "until": _day(purged.kept_until),
            }
        )
    for held in report.held:
        click.echo(
            _("%(file)s: kept under a legal hold (its period ended on %(until)s)")
            % {
                "file": held.reference or _("application %(id)s") % {"id": held.application_id},
                "until": _day(held.kept_until),
            }
        )
    if dry_run:
        click.echo(
            _(
                "Dry run as on %(today)s – files to be purged: %(count)s; kept under a legal "
                "hold: %(held)s."
            )
            % {"today": _day(report.today), "count": len(report.purged), "held": len(report.held)}
        )
        return
    click.echo(
        _(
            "As on %(today)s – files purged: %(count)s; kept under a legal hold: %(held)s; "
            "stored files deleted: %(deleted)s; kept because other records use them: %(shared)s."
        )
        % {
            "today": _day(report.today),
            "count": len(report.purged),
            "held": len(report.held),
            "deleted": report.files_deleted,
            "shared": report.files_shared,
        }
    )
