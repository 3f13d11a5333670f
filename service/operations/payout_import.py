"""Payouts from the treasury's CSV (issue 19.1): a preview of what matches the open payment
orders, and the import of the matched lines as payouts (source csv, idempotent).

* :func:`preview_import` – reads the file and matches it; saves nothing.
* :func:`import_payouts` – the same, with the matched orders' rows locked, then records the
  matched lines through :func:`~service.operations.payments.record_payout`. A file with a
  malformed line is refused as a whole (it is probably not the export it claims to be).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select

from ..domain.messages import N_, Message
from ..domain.treasury_csv import (
    LineResult,
    OpenOrder,
    Outcome,
    TreasuryFileError,
    match_lines,
    parse_treasury_csv,
)
from ..errors import Refused
from ..models import Partnership, PaymentRequest, Payout, PayoutSource
from ..uow import UnitOfWork
from . import audit
from .payments import open_orders, payouts_of, record_payout


@dataclass
class ImportPreview:
    """The results per line and the file's SHA-256 (shown, and checked on confirmation)."""

    results: list[LineResult]
    sha256: str
    recorded: list[LineResult] = field(default_factory=list)

    def of(self, outcome: Outcome) -> list[LineResult]:
        return [r for r in self.results if r.outcome is outcome]

    @property
    def matched(self) -> list[LineResult]:
        return self.of(Outcome.matched)

    @property
    def malformed(self) -> list[LineResult]:
        return self.of(Outcome.malformed)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _orders(uow: UnitOfWork, requests: list[PaymentRequest]) -> list[OpenOrder]:
    return [
        OpenOrder(
            request_id=r.id,
            cash_reference=r.cash_reference,
            file_number=r.application.reference or "",
            approved=r.effective_amount,
            paid=sum((p.amount for p in payouts_of(uow, r)), r.effective_amount * 0),
        )
        for r in requests
    ]


def _match(uow: UnitOfWork, partnership: Partnership, data: bytes) -> ImportPreview:
    try:
        parsed = parse_treasury_csv(data, today=uow.today())
    except TreasuryFileError as problem:
        raise Refused(problem.message) from problem
    scope = f"partnership:{partnership.id}"
    keys = [line.key(scope) for line in parsed.lines]
    recorded = (
        set(
            uow.session.scalars(
                select(Payout.idempotency_key).where(Payout.idempotency_key.in_(keys))
            )
        )
        if keys
        else set()
    )
    orders = _orders(uow, list(open_orders(uow, partnership.id)))
    return ImportPreview(match_lines(parsed, orders, recorded, scope=scope), file_hash(data))


def preview_import(uow: UnitOfWork, partnership: Partnership, data: bytes) -> ImportPreview:
    """What the file would record; nothing is saved."""
    return _match(uow, partnership, data)


def import_payouts(
    uow: UnitOfWork, partnership: Partnership, data: bytes, *, expected_sha256: str = ""
) -> ImportPreview:
    """Record the matched lines of ``data`` as payouts (source csv). ``expected_sha256``
    (the preview's) must be the file's when given. Refused when a line is malformed."""
    sha256 = file_hash(data)
    if expected_sha256 and expected_sha256 != sha256:
        raise Refused(
            Message(N_("The file is not the one shown in the preview. Please upload it again."))
        )
    first = _match(uow, partnership, data)
    _refuse_malformed(first)
    # lock the orders in id order (two imports at once wait for each other, no deadlock),
    # then match again on what is now certain
    for request_id in sorted({r.order.request_id for r in first.results if r.order}):
        found = uow.session.get(PaymentRequest, request_id)
        if found is not None:
            uow.session.refresh(found, with_for_update=True)
    preview = _match(uow, partnership, data)
    for result in preview.matched:
        entry, order = result.entry, result.order
        request = uow.session.get(PaymentRequest, order.request_id) if order else None
        if entry is None or request is None:  # a matched line has both
            continue
        record_payout(
            uow,
            request,
            amount=entry.amount,
            paid_on=entry.booked_on,
            source=PayoutSource.csv,
            idempotency_key=result.key,
            cash_ref=entry.cash_reference or request.cash_reference,
        )
        preview.recorded.append(result)
    audit.record(
        uow.session,
        uow.actor,
        "payout.import",
        "partnership",
        partnership.id,
        partnership_id=partnership.id,
        sha256=sha256,
        recorded=len(preview.recorded),
        lines=len(preview.results),
    )
    return preview


def _refuse_malformed(preview: ImportPreview) -> None:
    bad = preview.malformed
    if bad:
        raise Refused(
            Message(
                N_(
                    "The file has malformed lines (%(lines)s); nothing has been recorded. "
                    "Please correct the file and import it again."
                ),
                {"lines": ", ".join(str(r.line) for r in bad)},
            )
        )
