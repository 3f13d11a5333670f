"""No money lost (issue 19.6): what two workers, two tabs or a double click send at the same
moment is recorded once – a payment request, a sign-off, a payout, a report. Each pair runs
in two threads that meet at a barrier right before the operation. PostgreSQL: its row locks
are what is tested (SQLite serialises writers anyway)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from service import db
from service.cli.uow import command_uow
from service.errors import Refused
from service.models import (
    Application,
    AuditLog,
    Partnership,
    PaymentRequest,
    PaymentStatus,
    Payout,
    PayoutSource,
    StaffUser,
    UsageReport,
)
from service.operations import applications as ops
from service.operations import payments
from service.uow import Actor, UnitOfWork
from tests.web.apply_helpers import grant, make_app

pytestmark = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)

SLUG = "boizenburg-luebtheen"


def _app(db_url: str, tmp_path: Path) -> Flask:
    app = make_app(db_url, tmp_path, TODAY="2026-05-04")
    with app.app_context():
        partnership = (
            db.session().scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        )
        partnership.budget_lines = {fund.key: "3610.718000" for fund in partnership.funds}
        db.session().commit()
    return app


def _twice(
    app: Flask, work: Callable[[UnitOfWork, int], Any], actors: tuple[Actor, Actor] | None = None
) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(uow, n)`` in two threads at once, each in its own unit of work (committed
    at the end, as a request or a command is); what they returned, and what they raised."""
    barrier = threading.Barrier(2)
    results: list[Any] = []
    problems: list[BaseException] = []

    def run(n: int) -> None:
        try:
            with app.app_context(), command_uow(actors[n] if actors else None) as uow:
                barrier.wait(timeout=20)
                results.append(work(uow, n))
        except BaseException as problem:  # reported to the test
            problems.append(problem)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, problems


def _application(uow: UnitOfWork, app_id: int) -> Application:
    found = uow.session.get(Application, app_id)
    assert found is not None
    return found


def _staff(uow: UnitOfWork, email: str) -> StaffUser:
    return uow.session.scalars(select(StaffUser).where(StaffUser.email == email)).one()


def _request(app: Flask, app_id: int, amount: str = "380.00") -> int:
    with app.app_context(), command_uow() as uow:
        request = ops.request_payment(
            uow,
            _application(uow, app_id),
            amount=Decimal(amount),
            needed_on=date(2026, 5, 20),
            idempotency_key=f"first-{app_id}",
        )
        uow.session.flush()
        return request.id


def _audit(app: Flask, action: str) -> int:
    with app.app_context():
        return len(db.session().scalars(select(AuditLog).where(AuditLog.action == action)).all())


def test_two_tabs_requesting_money_at_once_never_exceed_the_grant(db_url: str, tmp_path: Path):
    app = _app(db_url, tmp_path)
    app_id = grant(app, None)  # grant 600 €

    def work(uow: UnitOfWork, n: int) -> PaymentRequest:
        return ops.request_payment(
            uow,
            _application(uow, app_id),
            amount=Decimal("400.00"),
            needed_on=date(2026, 5, 20),
            idempotency_key=f"tab-{n}",
        )

    results, problems = _twice(app, work)
    assert len(results) == 1
    assert [type(p) for p in problems] == [ops.RulesRefused]
    with app.app_context():
        amounts = db.session().scalars(select(PaymentRequest.amount)).all()
    assert amounts == [Decimal("400.00")]
    assert _audit(app, "payment.request") == 1


def test_a_double_click_on_the_payment_form_records_one_request(db_url: str, tmp_path: Path):
    app = _app(db_url, tmp_path)
    app_id = grant(app, None)

    def work(uow: UnitOfWork, _n: int) -> int:
        request = ops.request_payment(
            uow,
            _application(uow, app_id),
            amount=Decimal("100.00"),
            needed_on=date(2026, 5, 20),
            idempotency_key="same-form",
        )
        uow.session.flush()
        return request.id

    results, problems = _twice(app, work)
    assert problems == []
    assert len(set(results)) == 1
    with app.app_context():
        assert len(db.session().scalars(select(PaymentRequest)).all()) == 1


