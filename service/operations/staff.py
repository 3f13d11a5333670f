"""Staff accounts, passwords, logins and server-side login sessions (R16).

Passwords are hashed with Argon2id and must pass the rules of
:mod:`service.domain.passwords` wherever they are set. A login creates a
:class:`StaffSession` row; the browser only holds a random token whose SHA-256 is stored.
Logout, deactivation and a new password set ``revoked_at``, so a copied cookie stops working at
once; a session also ends after 8 idle hours and, however busy, 12 hours after the login.

Failed logins are counted per account and client address, per address, and per account from
all addresses together (:func:`_limited`) – so that nobody can lock another person out from
one address (issue 14). Above a limit every attempt is refused for a while, for known and
unknown accounts alike, with the same answer.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from ..domain.check import CheckResult, check_application
from ..domain.emails import EmailAddressError, parse_email_address
from ..domain.messages import N_, Message
from ..domain.passwords import password_problems
from ..domain.states import ApplicationState, can_transition
from ..errors import Refused, TransitionRefused
from ..models import (
    Application,
    ApplicationComment,
    FormalCheck,
    Fund,
    LoginAttempt,
    Partnership,
    StaffMembership,
    StaffPasswordReset,
    StaffRole,
    StaffSession,
    StaffUser,
    utcnow,
)
from ..uow import Actor, UnitOfWork
from . import audit
from .funds import committed_amount, rules_for
from .interchange import application_to_interchange

# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory profile
_hasher = PasswordHasher()


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # verified against when the account is unknown, so both answers take the same time;
    # made on the first login, not at import: hashing takes Argon2's 64 MB for a moment,
    # which every batch worker and CLI process importing this module would otherwise pay
    return _hasher.hash("no account has this password – timing equaliser")


# Login limits within LIMIT_WINDOW (docs/decisions.md, "Anmeldung hinter dem Proxy"):
# failures of one account from one address – the guesses of one attacker at one account;
ACCOUNT_ADDRESS_LIMIT = 5
# failures from one address, whatever the accounts – one attacker trying many accounts;
ADDRESS_LIMIT = 20
# failures of one account from all addresses – only a distributed attack gets there (each
# address stops after 5); then only addresses the account signed in from before still get in.
ACCOUNT_LIMIT = 100
KNOWN_ADDRESS_PERIOD = timedelta(days=90)
LIMIT_WINDOW = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)
SESSION_LIFETIME = timedelta(hours=12)
TOKEN_BYTES = 32
RESET_LIFETIME = timedelta(minutes=60)
RESETS_PER_HOUR = 3


class LoginResult(StrEnum):
    ok = "ok"
    refused = "refused"
    limited = "limited"


@dataclass(frozen=True)
class Login:
    result: LoginResult
    user: StaffUser | None = None
    token: str | None = None


class WeakPassword(Refused):
    """The password breaks the rules; ``problems`` say why, for the person to read (the
    message is the first of them)."""

    def __init__(self, problems: list[Message]) -> None:
        super().__init__(problems[0])
        self.problems = tuple(problems)


class WrongPassword(Refused):
    def __init__(self, email: str) -> None:
        super().__init__(
            Message(N_("This is not your current password. Please enter it as you sign in."))
        )
        self.email = email


class TooManyAttempts(Refused):
    status = 429

    def __init__(self, email: str) -> None:
        super().__init__(
            Message(N_("Too many failed attempts. Please wait 15 minutes and try again."))
        )
        self.email = email


class InvalidResetLink(Refused):
    """Unknown, used or expired – the page says the same for each."""

    status = 410

    def __init__(self) -> None:
        super().__init__(
            Message(N_("This link has expired or was already used. Please request a new one."))
        )


def staff_actor(user: StaffUser) -> Actor:
    return Actor("staff", str(user.id), user.name or user.email)


def hash_password(password: str, *, email: str, name: str = "") -> str:
    """The Argon2id hash of a password that passes the rules, else :class:`WeakPassword`."""
    problems = password_problems(password, email=email, name=name)
    if problems:
        raise WeakPassword(problems)
    return _hasher.hash(password)


def find_user(session: Session, email: str) -> StaffUser | None:
    return session.scalars(
        select(StaffUser).where(StaffUser.email == email.strip().lower())
    ).one_or_none()


def staff_email(email: str) -> str:
    """The account's address in its stored form: exactly one address (service.domain.emails),
    lower case; :class:`~service.errors.Refused` with the reason otherwise (issue 14)."""
    try:
        return parse_email_address(email).lower()
    except EmailAddressError as exc:
        raise Refused(exc.message) from None


def add_staff_user(
    uow: UnitOfWork,
    email: str,
    name: str,
    password: str,
    roles: list[tuple[Partnership, StaffRole]],
) -> StaffUser:
    """Create an account (or add roles to an existing one, leaving its password); flushes."""
    return _add_staff_user(uow.session, email, name, password, roles, uow.actor)


def _add_staff_user(
    session: Session,
    email: str,
    name: str,
    password: str,
    roles: list[tuple[Partnership, StaffRole]],
    actor: Actor,
) -> StaffUser:
    email = staff_email(email)
    user = find_user(session, email)
    if user is None:
        user = StaffUser(
            email=email, name=name, password_hash=hash_password(password, email=email, name=name)
        )
        session.add(user)
        session.flush()
        audit.record(session, actor, "staff.create", "staff_user", user.id, email=user.email)
    _grant_roles(session, user, roles, actor)
    return user


def grant_roles(
    uow: UnitOfWork, user: StaffUser, roles: list[tuple[Partnership, StaffRole]]
) -> list[tuple[Partnership, StaffRole]]:
    """Give ``user`` the roles it does not have yet; returns those added. Flushes."""
    return _grant_roles(uow.session, user, roles, uow.actor)


def _grant_roles(
    session: Session, user: StaffUser, roles: list[tuple[Partnership, StaffRole]], actor: Actor
) -> list[tuple[Partnership, StaffRole]]:
    added = []
    for partnership, role in roles:
        if not user.has_role(partnership.id, role):
            user.roles.append(StaffMembership(partnership_id=partnership.id, role=role))
            added.append((partnership, role))
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
    return added


def set_password(
    uow: UnitOfWork, user: StaffUser, password: str, *, keep_token: str | None = None
) -> None:
    """A new password (checked against the rules); ends every session of the account but the
    one of ``keep_token`` and every reset link still open."""
    session = uow.session
    user.password_hash = hash_password(password, email=user.email, name=user.name)
    _revoke_sessions(session, user, keep_token=keep_token)
    _close_reset_links(session, user)
    audit.record(session, uow.actor, "staff.set_password", "staff_user", user.id)
    session.flush()


def deactivate(uow: UnitOfWork, user: StaffUser) -> None:
    """Lock the account and end every session of it on the server."""
    session = uow.session
    user.active = False
    _revoke_sessions(session, user)
    _close_reset_links(session, user)
    audit.record(session, uow.actor, "staff.deactivate", "staff_user", user.id)
    session.flush()


def _revoke_sessions(session: Session, user: StaffUser, *, keep_token: str | None = None) -> None:
    condition = [StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None)]
    if keep_token:
        condition.append(StaffSession.token_hash != _token_hash(keep_token))
    session.execute(update(StaffSession).where(*condition).values(revoked_at=utcnow()))


# -- login -------------------------------------------------------------------------------------


def address_key(address: str) -> str:
    """What the limits count an address as: an IPv4 address itself, an IPv6 address as its
    /64 network (a single connection usually has the whole /64 to pick addresses from)."""
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _failures(session: Session, *conditions: ColumnElement[bool]) -> int:
    since = utcnow() - LIMIT_WINDOW
    count = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            *conditions,
            LoginAttempt.created_at >= since,
            LoginAttempt.succeeded.is_(False),
        )
    )
    return int(count or 0)


def _known_address(session: Session, email: str, key: str) -> bool:
    since = utcnow() - KNOWN_ADDRESS_PERIOD
    found = session.scalar(
        select(LoginAttempt.id)
        .where(
            LoginAttempt.email == email,
            LoginAttempt.address == key,
            LoginAttempt.succeeded.is_(True),
            LoginAttempt.created_at >= since,
        )
        .limit(1)
    )
    return found is not None


def _limited(session: Session, email: str, key: str) -> bool:
    """Whether a login of ``email`` from the address ``key`` must wait (see the limits)."""
    if (
        _failures(session, LoginAttempt.email == email, LoginAttempt.address == key)
        >= ACCOUNT_ADDRESS_LIMIT
    ):
        return True
    if _failures(session, LoginAttempt.address == key) >= ADDRESS_LIMIT:
        return True
    if _failures(session, LoginAttempt.email == email) >= ACCOUNT_LIMIT:
        return not _known_address(session, email, key)
    return False


def _verify(user: StaffUser | None, password: str) -> bool:
    try:
        return _hasher.verify(
            user.password_hash if user and user.password_hash else _dummy_hash(), password
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


# the invitation of a new account (operations/accounts.py) stores its link the same way
token_hash = _token_hash


def log_in(uow: UnitOfWork, email: str, password: str, address: str) -> Login:
    """Check the credentials under the rate limits; on success open a server-side session.

    ``address`` is the client's real address (service/web/proxy.py); the audit log keeps it
    whole. A refused attempt is not counted again: the lock-out lasts a window after the last
    real guess, and hammering a locked account does not push any count up. The caller
    commits in every case: failed attempts must be counted.
    """
    session = uow.session
    email = email.strip().lower()[:254]
    address = address[:64]
    key = address_key(address)
    if _limited(session, email, key):
        audit.record(
            session, "anonymous", "staff.login_limited", "staff_login", "", address=address
        )
        return Login(LoginResult.limited)
    user = find_user(session, email)
    ok = _verify(user, password)
    if not ok or user is None or not user.active:
        session.add(LoginAttempt(email=email, address=key, succeeded=False))
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
    session.add(LoginAttempt(email=email, address=key, succeeded=True))
    user.last_login_at = utcnow()
    audit.record(session, staff_actor(user), "staff.login", "staff_user", user.id, address=address)
    session.flush()
    return Login(LoginResult.ok, user, token)


def session_user(session: Session, token: str | None) -> StaffUser | None:
    """The active user of a live session token, else None (revoked, idle, too old,
    deactivated). Takes the session, not a unit of work: the request's unit of work is built
    from its answer (its actor). Notes the session's last use (at most once a minute)."""
    if not token:
        return None
    row = session.scalars(
        select(StaffSession).where(StaffSession.token_hash == _token_hash(token))
    ).one_or_none()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    if now - row.last_seen_at > SESSION_IDLE or now - row.created_at > SESSION_LIFETIME:
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    return row.user


