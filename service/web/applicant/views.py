"""Views of the applicant pages (see the package docstring)."""

from __future__ import annotations

import functools
import re
import uuid
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from forms.base import choices
from forms.fields import format_german
from forms.findings import SummaryEntry, attach_findings, parse_errors

from ... import db, mail_texts
from ...adapters.mail import outbox
from ...adapters.mail.transport import Mail
from ...clock import clock_from_config
from ...domain.catalogues import COST_CATEGORIES, FIELDS_OF_ACTION, LEGAL_FORMS, TARGET_GROUPS
from ...domain.emails import EmailAddressError, is_one_email_address, parse_email_address
from ...domain.findings import Finding
from ...domain.reader import INPUT_INVALID
from ...i18n import BabelLocalizer
from ...links import site_url
from ...models import Application, Fund, Partnership
from ...operations import applications as ops
from ...operations.funds import overview_fund
from ...operations.interchange import InterchangeError
from ...operations.receipts import ReceiptMail
from ...uow import Actor
from .. import parse, ratelimit
from ..csrf import expired_form_page
from ..refusals import refusal_goes_to
from ..uow import current_uow
from .steps import BY_SLUG, STEPS, Step, neighbours, step_for_field

bp = Blueprint("apply", __name__, url_prefix="/p/<slug>")

SESSION_KEY = "applications"
# The largest step (60 cost lines × 7 inputs) stays well below this; more is an attack (R5).
MAX_FIELDS = 1000
BERLIN = ZoneInfo("Europe/Berlin")


# -- helpers ----------------------------------------------------------------------------------


def _today() -> date:
    """Today in Germany; ``TODAY`` in the config or FOERDERWERK_TODAY (ISO) pins it for tests
    and demonstrations (the demo's sessions are all in 2026)."""
    return clock_from_config(current_app.config).today()


def _localizer() -> BabelLocalizer:
    return BabelLocalizer(str(get_locale() or "de"))


def _partnership(slug: str) -> Partnership:
    found = db.session().scalars(select(Partnership).where(Partnership.slug == slug)).one_or_none()
    if found is None:
        abort(404)
    return found


# the applicant's keys of the browser session (the staff's live apart: web/auth.py)
ENDED_KEY = "ended_applications"
SEEN_KEY = "applicant_seen"
APPLICANT_KEYS = (SESSION_KEY, ENDED_KEY, SEEN_KEY, "visitor", "resume_token")


def _now() -> int:
    return int(clock_from_config(current_app.config).now().timestamp())


def _remember(application: Application) -> None:
    # not permanent: the cookie ends with the browser, and after APPLICANT_SESSION_IDLE_MINUTES
    # without a request the session forgets its applications (issue 14: it lived 31 days)
    session[SEEN_KEY] = _now()
    owned = [i for i in session.get(SESSION_KEY, []) if i != application.id]
    session[SESSION_KEY] = [*owned, application.id][-50:]


def _own(partnership: Partnership, app_id: int) -> Application | None:
    """The application if this browser session may work on it, else None."""
    if app_id not in session.get(SESSION_KEY, []):
        return None
    application = db.session().get(Application, app_id)
    if application is None or application.fund.partnership_id != partnership.id:
        return None
    return application


def _ended_here(app_id: int) -> bool:
    """Whether ``app_id`` belonged to this browser's session before it ended (idle)."""
    return app_id in session.get(ENDED_KEY, [])


def _actor() -> Actor:
    """The applicant's browser session (the request's unit of work knows it)."""
    return current_uow().actor


def _bind_mail() -> None:
    """Mail queued in this request goes out after its commit: the unit of work binds the
    transport to the session when it is built."""
    current_uow()


def _is_youth(fund: Fund) -> bool:
    return fund.guideline.fund_kind == "jugendfonds"


def _prepare(form: Any, step: Step, fund: Fund) -> None:
    rules = fund.guideline
    if step.part == "applicant":
        form.legal_form.choices = [
            ("", _("Please choose")),
            *choices(LEGAL_FORMS, rules.eligible_legal_forms),
        ]
    elif step.part == "project":
        form.fields_of_action.choices = choices(FIELDS_OF_ACTION)
        form.target_groups.choices = choices(TARGET_GROUPS)
    elif step.part == "costs":
        category_choices = [("", _("Please choose")), *choices(COST_CATEGORIES, rules.categories)]
        for entry in form.costs.entries:
            entry.category.choices = category_choices


