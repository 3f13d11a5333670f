"""The administrators' committee page under /p/<slug>/staff/verwaltung/gremien (issue 16,
item 3): the partnership's committees, their members with every term, a new member, a change
from a day on (a new term; the history stays), the end of a membership, a new committee.
The policy table lets only the admin role in; committees and members are looked up inside the
partnership of the URL (another partnership's answer 404)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from ...domain.committees import (
    GROUP_WORDS,
    MEMBER_KEYS,
    WORD_OF_GROUP,
    FileProblem,
    parse_day,
)
from ...domain.messages import N_
from ...models import Committee, CommitteeBody, CommitteeMember
from ...operations import committees as ops
from ...operations import members as member_ops
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .common import bp, form_values, partnership

# the form has the keys of a member in the committees file (docs/committees.md)
FIELDS = MEMBER_KEYS
# the form's labels, by the keys of the committees file (docs/committees.md)
LABELS = {
    "name": N_("Name"),
    "organisation": N_("Organisation"),
    "email": N_("E-mail address"),
    "group": N_("Group"),
    "voting": N_("Voting right"),
    "chair": N_("Chair"),
    "deputy_for": N_("Deputy of"),
    "term_from": N_("Term from"),
    "term_to": N_("Term to"),
}


def _committee(committee_id: int) -> Committee:
    return ops.find_committee(current_uow(), partnership(), committee_id)


def _list_url() -> str:
    return url_for("staff.admin_committees", slug=partnership().slug)


@bp.get("/verwaltung/gremien")
def admin_committees(slug: str) -> ResponseReturnValue:
    uow = current_uow()
    today = uow.today()
    committees = ops.list_committees(uow, partnership())
    return render_template(
        "staff/admin_committees.html",
        committees=committees,
        people={c.id: ops.members_with_terms(c, today) for c in committees},
        warnings={
            c.id: [w.render(uow.localizer) for w in ops.civil_majority_warnings(c, today)]
            for c in committees
        },
        today=today,
        bodies=list(CommitteeBody),
        group_word=WORD_OF_GROUP,
    )


@bp.post("/verwaltung/gremien")
def admin_committee_create(slug: str) -> ResponseReturnValue:
    refusal_goes_to(_list_url() + "#new-committee")
    values = form_values(["name", "body"])
    committee = ops.create_committee(
        current_uow(), partnership(), values.get("name", "")[:500], values.get("body", "")
    )
    flash(_("The committee “%(name)s” has been created.", name=committee.name), "success")
    return redirect(_list_url() + f"#committee-{committee.id}")


def _fields(committee: Committee, values: dict[str, str]) -> dict[str, Any]:
    """The posted member form as a member table of the committees file."""
    deputy = values.get("deputy_for", "")
    principal: str | None = None
    if deputy:
        by_id = {str(m.id): m.name for m in committee.members}
        principal = by_id.get(deputy, f"#{deputy[:20]}")
    return {
        "name": values.get("name", "")[:1000],
        "organisation": values.get("organisation", "")[:1000],
        "email": values.get("email", "")[:1000],
        "group": values.get("group", ""),
        "voting": values.get("voting", "1") == "1",
        "chair": values.get("chair") == "1",
        "deputy_for": principal,
        "term_from": values.get("term_from", "").strip(),
        "term_to": values.get("term_to", "").strip() or None,
    }


def _errors(problems: list[FileProblem], name: str) -> dict[str, list[str]]:
    """The problems by form field (``member.email`` → ``email``); a problem about somebody
    else (a deputy who would lose their principal) is listed under the form as a whole."""
    localizer = current_uow().localizer
    errors: dict[str, list[str]] = {}
    for problem in problems:
        key = problem.key.removeprefix("member").lstrip(".") or ""
        text = problem.message.render(localizer)
        if problem.name and problem.name != name and key:
            key, text = "", f"{problem.name}: {text}"
        errors.setdefault(key if key in FIELDS else "", []).append(text)
    return errors


def _form_page(
    committee: Committee,
    member: CommitteeMember | None,
    values: dict[str, Any],
    errors: dict[str, list[str]],
) -> ResponseReturnValue:
    today = current_uow().today()
    principals = [
        seat.member
        for seat in committee.members_on(today)
        if seat.voting and seat.deputy_for is None and seat.member is not member
    ]
    return render_template(
        "staff/admin_member.html",
        committee=committee,
        member=member,
        values=values,
        errors=errors,
        labels=LABELS,
        fields=FIELDS,
        groups=[(word, sector.label) for word, sector in GROUP_WORDS.items()],
        principals=principals,
        today=today,
    ), (422 if errors else 200)


def _values_of(member: CommitteeMember) -> dict[str, Any]:
    """The edit form's start: the term running today (or the next one), from today on."""
    today = current_uow().today()
    term = member.term_on(today) or next(
        (t for t in member.terms if t.term_from > today), member.terms[-1] if member.terms else None
    )
    values: dict[str, Any] = {"name": member.name, "email": member.email or ""}
    if term is not None:
        values |= {
            "organisation": term.organisation,
            "group": WORD_OF_GROUP[term.sector],
            "voting": "1" if term.voting else "0",
            "chair": "1" if term.chair else "",
            "deputy_for": str(term.deputy_for_id or ""),
            "term_from": max(term.term_from, today).isoformat(),
            "term_to": term.term_to.isoformat() if term.term_to else "",
        }
    return values


