"""Inbox, application detail, formal check, comments, request for information, state moves,
and audit log (staff accounts: administration.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ... import db
from ...archive.register import open_download
from ...archive.storage import StorageError
from ...domain.catalogues import DECLARATIONS
from ...domain.states import ApplicationState
from ...i18n import BabelLocalizer
from ...mail_texts import YOUTH_FUND
from ...models import AuditLog, StaffRole, Upload
from ...operations import staff as ops
from ...operations import submitted
from ...operations.applications import usage_report
from ...operations.interchange import application_to_interchange
from .. import parse
from ..applicant.uploads import upload_storage
from ..filters import shortdate
from ..refusals import refusal_goes_to
from ..uow import current_uow
from . import application_page as page
from .common import (
    application_or_404,
    bp,
    conflict_page,
    form_values,
    has_role,
    partnership,
    user,
    version_from,
)
from .notices import attachment

MAX_TEXT = 5000


@bp.get("/")
def start(slug: str) -> ResponseReturnValue:
    if has_role(StaffRole.coordination, StaffRole.lead, StaffRole.admin):
        return redirect(url_for("staff.inbox", slug=slug))
    return redirect(url_for("staff.sessions", slug=slug))


@bp.get("/antraege")
def inbox(slug: str) -> ResponseReturnValue:
    p = partnership()
    fund_key = request.args.get("fonds") or None
    state_value = request.args.get("status") or None
    query = (request.args.get("suche") or "").strip()[:100] or None
    state = parse.member(ApplicationState, state_value) if state_value else None
    applications = ops.list_applications(
        db.session(), p, fund_key=fund_key, state=state, query=query
    )
    states = [s for s in ApplicationState if s is not ApplicationState.draft]
    return render_template(
        "staff/inbox.html",
        applications=applications,
        funds=p.funds,
        states=states,
        selected_fund=fund_key,
        selected_state=state,
        query=query or "",
    )


def _stored_view(application_id: int) -> dict[str, object]:
    application = application_or_404(application_id)
    check = ops.formal_check_of(db.session(), application)
    return {
        _("Version"): application.version,
        _("State"): _(application.state.label),
        _("Answer due on"): shortdate(application.info_due_on) or "–",
        _("Checklist"): ", ".join(
            _(label) for key, label in ops.CHECKLIST if check and check.items.get(key)
        )
        or "–",
        _("Note of the formal check"): (check.note if check else "") or "–",
    }


@bp.get("/antraege/<int:app_id>")
def application(slug: str, app_id: int) -> ResponseReturnValue:
    found = application_or_404(app_id)
    uow = current_uow()
    session = uow.session
    result = ops.application_findings(session, found)
    youth = found.fund.guideline.fund_kind == YOUTH_FUND
    # bank details, contact data, birth date: the offices; committee members see the
    # project and the plan (who else needs which data is the issue on committees)
    personal = has_role(StaffRole.coordination, StaffRole.lead, StaffRole.admin)
    snapshot = found.submission_snapshot or application_to_interchange(found)
    return render_template(
        "staff/application.html",
        application=found,
        snapshot=snapshot,
        frozen=found.submission_snapshot is not None,
        youth=youth,
        personal=personal,
        findings=page.finding_rows(result.findings, BabelLocalizer()),
        totals=result.extra.get("totals") or {},
        uploads=submitted.uploads(uow, found) if personal else [],
        upload_kinds=submitted.UPLOAD_KINDS,
        pdf=submitted.submitted_pdf(session, found),
        check=ops.formal_check_of(session, found),
        checklist=ops.CHECKLIST,
        checklist_places=page.checklist_places(youth),
        place_label=page.place_label,
        anchor=page.anchor,
        declarations=DECLARATIONS,
        comments=ops.comments_of(session, found),
        moves=ops.manual_moves(found),
        can_request_info=found.state.next_states
        and ApplicationState.info_requested in found.state.next_states,
        today=uow.today(),
        # the review of the usage-of-funds report, once one was submitted (issue 19.2)
        report_submitted=has_role(StaffRole.coordination, StaffRole.lead)
        and usage_report(uow, found) is not None,
    )


@bp.get("/antraege/<int:app_id>/antrag.pdf")
def application_pdf(slug: str, app_id: int) -> ResponseReturnValue:
    """The PDF of the frozen copy; made and filed the first time it is asked for."""
    found = application_or_404(app_id)
    uow = current_uow()
    refusal_goes_to(url_for("staff.application", slug=slug, app_id=app_id))
    document = submitted.file_submitted_pdf(uow, found)
    try:
        stream = open_download(uow.storage, document)
    except StorageError:
        abort(503)  # a flipped byte on disk (R23) or a missing file: nothing is served
    return attachment(stream, document.file_name, document.media_type)


@bp.get("/antraege/<int:app_id>/anlagen/<int:upload_id>")
def application_upload(slug: str, app_id: int, upload_id: int) -> ResponseReturnValue:
    """An offer or attachment the applicant uploaded, hash-checked before it is served."""
    found = application_or_404(app_id)
    upload = submitted.upload(current_uow(), found, upload_id)
    if upload is None:
        abort(404)
    return _served(upload)


@bp.get("/antraege/<int:app_id>/belege/<int:upload_id>")
def application_receipt(slug: str, app_id: int, upload_id: int) -> ResponseReturnValue:
    """A receipt file uploaded with the report (PDF, PNG or JPEG), for the report's review –
    hash-checked and served with its own type."""
    found = application_or_404(app_id)
    upload = submitted.receipt_upload(current_uow(), found, upload_id)
    if upload is None:
        abort(404)
    return _served(upload)


def _served(upload: Upload) -> ResponseReturnValue:
    try:
        data = upload_storage().get(upload.sha256)  # hash-checked: a changed file is never served
    except StorageError:
        abort(503)
    return attachment(data, upload.display_name, submitted.media_type(upload))


@bp.post("/antraege/<int:app_id>/pruefung")
def formal_check(slug: str, app_id: int) -> ResponseReturnValue:
    values = form_values(["version", "note", *ops.CHECKLIST_KEYS])
    found = application_or_404(app_id)
    items = {key: key in values for key in ops.CHECKLIST_KEYS}
    note = values.get("note", "")[:MAX_TEXT]
    try:
        ops.save_formal_check(current_uow(), found, version_from(values), items, note, user())
    except StaleDataError:
        yours = {
            _("Version"): values.get("version", ""),
            _("Checklist"): ", ".join(_(label) for key, label in ops.CHECKLIST if items[key])
            or "–",
            _("Note of the formal check"): note or "–",
        }
        return conflict_page(
            _("Formal check"),
            yours,
            _stored_view(app_id),
            url_for("staff.application", slug=slug, app_id=app_id),
        )
    flash(_("The formal check has been saved."), "info")
    return redirect(url_for("staff.application", slug=slug, app_id=app_id) + "#pruefung")


@bp.post("/antraege/<int:app_id>/kommentar")
def comment(slug: str, app_id: int) -> ResponseReturnValue:
    values = form_values(["body", "visible"])
    found = application_or_404(app_id)
    body = values.get("body", "").strip()[:MAX_TEXT]
    if not body:
        flash(_("Please write a comment first."), "error")
    else:
        ops.add_comment(current_uow(), found, body, values.get("visible") == "1", user())
        flash(_("The comment has been saved."), "info")
    return redirect(url_for("staff.application", slug=slug, app_id=app_id) + "#kommentare")


@bp.post("/antraege/<int:app_id>/nachfrage")
def request_info(slug: str, app_id: int) -> ResponseReturnValue:
    values = form_values(["version", "due_on", "message"])
    found = application_or_404(app_id)
    message = values.get("message", "").strip()[:MAX_TEXT]
    uow = current_uow()
    due_on = parse.iso_date(values.get("due_on"))
    if due_on is None or due_on <= uow.today() or not message:
        flash(
            _("Please say what is missing and give an answer deadline after today."),
            "error",
        )
        return redirect(url_for("staff.application", slug=slug, app_id=app_id) + "#nachfrage")
    refusal_goes_to(url_for("staff.application", slug=slug, app_id=app_id))
    try:
        ops.request_information(uow, found, version_from(values), due_on, message, user())
    except StaleDataError:
        return conflict_page(
            _("Request more information"),
            {
                _("Version"): values.get("version", ""),
                _("Answer due on"): shortdate(due_on),
                _("Message"): message,
            },
            _stored_view(app_id),
            url_for("staff.application", slug=slug, app_id=app_id),
        )
    flash(_("The application has been returned to the applicant."), "info")
    return redirect(url_for("staff.application", slug=slug, app_id=app_id))


@bp.post("/antraege/<int:app_id>/status")
def move(slug: str, app_id: int) -> ResponseReturnValue:
    values = form_values(["version", "target"])
    found = application_or_404(app_id)
    target = parse.member(ApplicationState, values.get("target", ""))
    if target is None:
        abort(400)
    refusal_goes_to(url_for("staff.application", slug=slug, app_id=app_id))
    try:
        ops.move_application(current_uow(), found, version_from(values), target, user())
    except StaleDataError:
        return conflict_page(
            _("Change the state"),
            {_("Version"): values.get("version", ""), _("State"): _(target.label)},
            _stored_view(app_id),
            url_for("staff.application", slug=slug, app_id=app_id),
        )
    flash(_("The state has been changed to “%(state)s”.", state=_(target.label)), "info")
    return redirect(url_for("staff.application", slug=slug, app_id=app_id))


@bp.get("/protokoll")
def audit_log(slug: str) -> ResponseReturnValue:
    entries = db.session().scalars(
        select(AuditLog)
        .where(AuditLog.partnership_id == partnership().id)
        .order_by(AuditLog.id.desc())
        .limit(300)
    )
    return render_template("staff/audit.html", entries=list(entries))
