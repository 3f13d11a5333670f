"""The review of the usage-of-funds reports (issue 19.2): the list per fund with due and
overdue reports, the review page (report, findings, receipts with the sample, recognised
amounts, review note, interest waiver), finishing the review and issuing the closing letter
or the refund notice.

Who may do what is the policy table's (service/web/policy.py): the coordination office
reviews, the lead office sees the review and issues the outcome document (it is the authority
that issued the grant notice). The operations (service/operations/report_review.py) hold the
rules; this module parses the form and renders."""

from __future__ import annotations

import uuid
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ... import mail_texts
from ...domain import formatting
from ...domain.catalogues import COST_CATEGORIES
from ...domain.review import Outcome
from ...links import site_url
from ...models import Application
from ...operations import refunds as refund_ops
from ...operations import report_review as ops
from ...operations.submitted import receipt_uploads as receipt_files_of
from .. import parse
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import bp, form_values, partnership, user

RECOGNISED, REASON, SAMPLED = "recognised-", "reason-", "sampled-"


def _application(app_id: int) -> Application:
    return ops.get_application(current_uow(), partnership().id, app_id)


def _page_url(slug: str, app_id: int) -> str:
    return url_for("staff.report_review", slug=slug, app_id=app_id)


@bp.get("/verwendungsnachweise")
def reports(slug: str) -> ResponseReturnValue:
    p = partnership()
    funds = sorted(p.funds, key=lambda f: f.key)
    chosen = parse.integer(request.args.get("fonds"))
    if chosen is not None and chosen not in {f.id for f in funds}:
        chosen = None
    uow = current_uow()
    return render_template(
        "staff/reports.html",
        funds=funds,
        chosen=chosen,
        rows=ops.report_list(uow, p.id, chosen),
        Due=ops.ReportDue,
        Outcome=Outcome,
    )


@bp.get("/verwendungsnachweise/<int:app_id>")
def report_review(slug: str, app_id: int) -> ResponseReturnValue:
    application = _application(app_id)
    uow = current_uow()
    state = ops.review_state(uow, application)
    checked = ops.report_check(state)
    entered = state.row
    return render_template(
        "staff/report_review.html",
        application=application,
        state=state,
        report=state.parsed,
        report_findings=[(f.severity, f.message.render(uow.localizer)) for f in checked.findings],
        findings=[(f.severity, f.message.render(uow.localizer)) for f in state.findings],
        categories=COST_CATEGORIES,
        sampled=set(entered.sampled or ()) if entered is not None else set(),
        reasons=(entered.reasons or {}) if entered is not None else {},
        uploads=receipt_files_of(uow, application),
        documents=ops.outcome_documents(uow, application),
        Outcome=Outcome,
        amount_text=formatting.decimal_text,
        refund=refund_ops.refund_view(uow, application),
        today=uow.today(),
        new_key=uuid.uuid4().hex,
    )


@bp.post("/verwendungsnachweise/<int:app_id>")
def report_review_save(slug: str, app_id: int) -> ResponseReturnValue:
    values = form_values(
        ["note", "waive_interest", "waiver_reason", "effective_on", "refund_on"],
        prefixes=(RECOGNISED, REASON, SAMPLED),
    )
    application = _application(app_id)
    back = _page_url(slug, app_id)
    refusal_goes_to(back)
    recognised: dict[str, Decimal] = {}
    for key, value in values.items():
        if key.startswith(RECOGNISED) and value.strip():
            amount = parse.german_money(value)
            if amount is None:
                flash(_("Please enter the amount in euros, e.g. 1.234,56."), "error")
                return redirect(back)
            recognised[key.removeprefix(RECOGNISED)] = amount
    ops.save_review(
        current_uow(),
        application,
        ops.ReviewInput(
            recognised=recognised,
            reasons={k.removeprefix(REASON): v for k, v in values.items() if k.startswith(REASON)},
            sampled=[v for k, v in values.items() if k.startswith(SAMPLED)],
            note=values.get("note", ""),
            waive_interest="waive_interest" in values,
            waiver_reason=values.get("waiver_reason", ""),
            effective_on=parse.iso_date(values.get("effective_on")),
            refund_on=parse.iso_date(values.get("refund_on")),
        ),
    )
    flash(_("The review has been saved."), "info")
    return redirect(back + "#ergebnis")


@bp.post("/verwendungsnachweise/<int:app_id>/abschliessen")
def report_review_finish(slug: str, app_id: int) -> ResponseReturnValue:
    form_values([])
    application = _application(app_id)
    back = _page_url(slug, app_id)
    refusal_goes_to(back)
    ops.finish_review(current_uow(), application, user())
    flash(_("The review has been finished."), "info")
    return redirect(back)


@bp.post("/verwendungsnachweise/<int:app_id>/wieder-oeffnen")
def report_review_reopen(slug: str, app_id: int) -> ResponseReturnValue:
    form_values([])
    application = _application(app_id)
    back = _page_url(slug, app_id)
    refusal_goes_to(back)
    ops.reopen_review(current_uow(), application)
    flash(_("The review is open again."), "info")
    return redirect(back)


def _mail_body(application: Application, kind: str, attached: bool) -> str:
    p = application.fund.partnership
    row = ops.review_of(current_uow(), application)
    result = row.result if row is not None else {}
    refund = row is not None and row.issued_kind == Outcome.refund_notice.value
    return mail_texts.outcome_body(
        p,
        application,
        kind=kind,
        refund=refund,
        # what the issued notice states (stored when it is issued), else the review's figure
        total_due=(
            row.refund_total
            if row is not None and row.refund_total is not None
            else Decimal(str(result.get("total_due", "0")))
        ),
        due_on=row.refund_on if row is not None else None,
        attached=attached,
        link=site_url("apply.mine", slug=p.slug),
    )


@bp.post("/verwendungsnachweise/<int:app_id>/bescheid")
def report_review_issue(slug: str, app_id: int) -> ResponseReturnValue:
    form_values([])
    application = _application(app_id)
    back = _page_url(slug, app_id)
    refusal_goes_to(back)
    documents = ops.issue_outcome(current_uow(), application, body=_mail_body)
    flash(
        _(
            "%(document)s issued and sent to the applicant.",
            document=documents[0].number if documents else "",
        ),
        "info",
    )
    return redirect(back + "#dokument")


@bp.post("/verwendungsnachweise/<int:app_id>/zahlungseingang")
def refund_receipt_record(slug: str, app_id: int) -> ResponseReturnValue:
    """The lead office records money received on the refund notice (issue 19.4)."""
    values = form_values(["amount", "received_on", "note", "idempotency_key"])
    application = _application(app_id)
    back = _page_url(slug, app_id) + "#zahlungseingang"
    refusal_goes_to(back)
    amount = parse.german_money(values.get("amount", ""))
    received_on = parse.iso_date(values.get("received_on"))
    if amount is None:
        flash(_("Please enter the amount in euros, e.g. 1.234,56."), "error")
        return redirect(back)
    if received_on is None:
        flash(_("Please enter the day the money was received."), "error")
        return redirect(back)
    uow = current_uow()
    refund_ops.record_refund_receipt(
        uow,
        application,
        amount=amount,
        received_on=received_on,
        note=values.get("note", ""),
        idempotency_key=(values.get("idempotency_key") or "")[:64] or uuid.uuid4().hex,
    )
    view = refund_ops.refund_view(uow, application)
    if view is not None and view.account.settled:
        flash(_("Receipt recorded. The refund has been received in full."), "info")
    else:
        flash(_("Receipt recorded."), "info")
    return redirect(back)
