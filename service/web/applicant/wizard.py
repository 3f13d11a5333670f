"""The application wizard: one page per step (steps.py), saved by every button (actions.py).

A step shown again shows the rules engine's warnings at once; its errors wait until the
person acts. What cannot be read is shown at its field with the typed text kept (R14); an
expired form token or an ended session shows the page again with everything typed.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError

from forms.base import choices
from forms.findings import SummaryEntry, attach_findings, parse_errors

from ...domain.catalogues import COST_CATEGORIES, FIELDS_OF_ACTION, LEGAL_FORMS, TARGET_GROUPS
from ...domain.findings import Finding
from ...domain.reader import INPUT_INVALID
from ...models import Application, Fund, Partnership
from ...operations import applications as ops
from ...operations.interchange import InterchangeError
from ..address import speak_to
from ..csrf import expired_form_page
from ..uow import current_uow
from .actions import Action, Verb, parse_action
from .common import (
    all_fields,
    bp,
    clear_errors,
    ended_here,
    is_youth,
    own,
    partnership_or_404,
    reading,
)
from .rows import autofocus, change_rows, row_focus
from .steps import BY_SLUG, REVIEW, STEPS, Step, neighbours, part_anchor, step_for_field
from .uploads import ask_for_file, chosen_file, drop_file, take_file

# the inputs of a step that are no field of its form (``kind``: of the file uploaded with it)
PROTOCOL_FIELDS = {"csrf_token", "action", "version", "kind"}
# the step whose page holds the uploads
UPLOAD_PART = "declarations"


@bp.route("/antrag/<int:app_id>/<step_slug>", methods=["GET", "POST"])
def step(slug: str, app_id: int, step_slug: str) -> ResponseReturnValue:
    partnership = partnership_or_404(slug)
    current = BY_SLUG.get(step_slug)
    if current is None:
        abort(404)
    application = own(partnership, app_id)
    if application is None:
        if request.method == "POST" and ended_here(app_id):
            return expired_session(partnership, app_id, current)
        # someone else's application: the same 404 on every method, no fund name (issue 14)
        abort(404)
    if not application.state.applicant_may_edit:
        return redirect(url_for(".receipt", slug=slug, app_id=app_id))
    if request.method == "GET":
        return show_step(partnership, application, current)
    return save_step(partnership, application, current, parse_action(request.form, Verb.NEXT))


def show_step(
    partnership: Partnership, application: Application, current: Step
) -> ResponseReturnValue:
    uow = reading()
    fund = application.fund
    form = current.form(formdata=None)
    form.load(ops.application_data(application)[current.part])
    form.version.data = str(application.version)
    prepare(form, current, fund)
    # a step seen again shows the warnings at once; errors wait until the person acts
    result = ops.check_stored(uow, application)
    warnings = [f for f in result.findings if not f.is_error]
    entries = attach_findings(form, warnings, current.part, uow.localizer, part_anchor(current))
    return render_step(
        partnership,
        application,
        fund,
        current,
        form,
        entries,
        saved=request.args.get("gespeichert") == "1",
        totals=result.to_json(uow.localizer).get("totals"),
    )


def save_step(
    partnership: Partnership, application: Application, current: Step, action: Action
) -> ResponseReturnValue:
    uow = current_uow()
    localizer = uow.localizer
    fund = application.fund
    anchor = part_anchor(current)

    def again(
        entries: list[SummaryEntry], status: int, note: str | None = None
    ) -> ResponseReturnValue:
        """The step again with what was typed (or the autosave's answer)."""
        return reply(
            action, partnership, application, fund, current, form, entries, status, note=note
        )

    form = current.form(formdata=request.form)
    prepare(form, current, fund)
    focus = None
    if action.edits_rows:
        form = change_rows(form, action, request.form)
        focus = row_focus(form, action)
        prepare(form, current, fund)
    form.validate()
    log_unexpected(form)
    problems = parse_errors(form)
    data = ops.application_data(application)
    data[current.part] = form_data(form, current, is_youth(fund))

    if problems:
        return again(problems, 422)

    result = ops.check_stored(uow, application, data)
    unreadable = [f for f in result.findings if f.code == INPUT_INVALID]
    if unreadable:
        entries = attach_findings(form, unreadable, current.part, localizer, anchor)
        return again(entries + unplaced(unreadable, current), 422)

    step_findings = [f for f in result.findings if step_for_field(f.field) is current]
    has_errors = any(f.is_error for f in step_findings)
    try:
        version = int(request.form.get("version") or 0) or None
        ops.save_draft(
            uow,
            application,
            data,
            version=version,
            last_step=destination(current, action, has_errors),
        )
    except StaleDataError:
        # the page is shown again with the typed input (409); the view returns normally, so
        # the failed save is rolled back here, not by the one handler
        uow.rollback()
        form.version.data = str(application.version)
        note = _(
            "This application was changed in another window meanwhile. Your entries on this "
            "page are shown below; please check them and save again."
        )
        return again([], 409, note)
    except InterchangeError as exc:
        # caught here: the step is shown again with the typed input and the findings at
        # their fields; the view returns normally, so the attempt is rolled back by hand
        uow.rollback()
        return again(attach_findings(form, exc.findings, current.part, localizer, anchor), 422)

    if action.verb is Verb.AUTOSAVE:
        return jsonify(
            saved=True, version=application.version, message=_("Draft saved automatically.")
        )

    form.version.data = str(application.version)
    slug, app_id = partnership.slug, application.id
    here = url_for(".step", slug=slug, app_id=app_id, step_slug=current.slug)
    if current.part == UPLOAD_PART:
        # a chosen file goes with whatever button was pressed, after the ticks are saved
        sent = chosen_file()
        if action.verb is Verb.REMOVE_FILE:
            drop_file(application, action.index)
            return redirect(here + "#uploads")
        if sent is not None:
            if not take_file(application, sent) or action.verb is Verb.UPLOAD:
                return redirect(here + "#uploads")
        elif action.verb is Verb.UPLOAD:
            ask_for_file()
            return redirect(here + "#uploads")
    before, after = neighbours(current)
    if action.verb is Verb.BACK and before is not None:
        return redirect(url_for(".step", slug=slug, app_id=app_id, step_slug=before.slug))
    if action.verb is Verb.SAVE:
        flash(_("Your draft has been saved. You can close the page and continue later."), "success")
        return redirect(
            url_for(".step", slug=slug, app_id=app_id, step_slug=current.slug, gespeichert=1)
        )
    if action.edits_rows or has_errors:
        entries = attach_findings(form, step_findings, current.part, localizer, anchor)
        status = 422 if has_errors and action.verb is Verb.NEXT else 200
        if action.verb is not Verb.NEXT:
            # a row added or removed is no attempt to go on: notes, not yet errors
            entries = [e for e in entries if e.severity != "error"]
            form = clear_errors(form)
        if focus is not None:
            autofocus(form, focus)
        totals = result.to_json(localizer).get("totals")
        return render_step(
            partnership, application, fund, current, form, entries, status=status, totals=totals
        )
    if after is None:
        return redirect(url_for(".review", slug=slug, app_id=app_id))
    return redirect(url_for(".step", slug=slug, app_id=app_id, step_slug=after.slug))


def destination(current: Step, action: Action, has_errors: bool) -> str:
    """The wizard page the action leads to: where the applicant stopped, when they leave now
    (a resume link opens it)."""
    before, after = neighbours(current)
    if action.verb is Verb.BACK and before is not None:
        return before.slug
    if action.verb is Verb.NEXT and not has_errors:
        return after.slug if after is not None else REVIEW
    return current.slug


def prepare(form: Any, step: Step, fund: Fund) -> None:
    """The choices of the step's select fields under the fund's guideline."""
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


def form_data(form: Any, step: Step, youth: bool) -> Any:
    """The step's part of the interchange object, from the form."""
    return form.to_data(youth) if step.part == "applicant" else form.to_data()


def log_unexpected(form: Any) -> None:
    """Fields the form does not have (``state=approved``, ``approved_amount=…``) are ignored by
    construction; say so in the log (R13), with their names only, never their values."""
    known = {field.name for field in all_fields(form)} | PROTOCOL_FIELDS
    unexpected = sorted(name for name in request.form if name not in known)
    if unexpected:
        names = [name.encode("unicode_escape").decode()[:40] for name in unexpected[:20]]
        current_app.logger.warning("ignored unexpected form fields %s on %s", names, request.path)


def unplaced(findings: list[Finding], current: Step) -> list[SummaryEntry]:
    """Summary entries for findings about fields of another step."""
    localizer = reading().localizer
    return [
        SummaryEntry(f.message.render(localizer), part_anchor(current), f.severity)
        for f in findings
        if step_for_field(f.field) is not current
    ]


def summary_links(entries: list[SummaryEntry]) -> list[SummaryEntry]:
    """The entries without repetitions (the same message at the same place)."""
    seen: set[tuple[str, str]] = set()
    result = []
    for entry in entries:
        if (entry.message, entry.anchor) not in seen:
            seen.add((entry.message, entry.anchor))
            result.append(entry)
    return result


def render_step(
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
    errors = [e for e in entries if e.severity == "error"]
    warnings = [e for e in entries if e.severity != "error"]
    return (
        render_template(
            f"apply/step_{step.part}.html",
            partnership=partnership,
            application=application,
            fund=fund,
            rules=fund.guideline,
            youth=is_youth(fund),
            step=step,
            steps=STEPS,
            before=before,
            after=after,
            form=form,
            errors=summary_links(errors),
            warnings=summary_links(warnings),
            note=note,
            saved=saved,
            totals=totals,
        ),
        status,
    )


def reply(
    action: Action,
    partnership: Partnership,
    application: Application,
    fund: Fund,
    current: Step,
    form: Any,
    entries: list[SummaryEntry],
    status: int,
    *,
    note: str | None = None,
) -> ResponseReturnValue:
    """The step again with ``entries`` – or, to the autosave script, that nothing was saved."""
    if action.verb is Verb.AUTOSAVE:
        # autosave keeps quiet about mistakes: the person has not finished typing yet
        return jsonify(
            saved=False, message=_("Not saved yet: some entries cannot be read.")
        ), status
    return render_step(
        partnership, application, fund, current, form, entries, note=note, status=status
    )


def expired_session(partnership: Partnership, app_id: int, current: Step) -> ResponseReturnValue:
    """The browser session ended (or never knew this draft): keep what was typed (R14)."""
    application = ops.find_application(reading(), partnership, app_id)
    if application is None:
        abort(404)
    speak_to(application.fund)  # this browser's own draft: "du" in a youth fund
    form = current.form(formdata=request.form)
    prepare(form, current, application.fund)
    form.validate()
    note = _(
        "Your session has ended, so we could not save this page. Your entries are still shown "
        "below. To save them, request a link to your draft by e-mail, open it and enter the "
        "changes of this page again – or keep this page open and copy them."
    )
    return render_step(
        partnership, None, application.fund, current, form, [], note=note, status=403
    )


@bp.errorhandler(CSRFError)
def csrf_expired(_error: CSRFError) -> ResponseReturnValue:
    """An expired form token: show the form again WITH the entered data (R14)."""
    args = request.view_args or {}
    if request.endpoint == "apply.step" and args.get("step_slug") in BY_SLUG:
        partnership = partnership_or_404(str(args["slug"]))
        application = own(partnership, int(args["app_id"]))
        if parse_action(request.form, Verb.NEXT).verb is Verb.AUTOSAVE:
            return jsonify(saved=False, message=_("Not saved: please reload the page.")), 400
        current = BY_SLUG[str(args["step_slug"])]
        fund = application.fund if application else None
        if fund is None:
            if not ended_here(int(args["app_id"])):
                abort(404)
            return expired_session(partnership, int(args["app_id"]), current)
        form = current.form(formdata=request.form)
        prepare(form, current, fund)
        form.validate()
        note = _(
            "For your security this form expired before it was sent. Nothing you typed is "
            "lost: please check your entries below and send the page again."
        )
        return render_step(partnership, application, fund, current, form, [], note=note, status=400)
    return expired_form_page()
