"""The audit log is append-only: the database refuses UPDATE and DELETE (R24)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.models import AuditLog

# on PostgreSQL too (tests/conftest.py): the triggers that keep the audit log append-only
pytestmark = pytest.mark.db_semantics


@pytest.fixture
def entry(db_session: Session) -> AuditLog:
    entry = AuditLog(
        actor="staff:1",
        action="application.submit",
        object_type="application",
        object_id="7",
        details={"reference": "AIF-2026-007"},
    )
    db_session.add(entry)
    db_session.commit()
    return entry


def test_an_entry_is_written_with_a_utc_time_and_its_details(db_engine: Engine, entry: AuditLog):
    with Session(db_engine) as session:
        stored = session.get_one(AuditLog, entry.id)
        assert stored.details == {"reference": "AIF-2026-007"}
        assert isinstance(stored.created_at, datetime)
        assert stored.created_at.utcoffset() is not None


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'application.approve'",
        "UPDATE audit_log SET details = '{}' WHERE id = :id",
        "DELETE FROM audit_log WHERE id = :id",
        "DELETE FROM audit_log",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_entry(
    db_engine: Engine, entry: AuditLog, statement: str
):
    with db_engine.connect() as connection:
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement), {"id": entry.id})
        connection.rollback()

    with Session(db_engine) as session:
        stored = session.get_one(AuditLog, entry.id)
        assert stored.action == "application.submit"
        assert stored.details == {"reference": "AIF-2026-007"}


def test_changing_an_entry_through_the_orm_is_refused_too(db_session: Session, entry: AuditLog):
    entry.action = "application.approve"
    with pytest.raises(DBAPIError, match="append-only"):
        db_session.commit()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.postgres
def test_postgresql_refuses_to_truncate_the_audit_log(db_engine: Engine, entry: AuditLog):
    with db_engine.connect() as connection:
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("TRUNCATE audit_log"))
        connection.rollback()
        assert connection.scalar(select(func.count()).select_from(AuditLog)) == 1


def test_new_entries_can_still_be_appended(db_session: Session, entry: AuditLog):
    db_session.add(AuditLog(actor="system:demo", action="demo.load"))
    db_session.commit()

    assert db_session.scalar(select(func.count()).select_from(AuditLog)) == 2
