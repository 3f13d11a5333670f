"""Staff accounts, passwords, logins and server-side login sessions (R16).

Passwords are hashed with Argon2id. A login creates a :class:`StaffSession` row; the browser
only holds a random token whose SHA-256 is stored. Logout and deactivation set ``revoked_at``,
so a copied cookie stops working at once. Failed logins are counted per account and per
address; above the limit every attempt is refused for a while – for known and unknown
accounts alike, with the same answer.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..domain.check import CheckResult, check_application
from ..domain.messages import N_
from ..domain.states import ApplicationState, require_transition
from ..models import (
    Application,
    ApplicationComment,
    FormalCheck,
    Fund,
    LoginAttempt,
    Partnership,
    StaffMembership,
    StaffRole,
    StaffSession,
    StaffUser,
    utcnow,
)
from . import audit
from .funds import committed_amount
from .interchange import application_to_interchange

# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory profile
_hasher = PasswordHasher()


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # verified against when the account is unknown, so both answers take the same time;
    # made on the first login, not at import: hashing takes Argon2's 64 MB for a moment,
    # which every batch worker and CLI process importing this module would otherwise pay
    return _hasher.hash("no account has this password – timing equaliser")


MIN_PASSWORD_LENGTH = 12
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
LIMIT_WINDOW = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)
TOKEN_BYTES = 32


class LoginResult(StrEnum):
    ok = "ok"
    refused = "refused"
    limited = "limited"


@dataclass(frozen=True)
class Login:
    result: LoginResult
    user: StaffUser | None = None
    token: str | None = None


class PasswordTooShort(ValueError):
    pass


def staff_actor(user: StaffUser) -> str:
    return f"staff:{user.id}"


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(f"at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def find_user(session: Session, email: str) -> StaffUser | None:
    return session.scalars(
        select(StaffUser).where(StaffUser.email == email.strip().lower())
    ).one_or_none()


def add_staff_user(
    session: Session,
    email: str,
    name: str,
    password: str,
    roles: list[tuple[Partnership, StaffRole]],
    actor: str,
) -> StaffUser:
    """Create an account (or add roles to an existing one); flushes."""
    user = find_user(session, email)
    if user is None:
        user = StaffUser(email=email, name=name, password_hash=hash_password(password))
        session.add(user)
        session.flush()
        audit.record(session, actor, "staff.create", "staff_user", user.id, email=user.email)
    for partnership, role in roles:
        if not user.has_role(partnership.id, role):
            user.roles.append(StaffMembership(partnership_id=partnership.id, role=role))
            audit.record(
                session,
                actor,
                "staff.grant_role",
                "staff_user",
                user.id,
                partnership_id=partnership.id,
                role=role.value,
            )
    session.flush()
    return user


def set_password(session: Session, user: StaffUser, password: str, actor: str) -> None:
    user.password_hash = hash_password(password)
    revoke_sessions(session, user)
    audit.record(session, actor, "staff.set_password", "staff_user", user.id)


def deactivate(session: Session, user: StaffUser, actor: str) -> None:
    """Lock the account and end every session of it on the server."""
    user.active = False
    revoke_sessions(session, user)
    audit.record(session, actor, "staff.deactivate", "staff_user", user.id)
    session.flush()


def revoke_sessions(session: Session, user: StaffUser) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _failures(session: Session, column: InstrumentedAttribute[str], value: str) -> int:
    since = utcnow() - LIMIT_WINDOW
    count = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            column == value,
            LoginAttempt.created_at >= since,
            LoginAttempt.succeeded.is_(False),
        )
    )
    return int(count or 0)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def log_in(session: Session, email: str, password: str, address: str) -> Login:
    """Check the credentials under the rate limit; on success open a server-side session.

    The caller commits in every case: failed attempts must be counted.
    """
    email = email.strip().lower()[:254]
    address = address[:64]
    if (
        _failures(session, LoginAttempt.email, email) >= ACCOUNT_LIMIT
        or _failures(session, LoginAttempt.address, address) >= ADDRESS_LIMIT
    ):
        session.add(LoginAttempt(email=email, address=address, succeeded=False))
        audit.record(
            session, "anonymous", "staff.login_limited", "staff_login", "", address=address
        )
        return Login(LoginResult.limited)
    user = find_user(session, email)
    ok = False
    try:
        ok = _hasher.verify(
            user.password_hash if user and user.password_hash else _dummy_hash(), password
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.active:
        session.add(LoginAttempt(email=email, address=address, succeeded=False))
        audit.record(
            session,
            "anonymous",
            "staff.login_failed",
            "staff_user",
            user.id if user else "",
            address=address,
        )
        return Login(LoginResult.refused)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(StaffSession(token_hash=_token_hash(token), user=user))
    session.add(LoginAttempt(email=email, address=address, succeeded=True))
    user.last_login_at = utcnow()
    audit.record(session, staff_actor(user), "staff.login", "staff_user", user.id, address=address)
    session.flush()
    return Login(LoginResult.ok, user, token)


def session_user(session: Session, token: str | None) -> StaffUser | None:
    """The active user of a live session token, else None (revoked, idle, deactivated)."""
    if not token:
        return None
    row = session.scalars(
        select(StaffSession).where(StaffSession.token_hash == _token_hash(token))
    ).one_or_none()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    if now - row.last_seen_at > SESSION_IDLE:
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    return row.user


def log_out(session: Session, token: str | None) -> None:
    if not token:
        return
    row = session.scalars(
        select(StaffSession).where(StaffSession.token_hash == _token_hash(token))
    ).one_or_none()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, staff_actor(row.user), "staff.logout", "staff_user", row.user_id)
    session.flush()


def partnerships_of(user: StaffUser) -> list[Partnership]:
    seen: dict[int, Partnership] = {}
    for membership in user.roles:
        seen.setdefault(membership.partnership_id, membership.partnership)
    return sorted(seen.values(), key=lambda p: p.name)


def roles_in(user: StaffUser, partnership_id: int) -> set[StaffRole]:
    if not user.active:
        return set()
    return {m.role for m in user.roles if m.partnership_id == partnership_id}


# Fictional demo accounts, created only by the demo loader (`foerderwerk demo`).
DEMO_PASSWORD = "demo-passwort-2026"  # noqa: S105 – documented, fictional demo data only
DEMO_ACCOUNTS: tuple[tuple[str, str, tuple[StaffRole, ...]], ...] = (
    ("kuf@demo.example", "Kim Koordination (KuF, Demo)", (StaffRole.coordination,)),
    ("lead@demo.example", "Lea Leitung (federführendes Amt, Demo)", (StaffRole.lead,)),
    ("ausschuss@demo.example", "Anna Beispiel (Begleitausschuss, Demo)", (StaffRole.committee,)),
    ("admin@demo.example", "Alex Admin (Demo)", (StaffRole.admin,)),
)


def load_demo_staff(session: Session, partnership: Partnership) -> int:
    """The demo's staff accounts; existing ones are left alone. Returns how many were made."""
    created = 0
    for email, name, roles in DEMO_ACCOUNTS:
        if find_user(session, email) is None:
            created += 1
        add_staff_user(
            session,
            email,
            name,
            DEMO_PASSWORD,
            [(partnership, role) for role in roles],
            "system:demo",
        )
    return created