def log_out(uow: UnitOfWork, token: str | None) -> None:
    if not token:
        return
    session = uow.session
    row = session.scalars(
        select(StaffSession).where(StaffSession.token_hash == _token_hash(token))
    ).one_or_none()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, staff_actor(row.user), "staff.logout", "staff_user", row.user_id)
    session.flush()


# -- changing and resetting a password ---------------------------------------------------------


def change_password(
    uow: UnitOfWork,
    user: StaffUser,
    current: str,
    new: str,
    *,
    token: str | None,
    address: str,
) -> None:
    """The user's own change: the current password is required, and wrong ones count against
    the login limits (a borrowed session must not become a way to guess it). Ends the user's
    other sessions; the one of ``token`` stays. The caller commits in every case."""
    session = uow.session
    key = address_key(address[:64])
    if _limited(session, user.email, key):
        raise TooManyAttempts(user.email)
    if not _verify(user, current):
        session.add(LoginAttempt(email=user.email, address=key, succeeded=False))
        audit.record(
            session,
            staff_actor(user),
            "staff.password_change_refused",
            "staff_user",
            user.id,
            address=address[:64],
        )
        session.flush()
        raise WrongPassword(user.email)
    user.password_hash = hash_password(new, email=user.email, name=user.name)
    _revoke_sessions(session, user, keep_token=token)
    _close_reset_links(session, user)
    audit.record(
        session,
        staff_actor(user),
        "staff.password_change",
        "staff_user",
        user.id,
        address=address[:64],
    )
    session.flush()


