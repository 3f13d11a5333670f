"""Two imports of the same treasury file at once (two workers, two tabs) record each payout
once: the import locks the matched orders and matches again, ``record_payout`` re-checks its
key after the lock (issue 19.6, "no money lost"). PostgreSQL: row locks are its semantics."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from service import db
from service.cli.uow import command_uow
from service.models import Payout, PayoutSource
from service.operations.partnerships import find_partnership
from service.operations.payout_import import import_payouts
from tests.payout_support import HEADER, approved_request
from tests.web.apply_helpers import make_app

SLUG = "boizenburg-luebtheen"
FILE = (HEADER + "AIF-2026-951-1;675,00;01.05.2026;;\r\n").encode()


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_two_simultaneous_imports_record_the_payout_once(db_url: str, tmp_path: Path):
    app = make_app(db_url, tmp_path, TODAY="2026-05-04")
    with app.app_context():
        approved_request(db.session(), SLUG, "AIF-2026-951", "675.00")
        db.session().commit()
    barrier = threading.Barrier(2)
    counts: list[int] = []
    problems: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context(), command_uow() as uow:
                partnership = find_partnership(uow, SLUG)
                barrier.wait(timeout=20)
                counts.append(len(import_payouts(uow, partnership, FILE).recorded))
        except BaseException as problem:  # reported below
            problems.append(problem)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert problems == []
    assert sorted(counts) == [0, 1]
    with app.app_context():
        payouts = (
            db.session().scalars(select(Payout).where(Payout.source == PayoutSource.csv)).all()
        )
        amounts = [p.amount for p in payouts]
    with app.app_context():
        db.engine().dispose()
    assert amounts == [Decimal("675.00")]
