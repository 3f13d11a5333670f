"""The administrators' page of the partnership's document templates (issue 16.4) under
/p/<slug>/staff/verwaltung/vorlagen: per kind the shipped template and every uploaded
version, an upload (checked first: any problem is shown and nothing is saved), a preview
(PNG of page 1 and the PDF, with the partnership's settings) and the activation. Version 0
in the addresses is the shipped template."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ...operations import templates as ops
from ..policy import POLICY
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import bp, form_values, has_role, partnership
from .notices import attachment

SHIPPED = 0
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _version(version: int) -> int | None:
    return None if version == SHIPPED else version


def _inline(data: bytes, media_type: str, name: str) -> Response:
    response = Response(data, mimetype=media_type)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _list_page(
    errors: list[str] | None = None, chosen: str = "", status: int = 200
) -> ResponseReturnValue:
    uow = current_uow()
    p = partnership()
    activated = request.args.get("aktiviert", "")
    if activated not in {k.kind for k in ops.template_kinds()}:
        activated = ""
    return render_template(
        "staff/admin_templates.html",
        kinds=ops.list_templates(uow, p),
        errors=errors or [],
        chosen=chosen,
        activated=activated,
        regenerated_kinds=ops.REGENERATED_KINDS,
        # drafts the activated template would change: the offer to render them again
        drafts=ops.draft_notice_count(uow, p, activated) if activated else 0,
        # the link to the regeneration's dry run, for those the policy lets see it
        may_regenerate=has_role(*POLICY["staff.regenerate"].roles),
        max_mb=ops.MAX_TEMPLATE_BYTES // 1_000_000,
    ), status


@bp.get("/verwaltung/vorlagen")
def admin_templates(slug: str) -> ResponseReturnValue:
    return _list_page()


@bp.post("/verwaltung/vorlagen")
def admin_template_upload(slug: str) -> ResponseReturnValue:
    values = form_values(["kind"])
    kind = values.get("kind", "")
    upload = request.files.get("file")
    uow = current_uow()
    p = partnership()
    errors: list[str] = []
    if kind not in {spec.kind for spec in ops.template_kinds()}:
        errors.append(_("Please choose the kind of document the template is for."))
    if upload is None or not upload.filename:
        errors.append(_("Please choose the Word file (.docx) of the template."))
    if errors or upload is None or not upload.filename:
        return _list_page(errors, kind, 422)
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    data = upload.read()
    problems = ops.template_problems(uow, p, kind, name, data)
    if problems:
        return _list_page([problem.render(uow.localizer) for problem in problems], kind, 422)
    uploaded = ops.upload_template(uow, p, kind, name, data)
    version = uploaded.template.version
    if uploaded.created:
        message = _(
            "Saved as version %(version)s. Please look at the preview; new documents use it "
            "only once you activate it.",
            version=version,
        )
    else:
        message = _("This file is stored already as version %(version)s.", version=version)
    flash(message, "success")
    return redirect(url_for("staff.admin_template", slug=slug, kind=kind, version=version))


@bp.get("/verwaltung/vorlagen/<kind>/<int:version>")
def admin_template(slug: str, kind: str, version: int) -> ResponseReturnValue:
    uow = current_uow()
    p = partnership()
    spec = ops.kind_spec(kind)
    source = ops.template_source(uow, p, kind, _version(version))
    entry = next(k for k in ops.list_templates(uow, p) if k.spec.kind == kind)
    active = entry.active
    in_use = (active is None and source.shipped) or (
        active is not None and active.version == source.version
    )
    stored = next((v for v in entry.versions if v.version == source.version), None)
    return render_template(
        "staff/admin_template.html",
        spec=spec,
        source=source,
        stored=stored,
        version=version,
        in_use=in_use,
        label=_("shipped template")
        if source.shipped
        else _("Version %(version)s", version=version),
    )


@bp.get("/verwaltung/vorlagen/<kind>/<int:version>/vorschau.png")
def admin_template_png(slug: str, kind: str, version: int) -> ResponseReturnValue:
    refusal_goes_to(url_for("staff.admin_template", slug=slug, kind=kind, version=version))
    preview = ops.preview_template(current_uow(), partnership(), kind, _version(version))
    return _inline(preview.png or b"", "image/png", f"vorschau-{kind}-{version}.png")


@bp.get("/verwaltung/vorlagen/<kind>/<int:version>/vorschau.pdf")
def admin_template_pdf(slug: str, kind: str, version: int) -> ResponseReturnValue:
    refusal_goes_to(url_for("staff.admin_template", slug=slug, kind=kind, version=version))
    preview = ops.preview_template(
        current_uow(), partnership(), kind, _version(version), picture=False
    )
    return _inline(preview.pdf, "application/pdf", f"vorschau-{kind}-{version}.pdf")


@bp.get("/verwaltung/vorlagen/<kind>/<int:version>/datei")
def admin_template_file(slug: str, kind: str, version: int) -> ResponseReturnValue:
    name, data = ops.template_file(current_uow(), partnership(), kind, _version(version))
    return attachment(data, name, DOCX_TYPE)


@bp.post("/verwaltung/vorlagen/<kind>/<int:version>/aktivieren")
def admin_template_activate(slug: str, kind: str, version: int) -> ResponseReturnValue:
    form_values([])
    refusal_goes_to(url_for("staff.admin_templates", slug=slug))
    if ops.activate_template(current_uow(), partnership(), kind, _version(version)):
        flash(
            _("The shipped template is used again for new documents.")
            if version == SHIPPED
            else _("Version %(version)s is now used for new documents.", version=version),
            "success",
        )
        return redirect(url_for("staff.admin_templates", slug=slug, aktiviert=kind))
    flash(_("This template is in use already."), "info")
    return redirect(url_for("staff.admin_templates", slug=slug))
