"""The committee member's pages under /p/<slug>/staff/gremium/ (issue 20.2 and 20.3).

A member sees the sessions of their own committees, each agenda item's submitted
application read-only (no internal comments, no formal check, no bank details), its PDF and
its attachments, and declares conflicts of interest. Whatever lies outside their agenda
answers 404 – never 403, so nothing reveals that it exists (service/operations/members.py).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import pgettext

from ... import db
from ...domain.catalogues import FIELDS_OF_ACTION, TARGET_GROUPS
from ...models import AgendaItem, CommitteeMember, Meeting
from ...operations import members as ops
from ...operations import receipts
from ..applicant.uploads import upload_storage
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import bp, form_values, partnership, user
from .notices import attachment


def _meeting_or_404(meeting_id: int) -> tuple[Meeting, CommitteeMember]:
    found = ops.meeting_of(db.session(), partnership(), user(), meeting_id)
    if found is None:
        abort(404)
    return found


def _item_or_404(meeting_id: int, app_id: int) -> tuple[Meeting, CommitteeMember, AgendaItem]:
    meeting, member = _meeting_or_404(meeting_id)
    item = ops.item_of(meeting, app_id)
    if item is None:
        abort(404)
    return meeting, member, item


@bp.get("/gremium/")
def member_sessions(slug: str) -> ResponseReturnValue:
    seats = ops.seats_of(db.session(), partnership(), user())
    return render_template(
        "staff/member_sessions.html",
        meetings=ops.meetings_of(db.session(), partnership(), user()),
        # "du" for the youth forum (issue 20.1): when every seat of the account is there
        du=bool(seats) and all(ops.says_du(m.committee) for m in seats),
    )


@bp.get("/gremium/sitzungen/<int:meeting_id>")
def member_session(slug: str, meeting_id: int) -> ResponseReturnValue:
    meeting, member = _meeting_or_404(meeting_id)
    return render_template(
        "staff/member_session.html",
        meeting=meeting,
        du=ops.says_du(meeting.committee),
        member=member,
        conflicts={i.id: ops.conflict_of(i, member) for i in meeting.items},
        hints={i.id: ops.organisation_hint(meeting, i, member) for i in meeting.items},
        items=[i for i in meeting.items if i.application.submitted_on is not None],
    )


@bp.get("/gremium/sitzungen/<int:meeting_id>/antraege/<int:app_id>")
def member_application(slug: str, meeting_id: int, app_id: int) -> ResponseReturnValue:
    meeting, _member, item = _item_or_404(meeting_id, app_id)
    application = item.application
    return render_template(
        "staff/member_application.html",
        meeting=meeting,
        item=item,
        application=application,
        snapshot=application.submission_snapshot or {},
        minor_data=ops.shows_minor_data(meeting.committee),
        uploads=ops.uploads_of(db.session(), application),
        fields_of_action=FIELDS_OF_ACTION,
        target_groups=TARGET_GROUPS,
    )


@bp.get("/gremium/sitzungen/<int:meeting_id>/antraege/<int:app_id>/antrag.pdf")
def member_application_pdf(slug: str, meeting_id: int, app_id: int) -> ResponseReturnValue:
    _meeting, _member, item = _item_or_404(meeting_id, app_id)
    try:
        data = receipts.application_pdf(db.session(), item.application_id)
    except receipts.NothingToRender:
        abort(404)
    name = f"Antrag-{item.application.reference or item.application_id}.pdf"
    return attachment(data, name, "application/pdf")


@bp.get("/gremium/sitzungen/<int:meeting_id>/antraege/<int:app_id>/anlagen/<int:upload_id>")
def member_upload(slug: str, meeting_id: int, app_id: int, upload_id: int) -> ResponseReturnValue:
    _meeting, _member, item = _item_or_404(meeting_id, app_id)
    upload = ops.upload_of(db.session(), item.application, upload_id)
    if upload is None:
        abort(404)
    data = upload_storage().get(upload.sha256)  # hash-checked: a changed file is never served
    return attachment(data, upload.display_name, "application/pdf")


@bp.post("/gremium/sitzungen/<int:meeting_id>/antraege/<int:app_id>/befangenheit")
def member_conflict(slug: str, meeting_id: int, app_id: int) -> ResponseReturnValue:
    values = form_values(["action", "reason"])
    meeting, member, item = _item_or_404(meeting_id, app_id)
    back = url_for("staff.member_session", slug=slug, meeting_id=meeting.id) + f"#top-{item.id}"
    refusal_goes_to(back)
    uow = current_uow()
    if values.get("action") == "withdraw":
        ops.withdraw_conflict(uow, item, member)
        if ops.says_du(meeting.committee):
            flash(pgettext("du", "Your conflict of interest has been withdrawn."), "info")
        else:
            flash(_("Your conflict of interest has been withdrawn."), "info")
    else:
        ops.declare_conflict(uow, item, member, values.get("reason", ""))
        if ops.says_du(meeting.committee):
            flash(pgettext("du", "Your conflict of interest has been recorded."), "info")
        else:
            flash(_("Your conflict of interest has been recorded."), "info")
    return redirect(back)
