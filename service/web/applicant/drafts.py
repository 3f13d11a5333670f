"""Drafts across browser sessions: the resume link by e-mail (R15), the applicant's list of
applications, signing out."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ... import mail_texts
from ...adapters.mail.transport import Mail
from ...domain.emails import email_address_problem, is_one_email_address
from ...links import site_url
from ...models import Application, Partnership
from ...operations import applications as ops
from ...operations import report_review
from .. import ratelimit
from ..address import speak_to
from ..uow import current_uow
from .common import (
    RESUME_TOKEN_KEY,
    bp,
    forget_applicant,
    own_or_404,
    owned_ids,
    partnership_or_404,
    reading,
    remember,
)
from .steps import BY_SLUG, REVIEW, STEPS


@bp.post("/antrag/<int:app_id>/link")
def send_link(slug: str, app_id: int) -> ResponseReturnValue:
    partnership = partnership_or_404(slug)
    application = own_or_404(partnership, app_id)
    back = request.form.get("step") if request.form.get("step") in BY_SLUG else STEPS[0].slug
    if not application.applicant_email:
        flash(
            _(
                "Please enter your e-mail address on the first page and save; then we can "
                "send you the link."
            ),
            "error",
        )
        return redirect(url_for(".step", slug=slug, app_id=app_id, step_slug=back))
    if not is_one_email_address(application.applicant_email):
        # stored before addresses were checked on saving (issue 14): say so, no 500
        flash(
            _(
                "The e-mail address saved in your draft cannot be used. Please enter exactly "
                "one e-mail address on the first page, save, and ask for the link again."
            ),
            "error",
        )
        return redirect(url_for(".step", slug=slug, app_id=app_id, step_slug=STEPS[0].slug))
    count_resume_mail(application.applicant_email)
    send_resume_mail(partnership, [application])
    flash(
        _(
            "We have sent a link to your draft to %(email)s. It works once, for 24 hours.",
            email=application.applicant_email,
        ),
        "success",
    )
    return redirect(url_for(".step", slug=slug, app_id=app_id, step_slug=back))


def count_resume_mail(address: str) -> None:
    """Resume mails per client and per address (issue 14): counted for every request, whether
    or not the address has drafts, so the limit tells nobody who applied."""
    ratelimit.hit("resume-client", ratelimit.client())
    if address:
        ratelimit.hit("resume-address", ratelimit.mail_address(address))


def send_resume_mail(partnership: Partnership, drafts: list[Application]) -> None:
    """Queue the mail with a new link to each of ``drafts`` (sent after the commit)."""
    uow = current_uow()
    links = []
    for draft in drafts:
        token = ops.issue_resume_token(uow, draft)
        url = site_url("apply.resume_token", slug=partnership.slug, token=token)
        links.append((draft.title, url))
    addressee = mail_texts.addressee_of(drafts)
    body = mail_texts.resume_body(partnership, addressee, links=links)
    uow.mail(
        mail_texts.from_partnership(
            Mail(
                to=drafts[0].applicant_email,
                subject=mail_texts.resume_subject(addressee),
                body=body,
            ),
            partnership,
        )
    )


@bp.route("/fortsetzen", methods=["GET", "POST"])
def resume_request(slug: str) -> ResponseReturnValue:
    partnership = partnership_or_404(slug)
    sent = False
    email = ""
    error = None
    status = 200
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()[:254]
        count_resume_mail(email)
        problem = email_address_problem(email)
        if not email:
            # required (issue 17): said at the field, not as "not a valid address"
            error, status = _("Please enter the e-mail address you gave in the application."), 422
        elif problem is not None:
            # about the typed text only: tells nothing about who applied
            error, status = problem.render(reading().localizer), 422
        else:
            # the same work for every address: the drafts are looked up by the background
            # sender after this answer (issue 14) – nobody learns who applied, not even
            # from the time the answer takes
            # "Sie" until the sender knows the drafts (operations/outgoing.fill_resume_links)
            addressee = mail_texts.Addressee()
            body = mail_texts.resume_body(partnership, addressee, links_block=ops.RESUME_LINKS_SLOT)
            subject = mail_texts.resume_subject(addressee)
            ops.queue_resume_request(
                current_uow(),
                partnership,
                mail_texts.from_partnership(
                    Mail(to=email, subject=subject, body=body), partnership
                ),
                link=site_url(
                    "apply.resume_token", slug=partnership.slug, token=ops.RESUME_TOKEN_SLOT
                ),
                untitled=mail_texts.untitled(addressee),
            )
            sent = True
    return render_template(
        "apply/resume_request.html", partnership=partnership, sent=sent, email=email, error=error
    ), status


@bp.get("/fortsetzen/<token>")
def resume_token(slug: str, token: str) -> Response:
    partnership_or_404(slug)
    # no state change on GET: the token waits in the session for the button on a token-free page
    session[RESUME_TOKEN_KEY] = token[:200]
    return redirect(url_for(".resume_confirm", slug=slug))


@bp.route("/fortsetzen/weiter", methods=["GET", "POST"])
def resume_confirm(slug: str) -> ResponseReturnValue:
    partnership = partnership_or_404(slug)
    if request.method == "GET":
        return render_template(
            "apply/resume_confirm.html", partnership=partnership, ready=RESUME_TOKEN_KEY in session
        )
    token = session.pop(RESUME_TOKEN_KEY, "")
    application = ops.redeem_resume_token(current_uow(), partnership, token)
    if application is None:
        return render_template(
            "apply/resume_confirm.html", partnership=partnership, ready=False, failed=True
        ), 410
    remember(application)
    if not application.state.applicant_may_edit:
        return redirect(url_for(".mine", slug=slug))
    speak_to(application.fund)  # the welcome says "du" in a youth fund
    flash(_("Welcome back! Here is your draft."), "success")
    return redirect(where_stopped(partnership, application))


def where_stopped(partnership: Partnership, application: Application) -> str:
    """The wizard page the applicant left the draft on (issue 17: a resume link opened step
    1): the step, or the review page, saved last; step 1 before anything was saved."""
    slug, app_id = partnership.slug, application.id
    if application.last_step == REVIEW:
        return url_for(".review", slug=slug, app_id=app_id)
    stopped = BY_SLUG.get(application.last_step, STEPS[0])
    return url_for(".step", slug=slug, app_id=app_id, step_slug=stopped.slug)


@bp.post("/abmelden")
def sign_out(slug: str) -> ResponseReturnValue:
    """End the applicant session (a shared computer in a library, a youth centre)."""
    partnership = partnership_or_404(slug)
    forget_applicant()
    flash(
        _(
            "You have been signed out. To continue a draft later, ask for a link by e-mail "
            "on the page “Continue a saved draft”."
        ),
        "success",
    )
    return redirect(url_for(".partnership_page", slug=partnership.slug))


@bp.get("/meine-antraege")
def mine(slug: str) -> ResponseReturnValue:
    partnership = partnership_or_404(slug)
    uow = reading()
    applications = ops.applications_by_id(uow, partnership, owned_ids())
    return render_template(
        "apply/mine.html",
        partnership=partnership,
        applications=applications,
        comments=ops.comments_for_applicant(uow, applications),
        continue_at={a.id: where_stopped(partnership, a) for a in applications},
        # the closing letter or refund notice once issued (issue 19.2)
        closings=report_review.outcome_documents_for(uow, applications),
        # every document of each application stays reachable here (issue 19.5)
        payment_requests={a.id: ops.payment_requests_of(uow, a) for a in applications},
        reports={a.id: ops.usage_report(uow, a) for a in applications},
    )
