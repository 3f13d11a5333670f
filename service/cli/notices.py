"""``foerderwerk notices issue|regenerate|jobs|job``: issue a notice; regenerate notices in
batches.

``issue`` issues the notice of a committee decision as the staff page does (issue 17, item 9):
an approval whose approved period or report deadline is already over needs
``--confirm-past``; the notice is e-mailed to the applicant after the command's commit.

The command plans (what changed since each notice's last rendering), starts a job and works
it off – with a process pool here, or on Celery workers when FOERDERWERK_CELERY_BROKER is
set. Interrupted (Ctrl-C, SIGKILL, a crash), the same command again resumes the job and
leaves finished items alone.
"""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .. import db
from ..batch import runner
from ..batch.progress import TerminalProgress, format_duration
from ..domain.messages import N_, Message
from ..errors import Refused
from ..i18n import BabelLocalizer
from ..models import BatchJob, Partnership
from ..operations import notices as notice_ops
from ..operations import partnerships as partnership_ops
from ..operations import regeneration as ops
from ..operations import report_review as outcome_ops
from . import cli
from .uow import current_command_uow, in_command_uow

_ = BabelLocalizer().gettext
ngettext = BabelLocalizer().ngettext

EXIT_QUEUE_DOWN = 75  # EX_TEMPFAIL: try again later

notices = AppGroup(
    "notices",
    help=_("Notices: issue them, regenerate them in batches and follow the jobs."),
)

_PAST_WITHOUT_FLAG = N_(
    "The notice has not been issued. %(dates)s Please check the decision's dates, or run the "
    "command again with --confirm-past to issue it all the same."
)


@notices.command(
    "issue",
    help=_(
        "Issue the notice of a committee decision, dated today, and e-mail it to the "
        "applicant. An approval whose approved period or report deadline is already over "
        "needs --confirm-past."
    ),
)
@click.option(
    "--partnership", "slug", required=True, help=_("The partnership's slug, e.g. musterstadt.")
)
@click.argument("reference")
@click.option(
    "--reasons",
    default="",
    help=_("Reasons of a rejection, where the committee's record has none."),
)
@click.option(
    "--confirm-past",
    is_flag=True,
    help=_(
        "Issue an approval even though its approved period (and perhaps its report deadline) "
        "is already over."
    ),
)
@in_command_uow
def issue_command(slug: str, reference: str, reasons: str, confirm_past: bool) -> None:
    uow = current_command_uow()
    localizer = BabelLocalizer()
    partnership = partnership_ops.find_partnership(uow, slug)
    decision = notice_ops.pending_decision(uow.session, partnership.id, reference)
    past = notice_ops.issue_warning(decision, uow.today())
    if past is not None and not confirm_past:
        raise Refused(Message(_PAST_WITHOUT_FLAG, {"dates": past.warning()}))
    if past is not None:
        click.echo(_("Note: %(text)s") % {"text": past.warning().render(localizer)}, err=True)
    notice = notice_ops.issue_notice(uow, decision, reasons=reasons, confirm_past=confirm_past)
    click.echo(
        _("Notice %(number)s has been issued; it counts as notified on %(day)s.")
        % {
            "number": notice.number,
            "day": localizer.format_date(notice.notified_on) if notice.notified_on else "–",
        }
    )
    if notice.mailed_at is not None:
        click.echo(_("It is being sent to the applicant by e-mail with its PDF."))
    else:
        click.echo(_("The application has no e-mail address: please send the notice by post only."))


def default_workers() -> int:
    # one LibreOffice per worker: about 300 MB each; more than four rarely pays on the
    # modest machines of a municipality
    return max(1, min(4, os.cpu_count() or 1))


def _partnership_id(slug: str | None) -> int | None:
    if not slug:
        return None
    found = db.session().scalars(select(Partnership.id).where(Partnership.slug == slug)).first()
    if found is None:
        raise click.UsageError(_("There is no partnership “%(slug)s”.") % {"slug": slug})
    return found


def _print_plan(plan: ops.Plan) -> None:
    for record in plan.records:
        line = f"{record.number or '–':<16} {record.fund:<10} {_(ops.ACTION_LABELS[record.action])}"
        if record.action in (ops.CREATE, ops.UNCHANGED):
            click.echo(line)
            continue
        if record.error:
            click.echo(f"{line}: {record.error}")
            continue
        template = (
            _("template %(old)s → %(new)s")
            % {
                "old": (record.old_template_sha256 or "–")[:12],
                "new": record.new_template_sha256[:12],
            }
            if record.template_changed
            else _("template unchanged")
        )
        changes = ", ".join(record.context_changes[:6])
        if len(record.context_changes) > 6:
            changes += _(" and %(count)s more") % {"count": len(record.context_changes) - 6}
        click.echo(
            f"{line}; {template}; " + _("context: %(changes)s") % {"changes": changes or "–"}
        )


