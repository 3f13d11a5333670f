"""An approved payment request with its Kassenzeichen, made directly in the database (the
sign-offs and the payment order have their own tests): the candidate of a treasury import."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Application, Fund, Partnership, PaymentRequest, PaymentStatus

HEADER = "Kassenzeichen;Betrag;Buchungsdatum;Aktenzeichen;Verwendungszweck\r\n"


def approved_request(
    session: Session, slug: str, reference: str, amount: str, *, number: int = 1
) -> int:
    fund = session.scalars(
        select(Fund).join(Partnership).where(Partnership.slug == slug).order_by(Fund.id)
    ).first()
    assert fund is not None
    application = Application(fund=fund, title=f"Projekt {reference}", reference=reference)
    session.add(application)
    session.flush()
    request = PaymentRequest(
        application_id=application.id,
        amount=Decimal(amount),
        needed_on=date(2026, 5, 1),
        requested_on=date(2026, 4, 1),
        idempotency_key=f"test-{reference}-{number}",
        status=PaymentStatus.approved,
        approved_amount=Decimal(amount),
        cash_reference=f"{reference}-{number}",
    )
    session.add(request)
    session.flush()
    return request.id