def _form_data(form: Any, step: Step, youth: bool) -> Any:
    return form.to_data(youth) if step.part == "applicant" else form.to_data()


def _summary_links(entries: list[SummaryEntry]) -> list[SummaryEntry]:
    seen: set[tuple[str, str]] = set()
    result = []
    for entry in entries:
        if (entry.message, entry.anchor) not in seen:
            seen.add((entry.message, entry.anchor))
            result.append(entry)
    return result


def _render_step(
    partnership: Partnership,
    application: Application | None,
    fund: Fund,
    step: Step,
    form: Any,
    entries: list[SummaryEntry],
    *,
    note: str | None = None,
    saved: bool = False,
    status: int = 200,
    totals: dict[str, Any] | None = None,
) -> ResponseReturnValue:
    before, after = neighbours(step)
    youth = _is_youth(fund)
    errors = [e for e in entries if e.severity == "error"]
    warnings = [e for e in entries if e.severity != "error"]
    return (
        render_template(
            f"apply/step_{step.part}.html",
            partnership=partnership,
            application=application,
            fund=fund,
            rules=fund.guideline,
            youth=youth,
            step=step,
            steps=STEPS,
            before=before,
            after=after,
            form=form,
            errors=_summary_links(errors),
            warnings=_summary_links(warnings),
            note=note,
            saved=saved,
            totals=totals,
        ),
        status,
    )


def _totals(application: Application) -> dict[str, Any] | None:
    result = ops.check_stored(db.session(), application, _today())
    totals = result.to_json(_localizer()).get("totals")
    return totals


@bp.before_request
def _end_idle_session() -> None:
    """An applicant session idle for longer than APPLICANT_SESSION_IDLE_MINUTES forgets its
    applications. Their numbers stay as "ended", so that a form sent after the end still
    shows what was typed (R14) – for this browser's own applications only."""
    if not session.get(SESSION_KEY):
        return
    now = _now()
    seen = session.get(SEEN_KEY)
    idle = int(current_app.config["APPLICANT_SESSION_IDLE_MINUTES"]) * 60
    if isinstance(seen, int) and now - seen > idle:
        ended = [*session.get(ENDED_KEY, []), *session.pop(SESSION_KEY)]
        session[ENDED_KEY] = ended[-50:]
        session.pop(SEEN_KEY, None)
        return
    if not isinstance(seen, int) or now - seen >= 60:  # not a new cookie on every request
        session[SEEN_KEY] = now


@bp.before_request
def _refuse_too_many_fields() -> None:
    if request.method == "POST" and len(request.form) > MAX_FIELDS:
        abort(413)


# -- public partnership page ------------------------------------------------------------------


@bp.get("/")
def partnership_page(slug: str) -> ResponseReturnValue:
    partnership = _partnership(slug)
    today = _today()
    funds = []
    for fund in partnership.funds:
        if fund.current_guideline is None:
            continue
        rules = fund.guideline
        lead = timedelta(days=rules.submission_lead_days)
        sessions = [(day, day - lead) for day in rules.sessions if day - lead >= today]
        funds.append((fund, rules, overview_fund(db.session(), fund, today), sessions))
    return render_template(
        "apply/partnership.html",
        partnership=partnership,
        funds=funds,
        categories=COST_CATEGORIES,
        legal_forms=LEGAL_FORMS,
        owned=bool(session.get(SESSION_KEY)),
    )


@bp.post("/<fund_key>/antrag")
def start(slug: str, fund_key: str) -> ResponseReturnValue:
    partnership = _partnership(slug)
    fund = next((f for f in partnership.funds if f.key == fund_key), None)
    if fund is None or fund.current_guideline is None:
        abort(404)
    ratelimit.hit("drafts", ratelimit.client())
    application = ops.start_application(db.session(), fund, _actor())
    _remember(application)
    return redirect(url_for(".step", slug=slug, app_id=application.id, step_slug=STEPS[0].slug))


# -- the wizard ---------------------------------------------------------------------------------


