"""The partnership page, the start of an application, its review, submission and receipt
(the steps in between: wizard.py; see the package docstring)."""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forms.declarations import DECLARATION_LABELS

from ... import mail_texts
from ...domain.catalogues import COST_CATEGORIES, FIELDS_OF_ACTION, LEGAL_FORMS, TARGET_GROUPS
from ...links import site_url
from ...models import Application, Partnership
from ...operations import applications as ops
from ...operations.receipts import ReceiptMail
from .. import ratelimit
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import (
    bp,
    is_youth,
    own_or_404,
    owned_ids,
    partnership_or_404,
    reading,
    remember,
)
from .steps import STEPS, anchor_for, step_for_field

BERLIN = ZoneInfo("Europe/Berlin")


# -- public partnership page ------------------------------------------------------------------


@bp.get("/")
def partnership_page(slug: str) -> ResponseReturnValue:
    partnership = partnership_or_404(slug)
    return render_template(
        "apply/partnership.html",
        partnership=partnership,
        funds=ops.open_funds(reading(), partnership),
        categories=COST_CATEGORIES,
        legal_forms=LEGAL_FORMS,
        owned=bool(owned_ids()),
    )


@bp.post("/<fund_key>/antrag")
def start(slug: str, fund_key: str) -> ResponseReturnValue:
    partnership = partnership_or_404(slug)
    fund = next((f for f in partnership.funds if f.key == fund_key), None)
    if fund is None or fund.current_guideline is None:
        abort(404)
    ratelimit.hit("drafts", ratelimit.client())
    application = ops.start_application(current_uow(), fund)
    remember(application)
    return redirect(url_for(".step", slug=slug, app_id=application.id, step_slug=STEPS[0].slug))


# -- review, submit, receipt ----------------------------------------------------------------------


@bp.get("/antrag/<int:app_id>/pruefen")
def review(slug: str, app_id: int) -> ResponseReturnValue:
    partnership = partnership_or_404(slug)
    application = own_or_404(partnership, app_id)
    if not application.state.applicant_may_edit:
        return redirect(url_for(".receipt", slug=slug, app_id=app_id))
    return render_review(partnership, application)


def render_review(
    partnership: Partnership, application: Application, status: int = 200
) -> ResponseReturnValue:
    uow = reading()
    result = ops.check_stored(uow, application)
    output = result.to_json(uow.localizer)
    problems = []
    for finding in result.findings:
        owner = step_for_field(finding.field)
        anchor = anchor_for(finding.field)
        if owner is None:
            link = "#summary-top"
        else:
            link = url_for(
                ".step", slug=partnership.slug, app_id=application.id, step_slug=owner.slug
            ) + (f"#{anchor}" if anchor else "")
        problems.append((finding, finding.message.render(uow.localizer), link, owner))
    # in the order of the steps, so the list reads like the form
    problems.sort(key=lambda p: STEPS.index(p[3]) if p[3] is not None else len(STEPS))
    return (
        render_template(
            "apply/review.html",
            partnership=partnership,
            application=application,
            fund=application.fund,
            rules=application.fund.guideline,
            youth=is_youth(application.fund),
            data=ops.application_data(application),
            errors=[p for p in problems if p[0].is_error],
            warnings=[p for p in problems if not p[0].is_error],
            totals=output.get("totals"),
            session_date=output.get("session"),
            steps=STEPS,
            idempotency_key=uuid.uuid4().hex,
            fields_of_action=FIELDS_OF_ACTION,
            target_groups=TARGET_GROUPS,
            declarations=DECLARATION_LABELS,
        ),
        status,
    )


@bp.post("/antrag/<int:app_id>/einreichen")
def submit(slug: str, app_id: int) -> ResponseReturnValue:
    partnership = partnership_or_404(slug)
    application = own_or_404(partnership, app_id)
    key = (request.form.get("idempotency_key") or "").strip()[:64]
    if not key:
        abort(400)
    uow = current_uow()  # binds the mail transport: the receipt goes out after the commit
    # submitted meanwhile (NotEditable): the one handler says so and shows the receipt
    refusal_goes_to(url_for(".receipt", slug=slug, app_id=app_id))
    try:
        submitted, _created = ops.submit_application(
            uow,
            application,
            idempotency_key=key,
            receipt=ReceiptMail(
                body=functools.partial(receipt_body, partnership),
                # ``APPLICATION_PDF_IN_MAIL = False`` leaves the PDF out (tests without
                # LibreOffice)
                with_pdf=bool(current_app.config.get("APPLICATION_PDF_IN_MAIL", True)),
            ),
        )
    except ops.SubmissionRefused:
        # caught here: the review page is shown again with the findings at their entries;
        # the view returns normally, so nothing of the attempt may reach the request's commit
        uow.rollback()
        return render_review(partnership, application, status=422)
    remember(submitted)
    return redirect(url_for(".receipt", slug=slug, app_id=submitted.id))


def receipt_body(partnership: Partnership, application: Application) -> str:
    """The receipt's text, for the submit operation that queues the mail."""
    link = site_url("apply.mine", slug=partnership.slug)
    return mail_texts.receipt_body(partnership, application, link=link)


def submitted_in_berlin(application: Application) -> datetime | None:
    """When the application was submitted, in German time."""
    stamp = application.submitted_at
    if stamp is None:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(BERLIN)


@bp.get("/antrag/<int:app_id>/eingang")
def receipt(slug: str, app_id: int) -> ResponseReturnValue:
    partnership = partnership_or_404(slug)
    application = own_or_404(partnership, app_id)
    if application.state.applicant_may_edit and application.submitted_at is None:
        return redirect(url_for(".review", slug=slug, app_id=app_id))
    return render_template(
        "apply/receipt.html",
        partnership=partnership,
        application=application,
        fund=application.fund,
        youth=is_youth(application.fund),
        submitted_at=submitted_in_berlin(application),
    )
