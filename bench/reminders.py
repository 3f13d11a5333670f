"""Benchmark: planning and sending report reminders (issue 19.4) for many applications.

Run:  .venv/bin/python bench/reminders.py [--applications 20000] [--sample 1000] [--json FILE]

A fresh embedded instance (SQLite in a temporary folder, the demo partnership) is seeded with N
applications that have an issued grant notice (bulk inserts; periods ending over the whole
year, a fifth with their report already in – of those every tenth reviewed with a refund
notice due between July and October, every other one of these half paid), and "today" is
01.09.2026. Then, in ONE run:

(a) naive planning, on a sample: per application its ORM object, its notices through the
    relationship, the guideline of its decision, and one query for the reminders sent – the
    way a first version would write it; extrapolated to N;
(b) ours: ``plan_reminders`` – one query for the report deadlines, one for the refund
    deadlines, one for the keys sent, the domain's plan – over all N (reports and refunds);
(c) ``send_reminders`` (the work of ``foerderwerk reminders send``: a ``sent_reminder`` row and
    an outbox mail per reminder, committed), then the same again right after: it must plan and
    send nothing.

Prints the seconds, the ratio (a)/(b) and the targets: (b) < 5 s for 20,000 applications;
the second run sends 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from service import create_app, db  # noqa: E402
from service.domain.messages import PlainLocalizer  # noqa: E402
from service.domain.notice import report_due_on  # noqa: E402
from service.domain.reminders import Deadline, Subject, kind_on  # noqa: E402
from service.domain.states import ApplicationState, NoticeKind, NoticeState  # noqa: E402
from service.models import (  # noqa: E402
    Application,
    Fund,
    Notice,
    OutboxMail,
    Partnership,
    RefundReceipt,
    ReportReview,
    SentReminder,
    UsageReport,
)
from service.models.migrate import upgrade  # noqa: E402
from service.operations import reminders as ops  # noqa: E402
from service.operations.demo import load_demo  # noqa: E402
from service.uow import Actor, build_uow  # noqa: E402

TODAY = date(2026, 9, 1)
TARGET_SECONDS = 5.0
PER_20000 = 20000


def _seed(n: int) -> int:
    """N applications with issued grant notices in the demo's action fund; returns its id."""
    session = db.session()
    load_demo(session, TODAY)
    partnership = session.scalars(select(Partnership).order_by(Partnership.id)).first()
    assert partnership is not None
    fund = next(
        f
        for f in session.scalars(select(Fund).where(Fund.partnership_id == partnership.id))
        if f.guideline.fund_kind == "aktions-und-initiativfonds"
    )
    rng = random.Random(19)  # noqa: S311 - deterministic test data, not a secret
    now = datetime.now(UTC)
    start = session.scalar(select(func.coalesce(func.max(Application.id), 0))) or 0
    applications, notices = [], []
    reports, reviews, receipts = [], [], []
    for index in range(n):
        app_id = start + 1 + index
        reported = rng.random() < 0.2
        refunded = reported and index % 10 == 0
        period_end = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        reference = f"BENCH-{index + 1:05d}"
        applications.append(
            {
                "id": app_id,
                "fund_id": fund.id,
                "reference": reference,
                "state": (
                    ApplicationState.revoked
                    if refunded
                    else ApplicationState.report_submitted
                    if reported
                    else ApplicationState.in_payment
                ),
                "version": 1,
                "title": f"Projekt {index + 1}",
                "applicant_name": f"Verein {index + 1} e.V.",
                # one in fifty without an address: nothing to send, counted
                "applicant_email": "" if index % 50 == 0 else f"verein{index + 1}@example.org",
                "fields_of_action": [],
                "target_groups": [],
                "created_at": now,
                "updated_at": now,
            }
        )
        notices.append(
            {
                "fund_id": fund.id,
                "application_id": app_id,
                "number": f"{reference}-B",
                "kind": NoticeKind.zuwendung,
                "state": NoticeState.issued,
                "version": 1,
                "amount": Decimal("800.00"),
                "period_start": period_end - timedelta(days=60),
                "period_end": period_end,
                "conditions": [],
                "issued_on": period_end - timedelta(days=70),
                "created_at": now,
            }
        )
        if refunded:
            due = date(2026, 7, 1) + timedelta(days=rng.randrange(120))
            reports.append(
                {
                    "id": app_id,
                    "application_id": app_id,
                    "submitted_on": due - timedelta(days=40),
                    "data": {},
                    "result": {},
                    "sha256": "0" * 64,
                    "idempotency_key": f"bench-report-{app_id}",
                    "created_at": now,
                }
            )
            reviews.append(
                {
                    "id": app_id,
                    "application_id": app_id,
                    "usage_report_id": app_id,
                    "recognised": {},
                    "reasons": {},
                    "sampled": [],
                    "note": "",
                    "waive_interest": False,
                    "waiver_reason": "",
                    "finished_name": "Bench",
                    "outcome": "refund_notice",
                    "result": {"total_due": "120.00"},
                    "issued_kind": "refund_notice",
                    "issued_number": f"TW-{reference}",
                    "issued_on": due - timedelta(days=30),
                    "refund_on": due,
                    "refund_total": Decimal("120.00"),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(reviews) % 2 == 0:
                receipts.append(
                    {
                        "application_id": app_id,
                        "report_review_id": app_id,
                        "amount": Decimal("60.00"),
                        "received_on": due - timedelta(days=5),
                        "note": "",
                        "created_by": "bench",
                        "idempotency_key": f"bench-receipt-{app_id}",
                        "created_at": now,
                    }
                )
    for chunk in range(0, n, 2000):
        session.execute(insert(Application), applications[chunk : chunk + 2000])
        session.execute(insert(Notice), notices[chunk : chunk + 2000])
    for model, rows in ((UsageReport, reports), (ReportReview, reviews), (RefundReceipt, receipts)):
        for chunk in range(0, len(rows), 2000):
            session.execute(insert(model), rows[chunk : chunk + 2000])
    session.commit()
    return fund.id


def _uow(config):
    return build_uow(db.session(), config, actor=Actor.system("bench"), localizer=PlainLocalizer())


def _naive(sample: int) -> tuple[float, int]:
    """Seconds of the naive planning for ``sample`` applications."""
    session = db.session()
    ids = session.scalars(
        select(Application.id).where(Application.reference.like("BENCH-%")).limit(sample)
    ).all()
    started = time.perf_counter()
    planned = 0
    for app_id in ids:
        application = session.get_one(Application, app_id)
        if application.state not in ops.REPORT_OWED:
            continue
        grants = [
            n
            for n in application.notices
            if n.state is NoticeState.issued and n.kind in ops.GRANTS and n.period_end
        ]
        if not grants:
            continue
        notice = max(grants, key=lambda n: n.id)
        rules = notice.decision.rules if notice.decision else application.fund.guideline
        due = report_due_on(notice.period_end, rules.report_due_days)  # type: ignore[arg-type]
        kind = kind_on(Deadline(Subject.report, app_id, app_id, due), TODAY)
        if kind is None:
            continue
        sent = session.scalar(
            select(func.count())
            .select_from(SentReminder)
            .where(
                SentReminder.kind == kind.value,
                SentReminder.subject_id == app_id,
                SentReminder.due_on == due,
            )
        )
        planned += 0 if sent else 1
    seconds = time.perf_counter() - started
    session.rollback()
    return seconds, len(ids)


def _count(model) -> int:
    return int(db.session().scalar(select(func.count()).select_from(model)) or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=PER_20000)
    parser.add_argument("--sample", type=int, default=1000, help="applications for (a)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="foerderwerk-bench-") as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        config = {
            "DATABASE_URL": url,
            "STORAGE_PATH": f"{folder}/documents",
            "BASE_URL": "https://foerderwerk.example",
            "TODAY": TODAY.isoformat(),
        }
        upgrade(url)
        app = create_app(config)
        with app.app_context():
            seeded = time.perf_counter()
            _seed(args.applications)
            print(
                f"{args.applications} granted applications seeded in "
                f"{time.perf_counter() - seeded:.1f} s; today {TODAY.isoformat()}; "
                f"cores: {os.cpu_count()}"
            )

            naive_seconds, sampled = _naive(min(args.sample, args.applications))
            naive_total = naive_seconds / max(sampled, 1) * args.applications
            print(
                f"(a) naive planning (ORM per application): {naive_seconds:.2f} s for "
                f"{sampled} → {naive_total:.2f} s for {args.applications} (extrapolated)"
            )

            uow = _uow(app.config)
            started = time.perf_counter()
            planned = ops.plan_reminders(uow)
            plan_seconds = time.perf_counter() - started
            uow.rollback()
            refund_count = sum(1 for r in planned if r.deadline.subject is Subject.refund)
            print(
                f"(b) plan_reminders: {plan_seconds:.2f} s for {args.applications} "
                f"applications, {len(planned)} reminders due ({refund_count} on refunds; "
                f"{_count(ReportReview)} refund notices seeded)"
            )

            uow = _uow(app.config)
            started = time.perf_counter()
            first = ops.send_reminders(uow)
            uow.commit()
            first_seconds = time.perf_counter() - started
            rows, mails = _count(SentReminder), _count(OutboxMail)
            print(
                f"(c) first run: {first.sent} sent, {first.no_address} without address, "
                f"in {first_seconds:.2f} s ({rows} reminder rows, {mails} mails queued)"
            )
            uow = _uow(app.config)
            started = time.perf_counter()
            second = ops.send_reminders(uow)
            uow.commit()
            second_seconds = time.perf_counter() - started
            again = _count(SentReminder) - rows, _count(OutboxMail) - mails
            print(
                f"    second run right after: {second.planned} planned, {second.sent} sent "
                f"in {second_seconds:.2f} s (new rows {again[0]}, new mails {again[1]})"
            )
            db.engine().dispose()

    ratio = naive_total / plan_seconds if plan_seconds else float("inf")
    limit = TARGET_SECONDS * args.applications / PER_20000
    met = plan_seconds < limit
    print()
    print(f"planning ratio (a)/(b): {ratio:6.1f}×")
    print(
        f"planning {args.applications} applications: {plan_seconds:5.2f} s   "
        f"target < {limit:.1f} s   {'met' if met else 'MISSED'}"
    )
    nothing = second.sent == 0 and again == (0, 0)
    print(f"second run sends nothing:          {'met' if nothing else 'MISSED'}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "applications": args.applications,
                    "naive_seconds_extrapolated": naive_total,
                    "plan_seconds": plan_seconds,
                    "ratio": ratio,
                    "planned": len(planned),
                    "planned_refunds": refund_count,
                    "first_sent": first.sent,
                    "first_no_address": first.no_address,
                    "first_seconds": first_seconds,
                    "second_planned": second.planned,
                    "second_sent": second.sent,
                    "second_new_rows": again[0],
                    "second_new_mails": again[1],
                }
            )
        )


if __name__ == "__main__":
    main()
