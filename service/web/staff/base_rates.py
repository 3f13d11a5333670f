"""The base rate table under /p/<slug>/staff/verwaltung/basiszinssatz (issue 19.3): every row
with its first day, rate, source and whether it was shipped unchecked; the administrator adds
the new half-year's value with its source. The table is one for the whole installation (the
Bundesbank's rate is the same for every partnership); the policy table lets administrators in."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ...domain.base_rates import next_half_year, rate_text
from ...operations import base_rates as ops
from .. import parse
from ..filters import shortdate
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import bp, form_values, partnership

FIELDS = ("from", "rate", "source")


def _page(
    values: dict[str, str], errors: dict[str, list[str]], status: int = 200
) -> ResponseReturnValue:
    uow = current_uow()
    rows = ops.rate_rows(uow)
    table = ops.table_of(rows)
    return render_template(
        "staff/admin_base_rates.html",
        rows=list(reversed(rows)),
        table=table,
        rate_text=rate_text,
        missing=table.missing_publication(uow.today()),
        next_day=next_half_year(uow.today()),
        values=values,
        errors=errors,
    ), status


@bp.route("/verwaltung/basiszinssatz", methods=["GET", "POST"])
def admin_base_rates(slug: str) -> ResponseReturnValue:
    uow = current_uow()
    if request.method == "GET":
        return _page({"from": next_half_year(uow.today()).isoformat()}, {})
    refusal_goes_to(url_for("staff.admin_base_rates", slug=slug))
    values = form_values(FIELDS)
    starts_on = parse.iso_date(values.get("from"))
    problems = ops.rate_problems(
        uow,
        starts_on=starts_on,
        rate_text=values.get("rate", ""),
        source=values.get("source", ""),
    )
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message.render(uow.localizer))
        return _page(values, errors, 422)
    row = ops.add_base_rate(
        uow,
        starts_on=starts_on,
        rate_text=values.get("rate", ""),
        source=values.get("source", ""),
        partnership_id=partnership().id,
    )
    flash(
        _(
            "The base rate from %(day)s (%(rate)s percent) has been saved.",
            day=shortdate(row.starts_on),
            rate=rate_text(row.rate),
        ),
        "success",
    )
    return redirect(url_for("staff.admin_base_rates", slug=slug))
