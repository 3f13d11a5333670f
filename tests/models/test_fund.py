"""Funds keep their guideline as versioned text and hand out file numbers without gaps."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.domain.guideline import GuidelineError
from service.models import Fund, FundGuideline, Partnership, allocate_reference
from service.models.fund import sha256_text
from tests.conftest import AIF_GUIDELINE

# on PostgreSQL too (tests/conftest.py): unique constraints and the per-fund file-number counter
pytestmark = pytest.mark.db_semantics


def test_the_current_guideline_gives_the_rules_of_the_fund(fund: Fund):
    assert fund.guideline.budget == Decimal("40000.00")
    assert fund.current_guideline is not None
    assert fund.current_guideline.version == 1
    assert fund.current_guideline.sha256 == sha256_text(AIF_GUIDELINE)


def test_loading_the_same_guideline_again_adds_no_version(db_session: Session, fund: Fund):
    fund.add_guideline(AIF_GUIDELINE)
    db_session.flush()

    assert [g.version for g in fund.guidelines] == [1]


def test_a_changed_guideline_becomes_a_new_version_and_the_old_one_stays(
    db_engine: Engine, db_session: Session, fund: Fund
):
    raised = AIF_GUIDELINE.replace('budget = "40000.00"', 'budget = "45000.00"')
    fund.add_guideline(raised)
    db_session.commit()

    with Session(db_engine) as session:
        stored = session.get_one(Fund, fund.id)
        assert [g.version for g in stored.guidelines] == [1, 2]
        assert stored.guideline.budget == Decimal("45000.00")
        assert stored.guidelines[0].rules.budget == Decimal("40000.00")


def test_a_guideline_of_another_fund_is_refused(fund: Fund):
    youth = AIF_GUIDELINE.replace('key = "AIF-2026"', 'key = "JF-2026"')

    with pytest.raises(GuidelineError, match=r"fund\.key"):
        fund.add_guideline(youth)


def test_an_unreadable_guideline_is_refused(fund: Fund):
    with pytest.raises(GuidelineError):
        fund.add_guideline("[fund]\nkey = ")


def test_two_versions_with_the_same_number_are_refused(db_session: Session, fund: Fund):
    db_session.add(FundGuideline(fund=fund, version=1, toml_text="", sha256=""))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_file_numbers_count_up_per_fund(db_session: Session, fund: Fund):
    other = Fund(partnership=fund.partnership, key="JF-2026")
    db_session.add(other)
    db_session.flush()

    numbers = [allocate_reference(db_session, fund) for _ in range(3)]
    numbers.append(allocate_reference(db_session, other))

    assert numbers == ["AIF-2026-001", "AIF-2026-002", "AIF-2026-003", "JF-2026-001"]
    assert fund.last_number == 3


def test_a_fund_key_is_unique_within_its_partnership_only(db_session: Session, fund: Fund):
    elsewhere = Partnership(slug="anderswo", name="Partnerschaft für Demokratie Anderswo")
    db_session.add(Fund(partnership=elsewhere, key="AIF-2026"))
    db_session.flush()

    db_session.add(Fund(partnership=fund.partnership, key="AIF-2026"))
    with pytest.raises(IntegrityError):
        db_session.flush()
