"""``foerderwerk templates upload/list/activate/preview``: a partnership's own document
templates (issue 16.4). ``templates check`` lives with ``render`` (service/cli/render.py);
importing it here puts every ``templates`` command on the one group."""

from __future__ import annotations

from pathlib import Path

import click

from ..domain import formatting
from ..i18n import BabelLocalizer
from ..operations import templates as ops
from ..operations.partnerships import find_partnership
from . import cli  # noqa: F401 – the command line this module adds to
from .render import templates_group
from .uow import current_command_uow, in_command_uow

_localizer = BabelLocalizer()
_ = _localizer.gettext
ngettext = _localizer.ngettext

SHIPPED = "shipped"

_PARTNERSHIP = click.option(
    "--partnership", "slug", required=True, help=_("The partnership (its short name).")
)
_KIND = click.option(
    "--kind",
    required=True,
    help=_("The document kind: approval, rejection, minutes, invitation, report, application."),
)


def _version(value: str) -> int | None:
    if value.strip().lower() in (SHIPPED, "mitgeliefert"):
        return None
    if not value.strip().isdigit() or int(value) < 1:
        raise click.BadParameter(
            _("Please give a version number (1, 2, …) or “shipped”."), param_hint="VERSION"
        )
    return int(value)


def _regeneration_hint(slug: str, kind: str) -> None:
    uow = current_command_uow()
    if kind in ops.REGENERATED_KINDS:
        drafts = ops.draft_notice_count(uow, find_partnership(uow, slug), kind)
        if not drafts:
            # nothing drafted with the old text: new notices simply use the new template
            click.echo(_("New notices use this template; there are no drafts to render again."))
            return
        click.echo(
            ngettext(
                "%(num)s draft notice still shows the old text. To render it again (issued "
                "notices stay as they are): foerderwerk notices regenerate --partnership "
                "%(slug)s --all",
                "%(num)s draft notices still show the old text. To render them again (issued "
                "notices stay as they are): foerderwerk notices regenerate --partnership "
                "%(slug)s --all",
                drafts,
            )
            % {"num": drafts, "slug": slug}
        )
    else:
        click.echo(_("Documents produced before keep their template; new ones use this one."))


@templates_group.command(
    "upload",
    help=_(
        "Store a Word file (.docx) as the next version of a partnership's template for a "
        "document kind. It is checked first; with any problem nothing is stored (exit 1)."
    ),
)
@_PARTNERSHIP
@_KIND
@click.option("--activate", is_flag=True, help=_("Use it for new documents right away."))
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@in_command_uow
def upload_command(slug: str, kind: str, activate: bool, file: Path) -> None:
    uow = current_command_uow()
    partnership = find_partnership(uow, slug)
    uploaded = ops.upload_template(uow, partnership, kind, file.name, file.read_bytes())
    version = uploaded.template.version
    if uploaded.created:
        click.echo(
            _("Saved as version %(version)s of the template “%(kind)s” of %(slug)s.")
            % {"version": version, "kind": kind, "slug": slug}
        )
    else:
        click.echo(
            _("This file is stored already as version %(version)s; nothing was added.")
            % {"version": version}
        )
    if activate:
        if ops.activate_template(uow, partnership, kind, version):
            click.echo(
                _("Version %(version)s is now used for new documents.") % {"version": version}
            )
            _regeneration_hint(slug, kind)
        else:
            click.echo(_("Version %(version)s is in use already.") % {"version": version})
    else:
        click.echo(
            _(
                "It is not used yet. Look at it with foerderwerk templates preview, then: "
                "foerderwerk templates activate --partnership %(slug)s --kind %(kind)s %(version)s"
            )
            % {"slug": slug, "kind": kind, "version": version}
        )


@templates_group.command(
    "list", help=_("List the templates of a partnership: per kind the versions and the one used.")
)
@_PARTNERSHIP
@in_command_uow
def list_command(slug: str) -> None:
    uow = current_command_uow()
    partnership = find_partnership(uow, slug)
    for entry in ops.list_templates(uow, partnership):
        active = entry.active
        used = (
            _("version %(version)s") % {"version": active.version}
            if active is not None
            else _("shipped")
        )
        click.echo(f"{entry.spec.kind}\t{entry.spec.title}\t{_('in use')}: {used}")
        for version in entry.versions:
            mark = "*" if version.active else " "
            uploaded = formatting.berlin_time(version.uploaded_at)
            click.echo(
                f"  {mark} {version.version}\t{uploaded}\t{version.name}\t{version.sha256[:12]}"
            )


@templates_group.command(
    "activate",
    help=_(
        "Use a version (or “shipped”) for new documents of a kind. Documents produced before "
        "keep their template; issued notices never change."
    ),
)
@_PARTNERSHIP
@_KIND
@click.argument("version")
@in_command_uow
def activate_command(slug: str, kind: str, version: str) -> None:
    uow = current_command_uow()
    partnership = find_partnership(uow, slug)
    number = _version(version)
    changed = ops.activate_template(uow, partnership, kind, number)
    which = (
        _("the shipped template")
        if number is None
        else _("version %(version)s") % {"version": number}
    )
    if not changed:
        click.echo(_("%(which)s is in use already.") % {"which": which})
        return
    click.echo(
        _("New documents “%(kind)s” of %(slug)s now use %(which)s.")
        % {"kind": kind, "slug": slug, "which": which}
    )
    _regeneration_hint(slug, kind)


@templates_group.command(
    "preview",
    help=_(
        "Render a sample record with a version (or “shipped”) and the partnership's settings: "
        "-o FILE.pdf for the PDF, -o FILE.png for a picture of the first page."
    ),
)
@_PARTNERSHIP
@_KIND
@click.argument("version", default=SHIPPED)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help=_("Target file, .pdf or .png."),
)
@in_command_uow
def preview_command(slug: str, kind: str, version: str, output: Path) -> None:
    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise click.BadParameter(_("The output file must end in .pdf or .png."), param_hint="-o")
    uow = current_command_uow()
    partnership = find_partnership(uow, slug)
    preview = ops.preview_template(
        uow, partnership, kind, _version(version), picture=suffix == ".png"
    )
    content = preview.png if suffix == ".png" and preview.png is not None else preview.pdf
    output.write_bytes(content)
    click.echo(_("Preview written: %(path)s") % {"path": str(output)})


@templates_group.command(
    "placeholders",
    with_appcontext=False,
    help=_(
        "Print the placeholders every kind of template may use, as Markdown (the list in "
        "docs/operations.md, “Vorlagen anpassen”)."
    ),
)
def placeholders_command() -> None:
    click.echo(ops.placeholders_markdown(), nl=False)
