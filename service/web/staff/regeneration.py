"""Back-office views: regenerate notices in a batch (preview = dry run, start, follow the
progress, cancel, resume). The work itself runs in the batch runners: on Celery workers
when a broker is configured, otherwise in a thread of this process."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from ... import db
from ...batch import runner
from ...domain.states import JobState
from ...models import BatchJob
from ...operations import regeneration as ops
from ...operations import report_review as outcome_ops
from ...operations.sessions import list_meetings
from ..uow import current_uow
from .common import bp, form_values, partnership

PREVIEW_ROWS = 200


def _scope_from(values: dict[str, str]) -> ops.Scope | None:
    p = partnership()
    target = values.get("scope", "")
    # every scope built here names something, so Scope raises no ScopeError
    if target == "all":
        return ops.Scope(partnership_id=p.id, everything=True)
    if target == "fund" and values.get("fund") in {f.key for f in p.funds}:
        return ops.Scope(partnership_id=p.id, fund=values["fund"])
    if target == "session" and values.get("session", "").isdigit():
        meeting_id = int(values["session"])
        if meeting_id in {m.id for m in list_meetings(db.session(), p)}:
            return ops.Scope(partnership_id=p.id, session=meeting_id)
    return None


def _job_or_404(job_id: int) -> BatchJob:
    job = db.session().get(BatchJob, job_id)
    if job is None or job.kind != ops.JOB_KIND or job.scope.get("partnership") != partnership().id:
        abort(404)
    return job


@bp.get("/bescheide/neu-erzeugen")
def regenerate(slug: str) -> ResponseReturnValue:
    p = partnership()
    s = db.session()
    # a POST here is the start form whose token had expired (web/csrf.py): its dry run again
    source = request.form if request.method == "POST" else request.args
    values = {key: source.get(key, "")[:2000] for key in ("scope", "fund", "session", "reason")}
    plan = None
    closing: list[outcome_ops.OutcomeRecord] = []
    if values["scope"]:
        scope = _scope_from(values)
        if scope is None:
            flash(_("Please choose a fund, a session or all notices."), "error")
        else:
            # a dry run: the plan is shown, nothing of it is kept (rolled back, so the
            # request's commit finds nothing to write)
            uow = current_uow()
            plan = ops.plan_regeneration(uow, scope, reason=values["reason"])
            # the closing letters and refund notices (issue 19.2) are rendered with them
            closing = outcome_ops.plan_outcome_regeneration(uow, scope, reason=values["reason"])
            uow.rollback()
    jobs = ops.recent_jobs(s, p.id)
    return render_template(
        "staff/regenerate.html",
        values=values,
        funds=p.funds,
        meetings=list_meetings(s, p),
        plan=plan,
        rows=[r for r in plan.records if r.action != ops.UNCHANGED][:PREVIEW_ROWS] if plan else [],
        closing=closing,
        closing_to_render=any(r.action == outcome_ops.REISSUE for r in closing),
        outcome_ops=outcome_ops,
        jobs=jobs,
        progress={job.id: ops.job_progress(s, job.id) for job in jobs},
        ops=ops,
    )


@bp.post("/bescheide/neu-erzeugen")
def regenerate_start(slug: str) -> ResponseReturnValue:
    values = form_values(["scope", "fund", "session", "reason"])
    scope = _scope_from(values)
    if scope is None:
        flash(_("Please choose a fund, a session or all notices."), "error")
        return redirect(url_for("staff.regenerate", slug=slug))
    uow = current_uow()
    reason = values.get("reason", "").strip()[:2000]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    distributed = runner.broker_configured(app)
    plan = ops.plan_regeneration(uow, scope, reason=reason)
    # the closing letters and refund notices (issue 19.2): few, rendered in this request
    renewed = outcome_ops.regenerate_outcomes(
        uow, outcome_ops.plan_outcome_regeneration(uow, scope, reason=reason), reason=reason
    )
    job = ops.start_regeneration(uow, plan, mode="celery" if distributed else "thread", workers=1)
    # committed before the runners start: they read the job from the database
    uow.commit()
    if renewed:
        flash(
            ngettext(
                "%(num)s closing letter or refund notice rendered as a new version.",
                "%(num)s closing letters or refund notices rendered as new versions.",
                len(renewed),
            ),
            "info",
        )
    if job.total == 0 and renewed:
        return redirect(url_for("staff.regenerate", slug=slug))
    if job.total == 0:
        flash(_("Nothing to render: every notice is up to date."), "info")
        return redirect(url_for("staff.regenerate", slug=slug))
    _drive(job.id)
    return redirect(url_for("staff.regenerate_job", slug=slug, job_id=job.id))


def _drive(job_id: int) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if runner.broker_configured(app):
        from ...batch.tasks import QueueUnavailable

        try:
            runner.dispatch(app, job_id)
        except QueueUnavailable:
            flash(
                _(
                    "The job queue cannot be reached right now. The job is saved; please "
                    "resume it later on this page."
                ),
                "error",
            )
        return
    runner.start_in_thread(app, job_id)


@bp.get("/auftraege/<int:job_id>")
def regenerate_job(slug: str, job_id: int) -> ResponseReturnValue:
    job = _job_or_404(job_id)
    s = db.session()
    progress = ops.job_progress(s, job.id)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stalled = (
        job.state is JobState.running
        and not runner.running_here(job.id)
        and ops.find_resumable_job(s, ops.Scope.from_json(job.scope), job.reason) is not None
    )
    return render_template(
        "staff/regenerate_job.html",
        job=job,
        progress=progress,
        failed=ops.failed_items(s, job.id),
        stalled=stalled and not runner.broker_configured(app),
        distributed=runner.broker_configured(app),
        JobState=JobState,
    )


@bp.post("/auftraege/<int:job_id>/abbrechen")
def regenerate_cancel(slug: str, job_id: int) -> ResponseReturnValue:
    form_values([])
    job = _job_or_404(job_id)
    uow = current_uow()
    ops.cancel_job(uow, job.id)
    flash(_("The job has been cancelled. Notices already rendered stay."), "info")
    return redirect(url_for("staff.regenerate_job", slug=slug, job_id=job_id))


@bp.post("/auftraege/<int:job_id>/fortsetzen")
def regenerate_resume(slug: str, job_id: int) -> ResponseReturnValue:
    form_values([])
    job = _job_or_404(job_id)
    if job.state is not JobState.running or runner.running_here(job.id):
        return redirect(url_for("staff.regenerate_job", slug=slug, job_id=job_id))
    uow = current_uow()
    ops.adopt_job(uow, job)
    # committed before the runners start: they read the job from the database
    uow.commit()
    _drive(job.id)
    flash(_("The job is resumed; finished notices are not rendered again."), "info")
    return redirect(url_for("staff.regenerate_job", slug=slug, job_id=job_id))