@bp.route("/verwaltung/gremien/<int:committee_id>/mitglieder/neu", methods=["GET", "POST"])
def admin_member_new(slug: str, committee_id: int) -> ResponseReturnValue:
    committee = _committee(committee_id)
    uow = current_uow()
    values: dict[str, Any] = {"voting": "1", "term_from": uow.today().isoformat()}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = form_values(FIELDS)
        problems = ops.save_member(uow, committee, _fields(committee, values))
        if not problems:
            flash(_("%(name)s has been added to the committee.", name=values["name"]), "success")
            return redirect(_list_url() + f"#committee-{committee.id}")
        errors = _errors(problems, values.get("name", ""))
    return _form_page(committee, None, values, errors)


@bp.route(
    "/verwaltung/gremien/<int:committee_id>/mitglieder/<int:member_id>", methods=["GET", "POST"]
)
def admin_member_edit(slug: str, committee_id: int, member_id: int) -> ResponseReturnValue:
    committee = _committee(committee_id)
    member = ops.find_member(committee, member_id)
    uow = current_uow()
    values = _values_of(member)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = form_values(FIELDS)
        problems = ops.save_member(uow, committee, _fields(committee, values), member=member)
        if not problems:
            flash(_("The membership of %(name)s has been saved.", name=member.name), "success")
            return redirect(_list_url() + f"#committee-{committee.id}")
        errors = _errors(problems, member.name)
    return _form_page(committee, member, values, errors)


@bp.post("/verwaltung/gremien/<int:committee_id>/mitglieder/<int:member_id>/ende")
def admin_member_end(slug: str, committee_id: int, member_id: int) -> ResponseReturnValue:
    committee = _committee(committee_id)
    member = ops.find_member(committee, member_id)
    uow = current_uow()
    values = form_values(["last_day"])
    last_day = parse_day(values.get("last_day", ""))
    if last_day is None:
        errors = {"last_day": [_("Please give the last day as a date, e.g. 2027-03-31.")]}
        return _form_page(committee, member, _values_of(member), errors)
    problems = ops.end_member(uow, committee, member, last_day)
    if problems:
        return _form_page(committee, member, _values_of(member), _errors(problems, ""))
    flash(
        _(
            "The membership of %(name)s ends on %(day)s.",
            name=member.name,
            day=uow.localizer.format_date(last_day),
        ),
        "success",
    )
    return redirect(_list_url() + f"#committee-{committee.id}")


@bp.post("/verwaltung/gremien/<int:committee_id>/einladen")
def admin_committee_invite(slug: str, committee_id: int) -> ResponseReturnValue:
    """Accounts for the members (issue 20.1): all members of the committee with an e-mail
    address, or the one of ``member``; an invitation mail to those who cannot sign in yet."""
    committee = _committee(committee_id)
    values = form_values(["member"])
    refusal_goes_to(_list_url() + f"#committee-{committee.id}")
    name = None
    if values.get("member"):
        name = ops.find_member(
            committee, int(values["member"]) if values["member"].isdigit() else 0
        ).name
    results = member_ops.invite_members(current_uow(), partnership(), [committee], member_name=name)
    counts = {outcome: 0 for outcome in member_ops.Invitation}
    for result in results:
        counts[result.outcome] += 1
    flash(
        ngettext(
            "%(num)d invitation sent.",
            "%(num)d invitations sent.",
            counts[member_ops.Invitation.invited],
        ),
        "success",
    )
    if counts[member_ops.Invitation.linked]:
        flash(
            ngettext(
                "%(num)d member already had an account; it now has the committee role.",
                "%(num)d members already had an account; it now has the committee role.",
                counts[member_ops.Invitation.linked],
            ),
            "info",
        )
    missing = [r.member.name for r in results if r.outcome is member_ops.Invitation.no_email]
    if missing:
        flash(
            _("Without an e-mail address, not invited: %(names)s", names=", ".join(missing)),
            "error",
        )
    inactive = [r.member.name for r in results if r.outcome is member_ops.Invitation.inactive]
    if inactive:
        flash(
            _("Deactivated account, not invited: %(names)s", names=", ".join(inactive)),
            "error",
        )
    return redirect(_list_url() + f"#committee-{committee.id}")
