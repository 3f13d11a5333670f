"""Two clicks on "issue" at once (two tabs, two workers) issue one refund notice: the review
row is locked and the second finds the first's document (issue 19.6, "no money lost").
PostgreSQL: row locks are its semantics. A fixed PDF stands in for LibreOffice."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service import db
from service.domain.messages import PlainLocalizer
from service.models import Application, Document, OutboxMail, StaffUser
from service.operations import report_review as ops
from service.uow import Actor, build_uow
from tests.web.review_support import reported, review_form
from tests.web.staff_support import KUF
from tests.web.test_policy import _pdf

from ..web.apply_helpers import make_app


def _body(application: Any, kind: str, attached: bool) -> str:
    return f"{kind} für {application.reference}"


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_two_simultaneous_issues_make_one_refund_notice(db_url: str, tmp_path: Path):
    app = make_app(db_url, tmp_path, TODAY="2026-05-04")
    _applicant, app_id = reported(app)
    pdf = _pdf()
    form = review_form()
    with app.app_context():
        session = db.session()
        uow = build_uow(session, app.config, actor=Actor("staff", "1"), localizer=PlainLocalizer())
        application = session.get(Application, app_id)
        assert application is not None
        kuf = session.scalars(select(StaffUser).where(StaffUser.email == KUF)).one()
        ops.save_review(
            uow,
            application,
            ops.ReviewInput(
                recognised={},
                reasons={},
                sampled=["1"],
                note=form["note"],
                effective_on=None,
                refund_on=None,
            ),
        )
        ops.finish_review(uow, application, kuf)
        session.commit()

    barrier = threading.Barrier(2)
    numbers: list[list[str]] = []
    problems: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                session = db.session()
                uow = build_uow(
                    session,
                    app.config,
                    actor=Actor("staff", "2"),
                    localizer=PlainLocalizer(),
                    pdf=lambda *_args, **_kw: pdf,
                )
                application = session.get(Application, app_id)
                barrier.wait(timeout=20)
                documents = ops.issue_outcome(uow, application, body=_body)
                numbers.append([d.number for d in documents])
                session.commit()
        except BaseException as problem:  # reported below
            problems.append(problem)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert problems == []
    assert len(numbers) == 2
    with app.app_context():
        session = db.session()
        notices = session.scalars(select(Document).where(Document.kind == "refund_notice")).all()
        mails = session.scalars(select(OutboxMail)).all()
        subjects = [m.subject for m in mails if "TW-" in (m.subject or "")]
    with app.app_context():
        db.engine().dispose()
    assert len(notices) == 1
    assert len(subjects) == 1
