"""Back-office views: notices (preview, issue, amend, print file, the waiver of the remedy) and
document downloads.

Before issuing, the page warns where an approval's period or report deadline is already past
and asks for a confirmation (issue 17, item 9); each issued notice shows the day it counts as
notified, its remedy deadline, whether it went out by e-mail, and its waiver.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ... import db
from ...archive.register import open_download
from ...archive.storage import DocumentStream, StorageError
from ...domain.notice import WaiverForm
from ...models import Decision, Document, Notice, StaffRole
from ...operations import members as member_ops
from ...operations import notices as ops
from .. import parse
from ..filters import money
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import bp, conflict_page, form_values, has_role, partnership, user
from .sessions import meeting_or_404


def _decision_or_404(decision_id: int) -> Decision:
    found = db.session().get(Decision, decision_id)
    if found is None or found.application.fund.partnership_id != partnership().id:
        abort(404)
    return found


def _notice_or_404(notice_id: int) -> Notice:
    found = db.session().get(Notice, notice_id)
    if found is None or found.fund.partnership_id != partnership().id:
        abort(404)
    return found


def attachment(data: bytes | DocumentStream, name: str, media_type: str) -> Response:
    """A download; a :class:`DocumentStream` is streamed (verified before its first byte,
    R23) rather than read into memory."""
    response = Response(data, mimetype=media_type, direct_passthrough=not isinstance(data, bytes))
    if not isinstance(data, bytes):
        response.content_length = data.size
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/bescheide")
def notices(slug: str) -> ResponseReturnValue:
    s = db.session()
    p = partnership()
    uow = current_uow()
    today = uow.today()
    issued = ops.issued_notices(s, p.id)
    pending = ops.pending_decisions(s, p.id)
    pdfs = {n.id: ops.notice_pdf(s, n) for n in issued}
    # approvals whose period (and perhaps report deadline) is past: a warning and a checkbox
    warnings = {}
    for decision in pending:
        past = ops.issue_warning(decision, today)
        if past is not None:
            warnings[decision.id] = past.warning().render(uow.localizer)
    return render_template(
        "staff/notices.html",
        pending=pending,
        issued=issued,
        pdfs=pdfs,
        warnings=warnings,
        dates={n.id: ops.notice_dates(n, today) for n in issued},
        grant_kinds=ops.GRANT_KINDS,
        today=today,
    )


@bp.get("/beschluesse/<int:decision_id>/entwurf")
def notice_preview(slug: str, decision_id: int) -> ResponseReturnValue:
    decision = _decision_or_404(decision_id)
    refusal_goes_to(url_for("staff.notices", slug=slug))
    pdf = ops.preview_notice(current_uow(), decision)
    name = f"Entwurf-{decision.application.reference or decision.application_id}.pdf"
    response = attachment(pdf, name, "application/pdf")
    response.headers["Content-Disposition"] = response.headers["Content-Disposition"].replace(
        "attachment", "inline", 1
    )
    return response


@bp.post("/beschluesse/<int:decision_id>/erlassen")
def notice_issue(slug: str, decision_id: int) -> ResponseReturnValue:
    values = form_values(["reasons", "confirm_past"])
    decision = _decision_or_404(decision_id)
    refusal_goes_to(url_for("staff.notices", slug=slug) + f"#beschluss-{decision.id}")
    notice = ops.issue_notice(
        current_uow(),
        decision,
        signatory=partnership().lead_office_signatory,
        reasons=values.get("reasons", "")[:5000],
        confirm_past=values.get("confirm_past") == "1",
    )
    flash(_("Notice %(number)s has been issued.", number=notice.number), "info")
    if notice.mailed_at is not None:
        flash(_("It is being sent to the applicant by e-mail with its PDF."), "info")
    else:
        flash(
            _("The application has no e-mail address: please send the notice by post only."),
            "info",
        )
    return redirect(url_for("staff.notices", slug=slug))


@bp.post("/bescheide/<int:notice_id>/aendern")
def notice_amend(slug: str, notice_id: int) -> ResponseReturnValue:
    values = form_values(["reason", "amount", "version"])
    notice = _notice_or_404(notice_id)
    reason = values.get("reason", "").strip()[:2000]
    amount = None
    if values.get("amount", "").strip():
        amount = parse.german_money(values["amount"])
        if amount is None:
            flash(_("Please enter the amount in euros, e.g. 1.234,56."), "error")
            return redirect(url_for("staff.notices", slug=slug))
    if not reason:
        flash(_("Please say why the notice is amended."), "error")
        return redirect(url_for("staff.notices", slug=slug))
    refusal_goes_to(url_for("staff.notices", slug=slug))
    try:
        amended = ops.amend_notice(
            current_uow(),
            notice,
            reason=reason,
            amount=amount,
            shown_version=_int_or_none(values.get("version")),
        )
    except ops.StaleNotice as exc:
        # R19: not a flash but both versions side by side
        latest = exc.latest
        stored = {
            _("Version"): latest.version,
            _("Amount"): money(latest.amount) or "–",
            _("Reason"): latest.replacement_reason or "–",
        }
        yours = {
            _("Version"): values.get("version", ""),
            _("Amount"): values.get("amount", "") or "–",
            _("Reason"): reason,
        }
        return conflict_page(
            _("Amend %(number)s", number=notice.number),
            yours,
            stored,
            url_for("staff.notices", slug=slug),
        )
    flash(
        _(
            "Amendment notice %(number)s (version %(version)s) has been issued.",
            number=amended.number,
            version=amended.version,
        ),
        "info",
    )
    return redirect(url_for("staff.notices", slug=slug))


# -- the waiver of the remedy (Rechtsbehelfsverzicht) ----------------------------------------

WAIVER_FIELDS = ["waived_on", "form", "declared_by"]


def _waiver_page(
    notice: Notice, values: dict[str, str], errors: dict[str, list[str]]
) -> ResponseReturnValue:
    today = current_uow().today()
    return render_template(
        "staff/notice_waiver.html",
        notice=notice,
        values=values,
        errors=errors,
        forms=list(WaiverForm),
        dates=ops.notice_dates(notice, today),
    ), (422 if errors else 200)


@bp.get("/bescheide/<int:notice_id>/rechtsbehelfsverzicht")
def notice_waiver(slug: str, notice_id: int) -> ResponseReturnValue:
    notice = _notice_or_404(notice_id)
    return _waiver_page(notice, {"waived_on": current_uow().today().isoformat()}, {})


@bp.post("/bescheide/<int:notice_id>/rechtsbehelfsverzicht")
def notice_waiver_record(slug: str, notice_id: int) -> ResponseReturnValue:
    values = form_values(WAIVER_FIELDS)
    notice = _notice_or_404(notice_id)
    uow = current_uow()
    refusal_goes_to(url_for("staff.notices", slug=slug) + f"#bescheid-{notice.id}")
    problems = ops.record_waiver(
        uow,
        notice,
        waived_on=parse.iso_date(values.get("waived_on", "").strip()),
        form=values.get("form", ""),
        declared_by=values.get("declared_by", ""),
    )
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(problem.message.render(uow.localizer))
        return _waiver_page(notice, values, errors)
    flash(
        _(
            "The waiver of the remedy against notice %(number)s has been recorded.",
            number=notice.number,
        ),
        "success",
    )
    return redirect(url_for("staff.notices", slug=slug) + f"#bescheid-{notice.id}")


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.get("/sitzungen/<int:meeting_id>/druckdatei")
def session_print(slug: str, meeting_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    refusal_goes_to(url_for("staff.session", slug=slug, meeting_id=meeting_id))
    try:
        pdf, _count = ops.print_file(current_uow(), meeting)
    except StorageError:
        abort(503)
    return attachment(
        pdf, f"Bescheide-Sitzung-{meeting.held_on.isoformat()}.pdf", "application/pdf"
    )


# Committee members read the minutes and their invitations; notices and their annexes carry
# bank details.
_COMMITTEE_KINDS = frozenset({"minutes", "minutes-docx", "invitation", "invitation-docx"})


@bp.get("/dokumente/<int:document_id>")
def document(slug: str, document_id: int) -> ResponseReturnValue:
    found = db.session().get(Document, document_id)
    if found is None or found.partnership_id != partnership().id:
        abort(404)
    if not has_role(StaffRole.coordination, StaffRole.lead, StaffRole.admin) and (
        found.kind not in _COMMITTEE_KINDS
        or found.meeting is None
        or member_ops.seat_in(found.meeting, user()) is None
    ):
        # a member reads only the documents of sessions they hold a seat in (issue 20.2)
        abort(404)
    storage = current_uow().storage
    try:
        stream = open_download(storage, found)
    except StorageError:
        # a flipped byte on disk (R23) or a missing file: nothing is served
        abort(503)
    return attachment(stream, found.file_name, found.media_type)