def _print_counts(plan: ops.Plan) -> None:
    click.echo(
        _(
            "%(records)s notices in scope: %(create)s new drafts, %(draft)s drafts to render "
            "again, %(reissue)s issued notices to render as new versions, %(unchanged)s "
            "unchanged, %(needs)s issued notices changed without a reason, %(refused)s refused."
        )
        % {
            "records": len(plan.records),
            "create": plan.count(ops.CREATE),
            "draft": plan.count(ops.DRAFT),
            "reissue": plan.count(ops.REISSUE),
            "unchanged": plan.count(ops.UNCHANGED),
            "needs": plan.count(ops.NEEDS_REASON),
            "refused": plan.count(ops.REFUSED),
        }
    )
    if plan.count(ops.NEEDS_REASON):
        click.echo(
            _(
                "Issued notices are only rendered again as a new version with a reason, e.g. "
                '--reason "Neuer Briefkopf". Their issued version stays as it is.'
            )
        )


def _print_closing(records: list[outcome_ops.OutcomeRecord]) -> None:
    if not records:
        return
    labels = {
        outcome_ops.UNCHANGED: _("unchanged"),
        outcome_ops.NEEDS_REASON: _("issued document changed – needs --reason"),
        outcome_ops.REISSUE: _("new version of the issued document"),
    }
    for record in records:
        click.echo(f"{record.number:<16} {record.fund:<10} {labels[record.action]}")
    click.echo(
        ngettext(
            "%(num)d closing letter or refund notice in scope: %(reissue)s to render as a new "
            "version, %(needs)s changed without a reason.",
            "%(num)d closing letters and refund notices in scope: %(reissue)s to render as new "
            "versions, %(needs)s changed without a reason.",
            len(records),
        )
        % {
            "num": len(records),
            "reissue": sum(1 for r in records if r.action == outcome_ops.REISSUE),
            "needs": sum(1 for r in records if r.action == outcome_ops.NEEDS_REASON),
        }
    )


