"""Notice numbers: the file number of the application, else the fund's own counter."""

from __future__ import annotations

import pytest

from service.operations.notices import allocate_notice_number

# on PostgreSQL too (tests/conftest.py): the per-fund notice counter
pytestmark = pytest.mark.db_semantics


def test_the_notice_counter_counts_per_fund_with_the_funds_key_and_year(db_session, fund):
    first = allocate_notice_number(db_session, fund)
    second = allocate_notice_number(db_session, fund)

    assert (first, second) == ("AIF-2026-001", "AIF-2026-002")
