"""Initial schema: partnerships, funds, applications, committees, notices, documents, audit log.

Written by autogenerate from the models, then reviewed by hand: the audit log's append-only
triggers (R24) are added here because Alembic does not see triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 10:51:58.066238
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY = "audit_log is append-only"


def _create_audit_triggers() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{_APPEND_ONLY}' "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        raise NotImplementedError(f"append-only audit log not implemented for {dialect}")


def _drop_audit_triggers() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_no_update_delete ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")


def upgrade() -> None:
    op.create_table(
        "partnership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lead_office_name", sa.String(length=200), nullable=False),
        sa.Column("lead_office_unit", sa.String(length=200), nullable=False),
        sa.Column("lead_office_street", sa.String(length=200), nullable=False),
        sa.Column("lead_office_postal_code", sa.String(length=10), nullable=False),
        sa.Column("lead_office_city", sa.String(length=100), nullable=False),
        sa.Column("lead_office_phone", sa.String(length=50), nullable=False),
        sa.Column("lead_office_email", sa.String(length=254), nullable=False),
        sa.Column("lead_office_signatory", sa.String(length=200), nullable=False),
        sa.Column("lead_office_bank", sa.String(length=200), nullable=False),
        sa.Column("coordination_carrier", sa.String(length=200), nullable=False),
        sa.Column("coordination_name", sa.String(length=200), nullable=False),
        sa.Column("coordination_street", sa.String(length=200), nullable=False),
        sa.Column("coordination_postal_code", sa.String(length=10), nullable=False),
        sa.Column("coordination_city", sa.String(length=100), nullable=False),
        sa.Column("coordination_contact", sa.String(length=200), nullable=False),
        sa.Column("coordination_email", sa.String(length=254), nullable=False),
        sa.Column("logo_path", sa.String(length=500), nullable=False),
        sa.Column("programme_line", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(slug) > 0", name=op.f("ck_partnership_slug_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership")),
        sa.UniqueConstraint("slug", name=op.f("uq_partnership_slug")),
    )
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_user_email")),
    )
    op.create_table(
        "applicant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("legal_form", sa.String(length=32), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("representative", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("iban", sa.String(length=42), nullable=False),
        sa.Column("account_holder", sa.String(length=200), nullable=False),
        sa.Column("vat_deductible", sa.Boolean(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("adult_contact_name", sa.String(length=200), nullable=True),
        sa.Column("adult_contact_email", sa.String(length=254), nullable=True),
        sa.Column("adult_contact_phone", sa.String(length=50), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_applicant_partnership_id_partnership"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicant")),
    )
    op.create_index(op.f("ix_applicant_partnership_id"), "applicant", ["partnership_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(none_as_null=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_audit_log_partnership_id_partnership"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(
        op.f("ix_audit_log_object_type_object_id"), "audit_log", ["object_type", "object_id"]
    )
    op.create_index(
        op.f("ix_audit_log_partnership_id_created_at"),
        "audit_log",
        ["partnership_id", "created_at"],
    )
    _create_audit_triggers()

    op.create_table(
        "committee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column(
            "body",
            sa.Enum(
                "begleitausschuss",
                "jugendforum",
                name="body",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_committee_partnership_id_partnership"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee")),
        sa.UniqueConstraint(
            "partnership_id", "name", name=op.f("uq_committee_partnership_id_name")
        ),
    )
    op.create_index(op.f("ix_committee_partnership_id"), "committee", ["partnership_id"])

    op.create_table(
        "staff_membership",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "coordination",
                "lead",
                "committee",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_staff_membership_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_membership_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "partnership_id", "role", name=op.f("pk_staff_membership")
        ),
    )
    op.create_index(
        op.f("ix_staff_membership_partnership_id"), "staff_membership", ["partnership_id"]
    )

    op.create_table(
        "committee_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column(
            "sector",
            sa.Enum(
                "civil",
                "admin",
                name="sector",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("voting", sa.Boolean(), nullable=False),
        sa.Column("chair", sa.Boolean(), nullable=False),
        sa.Column("deputy_for_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "deputy_for_id IS NULL OR NOT voting",
            name=op.f("ck_committee_member_deputy_has_no_own_vote"),
        ),
        sa.CheckConstraint(
            "deputy_for_id IS NULL OR deputy_for_id <> id",
            name=op.f("ck_committee_member_not_own_deputy"),
        ),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committee.id"],
            name=op.f("fk_committee_member_committee_id_committee"),
        ),
        sa.ForeignKeyConstraint(
            ["deputy_for_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_member_deputy_for_id_committee_member"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_committee_member_staff_user_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_member")),
    )
    op.create_index(op.f("ix_committee_member_committee_id"), "committee_member", ["committee_id"])
    op.create_index(
        op.f("ix_committee_member_deputy_for_id"), "committee_member", ["deputy_for_id"]
    )
    op.create_index(
        op.f("ix_committee_member_staff_user_id"), "committee_member", ["staff_user_id"]
    )

    op.create_table(
        "fund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("last_number >= 0", name=op.f("ck_fund_last_number_not_negative")),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committee.id"], name=op.f("fk_fund_committee_id_committee")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"], ["partnership.id"], name=op.f("fk_fund_partnership_id_partnership")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund")),
        sa.UniqueConstraint("partnership_id", "key", name=op.f("uq_fund_partnership_id_key")),
    )
    op.create_index(op.f("ix_fund_committee_id"), "fund", ["committee_id"])
    op.create_index(op.f("ix_fund_partnership_id"), "fund", ["partnership_id"])

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "session",
                "written",
                name="mode",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("minute_taker", sa.String(length=200), nullable=False),
        sa.Column("guests", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("next_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committee.id"], name=op.f("fk_meeting_committee_id_committee")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    op.create_index(op.f("ix_meeting_committee_id"), "meeting", ["committee_id"])

    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "in_check",
                "info_requested",
                "on_agenda",
                "approved",
                "rejected",
                "deferred",
                "notice_issued",
                "in_payment",
                "report_submitted",
                "revoked",
                "withdrawn",
                "closed",
                name="state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("info_due_on", sa.Date(), nullable=True),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("applicant_legal_form", sa.String(length=32), nullable=False),
        sa.Column("applicant_street", sa.String(length=200), nullable=False),
        sa.Column("applicant_postal_code", sa.String(length=10), nullable=False),
        sa.Column("applicant_city", sa.String(length=100), nullable=False),
        sa.Column("applicant_representative", sa.String(length=200), nullable=False),
        sa.Column("applicant_contact_name", sa.String(length=200), nullable=False),
        sa.Column("applicant_email", sa.String(length=254), nullable=False),
        sa.Column("applicant_phone", sa.String(length=50), nullable=False),
        sa.Column("applicant_iban", sa.String(length=42), nullable=False),
        sa.Column("applicant_account_holder", sa.String(length=200), nullable=False),
        sa.Column("applicant_vat_deductible", sa.Boolean(), nullable=False),
        sa.Column("applicant_birth_date", sa.Date(), nullable=True),
        sa.Column("applicant_adult_contact_name", sa.String(length=200), nullable=True),
        sa.Column("applicant_adult_contact_email", sa.String(length=254), nullable=True),
        sa.Column("applicant_adult_contact_phone", sa.String(length=50), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("fields_of_action", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("target_groups", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("project_start", sa.Date(), nullable=True),
        sa.Column("project_end", sa.Date(), nullable=True),
        sa.Column("participants_planned", sa.Integer(), nullable=True),
        sa.Column("early_start_requested", sa.Boolean(), nullable=False),
        sa.Column("own_funds", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("revenue", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("requested", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("declaration_not_started", sa.Boolean(), nullable=False),
        sa.Column("declaration_no_double_funding", sa.Boolean(), nullable=False),
        sa.Column("declaration_anbest_acknowledged", sa.Boolean(), nullable=False),
        sa.Column("declaration_data_correct", sa.Boolean(), nullable=False),
        sa.Column("declaration_publicity", sa.Boolean(), nullable=False),
        sa.Column("declaration_privacy_consent", sa.Boolean(), nullable=False),
        sa.Column("submission_snapshot", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("submission_sha256", sa.String(length=64), nullable=True),
        sa.Column("resume_token_hash", sa.String(length=64), nullable=True),
        sa.Column("resume_token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("own_funds >= 0", name=op.f("ck_application_own_funds_not_negative")),
        sa.CheckConstraint(
            "participants_planned >= 0", name=op.f("ck_application_participants_not_negative")
        ),
        sa.CheckConstraint("requested >= 0", name=op.f("ck_application_requested_not_negative")),
        sa.CheckConstraint("revenue >= 0", name=op.f("ck_application_revenue_not_negative")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_application_version_positive")),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["applicant.id"], name=op.f("fk_application_applicant_id_applicant")
        ),
        sa.ForeignKeyConstraint(["fund_id"], ["fund.id"], name=op.f("fk_application_fund_id_fund")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint("fund_id", "reference", name=op.f("uq_application_fund_id_reference")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_application_idempotency_key")),
        sa.UniqueConstraint("resume_token_hash", name=op.f("uq_application_resume_token_hash")),
    )
    op.create_index(op.f("ix_application_applicant_id"), "application", ["applicant_id"])
    op.create_index(op.f("ix_application_fund_id"), "application", ["fund_id"])
    op.create_index(op.f("ix_application_state"), "application", ["state"])

    op.create_table(
        "fund_guideline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("toml_text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_fund_guideline_version_positive")),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["fund.id"], name=op.f("fk_fund_guideline_fund_id_fund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_guideline")),
        sa.UniqueConstraint("fund_id", "version", name=op.f("uq_fund_guideline_fund_id_version")),
    )
    op.create_index(op.f("ix_fund_guideline_fund_id"), "fund_guideline", ["fund_id"])

    op.create_table(
        "meeting_participant",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("invited", sa.Boolean(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("objected", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_participant_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["committee_member.id"],
            name=op.f("fk_meeting_participant_member_id_committee_member"),
        ),
        sa.PrimaryKeyConstraint("meeting_id", "member_id", name=op.f("pk_meeting_participant")),
    )
    op.create_index(op.f("ix_meeting_participant_member_id"), "meeting_participant", ["member_id"])

    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("proposed_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_agenda_item_position_not_negative")),
        sa.CheckConstraint(
            "proposed_amount >= 0", name=op.f("ck_agenda_item_proposed_amount_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_agenda_item_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_agenda_item_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
        sa.UniqueConstraint(
            "meeting_id", "application_id", name=op.f("uq_agenda_item_meeting_id_application_id")
        ),
    )
    op.create_index(op.f("ix_agenda_item_application_id"), "agenda_item", ["application_id"])

    op.create_table(
        "cost_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=3), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("unit_price", sa.Numeric(precision=12, scale=4), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("offers", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_cost_line_amount_not_negative")),
        sa.CheckConstraint("offers >= 0", name=op.f("ck_cost_line_offers_not_negative")),
        sa.CheckConstraint("position >= 0", name=op.f("ck_cost_line_position_not_negative")),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_cost_line_quantity_not_negative")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_cost_line_unit_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_cost_line_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_line")),
    )
    op.create_index(op.f("ix_cost_line_application_id"), "cost_line", ["application_id"])

    op.create_table(
        "third_party_funding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_third_party_funding_amount_not_negative")),
        sa.CheckConstraint(
            "position >= 0", name=op.f("ck_third_party_funding_position_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_third_party_funding_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_third_party_funding")),
    )
    op.create_index(
        op.f("ix_third_party_funding_application_id"), "third_party_funding", ["application_id"]
    )

    op.create_table(
        "conflict_of_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_conflict_of_interest_agenda_item_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["committee_member.id"],
            name=op.f("fk_conflict_of_interest_member_id_committee_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_of_interest")),
        sa.UniqueConstraint(
            "agenda_item_id",
            "member_id",
            name=op.f("uq_conflict_of_interest_agenda_item_id_member_id"),
        ),
    )
    op.create_index(
        op.f("ix_conflict_of_interest_member_id"), "conflict_of_interest", ["member_id"]
    )

    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "approved",
                "rejected",
                "deferred",
                "not-decided",
                name="outcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_decision_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_decision_agenda_item_id_agenda_item"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_decision_application_id_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
        sa.UniqueConstraint("agenda_item_id", name=op.f("uq_decision_agenda_item_id")),
    )
    op.create_index(op.f("ix_decision_application_id"), "decision", ["application_id"])

    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "choice",
            sa.Enum(
                "yes",
                "no",
                "abstain",
                name="choice",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_vote_agenda_item_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["committee_member.id"], name=op.f("fk_vote_member_id_committee_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
        sa.UniqueConstraint(
            "agenda_item_id", "member_id", name=op.f("uq_vote_agenda_item_id_member_id")
        ),
    )
    op.create_index(op.f("ix_vote_member_id"), "vote", ["member_id"])

    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "zuwendung",
                "ablehnung",
                "aenderung",
                "widerruf",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "issued",
                name="state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("replacement_reason", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("financing_type", sa.String(length=16), nullable=True),
        sa.Column("conditions", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("signatory", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_notice_amount_not_negative")),
        sa.CheckConstraint(
            "replaces_id IS NULL OR replaces_id <> id", name=op.f("ck_notice_not_replacing_itself")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_notice_version_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_notice_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_notice_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(["fund_id"], ["fund.id"], name=op.f("fk_notice_fund_id_fund")),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["notice.id"], name=op.f("fk_notice_replaces_id_notice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint(
            "fund_id", "number", "version", name=op.f("uq_notice_fund_id_number_version")
        ),
    )
    op.create_index(op.f("ix_notice_application_id"), "notice", ["application_id"])
    op.create_index(op.f("ix_notice_decision_id"), "notice", ["decision_id"])
    op.create_index(op.f("ix_notice_replaces_id"), "notice", ["replaces_id"])

    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("template_key", sa.String(length=100), nullable=False),
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        sa.Column("context", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "replaces_id IS NULL OR replaces_id <> id",
            name=op.f("ck_document_not_replacing_itself"),
        ),
        sa.CheckConstraint("size >= 0", name=op.f("ck_document_size_not_negative")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_document_version_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_document_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_document_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_document_notice_id_notice")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_document_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["document.id"], name=op.f("fk_document_replaces_id_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint(
            "partnership_id",
            "kind",
            "number",
            "version",
            name=op.f("uq_document_partnership_id_kind_number_version"),
        ),
    )
    op.create_index(op.f("ix_document_application_id"), "document", ["application_id"])
    op.create_index(op.f("ix_document_file_sha256"), "document", ["file_sha256"])
    op.create_index(op.f("ix_document_meeting_id"), "document", ["meeting_id"])
    op.create_index(op.f("ix_document_notice_id"), "document", ["notice_id"])
    op.create_index(op.f("ix_document_replaces_id"), "document", ["replaces_id"])


def downgrade() -> None:
    _drop_audit_triggers()
    op.drop_table("document")
    op.drop_table("notice")
    op.drop_table("vote")
    op.drop_table("decision")
    op.drop_table("conflict_of_interest")
    op.drop_table("third_party_funding")
    op.drop_table("cost_line")
    op.drop_table("agenda_item")
    op.drop_table("meeting_participant")
    op.drop_table("fund_guideline")
    op.drop_table("application")
    op.drop_table("meeting")
    op.drop_table("fund")
    op.drop_table("committee_member")
    op.drop_table("staff_membership")
    op.drop_table("committee")
    op.drop_table("audit_log")
    op.drop_table("applicant")
    op.drop_table("staff_user")
    op.drop_table("partnership")
