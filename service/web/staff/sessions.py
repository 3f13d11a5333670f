"""Back-office views: committee sessions and written votes."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from ... import db
from ...domain.formatting import long_date
from ...domain.meeting import meeting_outcomes
from ...domain.messages import N_, Message
from ...domain.session_schedule import CANCELLED_CLOSED, DECIDED_CLOSED, Problem, past_warning
from ...domain.states import DecisionOutcome
from ...errors import Refused, Unavailable
from ...i18n import BabelLocalizer
from ...models import (
    AgendaItem,
    AgendaItemStatus,
    Application,
    Committee,
    Meeting,
    MeetingMode,
    StaffRole,
    VoteChoice,
)
from ...operations import members as member_ops
from ...operations import sessions as ops
from ...operations import written_votes as written_ops
from .. import parse
from ..csrf import KeptForm, kept_values
from ..filters import longdate, money
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import bp, conflict_page, form_list, form_values, has_role, partnership

_MINUTES_FAILED = Message(
    N_("The minutes could not be produced. Please try again in a few minutes.")
)
_INVITATION_FAILED = Message(
    N_("The invitation could not be produced. Please try again in a few minutes.")
)

MAX_TEXT = 5000


def meeting_or_404(meeting_id: int) -> Meeting:
    found = ops.get_meeting(db.session(), partnership(), meeting_id)
    if found is None:
        abort(404)
    return found


def item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    for item in meeting.items:
        if item.id == item_id:
            return item
    abort(404)


def _back(meeting: Meeting, anchor: str = "") -> ResponseReturnValue:
    target = url_for("staff.session", slug=partnership().slug, meeting_id=meeting.id)
    return redirect(target + (f"#{anchor}" if anchor else ""))


def _time(value: str) -> time | None:
    return parse.iso_time(value)


@bp.get("/sitzungen")
def sessions(slug: str) -> ResponseReturnValue:
    if not has_role(StaffRole.coordination, StaffRole.lead, StaffRole.admin):
        # a committee member sees only their own committees' sessions (issue 20.2)
        return redirect(url_for("staff.member_sessions", slug=slug))
    p = partnership()
    return render_template(
        "staff/sessions.html",
        meetings=ops.list_meetings(db.session(), p),
        committees=p.committees,
        modes=list(MeetingMode),
    )


@bp.post("/sitzungen")
def session_new(slug: str) -> ResponseReturnValue:
    values = form_values(["committee", "held_on", "mode", "place", "start_time", "fill"])
    p = partnership()
    committee_id = parse.integer(values.get("committee"))
    held_on = parse.iso_date(values.get("held_on"))
    mode = parse.member(MeetingMode, values.get("mode", "session"))
    if committee_id is None or held_on is None or mode is None:
        flash(_("Please choose the body, the date and the kind of the session."), "error")
        return redirect(url_for("staff.sessions", slug=slug))
    uow = current_uow()
    committee = uow.session.get(Committee, committee_id)
    if committee is None or committee.partnership_id != p.id:
        abort(404)
    meeting = ops.create_meeting(
        uow,
        committee,
        held_on,
        mode,
        values.get("place", "")[:200],
        start_time=_time(values.get("start_time", "")),
        fill=values.get("fill") == "1",
    )
    flash(
        ngettext(
            "The session has been created; %(num)d application is on its agenda.",
            "The session has been created; %(num)d applications are on its agenda.",
            len(meeting.items),
        ),
        "info",
    )
    _warn_if_past(held_on)
    return _back(meeting)


@bp.get("/sitzungen/<int:meeting_id>")
def session(slug: str, meeting_id: int) -> ResponseReturnValue:
    return _session_page(meeting_or_404(meeting_id))


def _session_page(
    meeting: Meeting, errors: dict[str, list[str]] | None = None
) -> ResponseReturnValue:
    """The session's page; ``errors``: problems of its attendance form (shown at the field,
    with the typed values kept – status 422)."""
    s = db.session()
    uow = current_uow()
    if errors:
        # the form with the problem shows what was typed, as after an expired token
        g.kept_form = KeptForm(request.path, kept_values())
    result = ops.evaluate(meeting)
    localizer = BabelLocalizer()
    outcomes = meeting_outcomes(result.parsed) if result.parsed is not None else None  # type: ignore[arg-type]
    engine_items = result.extra.get("items") or []
    findings_by_item: dict[int, list[str]] = {}
    general: list[str] = []
    for finding in result.findings:
        text = finding.message.render(localizer)
        if finding.field.startswith("items["):
            index = int(finding.field[6 : finding.field.index("]")])
            findings_by_item.setdefault(index, []).append(text)
        else:
            general.append(text)
    members = meeting.committee.members_on(meeting.held_on)
    participants = {p.member_id: p for p in meeting.participants}
    return render_template(
        "staff/session.html",
        meeting=meeting,
        members=members,
        participants=participants,
        quorate=result.extra.get("quorate"),
        outcomes=outcomes,
        engine_items=engine_items,
        findings_by_item=findings_by_item,
        general_findings=general,
        candidates=ops.candidates(s, meeting),
        deadlines=ops.meeting_deadlines(meeting),
        budgets=ops.budgets(s, meeting.committee),
        documents=ops.meeting_documents(s, meeting),
        decided=ops.is_decided(meeting),
        choices=list(VoteChoice),
        statuses=list(AgendaItemStatus),
        outcome_labels={o.value: o.label for o in DecisionOutcome},
        written=meeting.mode is MeetingMode.written,
        records_version=ops.records_version,
        organisation_hints=member_ops.organisation_hints(meeting),
        # issue 20.6: before its day a session has no quorum verdict, only members expected
        happened=ops.has_happened_yet(uow, meeting),
        cancelled=ops.is_cancelled(meeting),
        open=not ops.is_cancelled(meeting) and not ops.has_decisions(meeting),
        deletable=ops.can_delete(s, meeting),
        later_sessions=ops.later_sessions(s, meeting),
        next_date=ops.next_session_date(s, meeting),
        errors=errors or {},
        online=ops.runs_online(meeting),
        missing=written_ops.missing_names(meeting) if ops.runs_online(meeting) else [],
    ), (422 if errors else 200)


@bp.get("/sitzungen/<int:meeting_id>/einladung")
def session_invitation(slug: str, meeting_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    invited_ids = {p.member_id for p in meeting.participants if p.invited}
    # as the committee was on the day of the session: organisation and deputy of that term
    invited = [m for m in meeting.committee.members_on(meeting.held_on) if m.id in invited_ids]
    return render_template("staff/invitation.html", meeting=meeting, invited=invited)


@bp.post("/sitzungen/<int:meeting_id>/tagesordnung")
def session_agenda(slug: str, meeting_id: int) -> ResponseReturnValue:
    values = form_values(["action", "application", "item"])
    meeting = meeting_or_404(meeting_id)
    refusal_goes_to(_url(meeting, "tagesordnung"))
    uow = current_uow()
    s = uow.session
    action = values.get("action")
    if action == "fill":
        added = ops.fill_agenda(uow, meeting)
        flash(
            ngettext(
                "%(num)d application added to the agenda.",
                "%(num)d applications added to the agenda.",
                len(added),
            ),
            "info",
        )
    elif action == "add":
        application = s.get(Application, _int(values.get("application")))
        if application is None or application.fund.partnership_id != partnership().id:
            abort(404)
        ops.add_to_agenda(uow, meeting, application)
        flash(_("The application is on the agenda now."), "info")
    elif action == "remove":
        item = item_or_404(meeting, _int(values.get("item")))
        ops.remove_from_agenda(uow, meeting, item)
        flash(_("The application has been taken off the agenda."), "info")
    else:
        abort(400)
    return _back(meeting, "tagesordnung")


def _int(value: str | None) -> int:
    number = parse.integer(value)
    if number is None:
        abort(400)
    return number


@bp.post("/sitzungen/<int:meeting_id>/anwesenheit")
def session_attendance(slug: str, meeting_id: int) -> ResponseReturnValue:
    values = form_values(
        [
            "invited",
            "present",
            "excused",
            "objected",
            "minute_taker",
            "start_time",
            "end_time",
            "place",
            "version",
        ]
    )
    meeting = meeting_or_404(meeting_id)
    member_ids = {m.id for m in meeting.committee.members_on(meeting.held_on)}

    def ids(name: str) -> set[int]:
        return {int(v) for v in form_list(name) if v.isdigit() and int(v) in member_ids}

    refusal_goes_to(_url(meeting, "anwesenheit"))
    try:
        problems = ops.record_attendance(
            current_uow(),
            meeting,
            invited=ids("invited"),
            present=ids("present"),
            excused=ids("excused"),
            objected=ids("objected"),
            minute_taker=values.get("minute_taker", "")[:200],
            start_time=_time(values.get("start_time", "")),
            end_time=_time(values.get("end_time", "")),
            place=values.get("place", "")[:200],
            version=values.get("version"),
        )
        if problems:
            return _session_page(meeting, _rendered(problems))
        flash(_("The attendance has been saved."), "info")
    except ops.StaleRecords:
        # R19: not a flash but both versions side by side
        names = {m.id: m.name for m in meeting.committee.members}
        yours = {
            _("Present"): ", ".join(names[i] for i in sorted(ids("present"))) or "–",
            _("Objections"): ", ".join(names[i] for i in sorted(ids("objected"))) or "–",
            _("Minute-taker"): values.get("minute_taker", "") or "–",
        }
        return conflict_page(
            _("Attendance"), yours, _stored_attendance(meeting), _url(meeting, "anwesenheit")
        )
    return _back(meeting, "anwesenheit")


def _url(meeting: Meeting, anchor: str) -> str:
    return url_for("staff.session", slug=partnership().slug, meeting_id=meeting.id) + f"#{anchor}"


def _stored_attendance(meeting: Meeting) -> dict[str, str]:
    db.session().expire_all()
    return {
        _("Present"): ", ".join(sorted(p.member.name for p in meeting.participants if p.present))
        or "–",
        _("Objections"): ", ".join(
            sorted(p.member.name for p in meeting.participants if p.objected)
        )
        or "–",
        _("Minute-taker"): meeting.minute_taker or "–",
    }


def _item_summary(
    meeting: Meeting, amount: object, conditions: str, conflicts: object, votes: dict[int, str]
) -> dict[str, str]:
    names = {m.id: m.name for m in meeting.committee.members}
    return {
        _("Proposed amount (euros)"): money(amount) or "–",
        _("Conditions"): conditions or "–",
        _("Conflict of interest"): ", ".join(names[i] for i in sorted(conflicts)) or "–",  # type: ignore[call-overload]
        _("Vote"): ", ".join(f"{names[i]}: {c}" for i, c in sorted(votes.items())) or "–",
    }


@bp.post("/sitzungen/<int:meeting_id>/top/<int:item_id>")
def session_item(slug: str, meeting_id: int, item_id: int) -> ResponseReturnValue:
    values = form_values(
        ["proposed_amount", "conditions", "version", "status", "status_note"],
        prefixes=("vote-", "conflict-", "reason-"),
    )
    meeting = meeting_or_404(meeting_id)
    item = item_or_404(meeting, item_id)
    raw_amount = values.get("proposed_amount", "").strip()
    amount: Decimal | None = None
    if raw_amount:
        amount = parse.german_money(raw_amount)
        if amount is None:
            flash(_("Please enter the proposed amount in euros, e.g. 1.234,56."), "error")
            return _back(meeting, f"top-{item.id}")
    conflicts: dict[int, str] = {}
    votes: dict[int, VoteChoice] = {}
    for member in meeting.committee.members_on(meeting.held_on):
        if values.get(f"conflict-{member.id}") == "1":
            conflicts[member.id] = values.get(f"reason-{member.id}", "")[:500]
        choice = values.get(f"vote-{member.id}", "")
        if choice in {c.value for c in VoteChoice}:
            votes[member.id] = VoteChoice(choice)
    # voted on, postponed or withdrawn (issue 18); anything else is "voted on"
    raw_status = values.get("status", "")
    status = (
        AgendaItemStatus(raw_status)
        if raw_status in {s.value for s in AgendaItemStatus}
        else AgendaItemStatus.vote
    )
    refusal_goes_to(_url(meeting, f"top-{item.id}"))
    try:
        ops.record_item(
            current_uow(),
            item,
            proposed_amount=amount,
            conditions=values.get("conditions", "")[:MAX_TEXT],
            conflicts=conflicts,
            votes=votes,
            version=values.get("version"),
            status=status,
            note=values.get("status_note", "")[:MAX_TEXT],
        )
        flash(_("Agenda item %(no)s has been saved.", no=item.position + 1), "info")
    except ops.StaleRecords:
        # R19: not a flash but both versions side by side
        yours = _item_summary(
            meeting,
            amount,
            values.get("conditions", ""),
            conflicts,
            {k: _(v.label) for k, v in votes.items()},
        )
        db.session().expire_all()
        stored = _item_summary(
            meeting,
            item.proposed_amount,
            item.conditions,
            {c.member_id for c in item.conflicts},
            {v.member_id: _(v.choice.label) for v in item.votes},
        )
        return conflict_page(
            _("Item %(no)s", no=item.position + 1), yours, stored, _url(meeting, f"top-{item.id}")
        )
    return _back(meeting, f"top-{item.id}")


@bp.get("/sitzungen/<int:meeting_id>/beschliessen")
def session_decide_confirm(slug: str, meeting_id: int) -> ResponseReturnValue:
    """What "Record the decisions" will record, item by item, before it is confirmed."""
    meeting = meeting_or_404(meeting_id)
    refusal_goes_to(_url(meeting, "ergebnis"))
    if ops.is_cancelled(meeting):
        raise ops.SessionError(CANCELLED_CLOSED)
    if ops.is_decided(meeting):
        return _back(meeting, "ergebnis")
    result = ops.evaluate(meeting)
    localizer = BabelLocalizer()
    return render_template(
        "staff/session_decide.html",
        meeting=meeting,
        items=list(zip(meeting.items, result.extra.get("items") or [], strict=False)),
        quorate=result.extra.get("quorate"),
        findings=[f.message.render(localizer) for f in result.findings],
        outcome_labels={o.value: o.label for o in DecisionOutcome},
        version=ops.decision_version(meeting),
        happened=ops.has_happened_yet(current_uow(), meeting),
        written=meeting.mode is MeetingMode.written,
        present=[p.member for p in meeting.participants if p.present],
    )


@bp.post("/sitzungen/<int:meeting_id>/beschliessen")
def session_decide(slug: str, meeting_id: int) -> ResponseReturnValue:
    values = form_values(["confirmed", "version"])
    meeting = meeting_or_404(meeting_id)
    if values.get("confirmed") != "1":
        # nothing is recorded without the summary page's confirmation (issue 20.6)
        return redirect(url_for("staff.session_decide_confirm", slug=slug, meeting_id=meeting.id))
    refusal_goes_to(_url(meeting, "ergebnis"))
    uow = current_uow()
    try:
        decisions = ops.decide(uow, meeting, version=values.get("version") or "-")
    except ops.StaleRecords:
        flash(
            _(
                "The records of the session were changed after the summary was shown. Please "
                "check the summary again."
            ),
            "error",
        )
        return redirect(url_for("staff.session_decide_confirm", slug=slug, meeting_id=meeting.id))
    flash(
        ngettext("%(num)d decision recorded.", "%(num)d decisions recorded.", len(decisions)),
        "info",
    )
    return _back(meeting, "ergebnis")


@bp.post("/sitzungen/<int:meeting_id>/protokoll")
def session_minutes(slug: str, meeting_id: int) -> ResponseReturnValue:
    form_values([])
    meeting = meeting_or_404(meeting_id)
    refusal_goes_to(_url(meeting, "dokumente"))
    uow = current_uow()
    try:
        ops.generate_minutes(uow, meeting)
        uow.session.flush()
    except Refused:
        raise  # a refusal: the one handler says why
    except Exception as exc:
        # LibreOffice or the document store failed: logged with its traceback, then the one
        # handler rolls back and tells the person to try again later
        current_app.logger.exception("minutes of meeting %s could not be produced", meeting.id)
        raise Unavailable(_MINUTES_FAILED) from exc
    flash(_("The minutes have been produced (PDF/A and DOCX)."), "info")
    return _back(meeting, "dokumente")


@bp.post("/sitzungen/<int:meeting_id>/einladung")
def session_invitation_document(slug: str, meeting_id: int) -> ResponseReturnValue:
    form_values([])
    meeting = meeting_or_404(meeting_id)
    refusal_goes_to(_url(meeting, "dokumente"))
    uow = current_uow()
    try:
        ops.generate_invitation(uow, meeting)
        uow.session.flush()
    except Refused:
        raise  # a refusal: the one handler says why
    except Exception as exc:
        # as for the minutes: logged, then the one handler rolls back and says so
        current_app.logger.exception("invitation of meeting %s could not be produced", meeting.id)
        raise Unavailable(_INVITATION_FAILED) from exc
    flash(_("The invitation has been produced (PDF/A and DOCX)."), "info")
    return _back(meeting, "dokumente")


# -- edit, cancel, delete, next session (issue 20.6) ----------------------------------------


def _rendered(problems: list[Problem]) -> dict[str, list[str]]:
    localizer = current_uow().localizer
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem.message.render(localizer))
    return errors


def _warn_if_past(held_on: date) -> None:
    warning = past_warning(held_on, current_uow().today())
    if warning is not None:
        flash(warning.render(current_uow().localizer), "warning")


EDIT_FIELDS = ["held_on", "start_time", "end_time", "place"]


def _closed(meeting: Meeting) -> ResponseReturnValue | None:
    """A decided or cancelled session's page instead of a form that can no longer be sent
    (a page, not a refusal: it is also shown again after an expired form token)."""
    if ops.is_cancelled(meeting) or ops.has_decisions(meeting):
        why = CANCELLED_CLOSED if ops.is_cancelled(meeting) else DECIDED_CLOSED
        flash(Message(why).render(current_uow().localizer), "error")
        return _back(meeting)
    return None


def _edit_page(
    meeting: Meeting, values: dict[str, str], errors: dict[str, list[str]]
) -> ResponseReturnValue:
    return render_template(
        "staff/session_edit.html", meeting=meeting, values=values, errors=errors
    ), (422 if errors else 200)


@bp.get("/sitzungen/<int:meeting_id>/bearbeiten")
def session_edit(slug: str, meeting_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    closed = _closed(meeting)
    if closed is not None:
        return closed
    values = {
        "held_on": meeting.held_on.isoformat(),
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else "",
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else "",
        "place": meeting.place,
    }
    return _edit_page(meeting, values, {})


@bp.post("/sitzungen/<int:meeting_id>/bearbeiten")
def session_edit_save(slug: str, meeting_id: int) -> ResponseReturnValue:
    values = form_values(EDIT_FIELDS)
    meeting = meeting_or_404(meeting_id)
    refusal_goes_to(_url(meeting, "sitzung"))
    held_on = parse.iso_date(values.get("held_on", "").strip())
    if held_on is None:
        errors = {"held_on": [_("Please enter the date of the session.")]}
        return _edit_page(meeting, values, errors)
    problems = ops.edit_meeting(
        current_uow(),
        meeting,
        held_on=held_on,
        place=values.get("place", "").strip()[:200],
        start_time=_time(values.get("start_time", "")),
        end_time=_time(values.get("end_time", "")),
    )
    if problems:
        return _edit_page(meeting, values, _rendered(problems))
    flash(_("The session has been changed."), "info")
    _warn_if_past(held_on)
    if ops.meeting_documents(db.session(), meeting):
        flash(
            _(
                "An invitation was produced already. Please produce it again so that it shows "
                "the new date, time and place."
            ),
            "warning",
        )
    return _back(meeting)


def _confirm_page(
    meeting: Meeting, kind: str, values: dict[str, str], errors: dict[str, list[str]]
) -> ResponseReturnValue:
    return render_template(
        "staff/session_confirm.html",
        meeting=meeting,
        kind=kind,
        values=values,
        errors=errors,
        deletable=ops.can_delete(db.session(), meeting),
    ), (422 if errors else 200)


@bp.get("/sitzungen/<int:meeting_id>/absagen")
def session_cancel_confirm(slug: str, meeting_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    closed = _closed(meeting)
    if closed is not None:
        return closed
    return _confirm_page(meeting, "cancel", {}, {})


@bp.post("/sitzungen/<int:meeting_id>/absagen")
def session_cancel(slug: str, meeting_id: int) -> ResponseReturnValue:
    values = form_values(["reason"])
    meeting = meeting_or_404(meeting_id)
    refusal_goes_to(_url(meeting, "sitzung"))
    problems = ops.cancel_meeting(current_uow(), meeting, values.get("reason", "")[:MAX_TEXT])
    if problems:
        return _confirm_page(meeting, "cancel", values, _rendered(problems))
    flash(
        _(
            "The session of %(date)s has been cancelled. Its applications are waiting for the "
            "next session again.",
            date=long_date(meeting.held_on),
        ),
        "info",
    )
    return _back(meeting)


@bp.get("/sitzungen/<int:meeting_id>/loeschen")
def session_delete_confirm(slug: str, meeting_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    closed = _closed(meeting)
    if closed is not None:
        return closed
    return _confirm_page(meeting, "delete", {}, {})


@bp.post("/sitzungen/<int:meeting_id>/loeschen")
def session_delete(slug: str, meeting_id: int) -> ResponseReturnValue:
    form_values([])
    meeting = meeting_or_404(meeting_id)
    refusal_goes_to(_url(meeting, "sitzung"))
    held_on = meeting.held_on
    ops.delete_meeting(current_uow(), meeting)
    flash(
        _("The session of %(date)s has been deleted.", date=long_date(held_on)),
        "info",
    )
    return redirect(url_for("staff.sessions", slug=slug))


@bp.post("/sitzungen/<int:meeting_id>/naechste-sitzung")
def session_next(slug: str, meeting_id: int) -> ResponseReturnValue:
    values = form_values(["next_meeting", "next_on"])
    meeting = meeting_or_404(meeting_id)
    refusal_goes_to(_url(meeting, "naechste-sitzung"))
    uow = current_uow()
    chosen: Meeting | None = None
    raw = values.get("next_meeting", "")
    if raw and raw != "date":
        chosen = ops.get_meeting(uow.session, partnership(), _int(raw))
        if chosen is None:
            abort(404)
    next_on = parse.iso_date(values.get("next_on", "").strip()) if raw == "date" else None
    if raw == "date" and next_on is None:
        return _session_page(
            meeting, {"next_on": [_("Please enter the date of the next session.")]}
        )
    problems = ops.set_next_session(uow, meeting, next_meeting=chosen, next_on=next_on)
    if problems:
        return _session_page(meeting, _rendered(problems))
    flash(_("The next session has been saved."), "info")
    return _back(meeting, "naechste-sitzung")


@bp.post("/sitzungen/<int:meeting_id>/umlauf")
def session_written_start(slug: str, meeting_id: int) -> ResponseReturnValue:
    """Start the written vote online (issue 20.4): the chosen items, a deadline."""
    values = form_values(["deadline", "item"])
    meeting = meeting_or_404(meeting_id)
    refusal_goes_to(_url(meeting, "umlauf"))
    deadline = parse.iso_date(values.get("deadline"))
    if deadline is None:
        flash(_("Please enter the deadline of the written vote."), "error")
        return _back(meeting, "umlauf")
    chosen = {int(v) for v in form_list("item") if v.isdigit()}
    written_ops.start_written_vote(current_uow(), meeting, deadline=deadline, item_ids=chosen)
    flash(
        _(
            "The written vote has been started; the members have been told by e-mail. Votes "
            "are taken until %(date)s.",
            date=longdate(deadline),
        ),
        "info",
    )
    return _back(meeting, "umlauf")
