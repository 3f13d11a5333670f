"""Migration 0014 (issue 16, item 3) on existing data: every active member gets one open term
from the earlier of its creation and its committee's first session, with its group, vote,
chair and deputy; an inactive member gets none; going back restores the columns."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, pool

from service.models.migrate import downgrade, upgrade

pytestmark = pytest.mark.db_semantics

BEFORE = "0012_partnership_settings"
AFTER = "0014_committee_terms"
CREATED = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def _filler(column: sa.Column[Any]) -> Any:
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 0
    if isinstance(kind, sa.DateTime):
        return CREATED
    if isinstance(kind, sa.Date):
        return date(2026, 1, 1)
    if isinstance(kind, sa.JSON):
        return {}
    return "x"


def _insert(connection: sa.Connection, table: sa.Table, **values: Any) -> int:
    row = {
        column.name: _filler(column)
        for column in table.columns
        if not column.nullable
        and column.server_default is None
        and not column.primary_key
        and column.name not in values
    }
    row.update(values)
    return int(connection.execute(table.insert().values(**row)).inserted_primary_key[0])


def test_existing_members_get_one_term_each_and_going_back_restores_them(blank_db_url):
    upgrade(blank_db_url, BEFORE)
    engine = create_engine(blank_db_url, poolclass=pool.NullPool)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        t = meta.tables
        with engine.begin() as connection:
            partnership = _insert(connection, t["partnership"], slug="alt", name="Alt")
            committee = _insert(
                connection,
                t["committee"],
                partnership_id=partnership,
                name="BgA",
                body="begleitausschuss",
            )
            _insert(
                connection,
                t["meeting"],
                committee_id=committee,
                held_on=date(2026, 1, 20),
                mode="session",
            )

            def member(name: str, **values: Any) -> int:
                values = {
                    "organisation": "Verein",
                    "sector": "civil",
                    "voting": True,
                    "chair": False,
                    "active": True,
                    "created_at": CREATED,
                    **values,
                }
                return _insert(
                    connection, t["committee_member"], committee_id=committee, name=name, **values
                )

            member("Anna", chair=True)
            erika = member("Erika", sector="admin", organisation="Stadt")
            member("Ilja", sector="admin", voting=False, deputy_for_id=erika)
            member("Otto", active=False)
            member("Gast", voting=False, chair=True)
        upgrade(blank_db_url, AFTER)

        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT m.name, t.term_from, t.term_to, t.sector, t.voting, t.chair, "
                    "t.deputy_for_id, t.organisation FROM committee_term t "
                    "JOIN committee_member m ON m.id = t.member_id ORDER BY m.name"
                )
            ).all()
            columns = {c["name"] for c in sa.inspect(connection).get_columns("committee_member")}
        start = date(2026, 1, 20)  # the first session came before the members were created

        def as_date(value: Any) -> date:
            return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])

        assert [
            (r[0], as_date(r[1]), r[2], r[3], bool(r[4]), bool(r[5]), r[6], r[7]) for r in rows
        ] == [
            ("Anna", start, None, "civil", True, True, None, "Verein"),
            ("Erika", start, None, "admin", True, False, None, "Stadt"),
            ("Gast", start, None, "civil", False, False, None, "Verein"),
            ("Ilja", start, None, "admin", False, False, erika, "Verein"),
        ]
        assert columns == {"id", "committee_id", "name", "email", "staff_user_id", "created_at"}

        downgrade(blank_db_url, BEFORE)
        with engine.connect() as connection:
            back = connection.execute(
                sa.text(
                    "SELECT name, sector, voting, chair, deputy_for_id, active "
                    "FROM committee_member ORDER BY name"
                )
            ).all()
        assert [(r[0], r[1], bool(r[2]), bool(r[3]), r[4], bool(r[5])) for r in back] == [
            ("Anna", "civil", True, True, None, True),
            ("Erika", "admin", True, False, None, True),
            ("Gast", "civil", False, False, None, True),
            ("Ilja", "admin", False, False, erika, True),
            ("Otto", "civil", True, False, None, False),
        ]
    finally:
        engine.dispose()