def issue_reset_token(uow: UnitOfWork, user: StaffUser, lifetime: timedelta) -> str:
    """A new link token that sets ``user``'s password once within ``lifetime``; only its hash
    is stored. Used by the reset request and by the invitation of a new account."""
    return _issue_reset_token(uow.session, user, lifetime)


def _issue_reset_token(session: Session, user: StaffUser, lifetime: timedelta) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    session.add(
        StaffPasswordReset(
            token_hash=_token_hash(token), user=user, created_at=now, expires_at=now + lifetime
        )
    )
    return token


def request_password_reset(uow: UnitOfWork, email: str, address: str) -> tuple[StaffUser, str]:
    """A reset link token for an active account, only its hash stored; :class:`LookupError`
    when there is none to send – an unknown or deactivated account, or one that got
    :data:`RESETS_PER_HOUR` links within the hour (no mail bombing). The caller answers
    the same in every case."""
    session = uow.session
    user = find_user(session, email[:254])
    if user is None or not user.active:
        raise LookupError(email)
    now = utcnow()
    recent = session.scalar(
        select(func.count())
        .select_from(StaffPasswordReset)
        .where(
            StaffPasswordReset.user_id == user.id,
            StaffPasswordReset.created_at >= now - timedelta(hours=1),
        )
    )
    if int(recent or 0) >= RESETS_PER_HOUR:
        audit.record(
            session,
            "anonymous",
            "staff.password_reset_limited",
            "staff_user",
            user.id,
            address=address[:64],
        )
        raise LookupError(email)
    token = _issue_reset_token(session, user, RESET_LIFETIME)
    audit.record(
        session,
        "anonymous",
        "staff.password_reset_request",
        "staff_user",
        user.id,
        address=address[:64],
    )
    session.flush()
    return user, token


def _open_reset(session: Session, token: str | None) -> StaffPasswordReset:
    if not token or len(token) > 200:
        raise InvalidResetLink()
    row = session.scalars(
        select(StaffPasswordReset).where(StaffPasswordReset.token_hash == _token_hash(token))
    ).one_or_none()
    if row is None or row.used_at is not None or row.expires_at < utcnow() or not row.user.active:
        raise InvalidResetLink()
    return row