def test_two_simultaneous_approvals_sign_once(db_url: str, tmp_path: Path):
    app = _app(db_url, tmp_path)
    request_id = _request(app, grant(app, None))
    kuf = Actor("staff", "kuf@demo.example")
    lead = Actor("staff", "lead@demo.example")

    def factual(uow: UnitOfWork, n: int) -> PaymentStatus:
        request = uow.session.get(PaymentRequest, request_id)
        assert request is not None
        email = "kuf@demo.example" if n == 0 else "lead@demo.example"
        return payments.sign_factual(uow, request, _staff(uow, email)).status

    results, problems = _twice(app, factual, (kuf, lead))
    assert results == [PaymentStatus.checked]
    assert len(problems) == 1
    assert isinstance(problems[0], Refused)
    assert problems[0].status == 409
    assert _audit(app, "payment.sign_factual") == 1

    with app.app_context():
        stored = db.session().get(PaymentRequest, request_id)
        assert stored is not None
        signer = stored.factual_by_id
    # the second sign-off by the other account (four eyes), from two of its tabs at once
    with app.app_context():
        signer_email = db.session().get(StaffUser, signer).email
    lead_email = "lead@demo.example" if signer_email == "kuf@demo.example" else "kuf@demo.example"

    def arithmetic(uow: UnitOfWork, _n: int) -> str:
        request = uow.session.get(PaymentRequest, request_id)
        assert request is not None
        staff = _staff(uow, lead_email)
        return payments.sign_arithmetic(uow, request, staff, body=lambda r: "Mail").cash_reference

    second = Actor("staff", lead_email)
    results, problems = _twice(app, arithmetic, (second, second))
    assert len(results) == 1
    assert results[0]
    assert len(problems) == 1
    assert isinstance(problems[0], Refused)
    assert problems[0].status == 409
    assert _audit(app, "payment.sign_arithmetic") == 1


def test_two_payouts_of_one_order_at_once_are_recorded_once(db_url: str, tmp_path: Path):
    app = _app(db_url, tmp_path)
    request_id = _request(app, grant(app, None))
    with app.app_context():
        stored = db.session().get(PaymentRequest, request_id)
        assert stored is not None
        stored.status = PaymentStatus.approved
        stored.approved_amount = Decimal("380.00")
        stored.cash_reference = "KZ-1"
        db.session().commit()

    def pay(key: str) -> Callable[[UnitOfWork, int], Decimal]:
        def work(uow: UnitOfWork, n: int) -> Decimal:
            request = uow.session.get(PaymentRequest, request_id)
            assert request is not None
            return payments.record_payout(
                uow,
                request,
                amount=Decimal("380.00"),
                paid_on=date(2026, 5, 4),
                source=PayoutSource.hand,
                idempotency_key=key.format(n=n),
            ).amount

        return work

    # a double click: the same form twice – one payout, both see it
    results, problems = _twice(app, pay("click"))
    assert problems == []
    assert results == [Decimal("380.00"), Decimal("380.00")]
    # two tabs (each form its own key): the second would pay more than approved – refused
    results, problems = _twice(app, pay("tab-{n}"))
    assert results == []
    assert len(problems) == 2
    assert all(isinstance(p, Refused) for p in problems)
    with app.app_context():
        amounts = db.session().scalars(select(Payout.amount)).all()
        assert ops.paid_total(db.session(), stored.application_id) == Decimal("380.00")
    assert amounts == [Decimal("380.00")]
    assert isinstance(amounts[0], Decimal)
    assert _audit(app, "payout.record") == 1


def test_a_report_submitted_twice_at_once_is_stored_once(db_url: str, tmp_path: Path):
    app = _app(db_url, tmp_path)
    app_id = grant(app, None)
    data = {
        "narrative": {
            "activities": "Fest.",
            "goals_reached": "Ja.",
            "deviations": "Weniger Material.",
            "participants_actual": 40,
        },
        "receipts": [
            {
                "number": "1",
                "date": "2026-05-02",
                "payee": "Mira Muster",
                "purpose": "Workshop",
                "category": "honorare",
                "amount": "400.00",
                "kind": "expense",
            }
        ],
        "income": {"own_funds": "100.00", "third_party": "150.00", "revenue": "0.00"},
    }

    def work(uow: UnitOfWork, n: int) -> int:
        report = ops.submit_report(
            uow, _application(uow, app_id), data=data, idempotency_key=f"tab-{n}"
        )
        uow.session.flush()
        return report.id

    results, problems = _twice(app, work)
    assert problems == []
    assert len(set(results)) == 1
    with app.app_context():
        assert len(db.session().scalars(select(UsageReport)).all()) == 1
    assert _audit(app, "report.submit") == 1