@bp.route("/antrag/<int:app_id>/<step_slug>", methods=["GET", "POST"])
def step(slug: str, app_id: int, step_slug: str) -> ResponseReturnValue:
    partnership = _partnership(slug)
    current = BY_SLUG.get(step_slug)
    if current is None:
        abort(404)
    application = _own(partnership, app_id)
    if application is None:
        if request.method == "POST" and _ended_here(app_id):
            return _expired_session(partnership, app_id, current)
        # someone else's application: the same 404 on every method, no fund name (issue 14)
        abort(404)
    if not application.state.applicant_may_edit:
        return redirect(url_for(".receipt", slug=slug, app_id=app_id))
    fund = application.fund
    youth = _is_youth(fund)
    localizer = _localizer()
    today = _today()

    if request.method == "GET":
        form = current.form(formdata=None)
        data = ops.application_data(application)
        form.load(data[current.part])
        form.version.data = str(application.version)
        _prepare(form, current, fund)
        # a step seen again shows the warnings at once; errors wait until the person acts
        result = ops.check_stored(db.session(), application, today)
        warnings = [f for f in result.findings if not f.is_error]
        entries = attach_findings(form, warnings, current.part, localizer, _fallback(current))
        totals = result.to_json(localizer).get("totals")
        return _render_step(
            partnership,
            application,
            fund,
            current,
            form,
            entries,
            saved=request.args.get("gespeichert") == "1",
            totals=totals,
        )

    action = request.form.get("action", "next")
    form = current.form(formdata=request.form)
    _prepare(form, current, fund)
    if action.startswith(("add:", "remove:")):
        form = _change_rows(form, action)
        _prepare(form, current, fund)
    form.validate()
    _log_unexpected(form)
    problems = parse_errors(form)
    data = ops.application_data(application)
    data[current.part] = _form_data(form, current, youth)

    if problems:
        return _reply(action, partnership, application, fund, current, form, problems, status=422)

    result = ops.check_stored(db.session(), application, today, data)
    unreadable = [f for f in result.findings if f.code == INPUT_INVALID]
    if unreadable:
        entries = attach_findings(form, unreadable, current.part, localizer, _fallback(current))
        entries += _unplaced(unreadable, current)
        return _reply(action, partnership, application, fund, current, form, entries, status=422)

    try:
        version = int(request.form.get("version") or 0) or None
        ops.save_draft(db.session(), application, data, _actor(), version=version)
    except StaleDataError:
        # the page is shown again with the typed input (409); the view returns normally, so
        # the failed save is rolled back here, not by the one handler
        current_uow().rollback()
        form.version.data = str(application.version)
        note = _(
            "This application was changed in another window meanwhile. Your entries on this "
            "page are shown below; please check them and save again."
        )
        return _reply(
            action, partnership, application, fund, current, form, [], status=409, note=note
        )
    except InterchangeError as exc:
        # caught here: the step is shown again with the typed input and the findings at
        # their fields; the view returns normally, so the attempt is rolled back by hand
        current_uow().rollback()
        entries = attach_findings(form, exc.findings, current.part, localizer, _fallback(current))
        return _reply(action, partnership, application, fund, current, form, entries, status=422)

    if action == "autosave":
        return jsonify(
            saved=True, version=application.version, message=_("Draft saved automatically.")
        )

    form.version.data = str(application.version)
    step_findings = [f for f in result.findings if step_for_field(f.field) is current]
    before, after = neighbours(current)
    if action == "back" and before is not None:
        return redirect(url_for(".step", slug=slug, app_id=app_id, step_slug=before.slug))
    if action == "save":
        flash(_("Your draft has been saved. You can close the page and continue later."), "success")
        return redirect(
            url_for(".step", slug=slug, app_id=app_id, step_slug=current.slug, gespeichert=1)
        )
    if action.startswith(("add:", "remove:")) or any(f.is_error for f in step_findings):
        entries = attach_findings(form, step_findings, current.part, localizer, _fallback(current))
        status = 422 if any(f.is_error for f in step_findings) and action == "next" else 200
        if action != "next":
            entries = [e for e in entries if e.severity != "error"]
            form = _clear_errors(form)
        totals = result.to_json(localizer).get("totals")
        return _render_step(
            partnership, application, fund, current, form, entries, status=status, totals=totals
        )
    if after is None:
        return redirect(url_for(".review", slug=slug, app_id=app_id))
    return redirect(url_for(".step", slug=slug, app_id=app_id, step_slug=after.slug))


