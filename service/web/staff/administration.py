"""The administrators' pages under /p/<slug>/staff/verwaltung/: the partnership's settings
and its staff accounts (issue 16). The policy table lets only the admin role in; everything
is looked up inside the partnership of the URL."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ...domain.partnership_settings import (
    BUDGET_LINES,
    FILE_KEYS,
    KEYS,
    SECTIONS,
    SettingsFile,
)
from ...errors import Refused
from ...models import StaffRole
from ...operations import accounts as account_ops
from ...operations import partnerships as ops
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import bp, form_values, partnership, user

_TEXT_NAMES = [spec.name for spec in KEYS if not spec.is_file and spec.name != "partnership.slug"]
_REMOVE = [f"{spec.name}.remove" for spec in FILE_KEYS]


def field_id(name: str) -> str:
    return "f-" + name.replace(".", "-")


def _fund_keys(current: dict[str, Any]) -> list[str]:
    """A budget line field for every fund of the partnership and every key already set."""
    keys = {fund.key for fund in partnership().funds} | set(current.get(BUDGET_LINES, {}))
    return sorted(keys)


@bp.route("/verwaltung/einstellungen", methods=["GET", "POST"])
def admin_settings(slug: str) -> ResponseReturnValue:
    p = partnership()
    uow = current_uow()
    current = ops.current_settings(p)
    funds = _fund_keys(current)
    errors: dict[str, list[str]] = {}
    data = current
    if request.method == "POST":
        values = form_values(
            _TEXT_NAMES + _REMOVE, prefixes=[f"{BUDGET_LINES}.{key}" for key in funds]
        )
        data = {section: {} for section, _legend in SECTIONS}
        # the slug is part of every address: shown, never taken from the form
        data["partnership"] = {"slug": p.slug, "name": values.get("partnership.name", "")}
        for spec in KEYS:
            if spec.section == "partnership":
                continue
            if spec.is_file:
                upload = request.files.get(spec.name)
                if upload is not None and upload.filename:
                    data[spec.section][spec.key] = SettingsFile(
                        upload.filename.rsplit("/", 1)[-1][:200], upload.read()
                    )
                elif values.get(f"{spec.name}.remove"):
                    data[spec.section][spec.key] = None
                else:
                    data[spec.section][spec.key] = current[spec.section][spec.key]
            else:
                data[spec.section][spec.key] = values.get(spec.name, "")
        data[BUDGET_LINES] = {
            key: values.get(f"{BUDGET_LINES}.{key}", "")
            for key in funds
            if values.get(f"{BUDGET_LINES}.{key}", "").strip()
        }
        _settings, problems = ops.settings_problems(uow, data, partnership=p)
        for problem in problems:
            errors.setdefault(problem.name, []).append(problem.message.render(uow.localizer))
        if not errors:
            changed = ops.update_partnership(uow, p, data)
            if changed:
                flash(_("The settings have been saved."), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("staff.admin_settings", slug=slug))
    return render_template(
        "staff/admin_settings.html",
        sections=SECTIONS,
        keys=KEYS,
        data=data,
        funds=funds,
        errors=errors,
        field_id=field_id,
        budget_lines=BUDGET_LINES,
    ), (422 if errors else 200)


@bp.get("/verwaltung/konten")
def admin_accounts(slug: str) -> ResponseReturnValue:
    return _accounts_page()


def _accounts_page(
    new: dict[str, Any] | None = None, error: str | None = None
) -> ResponseReturnValue:
    accounts = account_ops.list_accounts(current_uow(), partnership())
    return render_template(
        "staff/admin_accounts.html",
        accounts=accounts,
        all_roles=list(StaffRole),
        new=new or {},
        new_error=error,
    ), (422 if error else 200)


@bp.post("/verwaltung/konten/neu")
def admin_account_create(slug: str) -> ResponseReturnValue:
    values = form_values(["email", "name", "roles"])
    roles = request.form.getlist("roles")
    uow = current_uow()
    try:
        account, invited = account_ops.create_account(
            uow, partnership(), values.get("email", "")[:254], values.get("name", ""), roles
        )
    except Refused as refused:
        # the form again with what the admin typed, the problem at the form (nothing saved)
        uow.rollback()
        typed = {"email": values.get("email", "")[:254], "name": values.get("name", "")}
        return _accounts_page({**typed, "roles": roles}, refused.render(uow.localizer))
    if invited:
        flash(
            _(
                "The account %(email)s has been created. An e-mail with a link to set the "
                "password is on its way.",
                email=account.email,
            ),
            "success",
        )
    else:
        flash(
            _(
                "The account %(email)s exists already; it now has its roles in this partnership.",
                email=account.email,
            ),
            "success",
        )
    return redirect(url_for("staff.admin_accounts", slug=slug))


@bp.post("/verwaltung/konten/<int:user_id>/rollen")
def admin_account_roles(slug: str, user_id: int) -> ResponseReturnValue:
    refusal_goes_to(url_for("staff.admin_accounts", slug=slug))
    form_values(["roles"])
    account_ops.change_roles(
        current_uow(), partnership(), user_id, request.form.getlist("roles"), user()
    )
    flash(_("The roles have been changed."), "success")
    return redirect(url_for("staff.admin_accounts", slug=slug))


@bp.post("/verwaltung/konten/<int:user_id>/deaktivieren")
def admin_account_deactivate(slug: str, user_id: int) -> ResponseReturnValue:
    refusal_goes_to(url_for("staff.admin_accounts", slug=slug))
    form_values([])
    locked = account_ops.deactivate_account(current_uow(), partnership(), user_id, user())
    if locked:
        flash(_("The account has been deactivated; its sessions have ended."), "success")
    else:
        flash(
            _(
                "The account works for another partnership as well: it has lost its roles in "
                "this partnership and stays active there."
            ),
            "success",
        )
    return redirect(url_for("staff.admin_accounts", slug=slug))
