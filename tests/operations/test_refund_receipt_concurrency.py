"""Two receipts on one refund at the same moment (issue 19.4, "no money lost"): the same form
twice (double click, two workers) records once; two different receipts that would each
settle the refund record one and refuse the other – the review row is locked, so the
second sees the first's receipt. PostgreSQL: row locks are its semantics."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service import db
from service.domain.messages import PlainLocalizer
from service.errors import Refused
from service.models import Application, AuditLog, RefundReceipt
from service.operations import refunds
from service.uow import Actor, build_uow
from tests.refund_support import refund_due
from tests.web.apply_helpers import make_app


def _race(app, app_id: int, keys: list[str]) -> tuple[list[int], list[str]]:
    barrier = threading.Barrier(len(keys))
    recorded: list[int] = []
    refused: list[str] = []
    problems: list[BaseException] = []

    def run(key: str) -> None:
        try:
            with app.app_context():
                session = db.session()
                uow = build_uow(
                    session, app.config, actor=Actor("staff", "2"), localizer=PlainLocalizer()
                )
                application = session.get_one(Application, app_id)
                barrier.wait(timeout=20)
                try:
                    receipt = refunds.record_refund_receipt(
                        uow,
                        application,
                        amount=Decimal("83.45"),
                        received_on=date(2026, 5, 18),
                        idempotency_key=key,
                    )
                    session.commit()
                    recorded.append(receipt.id)
                except Refused as refusal:
                    session.rollback()
                    refused.append(refusal.message.render(PlainLocalizer()))
        except BaseException as problem:  # reported below
            problems.append(problem)

    threads = [threading.Thread(target=run, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert problems == []
    return recorded, refused


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
@pytest.mark.parametrize("same_key", [True, False])
def test_two_receipts_at_once_settle_the_refund_once(db_url: str, tmp_path: Path, same_key):
    app = make_app(db_url, tmp_path, TODAY="2026-05-20")
    with app.app_context():
        application = refund_due(
            db.session(), "AIF-2026-971", due_on=date(2026, 6, 3), issued_on=date(2026, 5, 4)
        )
        db.session().commit()
        app_id = application.id

    keys = ["same", "same"] if same_key else ["first", "second"]
    recorded, refused = _race(app, app_id, keys)

    with app.app_context():
        session = db.session()
        rows = session.scalar(select(func.count()).select_from(RefundReceipt))
        settled = session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "refund.settled")
        )
        state = session.get_one(Application, app_id).state.value
    with app.app_context():
        db.engine().dispose()
    assert rows == 1
    assert settled == 1
    assert state == "closed"
    if same_key:
        assert len(recorded) == 2
        assert len(set(recorded)) == 1
        assert refused == []
    else:
        assert len(recorded) == 1
        assert len(refused) == 1
        assert "received in full" in refused[0]
