"""Committee members with terms (issue 16, item 3): what a member is on the committee – group,
vote, chair, whose deputy, organisation – moves from ``committee_member`` into
``committee_term`` rows with ``term_from``/``term_to``; the person keeps name and e-mail.
The group vocabulary gains ``politics``; ``admin`` stays and means administration now.

Existing members get one open term. It begins on the earlier of the day the member was
created and the committee's first session, so every session held so far still lists its
members. A member marked inactive (no page could do that; only a database edit) gets no term:
they were shown in no session before and are shown in none now. A chair without a vote
loses the chair (the new check constraint; nothing created one). docs/decisions.md,
"Gremien mit Amtszeiten".

Revision ID: 0014_committee_terms
Revises: 0012_partnership_settings
Create Date: 2026-12-05 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0014_committee_terms"
down_revision: str | None = "0013_funds_per_year"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sector(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name="sector", native_enum=False, create_constraint=True, length=32)


_member = sa.table(
    "committee_member",
    sa.column("id", sa.Integer()),
    sa.column("committee_id", sa.Integer()),
    sa.column("organisation", sa.String()),
    sa.column("sector", sa.String()),
    sa.column("voting", sa.Boolean()),
    sa.column("chair", sa.Boolean()),
    sa.column("deputy_for_id", sa.Integer()),
    sa.column("active", sa.Boolean()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_term = sa.table(
    "committee_term",
    sa.column("id", sa.Integer()),
    sa.column("member_id", sa.Integer()),
    sa.column("term_from", sa.Date()),
    sa.column("term_to", sa.Date()),
    sa.column("organisation", sa.String()),
    sa.column("sector", sa.String()),
    sa.column("voting", sa.Boolean()),
    sa.column("chair", sa.Boolean()),
    sa.column("deputy_for_id", sa.Integer()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_meeting = sa.table(
    "meeting", sa.column("committee_id", sa.Integer()), sa.column("held_on", sa.Date())
)


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)[:19]).date()


def upgrade() -> None:
    op.create_table(
        "committee_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("term_from", sa.Date(), nullable=False),
        sa.Column("term_to", sa.Date(), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column(
            "sector", _sector(("civil", "admin", "politics")), nullable=False
        ),
        sa.Column("voting", sa.Boolean(), nullable=False),
        sa.Column("chair", sa.Boolean(), nullable=False),
        sa.Column("deputy_for_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "term_to IS NULL OR term_to >= term_from",
            name=op.f("ck_committee_term_ends_after_start"),
        ),
        sa.CheckConstraint(
            "deputy_for_id IS NULL OR NOT voting",
            name=op.f("ck_committee_term_deputy_has_no_own_vote"),
        ),
        sa.CheckConstraint(
            "deputy_for_id IS NULL OR deputy_for_id <> member_id",
            name=op.f("ck_committee_term_not_own_deputy"),
        ),
        sa.CheckConstraint("voting OR NOT chair", name=op.f("ck_committee_term_chair_votes")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_term_member_id_committee_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deputy_for_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_term_deputy_for_id_committee_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_term")),
        sa.UniqueConstraint(
            "member_id", "term_from", name=op.f("uq_committee_term_member_id_term_from")
        ),
    )
    with op.batch_alter_table("committee_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_term_member_id"), ["member_id"])
        batch_op.create_index(batch_op.f("ix_committee_term_deputy_for_id"), ["deputy_for_id"])

    connection = op.get_bind()
    first_session = {
        committee_id: _day(held_on)
        for committee_id, held_on in connection.execute(
            sa.select(_meeting.c.committee_id, sa.func.min(_meeting.c.held_on)).group_by(
                _meeting.c.committee_id
            )
        )
    }
    now = datetime.now(UTC)
    rows = []
    for member in connection.execute(sa.select(_member)).mappings():
        if not member["active"]:
            continue
        start = _day(member["created_at"])
        session = first_session.get(member["committee_id"])
        if session is not None and session < start:
            start = session
        rows.append(
            {
                "member_id": member["id"],
                "term_from": start,
                "term_to": None,
                "organisation": member["organisation"] or "",
                "sector": member["sector"],
                "voting": bool(member["voting"]),
                "chair": bool(member["chair"]) and bool(member["voting"]),
                "deputy_for_id": member["deputy_for_id"],
                "created_at": now,
            }
        )
    if rows:
        op.bulk_insert(_term, rows)

    with op.batch_alter_table("committee_member", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_committee_member_deputy_has_no_own_vote"), type_="check"
        )
        batch_op.drop_constraint(batch_op.f("ck_committee_member_not_own_deputy"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_committee_member_sector"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_committee_member_deputy_for_id_committee_member"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_committee_member_deputy_for_id"))
        batch_op.drop_column("deputy_for_id")
        batch_op.drop_column("organisation")
        batch_op.drop_column("sector")
        batch_op.drop_column("voting")
        batch_op.drop_column("chair")
        batch_op.drop_column("active")
        batch_op.create_unique_constraint(
            batch_op.f("uq_committee_member_committee_id_name"), ["committee_id", "name"]
        )


def downgrade() -> None:
    """Back to one row per person: the latest term's values (a politician becomes admin
    again, as the old vocabulary had it); a person without a running term is inactive."""
    with op.batch_alter_table("committee_member", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_committee_member_committee_id_name"), type_="unique"
        )
        batch_op.add_column(
            sa.Column("organisation", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "sector",
                _sector(("civil", "admin")),
                nullable=False,
                server_default="civil",
            )
        )
        batch_op.add_column(
            sa.Column("voting", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("chair", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("deputy_for_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_committee_member_deputy_for_id_committee_member"),
            "committee_member",
            ["deputy_for_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_committee_member_deputy_for_id"), ["deputy_for_id"])
        batch_op.create_check_constraint(
            batch_op.f("ck_committee_member_deputy_has_no_own_vote"),
            "deputy_for_id IS NULL OR NOT voting",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_committee_member_not_own_deputy"),
            "deputy_for_id IS NULL OR deputy_for_id <> id",
        )

    connection = op.get_bind()
    latest: dict[int, dict[str, object]] = {}
    for row in connection.execute(sa.select(_term).order_by(_term.c.term_from)).mappings():
        latest[row["member_id"]] = dict(row)
    for member_id, term in latest.items():
        connection.execute(
            _member.update()
            .where(_member.c.id == member_id)
            .values(
                organisation=term["organisation"],
                sector="civil" if term["sector"] == "civil" else "admin",
                voting=term["voting"],
                chair=term["chair"],
                deputy_for_id=term["deputy_for_id"],
                active=term["term_to"] is None,
            )
        )

    with op.batch_alter_table("committee_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_term_deputy_for_id"))
        batch_op.drop_index(batch_op.f("ix_committee_term_member_id"))
    op.drop_table("committee_term")