def reset_link_user(session: Session, token: str | None) -> StaffUser:
    """The account a reset link is for, while the link is good; else InvalidResetLink."""
    return _open_reset(session, token).user


def reset_password(uow: UnitOfWork, token: str | None, password: str, address: str) -> StaffUser:
    """Set the new password of a reset link (:class:`WeakPassword` leaves the link open for
    another try); the link and every other one of the account are used up, every session of
    the account ends."""
    session = uow.session
    row = _open_reset(session, token)
    user = row.user
    user.password_hash = hash_password(password, email=user.email, name=user.name)
    _revoke_sessions(session, user)
    _close_reset_links(session, user)
    audit.record(
        session,
        staff_actor(user),
        "staff.password_reset",
        "staff_user",
        user.id,
        address=address[:64],
    )
    session.flush()
    return user


def _close_reset_links(session: Session, user: StaffUser) -> None:
    session.execute(
        update(StaffPasswordReset)
        .where(StaffPasswordReset.user_id == user.id, StaffPasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )


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


DEMO_EMAILS = tuple(email for email, _name, _roles in DEMO_ACCOUNTS)


def active_demo_accounts(session: Session) -> list[str]:
    """The demo accounts that can sign in: their password is in the README, so production
    must not start while one of them is active (`foerderwerk serve`)."""
    return list(
        session.scalars(
            select(StaffUser.email)
            .where(StaffUser.email.in_(DEMO_EMAILS), StaffUser.active.is_(True))
            .order_by(StaffUser.email)
        )
    )


def load_demo_staff(session: Session, partnership: Partnership) -> int:
    """The demo's staff accounts; existing ones are left alone. Returns how many were made.
    Part of the demo loader (operations/demo.py), which fills a bare session – also the test
    suite's template databases, built without an app."""
    created = 0
    for email, name, roles in DEMO_ACCOUNTS:
        if find_user(session, email) is None:
            created += 1
        _add_staff_user(
            session,
            email,
            name,
            DEMO_PASSWORD,
            [(partnership, role) for role in roles],
            Actor.system("demo"),
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
    # the frozen copy states its date of receipt; the fallback keeps the verdict repeatable
    day = application.submitted_on or application.created_at.date()
    # a decided application is judged by the guideline version of its decision (issue 16.2)
    return check_application(
        data, rules_for(application), committed_amount(session, fund), today=day
    )


def _touch(application: Application, version: int) -> None:
    # R19: the form's version must be the stored one; touching the row makes the UPDATE
    # carry the version check and raise the counter for the next editor.
    application.check_version(version)
    application.updated_at = utcnow()


def formal_check_of(session: Session, application: Application) -> FormalCheck | None:
    return session.get(FormalCheck, application.id)


def save_formal_check(
    uow: UnitOfWork,
    application: Application,
    version: int,
    items: dict[str, bool],
    note: str,
    user: StaffUser,
) -> FormalCheck:
    session = uow.session
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
    uow: UnitOfWork, application: Application, body: str, visible: bool, user: StaffUser
) -> ApplicationComment:
    session = uow.session
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
    uow: UnitOfWork,
    application: Application,
    version: int,
    due_on: date,
    message: str,
    user: StaffUser,
) -> None:
    """Return the application to the applicant with a question and an answer deadline."""
    _touch(application, version)
    application.move_to(
        _step(application.state, ApplicationState.info_requested), today=uow.today()
    )
    application.info_due_on = due_on
    add_comment(uow, application, message, True, user)
    audit.record(
        uow.session,
        staff_actor(user),
        "application.request_info",
        "application",
        application.id,
        partnership_id=application.fund.partnership_id,
        due_on=due_on.isoformat(),
    )
    uow.session.flush()


_NOT_NOW = Message(N_("This step is not possible in the application's current state."))


class MoveNotAllowed(TransitionRefused):
    """Not a step staff take by hand, or not from the application's current state."""

    def __init__(self) -> None:
        super().__init__(_NOT_NOW)


def _step(current: ApplicationState, target: ApplicationState) -> ApplicationState:
    if not can_transition(current, target):
        raise MoveNotAllowed
    return target


def move_application(
    uow: UnitOfWork,
    application: Application,
    version: int,
    target: ApplicationState,
    user: StaffUser,
) -> None:
    """One of the coordination office's moves by hand; withdrawing or closing the file
    records the unit of work's today as the day it ended (R26)."""
    if target not in MANUAL_MOVES:
        raise MoveNotAllowed
    session = uow.session
    _touch(application, version)
    before = application.state
    application.move_to(_step(application.state, target), today=uow.today())
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
