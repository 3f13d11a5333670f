"""Small builders for model tests: a partnership with a fund and a stored guideline."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from service.models import Application, Fund, Partnership
from tests.conftest import FIXTURES

AIF_GUIDELINE = (FIXTURES / "guideline-aif-2026.toml").read_text(encoding="utf-8")


def make_fund(session: Session, slug: str = "musterstadt") -> Fund:
    partnership = Partnership(slug=slug, name=f"Partnerschaft für Demokratie {slug}")
    fund = Fund(partnership=partnership, key="AIF-2026")
    fund.add_guideline(AIF_GUIDELINE)
    session.add(fund)
    session.flush()
    return fund


@pytest.fixture
def fund(db_session: Session) -> Fund:
    return make_fund(db_session)


@pytest.fixture
def stored_application(db_session: Session, fund: Fund) -> Application:
    application = Application(fund=fund, title="Demokratiefest am Elbufer")
    db_session.add(application)
    db_session.commit()
    return application