@notices.command(
    "regenerate",
    help=_(
        "Render notices again where their content or template changed: drafts are replaced, "
        "issued notices get a new version only with --reason. Running it again resumes an "
        "interrupted job."
    ),
)
@click.option("--partnership", "slug", help=_("Only this partnership (its short name)."))
@click.option("--fund", "fund", help=_("Only notices of this fund (e.g. AIF-2026)."))
@click.option(
    "--session", "meeting", type=int, help=_("Only notices of this committee session (number).")
)
@click.option("--all", "everything", is_flag=True, help=_("All notices of the instance."))
@click.option("--dry-run", is_flag=True, help=_("Only list what would change; write nothing."))
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help=_("Worker processes (one LibreOffice each)."),
)
@click.option(
    "--reason", default="", help=_("Why issued notices are rendered again (required for them).")
)
@click.option(
    "--no-wait", is_flag=True, help=_("With Celery: send the job to the workers and return.")
)
@in_command_uow
def regenerate_command(
    slug: str | None,
    fund: str | None,
    meeting: int | None,
    everything: bool,
    dry_run: bool,
    workers: int | None,
    reason: str,
    no_wait: bool,
) -> None:
    session = db.session()
    localizer = BabelLocalizer()
    try:
        scope = ops.Scope(
            partnership_id=_partnership_id(slug), fund=fund, session=meeting, everything=everything
        )
    except ops.ScopeError as refused:
        # a usage error (exit 2 with the usage line), not the one handler's exit 1
        raise click.UsageError(refused.render(localizer)) from None
    workers = workers or default_workers()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    distributed = runner.broker_configured(app)

    job = None if dry_run else ops.find_resumable_job(session, scope, reason)
    if job is not None:
        progress = ops.job_progress(session, job.id)
        ops.adopt_job(current_command_uow(), job)
        # committed before the runners start: they read the job from the database
        current_command_uow().commit()
        click.echo(
            _("Resuming job %(job)s: %(finished)s of %(total)s done.")
            % {"job": job.id, "finished": progress.finished, "total": progress.total}
        )
    else:
        try:
            plan = ops.plan_regeneration(current_command_uow(), scope, reason=reason)
        except ops.ScopeError as refused:
            raise click.UsageError(refused.render(localizer)) from None
        closing = outcome_ops.plan_outcome_regeneration(current_command_uow(), scope, reason=reason)
        if dry_run:
            _print_plan(plan)
            _print_counts(plan)
            _print_closing(closing)
            current_command_uow().rollback()
            click.echo(_("Dry run: nothing was written."))
            return
        _print_counts(plan)
        _print_closing(closing)
        # the closing letters and refund notices (issue 19.2): few, rendered here
        outcome_ops.regenerate_outcomes(current_command_uow(), closing, reason=reason)
        job = ops.start_regeneration(
            current_command_uow(), plan, mode="celery" if distributed else "local", workers=workers
        )
        # committed before the runners start: they read the job from the database
        current_command_uow().commit()
        if job.total == 0:
            click.echo(_("Nothing to render."))
            return
        click.echo(
            ngettext("Job %(job)s: %(total)s notice.", "Job %(job)s: %(total)s notices.", job.total)
            % {"job": job.id, "total": job.total}
        )

    job_id = job.id
    bar = TerminalProgress()
    if distributed:
        from ..batch.tasks import QueueUnavailable

        try:
            sent = runner.dispatch(app, job_id)
        except QueueUnavailable:
            click.echo(
                _(
                    "The job queue (Redis) cannot be reached. Job %(job)s is saved; please run "
                    "the same command again once the queue is back."
                )
                % {"job": job_id},
                err=True,
            )
            sys.exit(EXIT_QUEUE_DOWN)
        click.echo(
            ngettext(
                "%(count)s task sent to the workers.", "%(count)s tasks sent to the workers.", sent
            )
            % {"count": sent}
        )
        if no_wait:
            return
        try:
            runner.wait_for_workers(app, job_id, bar)
        except KeyboardInterrupt:
            bar.close()
            click.echo(
                _("No longer watching; the workers carry on with job %(job)s.") % {"job": job_id}
            )
            return
        bar.close()
    else:
        summary = runner.run_here(app, job_id, workers, bar)
        bar.close()
        if summary.interrupted:
            click.echo(
                _("Interrupted. Running the same command again resumes job %(job)s.")
                % {"job": job_id},
                err=True,
            )
            sys.exit(130)
        if summary.peaks:
            python_peak = max(p[0] for p in summary.peaks.values()) / 1024
            office_peak = max(p[1] for p in summary.peaks.values()) / 1024
            click.echo(
                _(
                    "%(count)s notices in %(time)s with %(workers)s workers; peak memory per "
                    "worker %(python)s MB (Python) + %(office)s MB (LibreOffice)."
                )
                % {
                    "count": summary.processed,
                    "time": format_duration(summary.seconds),
                    "workers": workers,
                    "python": f"{python_peak:.0f}",
                    "office": f"{office_peak:.0f}",
                }
            )
    _report(job_id)


def _report(job_id: int) -> None:
    session = db.session()
    progress = ops.job_progress(session, job_id)
    failed = ops.failed_items(session, job_id)
    # only read: the command's unit of work ends the transaction (commits nothing, or rolls
    # back when exit 1 follows)
    click.echo(
        _("Job %(job)s: %(done)s rendered, %(failed)s failed, %(pending)s waiting.")
        % {
            "job": job_id,
            "done": progress.done,
            "failed": progress.failed,
            "pending": progress.pending,
        }
    )
    for item in failed:
        click.echo(f"  {item.notice.number}: {item.error}", err=True)
    if failed or progress.pending:
        sys.exit(1)


@notices.command("jobs", help=_("List the latest regeneration jobs."))
def jobs_command() -> None:
    session = db.session()
    jobs = ops.recent_jobs(session, None)
    if not jobs:
        click.echo(_("No jobs yet."))
        return
    for job in jobs:
        progress = ops.job_progress(session, job.id)
        click.echo(
            f"{job.id:>5}  {job.created_at:%Y-%m-%d %H:%M} UTC  {_(job.state.label):<14} "
            f"{progress.finished}/{progress.total}  {job.mode:<6} {job.scope}  {job.reason}"
        )


@notices.command("job", help=_("Show a job's progress and the errors of its items."))
@click.argument("job_id", type=int)
def job_command(job_id: int) -> None:
    if db.session().get(BatchJob, job_id) is None:
        raise click.UsageError(_("There is no job %(job)s.") % {"job": job_id})
    _report(job_id)


cli.add_command(notices)