def _log_unexpected(form: Any) -> None:
    """Fields the form does not have (``state=approved``, ``approved_amount=…``) are ignored by
    construction; say so in the log (R13), with their names only, never their values."""
    known = {field.name for field in _all_fields(form)} | {"csrf_token", "action", "version"}
    unexpected = sorted(name for name in request.form if name not in known)
    if unexpected:
        names = [name.encode("unicode_escape").decode()[:40] for name in unexpected[:20]]
        current_app.logger.warning("ignored unexpected form fields %s on %s", names, request.path)


def _clear_errors(form: Any) -> Any:
    for field in _all_fields(form):
        if not getattr(field, "process_errors", None):
            field.errors = []
    return form


def _all_fields(form: Any) -> list[Any]:
    from wtforms import FieldList, FormField

    found: list[Any] = []

    def walk(field: Any) -> None:
        if isinstance(field, FormField):
            for sub in field.form:
                walk(sub)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                walk(entry)
        else:
            found.append(field)

    for field in form:
        walk(field)
    return found


def _fallback(current: Step) -> str:
    """Where a finding about a whole part links: the rows' container, else the heading."""
    return (
        current.part if current.part in ("costs", "financing", "declarations") else "step-heading"
    )


def _unplaced(findings: list[Finding], current: Step) -> list[SummaryEntry]:
    localizer = _localizer()
    return [
        SummaryEntry(f.message.render(localizer), _fallback(current), f.severity)
        for f in findings
        if step_for_field(f.field) is not current
    ]


def _reply(
    action: str,
    partnership: Partnership,
    application: Application,
    fund: Fund,
    current: Step,
    form: Any,
    entries: list[SummaryEntry],
    *,
    status: int,
    note: str | None = None,
) -> ResponseReturnValue:
    if action == "autosave":
        # autosave keeps quiet about mistakes: the person has not finished typing yet
        return jsonify(
            saved=False, message=_("Not saved yet: some entries cannot be read.")
        ), status
    return _render_step(
        partnership, application, fund, current, form, entries, note=note, status=status
    )


def _change_rows(form: Any, action: str) -> Any:
    """Add a row, or remove one by renumbering the posted rows after it (what was typed in
    the other rows stays exactly as typed)."""
    verb, _sep, target = action.partition(":")
    name, _sep, index = target.partition(":")
    if name not in ("costs", "third_party", "receipts") or name not in form:
        return form
    rows = form[name]
    if verb == "add" and len(rows.entries) < (rows.max_entries or 60):
        rows.append_entry()
        return form
    if verb != "remove" or not index.isdigit():
        return form
    removed = int(index)
    pattern = re.compile(rf"{name}-(\d+)-(.+)")
    renumbered: MultiDict[str, str] = MultiDict()
    for key, value in request.form.items(multi=True):
        match = pattern.fullmatch(key)
        if match is None:
            renumbered.add(key, value)
            continue
        position = int(match.group(1))
        if position == removed:
            continue
        shifted = position - 1 if position > removed else position
        renumbered.add(f"{name}-{shifted}-{match.group(2)}", value)
    rebuilt = type(form)(formdata=renumbered)
    if name in ("costs", "receipts") and not rebuilt[name].entries:
        rebuilt[name].append_entry()
    return rebuilt


def _expired_session(partnership: Partnership, app_id: int, current: Step) -> ResponseReturnValue:
    """The browser session ended (or never knew this draft): keep what was typed (R14)."""
    application = db.session().get(Application, app_id)
    if application is None or application.fund.partnership_id != partnership.id:
        abort(404)
    form = current.form(formdata=request.form)
    _prepare(form, current, application.fund)
    form.validate()
    note = _(
        "Your session has ended, so we could not save this page. Your entries are still shown "
        "below. To save them, request a link to your draft by e-mail, open it and enter the "
        "changes of this page again – or keep this page open and copy them."
    )
    return _render_step(
        partnership, None, application.fund, current, form, [], note=note, status=403
    )


