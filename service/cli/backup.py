"""``foerderwerk backup TARGET`` and ``foerderwerk restore SOURCE`` (R25).

The work is done in :mod:`service.operations.backup` (with the adapters in
service/adapters/backup); here the results are told in German.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from ..adapters.backup.common import BackupError
from ..i18n import BabelLocalizer
from ..operations.backup import create_backup, restore_backup
from . import cli

_localizer = BabelLocalizer()
_ = _localizer.gettext
ngettext = _localizer.ngettext


@cli.command(
    "backup",
    help=_(
        "Write a backup of the database, the document store and the applicants' uploads into "
        "the new folder TARGET, with a MANIFEST.json of checksums. The service may keep "
        "running meanwhile."
    ),
)
@click.argument("target", type=click.Path(path_type=Path))
def backup_command(target: Path) -> None:
    try:
        summary = create_backup(current_app.config, current_app.instance_path, target)
    except BackupError as exc:
        click.echo(exc.message.render(_localizer), err=True)
        raise SystemExit(1) from None
    click.echo(
        _(
            "Backup written to %(path)s: %(database)s database at revision %(revision)s; "
            "registered documents: %(documents)s; document files (%(storage)s backend): "
            "%(files)s; uploads: %(uploads)s; audit log entries: %(audit)s; size: %(bytes)s "
            "bytes."
        )
        % {
            "path": summary.path,
            "database": summary.database,
            "revision": summary.revision,
            "documents": summary.registered_documents,
            "files": summary.document_files,
            "storage": summary.storage,
            "uploads": summary.uploads,
            "audit": summary.audit_rows,
            "bytes": summary.total_bytes,
        }
    )
    if summary.ok:
        return
    if summary.missing:
        click.echo(
            ngettext(
                "%(count)s file referenced by the database is missing and not in the backup:",
                "%(count)s files referenced by the database are missing and not in the backup:",
                len(summary.missing),
            )
            % {"count": len(summary.missing)},
            err=True,
        )
        for address in summary.missing:
            click.echo(f"  {address}", err=True)
    if summary.damaged:
        click.echo(
            ngettext(
                "%(count)s file failed its hash check and is not in the backup:",
                "%(count)s files failed their hash check and are not in the backup:",
                len(summary.damaged),
            )
            % {"count": len(summary.damaged)},
            err=True,
        )
        for address in summary.damaged:
            click.echo(f"  {address}", err=True)
    click.echo(
        _(
            "The backup is incomplete. Please restore the listed files from an older backup "
            "(“foerderwerk storage verify” names the documents) and back up again."
        ),
        err=True,
    )
    raise SystemExit(1)


@cli.command(
    "restore",
    help=_(
        "Restore the backup in the folder SOURCE into this instance, whose database and "
        "folders must be empty. Every checksum is verified first; afterwards every document."
    ),
)
@click.argument("source", type=click.Path(path_type=Path))
def restore_command(source: Path) -> None:
    click.echo(_("Checking the backup in %(path)s …") % {"path": source})
    try:
        summary = restore_backup(current_app.config, current_app.instance_path, source)
    except BackupError as exc:
        click.echo(exc.message.render(_localizer), err=True)
        raise SystemExit(1) from None
    click.echo(
        _(
            "Restored the backup of %(created)s: %(database)s database at revision "
            "%(revision)s; document files (%(storage)s backend): %(files)s; uploads: "
            "%(uploads)s."
        )
        % {
            "created": summary.created_at,
            "database": summary.database,
            "revision": summary.revision,
            "files": summary.document_files,
            "storage": summary.storage,
            "uploads": summary.uploads,
        }
    )
    if summary.upgraded:
        click.echo(
            _("The backup was at revision %(old)s; the database was upgraded to %(new)s.")
            % {"old": summary.backup_revision, "new": summary.revision}
        )
    click.echo(
        _("Checked – registered documents: %(count)s; audit log entries: %(audit)s.")
        % {"count": summary.checked_documents, "audit": summary.audit_rows}
    )
    if summary.ok:
        click.echo(_("Every check passed. The instance is ready."))
        return
    for problem in summary.problems:
        click.echo(problem.render(_localizer), err=True)
    click.echo(
        _(
            "The restored instance failed the checks above. Please do not use it; restore "
            "another backup into a new, empty database."
        ),
        err=True,
    )
    raise SystemExit(1)
