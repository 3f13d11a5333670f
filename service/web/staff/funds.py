"""The funds page under /p/<slug>/staff/verwaltung/foerdertoepfe (issue 16.2): every fund of
the partnership with its sessions and application deadlines; the admin uploads a guideline
file (a new fund, or a new version of one), copies a fund for the next year; admin and
coordination office open and close a fund for applications. The policy table decides who
gets in; every fund is looked up inside the partnership of the URL."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from ...models import Committee, StaffRole
from ...operations import funds as ops
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import bp, form_values, has_role, partnership

FILE_FIELD = "guideline"


def _page(errors: list[str], status: int = 200) -> ResponseReturnValue:
    uow = current_uow()
    p = partnership()
    committees = list(
        uow.session.scalars(
            select(Committee).where(Committee.partnership_id == p.id).order_by(Committee.name)
        )
    )
    return render_template(
        "staff/admin_funds.html",
        rows=ops.fund_rows(uow, p),
        committees=committees,
        errors=errors,
        may_upload=has_role(StaffRole.admin),
        next_year=uow.today().year + 1,
    ), status


@bp.get("/verwaltung/foerdertoepfe")
def admin_funds(slug: str) -> ResponseReturnValue:
    return _page([])


@bp.post("/verwaltung/foerdertoepfe")
def admin_fund_upload(slug: str) -> ResponseReturnValue:
    refusal_goes_to(url_for("staff.admin_funds", slug=slug))
    uow = current_uow()
    values = form_values(["committee"])
    upload = request.files.get(FILE_FIELD)
    if upload is None or not upload.filename:
        return _page([_("Please choose the guideline file (TOML) to upload.")], 422)
    name = upload.filename.rsplit("/", 1)[-1][:200]
    text, problems = ops.upload_problems(upload.read(ops.MAX_GUIDELINE_BYTES + 1), name)
    if problems:
        return _page([f.message.render(uow.localizer) for f in problems], 422)
    saved = ops.save_guideline(uow, partnership(), text, committee=values.get("committee") or None)
    key = saved.fund.key
    if saved.outcome == "created":
        flash(
            _("The fund %(key)s has been created and is open for applications.", key=key), "success"
        )
    elif saved.outcome == "new-version":
        version = saved.fund.current_guideline.version if saved.fund.current_guideline else 0
        flash(
            _(
                "The guideline of %(key)s has been saved as version %(version)s; decisions "
                "made under an earlier version keep theirs.",
                key=key,
                version=version,
            ),
            "success",
        )
    else:
        flash(_("The guideline of %(key)s is unchanged.", key=key), "info")
    return redirect(url_for("staff.admin_funds", slug=slug))


@bp.post("/verwaltung/foerdertoepfe/<int:fund_id>/oeffnen")
def admin_fund_open(slug: str, fund_id: int) -> ResponseReturnValue:
    refusal_goes_to(url_for("staff.admin_funds", slug=slug))
    uow = current_uow()
    values = form_values(["confirm"])
    fund = ops.fund_by_id(uow, partnership(), fund_id)
    # only an admin confirms a draft's budget and dates (issue 16.2)
    confirm = values.get("confirm") == "1" and has_role(StaffRole.admin)
    ops.open_fund(uow, fund, confirm=confirm)
    flash(_("The fund %(key)s is open for applications.", key=fund.key), "success")
    return redirect(url_for("staff.admin_funds", slug=slug))


@bp.post("/verwaltung/foerdertoepfe/<int:fund_id>/schliessen")
def admin_fund_close(slug: str, fund_id: int) -> ResponseReturnValue:
    refusal_goes_to(url_for("staff.admin_funds", slug=slug))
    uow = current_uow()
    form_values([])
    fund = ops.fund_by_id(uow, partnership(), fund_id)
    ops.close_fund(uow, fund)
    flash(_("The fund %(key)s takes no new applications now.", key=fund.key), "success")
    return redirect(url_for("staff.admin_funds", slug=slug))


@bp.post("/verwaltung/foerdertoepfe/<int:fund_id>/kopieren")
def admin_fund_copy(slug: str, fund_id: int) -> ResponseReturnValue:
    refusal_goes_to(url_for("staff.admin_funds", slug=slug))
    uow = current_uow()
    values = form_values(["year"])
    fund = ops.fund_by_id(uow, partnership(), fund_id)
    year = values.get("year", "").strip()
    if not (year.isdigit() and len(year) == 4):
        return _page([_("Please give the year of the copy as four digits, for example 2027.")], 422)
    copy = ops.copy_fund(uow, fund, int(year))
    flash(
        _(
            "The draft %(key)s has been created: please check its budget and session dates, "
            "then confirm and open it.",
            key=copy.key,
        ),
        "success",
    )
    return redirect(url_for("staff.admin_funds", slug=slug))
