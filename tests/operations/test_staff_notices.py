"""Notice numbers: the file number of the application, else the fund's own counter."""

from __future__ import annotations

from service.operations.notices import allocate_notice_number


def test_the_notice_counter_counts_per_fund_with_the_funds_key_and_year(db_session, fund):
    first = allocate_notice_number(db_session, fund)
    second = allocate_notice_number(db_session, fund)

    assert (first, second) == ("AIF-2026-001", "AIF-2026-002")
