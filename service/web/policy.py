"""The one policy table: which route may be used by whom (R12).

Every endpoint of the application has an entry. Kinds:

- ``public``: anyone (start pages, the check API, static files, the staff login form);
- ``applicant``: the applicant's own pages; the view checks that the browser session owns
  the application and answers 404 otherwise (service/web/applicant);
- ``staff``: a signed-in staff account holding one of ``roles`` in the partnership named by
  ``<slug>``. Anonymous visitors are sent to the login; a staff account without a role in that
  partnership gets 404 (it must not learn what exists there); with a role but not the right
  one, 403 – except a committee member's account (no other role), which gets 404 (need-to-know,
  issue 20.2). Objects are always looked up inside the partnership, so another partnership's
  ids answer 404 as well;
- ``signed_in``: any signed-in staff account (its own start page, logout).

Staff and login endpoints without an entry are refused (404) – deny by default. For the
other blueprints a missing entry is logged and fails tests/web/test_policy.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from flask import Flask, abort, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from .. import db
from ..models import Partnership, StaffRole
from .signed_in import current_staff

log = logging.getLogger("foerderwerk.policy")

Kind = Literal["public", "applicant", "staff", "signed_in"]

C = StaffRole.coordination
L = StaffRole.lead
M = StaffRole.committee
A = StaffRole.admin


@dataclass(frozen=True)
class Rule:
    kind: Kind
    roles: frozenset[StaffRole] = frozenset()


def _staff(*roles: StaffRole) -> Rule:
    return Rule("staff", frozenset(roles))


PUBLIC = Rule("public")
APPLICANT = Rule("applicant")
SIGNED_IN = Rule("signed_in")

POLICY: dict[str, Rule] = {
    "static": PUBLIC,
    "staff_assets.static": PUBLIC,
    "public.index": PUBLIC,
    "health.healthz": PUBLIC,
    # a public body's pages (issue 17): imprint, privacy notice, accessibility statement,
    # funding conditions with the ANBest-P download and the funds' guidelines
    "legal.choose": PUBLIC,
    "legal.imprint": PUBLIC,
    "legal.privacy": PUBLIC,
    "legal.accessibility": PUBLIC,
    "legal.conditions": PUBLIC,
    "legal.annex": PUBLIC,
    "legal.guideline": PUBLIC,  # monitoring: no login, no session, no personal data
    "api_check.check_input": PUBLIC,
    # the applicant's pages (service/web/applicant): ownership checked in the views
    "apply.partnership_page": PUBLIC,
    "apply.start": PUBLIC,
    "apply.step": APPLICANT,
    "apply.review": APPLICANT,
    "apply.submit": APPLICANT,
    "apply.receipt": APPLICANT,
    "apply.send_link": APPLICANT,
    "apply.resume_request": PUBLIC,
    "apply.resume_token": PUBLIC,
    "apply.resume_confirm": PUBLIC,
    "apply.mine": APPLICANT,
    "apply.sign_out": PUBLIC,
    "apply.payment": APPLICANT,
    "apply.report": APPLICANT,
    "apply.report_receipt": APPLICANT,
    "apply.report_document": APPLICANT,
    "apply.report_pdf_download": APPLICANT,
    "apply.payment_request_download": APPLICANT,
    "apply.application_pdf_download": APPLICANT,
    "apply.receipt_file_download": APPLICANT,
    "apply.upload_download": APPLICANT,
    "applicant_notices.download": APPLICANT,
    "applicant_notices.outcome_download": APPLICANT,
    # staff login
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.home": SIGNED_IN,
    # passwords (issue 14): the own change needs the session; forgotten-password request and
    # reset work without one (the reset link's token is the proof)
    "auth.password_change": SIGNED_IN,
    "auth.password_forgot": PUBLIC,
    "auth.password_reset_link": PUBLIC,
    "auth.password_reset": PUBLIC,
    # the back office under /p/<slug>/staff/
    "staff.start": _staff(C, L, M, A),
    "staff.inbox": _staff(C, L, A),
    # committee members read applications only through their own agenda (staff.member_*)
    "staff.application": _staff(C, L, A),
    # the PDF of the frozen copy and the uploads carry bank and contact data: the offices
    # (issue 17.4; committee members read them through their agenda, staff.member_*)
    "staff.application_pdf": _staff(C, L, A),
    "staff.application_upload": _staff(C, L, A),
    # receipt files of the report: for its review (coordination office) and the lead office
    "staff.application_receipt": _staff(C, L),
    "staff.formal_check": _staff(C),
    "staff.comment": _staff(C, L),
    "staff.request_info": _staff(C),
    "staff.move": _staff(C),
    "staff.audit_log": _staff(C, L, A),
    # a member-only account is sent on to its own sessions (staff.member_sessions)
    "staff.sessions": _staff(C, L, M, A),
    "staff.session_new": _staff(C),
    "staff.session": _staff(C, L, A),
    "staff.session_agenda": _staff(C),
    "staff.session_attendance": _staff(C),
    "staff.session_item": _staff(C),
    "staff.session_decide": _staff(C),
    # issue 20.6: the summary before recording, editing, cancelling, deleting, next session
    "staff.session_decide_confirm": _staff(C),
    "staff.session_edit": _staff(C),
    "staff.session_edit_save": _staff(C),
    "staff.session_cancel_confirm": _staff(C),
    "staff.session_cancel": _staff(C),
    "staff.session_delete_confirm": _staff(C),
    "staff.session_delete": _staff(C),
    "staff.session_next": _staff(C),
    "staff.session_minutes": _staff(C),
    "staff.session_invitation": _staff(C),
    "staff.session_invitation_document": _staff(C),
    "staff.session_print": _staff(L),
    # the written vote online (issue 20.4)
    "staff.session_written_start": _staff(C),
    # committee members: minutes and invitations of their own sessions only (the view answers
    # 404 for notices with bank details and for other committees' sessions)
    "staff.document": _staff(C, L, M, A),
    "staff.notices": _staff(L, C),
    "staff.notice_preview": _staff(L),
    "staff.notice_issue": _staff(L),
    "staff.notice_amend": _staff(L),
    # the waiver of the remedy (issue 17.9): declared to the lead office, recorded by it
    "staff.notice_waiver": _staff(L),
    "staff.notice_waiver_record": _staff(L),
    # batch regeneration: the lead office starts and stops it, the coordination office watches
    "staff.regenerate": _staff(L, C),
    "staff.regenerate_start": _staff(L),
    "staff.regenerate_job": _staff(L, C),
    "staff.regenerate_cancel": _staff(L),
    "staff.regenerate_resume": _staff(L),
    # payment requests (issue 19.1): coordination and lead office see the queue and sign
    # "sachlich richtig" or refuse; the lead office alone signs "rechnerisch richtig" (the
    # operation refuses the account that signed the first) and records payouts
    "staff.payments": _staff(C, L),
    "staff.payment_factual": _staff(C, L),
    "staff.payment_refuse": _staff(C, L),
    "staff.payment_arithmetic": _staff(L),
    "staff.payment_payout": _staff(L),
    "staff.payout_import_preview": _staff(L),
    "staff.payout_import_confirm": _staff(L),
    # overdue usage-of-funds reports (issue 19.4): the coordination office follows them up,
    # the lead office (with the treasury) reclaims
    "staff.overdue_reports": _staff(C, L),
    # report review (issue 19.2): the coordination office reviews, the lead office sees it and
    # issues the closing letter or refund notice (the authority of the grant notice)
    "staff.reports": _staff(C, L),
    "staff.report_review": _staff(C, L),
    "staff.report_review_save": _staff(C),
    "staff.report_review_finish": _staff(C),
    "staff.report_review_reopen": _staff(C),
    "staff.report_review_issue": _staff(L),
    # the money received on a refund notice: the lead office's treasury side (issue 19.4)
    "staff.refund_receipt_record": _staff(L),
    "staff.statistics": _staff(C, L, A),
    "staff.statistics_export": _staff(C, L, A),
    # administration (issue 16): the partnership's settings and its staff accounts
    "staff.admin_settings": _staff(A),
    # the base rate table (issue 19.3): one for the installation, kept by an administrator
    "staff.admin_base_rates": _staff(A),
    "staff.admin_accounts": _staff(A),
    "staff.admin_account_create": _staff(A),
    "staff.admin_account_roles": _staff(A),
    "staff.admin_account_deactivate": _staff(A),
    # funds per year (issue 16.2): everyone of the office sees them; the admin uploads and
    # copies guidelines; admin and coordination office open and close a fund
    "staff.admin_funds": _staff(C, L, A),
    "staff.admin_fund_upload": _staff(A),
    "staff.admin_fund_copy": _staff(A),
    "staff.admin_fund_open": _staff(C, A),
    "staff.admin_fund_close": _staff(C, A),
    # committees and their members with terms (issue 16.3)
    # the coordination office sees the list and invites members (issue 20.1); only the
    # administrator changes it
    "staff.admin_committees": _staff(C, A),
    "staff.admin_committee_invite": _staff(C, A),
    "staff.admin_committee_create": _staff(A),
    "staff.admin_member_new": _staff(A),
    "staff.admin_member_edit": _staff(A),
    "staff.admin_member_end": _staff(A),
    # what a committee member sees (issue 20.2): their committees' sessions, each agenda
    # item's submitted application read-only, its PDF and attachments; conflicts of interest
    # (20.3). The views answer 404 for anything not on the member's own agenda.
    "staff.member_sessions": _staff(M),
    "staff.member_session": _staff(M),
    "staff.member_application": _staff(M),
    "staff.member_application_pdf": _staff(M),
    "staff.member_upload": _staff(M),
    "staff.member_conflict": _staff(M),
    # the member's votes in a written vote online, the chair's approval (issue 20.4/20.5)
    "staff.member_written_vote": _staff(M),
    "staff.member_minutes_approve": _staff(M),
    # the partnership's own document templates (issue 16.4)
    "staff.admin_templates": _staff(A),
    "staff.admin_template_upload": _staff(A),
    "staff.admin_template": _staff(A),
    "staff.admin_template_png": _staff(A),
    "staff.admin_template_pdf": _staff(A),
    "staff.admin_template_file": _staff(A),
    "staff.admin_template_activate": _staff(A),
}

_DENY_BY_DEFAULT = ("staff.", "auth.")


def rule_for(endpoint: str) -> Rule | None:
    return POLICY.get(endpoint)


def _partnership(slug: str | None) -> Partnership:
    if not slug:
        abort(404)
    found = db.session().scalars(select(Partnership).where(Partnership.slug == slug)).one_or_none()
    if found is None:
        abort(404)
    return found


def enforce() -> ResponseReturnValue | None:
    endpoint = request.endpoint
    if endpoint is None:
        return None  # routing failed; the 404/405 handler answers
    rule = POLICY.get(endpoint)
    if rule is None:
        if endpoint.startswith(_DENY_BY_DEFAULT):
            log.error("refused %s: no policy entry", endpoint)
            abort(404)
        log.warning("endpoint %s has no policy entry", endpoint)
        return None
    if rule.kind in ("public", "applicant"):
        return None
    user = current_staff()
    if user is None:
        return redirect(url_for("auth.login", next=request.path))
    if rule.kind == "signed_in":
        return None
    partnership = _partnership((request.view_args or {}).get("slug"))
    roles = {m.role for m in user.roles if m.partnership_id == partnership.id}
    if not roles:
        abort(404)
    if not roles & rule.roles:
        # a committee member must not learn what exists beyond their agenda (issue 20.2)
        abort(404 if roles <= {M} else 403)
    g.partnership = partnership
    g.staff_roles = roles
    return None


def init_app(app: Flask) -> None:
    app.before_request(enforce)
