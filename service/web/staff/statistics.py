"""Back-office views: monitoring statistics per fund and year, CSV/XLSX export."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue

from ... import db
from ...domain.catalogues import FIELDS_OF_ACTION, TARGET_GROUPS
from ...domain.states import ApplicationState
from ...operations import statistics as ops
from .common import bp, partnership
from .notices import attachment


def _year() -> int | None:
    raw = request.args.get("jahr", "")
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


@bp.get("/statistik")
def statistics(slug: str) -> ResponseReturnValue:
    p = partnership()
    year = _year()
    years = sorted({f.guideline.year for f in p.funds if f.current_guideline is not None})
    return render_template(
        "staff/statistics.html",
        figures=ops.partnership_figures(db.session(), p, year),
        years=years,
        year=year,
        fields_of_action=FIELDS_OF_ACTION,
        target_groups=TARGET_GROUPS,
        state_labels={s.value: s.label for s in ApplicationState},
    )


@bp.get("/statistik.<fmt>")
def statistics_export(slug: str, fmt: str) -> ResponseReturnValue:
    p = partnership()
    year = _year()
    figures = ops.partnership_figures(db.session(), p, year)
    name = f"Statistik-{p.slug}{'-' + str(year) if year else ''}"
    if fmt == "csv":
        return attachment(ops.to_csv(figures), f"{name}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return attachment(
            ops.to_xlsx(figures),
            f"{name}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    abort(404)