@bp.errorhandler(CSRFError)
def csrf_expired(_error: CSRFError) -> ResponseReturnValue:
    """An expired form token: show the form again WITH the entered data (R14)."""
    args = request.view_args or {}
    if request.endpoint == "apply.step" and args.get("step_slug") in BY_SLUG:
        partnership = _partnership(str(args["slug"]))
        application = _own(partnership, int(args["app_id"]))
        if request.form.get("action") == "autosave":
            return jsonify(saved=False, message=_("Not saved: please reload the page.")), 400
        current = BY_SLUG[str(args["step_slug"])]
        fund = application.fund if application else None
        if fund is None:
            if not _ended_here(int(args["app_id"])):
                abort(404)
            return _expired_session(partnership, int(args["app_id"]), current)
        form = current.form(formdata=request.form)
        _prepare(form, current, fund)
        form.validate()
        note = _(
            "For your security this form expired before it was sent. Nothing you typed is "
            "lost: please check your entries below and send the page again."
        )
        return _render_step(
            partnership, application, fund, current, form, [], note=note, status=400
        )
    return expired_form_page()


# -- review, submit, receipt ----------------------------------------------------------------------


@bp.get("/antrag/<int:app_id>/pruefen")
def review(slug: str, app_id: int) -> ResponseReturnValue:
    partnership = _partnership(slug)
    application = _own(partnership, app_id)
    if application is None:
        abort(404)
    if not application.state.applicant_may_edit:
        return redirect(url_for(".receipt", slug=slug, app_id=app_id))
    return _render_review(partnership, application)


def _render_review(
    partnership: Partnership, application: Application, status: int = 200
) -> ResponseReturnValue:
    localizer = _localizer()
    result = ops.check_stored(db.session(), application, _today())
    output = result.to_json(localizer)
    problems = []
    for finding in result.findings:
        owner = step_for_field(finding.field)
        anchor = _anchor_for(finding.field)
        if owner is None:
            link = "#summary-top"
        else:
            link = url_for(
                ".step", slug=partnership.slug, app_id=application.id, step_slug=owner.slug
            ) + (f"#{anchor}" if anchor else "")
        problems.append((finding, finding.message.render(localizer), link, owner))
    # in the order of the steps, so the list reads like the form
    problems.sort(key=lambda p: STEPS.index(p[3]) if p[3] is not None else len(STEPS))
    return (
        render_template(
            "apply/review.html",
            partnership=partnership,
            application=application,
            fund=application.fund,
            rules=application.fund.guideline,
            youth=_is_youth(application.fund),
            data=ops.application_data(application),
            errors=[p for p in problems if p[0].is_error],
            warnings=[p for p in problems if not p[0].is_error],
            totals=output.get("totals"),
            session_date=output.get("session"),
            steps=STEPS,
            idempotency_key=uuid.uuid4().hex,
            categories=COST_CATEGORIES,
            legal_forms=LEGAL_FORMS,
            fields_of_action=FIELDS_OF_ACTION,
            target_groups=TARGET_GROUPS,
            german=format_german,
        ),
        status,
    )


def _anchor_for(path: str) -> str:
    """The HTML id of a finding's field: ``costs[2].amount`` → ``costs-2-amount``."""
    owner = step_for_field(path)
    if owner is None:
        return ""
    relative = path[len(owner.part) :].lstrip(".")
    if owner.part == "costs":
        relative = "costs" + relative
    if not relative:
        return owner.part
    if relative == "adult_contact":
        relative = "adult_contact_name"
    relative = relative.replace("adult_contact.", "adult_contact_")
    anchor = relative.replace("[", "-").replace("].", "-").replace("]", "").replace(".", "-")
    if path.endswith(("fields_of_action", "target_groups")):
        anchor += "-0"
    return anchor


