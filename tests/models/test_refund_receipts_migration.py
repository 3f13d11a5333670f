"""Migration 0022f (issue 19.4) on existing data: a refund notice issued before it gets the
total its review stored (``total_due``, what the notice states), a closing letter none; the
receipts table exists; going back removes both."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, pool

from service.models.migrate import downgrade, upgrade
from tests.models.test_committee_terms_migration import _insert

pytestmark = pytest.mark.db_semantics

BEFORE = "0021r_report_review"
AFTER = "0022f_refund_receipts"


@pytest.mark.parametrize(
    "blank_db_url",
    ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)
def test_issued_refund_notices_get_their_stated_total(blank_db_url):
    upgrade(blank_db_url, BEFORE)
    engine = create_engine(blank_db_url, poolclass=pool.NullPool)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        t = meta.tables
        with engine.begin() as connection:
            partnership = _insert(connection, t["partnership"], slug="alt", name="Alt")
            fund = _insert(connection, t["fund"], partnership_id=partnership, key="aif")

            def review(reference: str, kind: str, result: dict[str, Any]) -> int:
                application = _insert(
                    connection,
                    t["application"],
                    fund_id=fund,
                    reference=reference,
                    state="revoked",
                    version=1,
                    fields_of_action=[],
                    target_groups=[],
                )
                report = _insert(
                    connection,
                    t["usage_report"],
                    application_id=application,
                    idempotency_key=f"r-{reference}",
                )
                return _insert(
                    connection,
                    t["report_review"],
                    application_id=application,
                    usage_report_id=report,
                    issued_kind=kind,
                    result=result,
                    recognised={},
                    reasons={},
                    sampled=[],
                )

            refund = review("AIF-1", "refund_notice", {"total_due": "83.45", "refund": "80.00"})
            closing = review("AIF-2", "closing_letter", {"refund": "0.00"})
        upgrade(blank_db_url, AFTER)

        with engine.connect() as connection:
            totals = dict(
                connection.execute(sa.text("SELECT id, refund_total FROM report_review")).all()
            )
            tables = set(sa.inspect(connection).get_table_names())
        assert Decimal(str(totals[refund])) == Decimal("83.45")
        assert totals[closing] is None
        assert "refund_receipt" in tables

        downgrade(blank_db_url, BEFORE)
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert "refund_receipt" not in inspector.get_table_names()
            columns = {c["name"] for c in inspector.get_columns("report_review")}
        assert "refund_total" not in columns
        assert "settled_on" not in columns
    finally:
        engine.dispose()