# -- the coordination office's work on applications ------------------------------------------

# The formal check's checklist (formale Prüfung): key → English msgid of the German label.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("complete", N_("All required information and documents are there")),
    ("eligible", N_("The applicant is eligible (legal form, age where it matters)")),
    ("in_time", N_("Submitted in time for the session (lead days of the guideline)")),
    ("not_started", N_("The measure has not started yet (VV Nr. 1.3 zu § 44 BHO)")),
    ("plan", N_("Cost and financing plan are complete, balanced and plausible")),
    ("offers", N_("Offers are there for larger purchases")),
    ("no_double", N_("No double funding of the same costs")),
)
CHECKLIST_KEYS = tuple(key for key, _label in CHECKLIST)

# The moves the coordination office makes by hand. The others follow from their own steps:
# on_agenda from a session's agenda, approved/rejected/deferred from the committee's votes,
# notice_issued from the lead office's notice, info_requested from a request for information.
MANUAL_MOVES = frozenset(
    {ApplicationState.in_check, ApplicationState.withdrawn, ApplicationState.closed}
)


def list_applications(
    session: Session,
    partnership: Partnership,
    *,
    fund_key: str | None = None,
    state: ApplicationState | None = None,
    query: str | None = None,
) -> list[Application]:
    stmt = (
        select(Application)
        .join(Fund)
        .where(Fund.partnership_id == partnership.id)
        .where(Application.state != ApplicationState.draft)
    )
    if fund_key:
        stmt = stmt.where(Fund.key == fund_key)
    if state is not None:
        stmt = stmt.where(Application.state == state)
    if query:
        like = "%" + query.strip().lower().replace("%", "").replace("_", "")[:100] + "%"
        stmt = stmt.where(
            or_(
                func.lower(Application.title).like(like),
                func.lower(Application.applicant_name).like(like),
                func.lower(func.coalesce(Application.reference, "")).like(like),
            )
        )
    stmt = stmt.order_by(Application.submitted_on.desc(), Application.id.desc())
    return list(session.scalars(stmt))