@bp.post("/antrag/<int:app_id>/einreichen")
def submit(slug: str, app_id: int) -> ResponseReturnValue:
    partnership = _partnership(slug)
    application = _own(partnership, app_id)
    if application is None:
        abort(404)
    key = (request.form.get("idempotency_key") or "").strip()[:64]
    if not key:
        abort(400)
    _bind_mail()
    # submitted meanwhile (NotEditable): the one handler says so and shows the receipt
    refusal_goes_to(url_for(".receipt", slug=slug, app_id=app_id))
    try:
        submitted, _created = ops.submit_application(
            db.session(),
            application,
            _actor(),
            idempotency_key=key,
            today=_today(),
            receipt=ReceiptMail(
                body=functools.partial(_receipt_body, partnership),
                # ``APPLICATION_PDF_IN_MAIL = False`` leaves the PDF out (tests without
                # LibreOffice)
                with_pdf=bool(current_app.config.get("APPLICATION_PDF_IN_MAIL", True)),
            ),
        )
    except ops.SubmissionRefused:
        # caught here: the review page is shown again with the findings at their entries;
        # the view returns normally, so nothing of the attempt may reach the request's commit
        current_uow().rollback()
        return _render_review(partnership, application, status=422)
    _remember(submitted)
    return redirect(url_for(".receipt", slug=slug, app_id=submitted.id))


def _receipt_body(partnership: Partnership, application: Application) -> str:
    """The receipt's text, for the submit operation that queues the mail."""
    link = site_url("apply.mine", slug=partnership.slug)
    return mail_texts.receipt_body(partnership, application, link=link)


def _berlin(application: Application) -> Any:
    stamp = application.submitted_at
    if stamp is None:
        return None
    if stamp.tzinfo is None:
        from datetime import UTC

        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(BERLIN)


@bp.get("/antrag/<int:app_id>/eingang")
def receipt(slug: str, app_id: int) -> ResponseReturnValue:
    partnership = _partnership(slug)
    application = _own(partnership, app_id)
    if application is None:
        abort(404)
    if application.state.applicant_may_edit and application.submitted_at is None:
        return redirect(url_for(".review", slug=slug, app_id=app_id))
    return render_template(
        "apply/receipt.html",
        partnership=partnership,
        application=application,
        fund=application.fund,
        youth=_is_youth(application.fund),
        submitted_at=_berlin(application),
    )


# -- drafts: resume links and the applicant's list ----------------------------------------------


@bp.post("/antrag/<int:app_id>/link")
def send_link(slug: str, app_id: int) -> ResponseReturnValue:
    partnership = _partnership(slug)
    application = _own(partnership, app_id)
    if application is None:
        abort(404)
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
    _count_resume_mail(application.applicant_email)
    _bind_mail()
    _send_resume_mail(partnership, [application])
    flash(
        _(
            "We have sent a link to your draft to %(email)s. It works once, for 24 hours.",
            email=application.applicant_email,
        ),
        "success",
    )
    return redirect(url_for(".step", slug=slug, app_id=app_id, step_slug=back))


def _count_resume_mail(address: str) -> None:
    """Resume mails per client and per address (issue 14): counted for every request, whether
    or not the address has drafts, so the limit tells nobody who applied."""
    ratelimit.hit("resume-client", ratelimit.client())
    if address:
        ratelimit.hit("resume-address", ratelimit.mail_address(address))


def _send_resume_mail(partnership: Partnership, drafts: list[Application]) -> None:
    links = []
    for draft in drafts:
        token = ops.issue_resume_token(db.session(), draft, _actor())
        url = site_url("apply.resume_token", slug=partnership.slug, token=token)
        links.append((draft.title, url))
    addressee = mail_texts.addressee_of(drafts)
    body = mail_texts.resume_body(partnership, addressee, links=links)
    outbox.queue_mail(
        db.session(),
        mail_texts.from_partnership(
            Mail(
                to=drafts[0].applicant_email,
                subject=mail_texts.resume_subject(addressee),
                body=body,
            ),
            partnership,
        ),
    )


