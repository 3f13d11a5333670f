"""``foerderwerk storage migrate --to database|folder``, ``foerderwerk storage verify`` and
``foerderwerk storage sweep``.

The migration copies every document – each address the register references and every other
address the source holds – into the target backend, checking the SHA-256 on both sides, and
commits after each document: interrupted, it is simply run again and skips what is there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .. import db
from ..archive.backends import storage_from_config
from ..archive.database_storage import DatabaseStorage
from ..archive.register import sweep_orphan_files, verify_register
from ..archive.storage import FolderStorage, Storage, SweepReport, storage_kind
from ..archive.transfer import transfer_documents
from ..domain.messages import N_
from ..i18n import BabelLocalizer
from ..models import Document
from ..operations.uploads import sweep_orphan_uploads
from . import cli
from .uow import current_command_uow, in_command_uow

_ = BabelLocalizer().gettext
ngettext = BabelLocalizer().ngettext

# what happened to one document, as shown in the progress lines
OUTCOMES = {
    "copied": N_("copied"),
    "present": N_("already there"),
    "missing": N_("missing"),
    "damaged-in-source": N_("damaged in the source"),
    "damaged-in-target": N_("damaged in the target"),
}

storage = AppGroup(
    "storage", help=_("Document storage: copy documents between backends and check them.")
)


def _backend(kind: str) -> Storage:
    if kind == "database":
        return DatabaseStorage(db.session())
    return FolderStorage(current_app.config["STORAGE_PATH"])


@storage.command(
    "migrate", help=_("Copy every document into the given backend, checking every hash.")
)
@click.option(
    "--to",
    "target_kind",
    type=click.Choice(["database", "folder"]),
    required=True,
    help=_("The backend the documents are copied into."),
)
@click.option("--quiet", is_flag=True, help=_("Print only the summary."))
@in_command_uow
def migrate_command(target_kind: str, quiet: bool) -> None:
    session = db.session()
    source_kind = "folder" if target_kind == "database" else "database"
    source, target = _backend(source_kind), _backend(target_kind)
    referenced = list(session.scalars(select(Document.file_sha256).distinct()))
    # end the read transaction before the long copy (no lock held while files move)
    current_command_uow().commit()

    def progress(done: int, total: int, address: str, outcome: str) -> None:
        if not quiet and (outcome != "present" or done == total or done % 100 == 0):
            shown = _(OUTCOMES[outcome]) if outcome in OUTCOMES else outcome
            click.echo(f"[{done}/{total}] {address[:12]} {shown}")

    report = transfer_documents(
        source, target, referenced, commit=session.commit, progress=progress
    )
    click.echo(
        _(
            "Documents checked: %(total)s; copied: %(copied)s (%(bytes)s bytes); already in "
            "the target with a verified hash: %(present)s."
        )
        % {
            "total": report.total,
            "copied": report.copied,
            "bytes": report.copied_bytes,
            "present": report.already_present,
        }
    )
    problems: list[tuple[list[str], Callable[[int], str]]] = [
        (
            report.missing,
            lambda n: ngettext(
                "%(count)s document is stored in neither backend:",
                "%(count)s documents are stored in neither backend:",
                n,
            ),
        ),
        (
            report.damaged_in_source,
            lambda n: ngettext(
                "%(count)s document failed the hash check in the source:",
                "%(count)s documents failed the hash check in the source:",
                n,
            ),
        ),
        (
            report.damaged_in_target,
            lambda n: ngettext(
                "%(count)s document failed the hash check in the target:",
                "%(count)s documents failed the hash check in the target:",
                n,
            ),
        ),
    ]
    for addresses, text in problems:
        if addresses:
            click.echo(text(len(addresses)) % {"count": len(addresses)}, err=True)
            for address in addresses:
                click.echo(f"  {address}", err=True)
    if not report.ok:
        click.echo(
            _(
                "The migration is not complete. Please restore the listed documents from the "
                "backup and run the command again."
            ),
            err=True,
        )
        raise SystemExit(1)
    configured = storage_kind(current_app.config)
    if configured != target_kind:
        click.echo(
            _(
                "All documents are in the %(target)s backend. Please set "
                "FOERDERWERK_STORAGE=%(target)s so the service uses it; the %(source)s backend "
                "is left unchanged."
            )
            % {"target": target_kind, "source": source_kind}
        )
    else:
        click.echo(
            _("All documents are in the configured backend (%(target)s).") % {"target": target_kind}
        )


@storage.command("verify", help=_("Check the bytes of every registered document."))
def verify_command() -> None:
    session = db.session()
    report = verify_register(session, storage_from_config(current_app.config, session))
    click.echo(
        ngettext(
            "%(checked)s registered document checked in the %(backend)s backend.",
            "%(checked)s registered documents checked in the %(backend)s backend.",
            report.checked,
        )
        % {"checked": report.checked, "backend": storage_kind(current_app.config)}
    )
    if report.ok:
        click.echo(_("Every document matches its stored hash."))
        return
    if report.missing:
        click.echo(
            _("Missing files (document ids): %(ids)s")
            % {"ids": ", ".join(map(str, report.missing))},
            err=True,
        )
    if report.tampered:
        click.echo(
            _("Failed hash check (document ids): %(ids)s")
            % {"ids": ", ".join(map(str, report.tampered))},
            err=True,
        )
    click.echo(
        _("Please restore the listed documents from the backup; they are not served."), err=True
    )
    raise SystemExit(1)


@storage.command(
    "sweep",
    help=_(
        "Remove files that no record references (left by failed requests) from the document "
        "and upload stores."
    ),
)
@click.option("--dry-run", is_flag=True, help=_("Only list the orphan files; remove nothing."))
@in_command_uow
def sweep_command(dry_run: bool) -> None:
    """R20: a request that failed after writing its file leaves an orphan; run from cron.
    Files younger than the grace period are kept – their rows may not be committed yet."""
    session = db.session()
    uploads_path = current_app.config.get("UPLOAD_PATH") or str(
        Path(current_app.instance_path) / "uploads"
    )
    reports = [
        (
            _("Document store"),
            sweep_orphan_files(
                session, storage_from_config(current_app.config, session), dry_run=dry_run
            ),
        ),
        (
            _("Upload store"),
            sweep_orphan_uploads(
                current_command_uow(), FolderStorage(uploads_path), dry_run=dry_run
            ),
        ),
    ]
    for name, report in reports:
        _echo_sweep(name, report)
    if dry_run:
        click.echo(_("Dry run: nothing was removed."))
    elif any(report.removed or report.temporary_files_removed for _name, report in reports):
        click.echo(_("The orphan files have been removed."))


def _echo_sweep(name: str, report: SweepReport) -> None:
    click.echo(
        _(
            "%(store)s – orphan files: %(count)s (%(bytes)s bytes); recent files kept: "
            "%(recent)s; temporary files: %(temporary)s."
        )
        % {
            "store": name,
            "count": len(report.removed),
            "bytes": report.removed_bytes,
            "recent": len(report.spared_recent),
            "temporary": report.temporary_files_removed,
        }
    )
    for address in report.removed:
        click.echo(f"  {address}")


cli.add_command(storage)
