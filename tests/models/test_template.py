"""A partnership's template versions: numbered per kind, at most one active per kind – held
by the database itself, so two activations at the same time cannot both win."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.models import PartnershipTemplate
from tests.conftest import make_fund

# on PostgreSQL too (tests/conftest.py): the partial unique index and the constraints
pytestmark = pytest.mark.db_semantics


def version(partnership_id: int, kind: str, number: int, *, active: bool = False):
    return PartnershipTemplate(
        partnership_id=partnership_id,
        kind=kind,
        version=number,
        name=f"{kind}-{number}.docx",
        sha256=f"{number:064x}",
        size=3,
        data=b"abc",
        active=active,
    )


def test_one_active_version_per_kind_many_inactive_and_other_kinds_alike(db_session: Session):
    p = make_fund(db_session).partnership.id
    db_session.add_all(
        [
            version(p, "approval", 1),
            version(p, "approval", 2, active=True),
            version(p, "approval", 3),
            version(p, "minutes", 1, active=True),
        ]
    )
    db_session.flush()

    db_session.add(version(p, "approval", 4, active=True))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_another_partnership_has_its_own_active_version_and_numbers(db_session: Session):
    a = make_fund(db_session, "a").partnership.id
    b = make_fund(db_session, "b").partnership.id
    db_session.add_all(
        [version(a, "approval", 1, active=True), version(b, "approval", 1, active=True)]
    )
    db_session.flush()

    db_session.add(version(a, "approval", 1))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_a_version_number_below_one_is_refused(db_session: Session):
    db_session.add(version(make_fund(db_session).partnership.id, "approval", 0))
    with pytest.raises(IntegrityError):
        db_session.flush()