@bp.route("/fortsetzen", methods=["GET", "POST"])
def resume_request(slug: str) -> ResponseReturnValue:
    partnership = _partnership(slug)
    sent = False
    email = ""
    error = None
    status = 200
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()[:254]
        _count_resume_mail(email)
        try:
            address = parse_email_address(email)
        except EmailAddressError as exc:
            # about the typed text only: tells nothing about who applied
            error, status = exc.message.render(_localizer()), 422
        else:
            # the same work for every address: the drafts are looked up by the background
            # sender after this answer (issue 14) – nobody learns who applied, not even
            # from the time the answer takes
            _bind_mail()
            # "Sie" until the sender knows the drafts (operations/outgoing.fill_resume_links)
            addressee = mail_texts.Addressee()
            body = mail_texts.resume_body(partnership, addressee, links_block=ops.RESUME_LINKS_SLOT)
            subject = mail_texts.resume_subject(addressee)
            ops.queue_resume_request(
                current_uow().session,
                partnership,
                mail_texts.from_partnership(
                    Mail(to=address, subject=subject, body=body), partnership
                ),
                _actor(),
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
    _partnership(slug)
    # no state change on GET: the token waits in the session for the button on a token-free page
    session["resume_token"] = token[:200]
    return redirect(url_for(".resume_confirm", slug=slug))


@bp.route("/fortsetzen/weiter", methods=["GET", "POST"])
def resume_confirm(slug: str) -> ResponseReturnValue:
    partnership = _partnership(slug)
    if request.method == "GET":
        return render_template(
            "apply/resume_confirm.html", partnership=partnership, ready="resume_token" in session
        )
    token = session.pop("resume_token", "")
    application = ops.redeem_resume_token(current_uow().session, partnership, token)
    if application is None:
        return render_template(
            "apply/resume_confirm.html", partnership=partnership, ready=False, failed=True
        ), 410
    _remember(application)
    if not application.state.applicant_may_edit:
        return redirect(url_for(".mine", slug=slug))
    flash(_("Welcome back! Here is your draft."), "success")
    return redirect(url_for(".step", slug=slug, app_id=application.id, step_slug=STEPS[0].slug))


@bp.post("/abmelden")
def sign_out(slug: str) -> ResponseReturnValue:
    """End the applicant session (a shared computer in a library, a youth centre)."""
    partnership = _partnership(slug)
    for key in APPLICANT_KEYS:
        session.pop(key, None)
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
    partnership = _partnership(slug)
    ids = session.get(SESSION_KEY, [])
    applications = []
    if ids:
        query = select(Application).where(Application.id.in_(ids)).order_by(Application.id.desc())
        applications = [
            a for a in db.session().scalars(query) if a.fund.partnership_id == partnership.id
        ]
    comments: dict[int, list[Any]] = {}
    if applications:
        from ...models.backoffice import ApplicationComment

        visible = select(ApplicationComment).where(
            ApplicationComment.application_id.in_([a.id for a in applications]),
            ApplicationComment.visible_to_applicant.is_(True),
        )
        for comment in db.session().scalars(visible.order_by(ApplicationComment.created_at)):
            comments.setdefault(comment.application_id, []).append(comment)
    return render_template(
        "apply/mine.html",
        partnership=partnership,
        applications=applications,
        comments=comments,
        steps=STEPS,
    )


# -- template filters of these pages ---------------------------------------------------------------


@bp.app_template_filter("euro")
def euro(value: Any) -> str:
    """Interchange money ("480.00") or a Decimal as "480,00 €"; empty stays empty."""
    from decimal import Decimal, InvalidOperation

    from ..filters import money

    if value is None or value == "":
        return ""
    try:
        return money(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


@bp.app_template_filter("isodate")
def isodate(value: Any) -> str:

    from ..filters import shortdate

    if not value:
        return ""
    parsed = parse.iso_date(str(value))
    return shortdate(parsed) if parsed is not None else str(value)


@bp.app_template_filter("catlabel")
def catlabel(key: str) -> str:
    return _(COST_CATEGORIES[key]) if key in COST_CATEGORIES else key


@bp.app_template_filter("formlabel")
def formlabel(key: str) -> str:
    return _(LEGAL_FORMS[key]) if key in LEGAL_FORMS else key


@bp.app_template_global("application_uploads")
def application_uploads(application: Application) -> list[Any]:
    from ...models import Upload

    query = select(Upload).where(Upload.application_id == application.id).order_by(Upload.id)
    return list(db.session().scalars(query))


@bp.app_template_global("has_endpoint")
def has_endpoint(name: str) -> bool:
    """Whether another part of the service (such as the notice download) is installed."""
    return name in current_app.view_functions
