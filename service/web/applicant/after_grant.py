"""After the grant: the payment request and the usage-of-funds report of the applicant."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from forms.base import choices
from forms.findings import attach_findings, parse_errors
from forms.payment import PaymentRequestForm
from forms.report import ReportForm

from ...domain.catalogues import COST_CATEGORIES
from ...domain.findings import Finding
from ...links import site_url
from ...models import Application, Partnership, PaymentRequest, UsageReport
from ...operations import applications as ops
from ...operations import uploads as upload_ops
from ...operations.documents import render_pdf
from ...operations.receipts import (
    AfterGrantMail,
    NothingToRender,
    application_docx,
    payment_request_docx,
    report_docx,
)
from ..uow import current_uow
from .actions import Verb, parse_action
from .common import bp, clear_errors, own_or_404, partnership_or_404, reading
from .rows import autofocus, change_rows, row_focus
from .templating import euro
from .uploads import FIELD_ERROR, chosen_file, upload_storage


def _granted(slug: str, app_id: int) -> tuple[Partnership, Application, Any]:
    partnership = partnership_or_404(slug)
    application = own_or_404(partnership, app_id)
    # NoGrant is a NotFound: the one handler answers with the 404 page
    return partnership, application, ops.grant_notice(application)


@bp.route("/antrag/<int:app_id>/mittelabruf", methods=["GET", "POST"])
def payment(slug: str, app_id: int) -> ResponseReturnValue:
    partnership, application, notice = _granted(slug, app_id)
    form = PaymentRequestForm(formdata=request.form if request.method == "POST" else None)
    entries: list[Any] = []
    status = 200
    requested = ops.requested_so_far(reading(), application)
    # the whole grant is claimed: the form closes (a refused request frees its amount again)
    closed = requested >= (notice.amount or 0)
    if request.method == "POST" and closed:
        earlier = ops.payment_by_key(reading(), (form.idempotency_key.data or "")[:64])
        if earlier is not None and earlier.application_id == application.id:
            # the same form sent twice (double click, reload): the first one was recorded
            return redirect(url_for(".payment", slug=slug, app_id=app_id))
        status = 409
    elif request.method == "POST":
        form.validate()
        entries = parse_errors(form)
        if not entries:
            uow = current_uow()
            try:
                ops.request_payment(
                    uow,
                    application,
                    amount=form.amount.data,
                    needed_on=form.needed_on.data,
                    idempotency_key=(form.idempotency_key.data or "")[:64] or uuid.uuid4().hex,
                    confirmation=_confirmation(partnership),
                )
                flash(_("Your payment request has been received."), "success")
                return redirect(url_for(".payment", slug=slug, app_id=app_id))
            except ops.RulesRefused as refused:
                # the form is shown again with the typed amount and the findings at it; the
                # view returns normally, so the attempt is rolled back here
                uow.rollback()
                entries = attach_findings(form, refused.findings, "", uow.localizer, "amount")
        status = 422
    form.idempotency_key.data = uuid.uuid4().hex
    return (
        render_template(
            "apply/payment.html",
            partnership=partnership,
            application=application,
            notice=notice,
            requested=requested,
            paid=ops.paid_so_far(reading(), application),
            requests=ops.payment_requests_of(reading(), application),
            closed=closed,
            form=form,
            errors=[e for e in entries if e.severity == "error"],
            warnings=[e for e in entries if e.severity != "error"],
        ),
        status,
    )


def _confirmation(partnership: Partnership) -> AfterGrantMail:
    """The confirmation e-mail: linked to the overview on the configured site; the PDF of
    what was submitted attached (``APPLICATION_PDF_IN_MAIL = False`` leaves it out, as for
    the application's receipt: tests without LibreOffice)."""
    return AfterGrantMail(
        link=site_url("apply.mine", slug=partnership.slug),
        with_pdf=bool(current_app.config.get("APPLICATION_PDF_IN_MAIL", True)),
    )


def _prepare_report(form: ReportForm, application: Application) -> None:
    plan = sorted({line.category for line in application.cost_lines})
    category_choices = [("", _("Please choose")), *choices(COST_CATEGORIES, tuple(plan) or None)]
    kinds = [("expense", _("Expense")), ("income", _("Income"))]
    for entry in form.receipts.entries:
        entry.form.category.choices = category_choices
        entry.form.kind.choices = kinds


@bp.route("/antrag/<int:app_id>/verwendungsnachweis", methods=["GET", "POST"])
def report(slug: str, app_id: int) -> ResponseReturnValue:
    if ops.usage_report(reading(), own_or_404(partnership_or_404(slug), app_id)) is not None:
        # submitted: the report is no longer a form; its receipt page has the documents
        return redirect(url_for(".report_receipt", slug=slug, app_id=app_id))
    partnership, application, notice = _granted(slug, app_id)
    localizer = reading().localizer
    draft = ops.report_draft(reading(), application)
    if request.method == "POST":
        formdata: Any = request.form
    elif draft is not None:
        formdata = MultiDict([(k, v) for k, values in draft.fields.items() for v in values])
    else:
        formdata = None
    form = ReportForm(formdata=formdata)
    action = parse_action(request.form, Verb.CALCULATE)
    if request.method == "POST" and (action.verb is Verb.SAVE or action.edits_files):
        # a file is added or removed with the form's own buttons: what was typed is saved
        # with it (issue 17), and the page comes back from the draft
        fields = {k: request.form.getlist(k) for k in request.form if k not in _NOT_KEPT}
        ops.save_report_draft(current_uow(), application, fields)
        if action.verb is Verb.SAVE:
            flash(_("Draft saved. Nothing is lost – you can continue later."), "success")
            return redirect(url_for(".report", slug=slug, app_id=app_id))
        if action.verb is Verb.UPLOAD:
            _take_receipt(application)
        else:
            _drop_receipt(application, action.index)
        return redirect(url_for(".report", slug=slug, app_id=app_id, _anchor="receipt-files"))
    focus = None
    if action.edits_rows:
        form = change_rows(form, action, request.form)
        focus = row_focus(form, action)
    _prepare_report(form, application)
    entries: list[Any] = []
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        form.validate()
        entries = parse_errors(form)
        if not entries:
            data = form.to_data()
            checked = ops.check_report_data(reading(), application, data)
            result = checked.to_json(localizer).get("result")
            if action.verb is Verb.CALCULATE and request.headers.get("X-Requested-With") == "fetch":
                amounts = {k: euro(v) for k, v in (result or {}).items() if k != "eligible"}
                return jsonify(result=amounts)
            if action.verb is Verb.SUBMIT and checked.ok:
                ops.submit_report(
                    current_uow(),
                    application,
                    data=data,
                    idempotency_key=(form.idempotency_key.data or "")[:64] or uuid.uuid4().hex,
                    confirmation=_confirmation(partnership),
                )
                return redirect(url_for(".report_receipt", slug=slug, app_id=app_id))
            shown = [
                f
                for f in checked.findings
                if f.field != "notice" and not f.field.startswith("notice.")
            ]
            entries = attach_findings(form, _flatten(shown), "", localizer, "receipts")
            if action.verb is Verb.SUBMIT and not checked.ok:
                status = 422
            elif action.verb is not Verb.SUBMIT:
                # a recalculation shows notes, not yet errors of half-filled rows
                entries = [e for e in entries if e.severity != "error"]
                clear_errors(form)
        else:
            if request.headers.get("X-Requested-With") == "fetch":
                return jsonify(result=None)
            status = 422
    form.idempotency_key.data = form.idempotency_key.data or uuid.uuid4().hex
    if focus is not None:
        autofocus(form, focus)
    return (
        render_template(
            "apply/report.html",
            partnership=partnership,
            application=application,
            notice=notice,
            form=form,
            result=result,
            draft=draft,
            receipt_files=upload_ops.receipt_files(reading(), application),
            errors=[e for e in entries if e.severity == "error"],
            warnings=[e for e in entries if e.severity != "error"],
        ),
        status,
    )


def _take_receipt(application: Application) -> None:
    sent = chosen_file()
    if sent is None:
        flash(_("Please choose a file first."), FIELD_ERROR)
        return
    config = current_app.config
    limit = int(config["UPLOAD_MAX_BYTES"])
    data = sent.stream.read(limit + 1)  # one byte more than allowed is enough to refuse it
    uow = current_uow()
    try:
        upload = upload_ops.add_receipt_file(
            uow,
            upload_storage(),
            application,
            filename=sent.filename or "",
            data=data,
            max_bytes=limit,
            max_files=int(config["UPLOAD_MAX_FILES"]),
            max_total_bytes=int(config["UPLOAD_MAX_TOTAL_BYTES"]),
        )
    except upload_ops.UploadRefused as refused:
        flash(refused.render(uow.localizer), FIELD_ERROR)
        return
    flash(_("“%(name)s” has been added.", name=upload.display_name), "success")


def _drop_receipt(application: Application, upload_id: int | None) -> None:
    found = upload_ops.find_receipt_file(reading(), application, upload_id or 0)
    if found is None:
        abort(404)
    name = found.display_name
    upload_ops.remove_receipt_file(current_uow(), found)
    flash(_("“%(name)s” has been removed.", name=name), "success")


@bp.get("/antrag/<int:app_id>/belege/<int:upload_id>")
def receipt_file_download(slug: str, app_id: int, upload_id: int) -> Response:
    """An uploaded receipt, to this browser session's applicant only."""
    application = own_or_404(partnership_or_404(slug), app_id)
    found = upload_ops.find_receipt_file(reading(), application, upload_id)
    if found is None:
        abort(404)
    data = upload_storage().get(found.sha256)  # hash-checked: a changed file is never served
    return _download(data, found.display_name, upload_ops.media_of(found))


# not kept in a draft: the request's token and the button pressed
_NOT_KEPT = ("csrf_token", "action")


def _flatten(findings: list[Finding]) -> list[Finding]:
    """Report findings name ``narrative.activities`` and ``income.own_funds``; the form keeps
    those fields at its top level."""
    flat = []
    for finding in findings:
        path = finding.field
        for prefix in ("narrative.", "income."):
            if path.startswith(prefix):
                path = path[len(prefix) :]
        flat.append(replace(finding, field=path))
    return flat


def _stored_report(slug: str, app_id: int) -> tuple[Partnership, Application, UsageReport]:
    partnership = partnership_or_404(slug)
    application = own_or_404(partnership, app_id)
    stored = ops.usage_report(reading(), application)
    if stored is None:
        abort(404)
    return partnership, application, stored


@bp.get("/antrag/<int:app_id>/verwendungsnachweis/eingang")
def report_receipt(slug: str, app_id: int) -> ResponseReturnValue:
    partnership, application, stored = _stored_report(slug, app_id)
    return render_template(
        "apply/report_receipt.html",
        partnership=partnership,
        application=application,
        report=stored,
        result=stored.result.get("result") or {},
        receipt_files=upload_ops.receipt_files(reading(), application),
    )


@bp.get("/antrag/<int:app_id>/verwendungsnachweis/dokument.docx")
def report_document(slug: str, app_id: int) -> Response:
    """The report document (DOCX) rendered from the stored report."""
    _partnership, application, stored = _stored_report(slug, app_id)
    try:
        document = report_docx(reading().session, stored)
    except NothingToRender:
        current_app.logger.error("report document for %s not rendered", application.reference)
        abort(500)
    return _download(document, f"Verwendungsnachweis-{application.reference}.docx", DOCX)


@bp.get("/antrag/<int:app_id>/verwendungsnachweis/dokument.pdf")
def report_pdf_download(slug: str, app_id: int) -> Response:
    """The report document as PDF/A (rendered from the stored report on request)."""
    _partnership, application, stored = _stored_report(slug, app_id)
    try:
        document = render_pdf(report_docx(reading().session, stored))
    except NothingToRender:
        abort(404)
    return _download(document, f"Verwendungsnachweis-{application.reference}.pdf", PDF)


@bp.get("/antrag/<int:app_id>/mittelabruf/<int:request_id>.pdf")
def payment_request_download(slug: str, app_id: int, request_id: int) -> Response:
    """A payment request as filed, as PDF/A (after the report too: the page lists them)."""
    partnership = partnership_or_404(slug)
    application = own_or_404(partnership, app_id)
    found = reading().session.get(PaymentRequest, request_id)
    if found is None or found.application_id != application.id:
        abort(404)
    place = [r.id for r in ops.payment_requests_of(reading(), application)].index(found.id) + 1
    document = render_pdf(payment_request_docx(reading().session, found))
    return _download(document, f"Mittelabruf-{application.reference}-{place}.pdf", PDF)


@bp.get("/antrag/<int:app_id>/antrag.pdf")
def application_pdf_download(slug: str, app_id: int) -> Response:
    """The application as submitted (its frozen copy), as PDF/A."""
    partnership = partnership_or_404(slug)
    application = own_or_404(partnership, app_id)
    try:
        document = render_pdf(application_docx(reading().session, application))
    except NothingToRender:
        abort(404)
    return _download(document, f"Antrag-{application.reference}.pdf", PDF)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def _download(document: bytes, name: str, mimetype: str) -> Response:
    return Response(
        document,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
