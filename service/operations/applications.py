"""Operations of the applicant: drafts, resume links, submission.

Each takes plain data and an explicit actor, flushes and never commits: the entry point
commits once, and only then do queued e-mails go out (service.operations.mail).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.check import CheckResult, check_application
from ..domain.states import ApplicationState, require_transition
from ..models import Application, AuditLog, Fund, Partnership, allocate_reference
from .funds import committed_amount
from .interchange import application_to_interchange, fill_from_interchange, freeze_submission

# Resume links are short-lived (R15): long enough to read the mail the same day.
RESUME_LINK_LIFETIME = timedelta(hours=24)
# 32 random bytes = 256 bits, well above the 128 bits R15 asks for
RESUME_TOKEN_BYTES = 32


@dataclass(frozen=True)
class Actor:
    """Who acts: ``applicant`` (identified by the browser session) or a staff account."""

    kind: str
    label: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.label}"


class NotEditable(ValueError):
    """The application is no longer a draft the applicant may change."""


class SubmissionRefused(ValueError):
    """The rules engine found errors; ``result`` holds the findings to show."""

    def __init__(self, result: CheckResult) -> None:
        self.result = result
        super().__init__(f"{sum(f.is_error for f in result.findings)} error finding(s)")


def _audit(
    session: Session, actor: Actor, action: str, application: Application, **details: Any
) -> None:
    session.add(
        AuditLog(
            partnership_id=application.fund.partnership_id,
            actor=str(actor)[:200],
            action=action,
            object_type="application",
            object_id=str(application.id),
            details=details,
        )
    )


def start_application(session: Session, fund: Fund, actor: Actor) -> Application:
    """A new, empty draft of ``fund``."""
    application = Application(fund=fund, state=ApplicationState.draft)
    session.add(application)
    session.flush()
    _audit(session, actor, "application.start", application)
    return application


def application_data(application: Application) -> dict[str, Any]:
    """The application in the interchange shape (what the forms edit and the rules check)."""
    return application_to_interchange(application)


def check_stored(
    session: Session, application: Application, today: date, data: Mapping[str, Any] | None = None
) -> CheckResult:
    """The rules engine's verdict on the application (or on ``data`` meant for it)."""
    fund = application.fund
    payload = dict(data if data is not None else application_to_interchange(application))
    payload.setdefault("submitted_on", today.isoformat())
    return check_application(payload, fund.guideline, committed_amount(session, fund), today)


def save_draft(
    session: Session,
    application: Application,
    data: Mapping[str, Any],
    actor: Actor,
    *,
    version: int | None = None,
) -> Application:
    """Replace the draft's content with ``data`` (interchange shape).

    ``version`` is the version the form showed; an older one raises ``StaleDataError``
    (R19). Raises :class:`~service.operations.interchange.InterchangeError` for unreadable
    values and :class:`NotEditable` once the application is submitted.
    """
    if not application.state.applicant_may_edit:
        raise NotEditable(application.state.value)
    if version is not None:
        application.check_version(version)
    fill_from_interchange(application, {k: v for k, v in data.items() if k != "submitted_on"})
    session.flush()
    return application


def submit_application(
    session: Session,
    application: Application,
    actor: Actor,
    *,
    idempotency_key: str,
    today: date,
    now: datetime | None = None,
) -> tuple[Application, bool]:
    """Submit the draft: file number, date of receipt, frozen copy and its SHA-256.

    Idempotent (R18): the same ``idempotency_key`` again returns the application submitted
    with it and ``False`` (nothing happens twice). Raises :class:`SubmissionRefused` when the
    rules engine finds errors.
    """
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValueError("an idempotency key of 1 to 64 characters is needed")
    earlier = session.scalars(
        select(Application).where(Application.idempotency_key == idempotency_key)
    ).one_or_none()
    if earlier is not None:
        return earlier, False
    if application.state is ApplicationState.submitted and application.idempotency_key:
        # the same application submitted from another tab: still one submission
        return application, False
    if not application.state.applicant_may_edit:
        raise NotEditable(application.state.value)
    result = check_stored(session, application, today)
    if not result.ok:
        raise SubmissionRefused(result)
    application.state = require_transition(application.state, ApplicationState.submitted)
    application.idempotency_key = idempotency_key
    application.submitted_on = today
    application.submitted_at = now or datetime.now(UTC)
    if application.reference is None:
        application.reference = allocate_reference(session, application.fund)
    application.resume_token_hash = None
    application.resume_token_expires_at = None
    digest = freeze_submission(application)
    session.flush()
    _audit(
        session,
        actor,
        "application.submit",
        application,
        reference=application.reference,
        sha256=digest,
    )
    return application, True


# -- resume links (R15) -----------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def issue_resume_token(
    session: Session, application: Application, actor: Actor, now: datetime | None = None
) -> str:
    """A new resume link token for the draft; only its hash is stored, an older one dies."""
    if not application.state.applicant_may_edit:
        raise NotEditable(application.state.value)
    token = secrets.token_urlsafe(RESUME_TOKEN_BYTES)
    application.resume_token_hash = token_hash(token)
    application.resume_token_expires_at = (now or datetime.now(UTC)) + RESUME_LINK_LIFETIME
    session.flush()
    _audit(session, actor, "application.resume-link", application)
    return token


def redeem_resume_token(
    session: Session, partnership: Partnership, token: str, now: datetime | None = None
) -> Application | None:
    """The draft the token opens, or None; a token works once and only until it expires."""
    if not token or len(token) > 200:
        return None
    application = session.scalars(
        select(Application).where(Application.resume_token_hash == token_hash(token))
    ).one_or_none()
    if application is None or application.fund.partnership_id != partnership.id:
        return None
    expires = application.resume_token_expires_at
    current = now or datetime.now(UTC)
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    application.resume_token_hash = None
    application.resume_token_expires_at = None
    session.flush()
    if expires is None or expires < current:
        return None
    return application


def drafts_for_email(session: Session, partnership: Partnership, email: str) -> list[Application]:
    """The drafts of the partnership whose applicant e-mail is ``email`` (case-insensitive)."""
    wanted = email.strip().lower()
    if not wanted:
        return []
    query = (
        select(Application)
        .join(Fund)
        .where(Fund.partnership_id == partnership.id)
        .where(Application.state.in_((ApplicationState.draft, ApplicationState.info_requested)))
    )
    return [a for a in session.scalars(query) if a.applicant_email.strip().lower() == wanted]


def remaining_gap(totals: Mapping[str, Any] | None) -> Decimal | None:
    """Costs not yet covered by the financing plan (negative: more income than costs)."""
    if not totals:
        return None
    return Decimal(str(totals["costs"])) - Decimal(str(totals["income"]))
