"""SQLAlchemy models, one module per aggregate; the schema comes from the Alembic migrations.

Importing this package registers every table on :data:`Base.metadata`.
"""

from __future__ import annotations

from .applicant import APPLICANT_FIELDS, Applicant
from .application import DECLARATION_KEYS, Application, CostLine, ThirdPartyFunding
from .audit import AuditLog
from .backoffice import (
    ApplicationComment,
    FormalCheck,
    LoginAttempt,
    StaffPasswordReset,
    StaffSession,
)
from .base import Base, utcnow
from .base_rate import BaseRateRow
from .batch import BatchItem, BatchJob
from .blob import DocumentBlob
from .committee import Committee, CommitteeBody, CommitteeMember, CommitteeTerm, Seat, Sector
from .document import Document
from .fund import Fund, FundGuideline, allocate_reference
from .meeting import (
    AgendaItem,
    AgendaItemStatus,
    ConflictOfInterest,
    Decision,
    Meeting,
    MeetingMode,
    MeetingParticipant,
    Vote,
    VoteChoice,
)
from .notice import Notice, NoticeWaiver
from .outbox import OutboxMail
from .partnership import Partnership, PartnershipFile, SettingsError
from .reminder import SentReminder
from .reporting import (
    PaymentRequest,
    PaymentStatus,
    Payout,
    PayoutSource,
    RefundReceipt,
    ReportDraft,
    ReportReview,
    UsageReport,
)
from .retention import LegalHold, PurgedApplication
from .staff import StaffMembership, StaffRole, StaffUser
from .template import PartnershipTemplate
from .upload import Upload

__all__ = [
    "APPLICANT_FIELDS",
    "DECLARATION_KEYS",
    "AgendaItem",
    "AgendaItemStatus",
    "Applicant",
    "Application",
    "ApplicationComment",
    "AuditLog",
    "Base",
    "BaseRateRow",
    "BatchItem",
    "BatchJob",
    "Committee",
    "CommitteeBody",
    "CommitteeMember",
    "CommitteeTerm",
    "ConflictOfInterest",
    "CostLine",
    "Decision",
    "Document",
    "DocumentBlob",
    "FormalCheck",
    "Fund",
    "FundGuideline",
    "LegalHold",
    "LoginAttempt",
    "Meeting",
    "MeetingMode",
    "MeetingParticipant",
    "Notice",
    "NoticeWaiver",
    "OutboxMail",
    "Partnership",
    "PartnershipFile",
    "PartnershipTemplate",
    "PaymentRequest",
    "PaymentStatus",
    "Payout",
    "PayoutSource",
    "PurgedApplication",
    "RefundReceipt",
    "ReportDraft",
    "ReportReview",
    "Seat",
    "Sector",
    "SentReminder",
    "SettingsError",
    "StaffMembership",
    "StaffPasswordReset",
    "StaffRole",
    "StaffSession",
    "StaffUser",
    "ThirdPartyFunding",
    "Upload",
    "UsageReport",
    "Vote",
    "VoteChoice",
    "allocate_reference",
    "utcnow",
]
