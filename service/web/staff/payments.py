"""The payment requests of a partnership's funds (issue 19.1): the queue with the rules
engine's findings, the two sign-offs, refusal, payouts by hand and the payment orders.

Who may do what is the policy table's (service/web/policy.py): coordination and lead office
sign "sachlich richtig" and refuse; only the lead office signs "rechnerisch richtig" and
records payouts, by hand or from the treasury's CSV (upload, preview, confirm). The operation
refuses a second sign-off by the same account."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from ... import mail_texts
from ...domain.treasury_csv import MAX_BYTES, Outcome
from ...links import site_url
from ...models import PaymentRequest, PayoutSource
from ...operations import payments as ops
from ...operations import payout_import as imports
from .. import parse
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import bp, form_values, partnership, user


def _request_or_404(request_id: int) -> PaymentRequest:
    return ops.get_request(current_uow(), partnership().id, request_id)


def _queue_url(slug: str) -> str:
    fund = request.args.get("fonds") or request.form.get("fonds") or ""
    return url_for("staff.payments", slug=slug, fonds=fund or None) + "#mittelabrufe"


def _body(approved: bool) -> Callable[[PaymentRequest], str]:
    def body(found: PaymentRequest) -> str:
        application = found.application
        p = application.fund.partnership
        return mail_texts.payment_decided_body(
            p,
            application,
            approved=approved,
            requested=found.amount,
            amount=found.effective_amount,
            requested_on=found.requested_on,
            reason=found.reason,
            cash_reference=found.cash_reference,
            link=site_url("apply.mine", slug=p.slug),
        )

    return body


@bp.get("/mittelabrufe")
def payments(slug: str) -> ResponseReturnValue:
    p = partnership()
    funds = sorted(p.funds, key=lambda f: f.key)
    chosen = parse.integer(request.args.get("fonds"))
    if chosen is not None and chosen not in {f.id for f in funds}:
        chosen = None
    uow = current_uow()
    rows = ops.payment_queue(uow, p.id, chosen)
    return render_template(
        "staff/payments.html",
        funds=funds,
        chosen=chosen,
        rows=rows,
        findings={
            row.request.id: [(f.severity, f.message.render(uow.localizer)) for f in row.findings]
            for row in rows
        },
        orders=ops.order_documents(uow, [row.request for row in rows]),
        payouts={row.request.id: ops.payouts_of(uow, row.request) for row in rows},
        me=user().id,
        today=uow.today(),
        new_key=uuid.uuid4().hex,
    )


@bp.post("/mittelabrufe/<int:request_id>/sachlich")
def payment_factual(slug: str, request_id: int) -> ResponseReturnValue:
    values = form_values(["amount", "reason", "fonds"])
    found = _request_or_404(request_id)
    back = _queue_url(slug)
    refusal_goes_to(back)
    amount = None
    if values.get("amount", "").strip():
        amount = parse.german_money(values["amount"])
        if amount is None:
            flash(_("Please enter the amount in euros, e.g. 1.234,56."), "error")
            return redirect(back)
    ops.sign_factual(current_uow(), found, user(), amount=amount, reason=values.get("reason", ""))
    flash(
        _(
            "Payment request %(reference)s signed as factually correct; the second sign-off "
            "(arithmetically correct) by another account is missing.",
            reference=found.application.reference,
        ),
        "info",
    )
    return redirect(back)


@bp.post("/mittelabrufe/<int:request_id>/rechnerisch")
def payment_arithmetic(slug: str, request_id: int) -> ResponseReturnValue:
    form_values(["fonds"])
    found = _request_or_404(request_id)
    back = _queue_url(slug)
    refusal_goes_to(back)
    ops.sign_arithmetic(
        current_uow(), found, user(), body=_body(True), order=ops.publish_payment_order
    )
    flash(
        _(
            "Payment request %(reference)s approved; the payment order has been made "
            "(cash reference %(cash)s).",
            reference=found.application.reference,
            cash=found.cash_reference,
        ),
        "info",
    )
    return redirect(back)


@bp.post("/mittelabrufe/<int:request_id>/ablehnen")
def payment_refuse(slug: str, request_id: int) -> ResponseReturnValue:
    values = form_values(["reason", "fonds"])
    found = _request_or_404(request_id)
    back = _queue_url(slug)
    refusal_goes_to(back)
    ops.refuse_request(
        current_uow(), found, user(), reason=values.get("reason", ""), body=_body(False)
    )
    flash(
        _("Payment request %(reference)s refused.", reference=found.application.reference),
        "info",
    )
    return redirect(back)


@bp.post("/mittelabrufe/<int:request_id>/auszahlung")
def payment_payout(slug: str, request_id: int) -> ResponseReturnValue:
    values = form_values(["amount", "paid_on", "idempotency_key", "fonds"])
    found = _request_or_404(request_id)
    back = _queue_url(slug)
    refusal_goes_to(back)
    amount = parse.german_money(values.get("amount", ""))
    paid_on = parse.iso_date(values.get("paid_on"))
    if amount is None:
        flash(_("Please enter the amount in euros, e.g. 1.234,56."), "error")
        return redirect(back)
    if paid_on is None:
        flash(_("Please enter the day of the payout."), "error")
        return redirect(back)
    ops.record_payout(
        current_uow(),
        found,
        amount=amount,
        paid_on=paid_on,
        source=PayoutSource.hand,
        idempotency_key=(values.get("idempotency_key") or "")[:64] or uuid.uuid4().hex,
    )
    flash(
        _("Payout for %(reference)s recorded.", reference=found.application.reference),
        "info",
    )
    return redirect(back)


# -- the treasury's CSV ----------------------------------------------------------------------
# Upload → preview (nothing saved) → confirm. The file travels back with the confirmation as
# base64 in a hidden field, with its SHA-256 from the preview: the confirmation records what
# was shown (the operation matches again under locks and refuses another file). CSRF like
# every form; the size limit is the domain's (MAX_BYTES).


def _queue_import_url(slug: str) -> str:
    return url_for("staff.payments", slug=slug) + "#kasse"


@bp.post("/mittelabrufe/kasse")
def payout_import_preview(slug: str) -> ResponseReturnValue:
    form_values([])
    refusal_goes_to(_queue_import_url(slug))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Please choose the treasury's CSV file to upload."), "error")
        return redirect(_queue_import_url(slug))
    data = upload.read(MAX_BYTES + 1)
    uow = current_uow()
    preview = imports.preview_import(uow, partnership(), data)
    status = 422 if preview.malformed else 200
    return render_template(
        "staff/payout_import.html",
        preview=preview,
        notes=[r.message.render(uow.localizer) for r in preview.results],
        content=base64.b64encode(data).decode("ascii"),
        filename=upload.filename.rsplit("/", 1)[-1][:200],
    ), status


@bp.post("/mittelabrufe/kasse/uebernehmen")
def payout_import_confirm(slug: str) -> ResponseReturnValue:
    values = form_values(["content", "sha256"])
    refusal_goes_to(_queue_import_url(slug))
    data = parse.base64_bytes(values.get("content")) or b""
    uow = current_uow()
    done = imports.import_payouts(
        uow, partnership(), data, expected_sha256=values.get("sha256", "") or "-"
    )
    count = len(done.recorded)
    flash(
        ngettext(
            "%(num)s payout from the treasury's file recorded.",
            "%(num)s payouts from the treasury's file recorded.",
            count,
        ),
        "info",
    )
    others = [r for r in done.results if r.outcome is not Outcome.matched]
    if others:
        flash(
            ngettext(
                "%(num)s line was not recorded; see the preview for why.",
                "%(num)s lines were not recorded; see the preview for why.",
                len(others),
            ),
            "info",
        )
    return redirect(url_for("staff.payments", slug=slug) + "#mittelabrufe")
