"""The committee member's pages under /p/<slug>/staff/gremium/ (issue 20.2 and 20.3).

A member sees the sessions of their own committees, each agenda item's submitted
application read-only (no internal comments, no formal check, no bank details), its PDF and
its attachments, and declares conflicts of interest. Whatever lies outside their agenda
answers 404 – never 403, so nothing reveals that it exists (service/operations/members.py).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import pgettext

from ... import db
from ...domain.catalogues import FIELDS_OF_ACTION, TARGET_GROUPS
from ...domain.messages import N_, Message
from ...errors import Refused, Unavailable
from ...models import AgendaItem, CommitteeMember, Meeting, VoteChoice
from ...operations import members as ops
from ...operations import receipts
from ...operations import sessions as session_ops
from ...operations import written_votes as written_ops
from ..applicant.uploads import upload_storage
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import bp, form_values, partnership, user
from .notices import attachment

_APPROVAL_FAILED = Message(
    N_("The approved minutes could not be produced. Please try again in a few minutes.")
)


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
    uow = current_uow()
    online = session_ops.runs_online(meeting)
    return render_template(
        "staff/member_session.html",
        meeting=meeting,
        du=ops.says_du(meeting.committee),
        member=member,
        conflicts={i.id: ops.conflict_of(i, member) for i in meeting.items},
        hints={i.id: ops.organisation_hint(meeting, i, member) for i in meeting.items},
        items=[i for i in meeting.items if i.application.submitted_on is not None],
        # the written vote online (issue 20.4) and the minutes' approval (issue 20.5)
        online=online,
        written_open=online and written_ops.is_open(uow, meeting),
        standing=written_ops.standing(meeting, member) if online else None,
        choices=list(VoteChoice),
        minutes=written_ops.latest_minutes(uow, meeting),
        chair=written_ops.is_chair(meeting, member),
        decided=session_ops.is_decided(meeting),
    )


@bp.post("/gremium/sitzungen/<int:meeting_id>/umlauf")
def member_written_vote(slug: str, meeting_id: int) -> ResponseReturnValue:
    """The member's votes (one per item) or objection in a written vote online."""
    values = form_values(["objection"], prefixes=("vote-",))
    meeting, member = _meeting_or_404(meeting_id)
    back = url_for("staff.member_session", slug=slug, meeting_id=meeting.id) + "#umlauf"
    refusal_goes_to(back)
    known = {c.value for c in VoteChoice}
    choices = {
        item.id: VoteChoice(values[f"vote-{item.id}"])
        for item in meeting.items
        if values.get(f"vote-{item.id}") in known
    }
    objected = values.get("objection") == "1"
    closed = written_ops.cast(current_uow(), meeting, member, choices=choices, objected=objected)
    du = ops.says_du(meeting.committee)
    if objected:
        flash(
            pgettext("du", "Your objection has been recorded.")
            if du
            else _("Your objection has been recorded."),
            "info",
        )
    else:
        flash(
            pgettext("du", "Your vote has been recorded.")
            if du
            else _("Your vote has been recorded."),
            "info",
        )
    if closed:
        flash(_("Every voting member has answered: the written vote is closed."), "info")
    return redirect(back)


@bp.post("/gremium/sitzungen/<int:meeting_id>/protokoll-genehmigen")
def member_minutes_approve(slug: str, meeting_id: int) -> ResponseReturnValue:
    """The chair approves the minutes (issue 20.5)."""
    form_values([])
    meeting, member = _meeting_or_404(meeting_id)
    if not written_ops.is_chair(meeting, member):
        abort(404)  # only the chair has this button
    back = url_for("staff.member_session", slug=slug, meeting_id=meeting.id) + "#protokoll"
    refusal_goes_to(back)
    uow = current_uow()
    try:
        written_ops.approve_minutes(uow, meeting, member, user())
        uow.session.flush()
    except Refused:
        raise  # a refusal: the one handler says why
    except Exception as exc:
        # LibreOffice or the document store failed: logged, rolled back, "try again later"
        current_app.logger.exception("minutes of meeting %s could not be approved", meeting.id)
        raise Unavailable(_APPROVAL_FAILED) from exc
    flash(
        pgettext("du", "You have approved the minutes.")
        if ops.says_du(meeting.committee)
        else _("You have approved the minutes."),
        "info",
    )
    return redirect(back)


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
