"""Applications: optimistic locking (R19), idempotent submission (R18), exact money, UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from service.domain.catalogues import DECLARATIONS
from service.domain.states import ApplicationState
from service.models import DECLARATION_KEYS, Application, CostLine, Fund

# on PostgreSQL too (tests/conftest.py): constraints, optimistic locking, money and time types
pytestmark = pytest.mark.db_semantics


def test_the_second_of_two_concurrent_saves_raises_stale_data_error(
    db_engine: Engine, stored_application: Application
):
    with Session(db_engine) as first, Session(db_engine) as second:
        mine = first.get_one(Application, stored_application.id)
        theirs = second.get_one(Application, stored_application.id)

        mine.title = "Demokratiefest am Elbufer 2026"
        first.commit()

        theirs.title = "Fest der Vielfalt"
        with pytest.raises(StaleDataError):
            second.commit()

    with Session(db_engine) as check:
        stored = check.get_one(Application, stored_application.id)
        assert (stored.title, stored.version) == ("Demokratiefest am Elbufer 2026", 2)


def test_a_changed_cost_line_counts_as_a_change_of_its_application(
    db_engine: Engine, stored_application: Application
):
    with Session(db_engine) as session:
        application = session.get_one(Application, stored_application.id)
        application.cost_lines.append(
            CostLine(category="honorare", description="Workshopleitung", amount=Decimal("480.00"))
        )
        session.commit()
        assert application.version == 2

    with Session(db_engine) as first, Session(db_engine) as second:
        mine = first.get_one(Application, stored_application.id)
        theirs = second.get_one(Application, stored_application.id)

        mine.cost_lines[0].amount = Decimal("500.00")
        first.commit()
        assert mine.version == 3

        theirs.cost_lines[0].description = "Moderation"
        with pytest.raises(StaleDataError):
            second.commit()


def test_removing_a_cost_line_also_bumps_the_version(
    db_session: Session, stored_application: Application
):
    stored_application.cost_lines.append(CostLine(category="miete", amount=Decimal("80.00")))
    db_session.commit()
    version = stored_application.version

    stored_application.cost_lines.pop()
    db_session.commit()

    assert stored_application.version == version + 1
    assert db_session.scalars(text("SELECT count(*) FROM cost_line")).one() == 0


def test_a_form_showing_an_older_version_is_refused(stored_application: Application):
    stored_application.check_version(stored_application.version)

    with pytest.raises(StaleDataError):
        stored_application.check_version(stored_application.version - 1)


def test_cost_lines_keep_their_order_as_zero_based_positions(
    db_engine: Engine, stored_application: Application
):
    with Session(db_engine) as session:
        application = session.get_one(Application, stored_application.id)
        for category in ("honorare", "sachausgaben", "miete"):
            application.cost_lines.append(CostLine(category=category))
        application.cost_lines.insert(0, CostLine(category="verpflegung"))
        session.commit()

    with Session(db_engine) as session:
        application = session.get_one(Application, stored_application.id)
        assert [(line.position, line.category) for line in application.cost_lines] == [
            (0, "verpflegung"),
            (1, "honorare"),
            (2, "sachausgaben"),
            (3, "miete"),
        ]


def test_a_replayed_submission_with_the_same_idempotency_key_is_refused(
    db_session: Session, fund: Fund
):
    db_session.add(Application(fund=fund, idempotency_key="7f3c9a"))
    db_session.commit()

    db_session.add(Application(fund=fund, idempotency_key="7f3c9a"))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_applications_without_idempotency_key_do_not_collide(db_session: Session, fund: Fund):
    db_session.add_all([Application(fund=fund), Application(fund=fund)])
    db_session.flush()


def test_a_file_number_is_unique_within_its_fund(db_session: Session, fund: Fund):
    db_session.add(Application(fund=fund, reference="AIF-2026-001"))
    db_session.commit()

    db_session.add(Application(fund=fund, reference="AIF-2026-001"))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_money_comes_back_as_the_exact_decimal(db_engine: Engine, stored_application: Application):
    with Session(db_engine) as session:
        application = session.get_one(Application, stored_application.id)
        application.requested = Decimal("4999.99")
        application.cost_lines.append(
            CostLine(
                category="reisekosten",
                quantity=Decimal("123.5"),
                unit="km",
                unit_price=Decimal("0.1975"),
                amount=Decimal("24.39"),
            )
        )
        session.commit()

    with Session(db_engine) as session:
        application = session.get_one(Application, stored_application.id)
        line = application.cost_lines[0]
        assert application.requested == Decimal("4999.99")
        assert isinstance(application.requested, Decimal)
        assert (line.quantity, line.unit_price, line.amount) == (
            Decimal("123.5"),
            Decimal("0.1975"),
            Decimal("24.39"),
        )


def test_a_negative_requested_grant_is_refused_by_the_database(
    db_session: Session, stored_application: Application
):
    stored_application.requested = Decimal("-1.00")
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_an_unknown_state_is_refused_by_the_database(
    db_session: Session, stored_application: Application
):
    with pytest.raises(IntegrityError):
        db_session.execute(
            text("UPDATE application SET state = 'bewilligt' WHERE id = :id"),
            {"id": stored_application.id},
        )


def test_a_new_application_is_a_draft_at_version_one(stored_application: Application):
    assert stored_application.state is ApplicationState.draft
    assert stored_application.version == 1


def test_times_are_stored_in_utc_and_read_back_timezone_aware(
    db_engine: Engine, stored_application: Application
):
    berlin = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # after the switch
    with Session(db_engine) as session:
        application = session.get_one(Application, stored_application.id)
        application.submitted_at = berlin
        session.commit()

    with Session(db_engine) as session:
        stored = session.get_one(Application, stored_application.id).submitted_at
        assert stored == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
        assert stored is not None
        assert stored.utcoffset() is not None


def test_a_naive_datetime_is_refused(db_session: Session, stored_application: Application):
    stored_application.submitted_at = datetime(2026, 3, 1, 12, 0)
    with pytest.raises(StatementError, match="naive datetime"):
        db_session.flush()


def test_every_declaration_of_the_catalogue_has_a_column():
    assert set(DECLARATION_KEYS) == set(DECLARATIONS)