def get_application(session: Session, partnership: Partnership, app_id: int) -> Application | None:
    """The application if it belongs to the partnership; drafts stay the applicant's."""
    application = session.get(Application, app_id)
    if (
        application is None
        or application.fund.partnership_id != partnership.id
        or application.state is ApplicationState.draft
    ):
        return None
    return application


def application_findings(session: Session, application: Application) -> CheckResult:
    """The rules engine on the frozen submission (the live data where none was frozen)."""
    data = dict(application.submission_snapshot or application_to_interchange(application))
    fund = application.fund
    return check_application(data, fund.guideline, committed_amount(session, fund))


def _touch(application: Application, version: int) -> None:
    # R19: the form's version must be the stored one; touching the row makes the UPDATE
    # carry the version check and raise the counter for the next editor.
    application.check_version(version)
    application.updated_at = utcnow()


def formal_check_of(session: Session, application: Application) -> FormalCheck | None:
    return session.get(FormalCheck, application.id)


def save_formal_check(
    session: Session,
    application: Application,
    version: int,
    items: dict[str, bool],
    note: str,
    user: StaffUser,
) -> FormalCheck:
    _touch(application, version)
    check = formal_check_of(session, application)
    if check is None:
        check = FormalCheck(application_id=application.id)
        session.add(check)
    check.items = {key: bool(items.get(key)) for key in CHECKLIST_KEYS}
    check.note = note
    check.checked_by_id = user.id
    audit.record(
        session,
        staff_actor(user),
        "application.formal_check",
        "application",
        application.id,
        partnership_id=application.fund.partnership_id,
        items=check.items,
    )
    session.flush()
    return check


def add_comment(
    session: Session, application: Application, body: str, visible: bool, user: StaffUser
) -> ApplicationComment:
    comment = ApplicationComment(
        application_id=application.id,
        author_id=user.id,
        body=body,
        visible_to_applicant=visible,
    )
    session.add(comment)
    session.flush()
    audit.record(
        session,
        staff_actor(user),
        "application.comment",
        "application",
        application.id,
        partnership_id=application.fund.partnership_id,
        comment=comment.id,
        visible_to_applicant=visible,
    )
    return comment


def comments_of(
    session: Session, application: Application, *, applicant_view: bool = False
) -> list[ApplicationComment]:
    stmt = select(ApplicationComment).where(ApplicationComment.application_id == application.id)
    if applicant_view:
        stmt = stmt.where(ApplicationComment.visible_to_applicant.is_(True))
    return list(session.scalars(stmt.order_by(ApplicationComment.id)))


def request_information(
    session: Session,
    application: Application,
    version: int,
    due_on: date,
    message: str,
    user: StaffUser,
) -> None:
    """Return the application to the applicant with a question and an answer deadline."""
    _touch(application, version)
    application.state = require_transition(application.state, ApplicationState.info_requested)
    application.info_due_on = due_on
    add_comment(session, application, message, True, user)
    audit.record(
        session,
        staff_actor(user),
        "application.request_info",
        "application",
        application.id,
        partnership_id=application.fund.partnership_id,
        due_on=due_on.isoformat(),
    )
    session.flush()


class MoveNotAllowed(ValueError):
    pass


def move_application(
    session: Session,
    application: Application,
    version: int,
    target: ApplicationState,
    user: StaffUser,
) -> None:
    if target not in MANUAL_MOVES:
        raise MoveNotAllowed(target.value)
    _touch(application, version)
    before = application.state
    application.state = require_transition(application.state, target)
    if target is not ApplicationState.info_requested:
        application.info_due_on = None
    audit.record(
        session,
        staff_actor(user),
        "application.move",
        "application",
        application.id,
        partnership_id=application.fund.partnership_id,
        before=before.value,
        after=target.value,
    )
    session.flush()


def manual_moves(application: Application) -> list[ApplicationState]:
    return sorted(
        (s for s in application.state.next_states if s in MANUAL_MOVES), key=lambda s: s.value
    )
