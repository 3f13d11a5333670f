"""The overdue usage-of-funds reports and the open refunds under
/p/<slug>/staff/nachweise-ueberfaellig (issue 19.4): for the coordination office, which follows
them up, and the lead office, whose treasury reclaims a grant whose report does not come and
collects the refunds. Each report row: file number, project, recipient, due day, days overdue
and when the reminder went out; each refund row: due day, amount open, days overdue and the
reminders sent."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from ...domain.reminders import DUE_SOON_DAYS
from ...operations import refunds as refund_ops
from ...operations import reminders as ops
from ..uow import current_uow
from .common import bp, partnership


@bp.get("/nachweise-ueberfaellig")
def overdue_reports(slug: str) -> ResponseReturnValue:
    uow = current_uow()
    return render_template(
        "staff/overdue_reports.html",
        rows=ops.overdue_reports(uow, partnership().id),
        refunds=refund_ops.open_refunds(uow, partnership().id),
        due_soon_days=DUE_SOON_DAYS,
    )
